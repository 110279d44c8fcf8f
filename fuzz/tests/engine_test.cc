// SPDX-License-Identifier: GPL-2.0
/*
 * engine_test.cc - the in-process engine finds mutants from nothing, a
 * campaign keeps its corpus and turns crashes into traces, and child
 * processes are run and stopped as subprocess.h says.
 */
#include "fuzz/campaign.h"
#include "fuzz/engine.h"
#include "fuzz/subprocess.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fc::fuzz {
namespace {

FuzzConfig small_scope(Mutant m)
{
	FuzzConfig fc;
	fc.cfg.mutant = m;
	fc.cfg.scope.pmd_order = 4;
	fc.cfg.scope.max_order = 4;
	return fc;
}

TEST(Engine, FindsAMutantWithoutSeeds)
{
	EngineOptions o;
	o.fc = small_scope(Mutant::cow_reuse_shared);
	o.jobs = 1;
	o.seconds = 60;
	o.max_execs = 200000;
	o.seed = 5;
	EngineResult r = run_engine(o);
	ASSERT_EQ(r.failures.size(), 1u) << r.status.execs << " execs";
	const DecodedInput &run = r.failures.front().run;
	ASSERT_TRUE(run.failure);
	EXPECT_EQ(run.failure->name(), "exclusive_single_mm");
	EXPECT_GT(r.status.corpus, 0u);
}

TEST(Engine, UnmutatedRunGrowsACorpusAndStopsOnTime)
{
	EngineOptions o;
	o.fc = small_scope(Mutant::none);
	o.jobs = 2;
	o.seconds = 1;
	o.seed = 1;
	EngineResult r = run_engine(o);
	EXPECT_GT(r.status.execs, 100u);
	EXPECT_GT(r.status.features, 10u);
	EXPECT_GT(r.corpus.size(), 5u);
	EXPECT_LT(r.status.seconds, 5);
}

std::string temp_dir(const std::string &name)
{
	fs::path p = fs::temp_directory_path() /
		     ("foliocheck-fuzz-test-" + name + "-" + std::to_string(getpid()));
	fs::remove_all(p);
	return p.string();
}

TEST(Campaign, InProcessKeepsCorpusAndTracesCrashesOnce)
{
	std::string dir = temp_dir("campaign");
	CampaignOptions o;
	o.fc = small_scope(Mutant::cow_reuse_shared);
	o.engine = EngineChoice::in_process;
	o.jobs = 1;
	o.seconds = 2;
	o.seed = 3;
	o.corpus_dir = dir + "/corpus";
	o.crash_dir = dir + "/crashes";
	o.traces_dir = FOLIOCHECK_SOURCE_DIR "/corpus";
	o.minimize_seconds = 10;
	std::vector<std::string> said;
	o.say = [&](const std::string &s) { said.push_back(s); };
	CampaignResult r = run_campaign(o);
	ASSERT_TRUE(r.error.empty()) << r.error;
	EXPECT_EQ(r.engine, "in-process");
	EXPECT_GT(r.execs, 0u);
	EXPECT_GT(r.corpus, 0u);
	ASSERT_FALSE(r.crashes.empty());
	bool found = false;
	for (const CampaignCrash &c : r.crashes) {
		EXPECT_TRUE(c.fresh);
		if (c.name == "exclusive_single_mm") {
			found = true;
			ASSERT_FALSE(c.trace_file.empty());
			std::ifstream f(o.crash_dir + "/" + c.trace_file);
			std::stringstream ss;
			ss << f.rdbuf();
			Trace t = parse_trace(ss.str());
			EXPECT_EQ(t.config.mutant, Mutant::cow_reuse_shared);
			EXPECT_LE(t.ops.size(), 4u);
		}
	}
	EXPECT_TRUE(found);

	/* a second run resumes: the corpus is read back, old crashes are not new */
	size_t corpus = r.corpus;
	CampaignResult again = run_campaign(o);
	ASSERT_TRUE(again.error.empty()) << again.error;
	EXPECT_GE(again.corpus, corpus / 2);
	for (const CampaignCrash &first : r.crashes) {
		auto it = std::find_if(again.crashes.begin(), again.crashes.end(),
				       [&](const CampaignCrash &c) { return c.trace_file == first.trace_file; });
		ASSERT_NE(it, again.crashes.end()) << first.trace_file;
		EXPECT_FALSE(it->fresh) << first.trace_file;
	}
	fs::remove_all(dir);
}

TEST(Subprocess, LogEnvironmentAndStop)
{
	std::string dir = temp_dir("subprocess");
	fs::create_directories(dir);
	std::string log = dir + "/log";
	std::string err;
	{
		Subprocess p;
		ASSERT_TRUE(p.start({"/bin/sh", "-c", "echo value=$FOLIOCHECK_TEST_VALUE"},
				    {"FOLIOCHECK_TEST_VALUE=42"}, log, &err))
			<< err;
		p.wait();
		EXPECT_EQ(p.status(), 0);
	}
	std::ifstream f(log);
	std::string line;
	std::getline(f, line);
	EXPECT_EQ(line, "value=42");
	{
		Subprocess p;
		/* the shell says when its trap is set: no guessing how long that takes */
		const std::string ready = dir + "/ready";
		ASSERT_TRUE(p.start({"/bin/sh", "-c", "trap '' INT; : > " + ready + "; sleep 30"}, {},
				    log, &err))
			<< err;
		for (int i = 0; i < 3000 && !fs::exists(ready); i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		ASSERT_TRUE(fs::exists(ready));
		EXPECT_FALSE(p.poll());
		/* it ignores SIGINT: stop() gives it the grace period, then SIGKILL */
		p.stop(0.3);
		EXPECT_TRUE(p.poll());
		EXPECT_TRUE(p.killed_by_signal());
		EXPECT_EQ(p.status(), 128 + SIGKILL);
	}
	fs::remove_all(dir);
}

} // namespace
} // namespace fc::fuzz
