// SPDX-License-Identifier: GPL-2.0
/*
 * campaign.cc - `foliocheck fuzz`: libFuzzer in fork mode, or the
 * in-process engine, with a resumable corpus and crashes made into traces.
 */
#include "fuzz/campaign.h"

#include "fuzz/engine.h"
#include "fuzz/libfuzzer.h"
#include "fuzz/seed_corpus.h"
#include "fuzz/subprocess.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace fc::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
	return std::chrono::duration<double>(Clock::now() - t).count();
}

const char *target_binary(FuzzTarget t)
{
	return t == FuzzTarget::differential ? "fuzz_differential" : "fuzz_trace_parser";
}

/* Files in @dir whose names start with one of libFuzzer's artifact prefixes. */
std::vector<std::string> crash_files(const std::string &dir)
{
	std::vector<std::string> out;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(dir, ec)) {
		std::string n = e.path().filename().string();
		for (const char *p : {"crash-", "timeout-", "oom-", "leak-"})
			if (n.rfind(p, 0) == 0 && n.find(".tmp.") == std::string::npos)
				out.push_back(e.path().string());
	}
	std::sort(out.begin(), out.end());
	return out;
}

size_t count_files(const std::string &dir)
{
	size_t n = 0;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(dir, ec))
		n += e.is_regular_file();
	return n;
}

uint64_t hash_bytes(const std::vector<uint8_t> &b)
{
	uint64_t h = 1469598103934665603ull;
	for (uint8_t c : b) {
		h ^= c;
		h *= 1099511628211ull;
	}
	return h;
}

std::string hex(uint64_t v)
{
	char buf[20];
	std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
	return buf;
}

/*
 * struct Campaign - one run: the options, the clock, and what to say
 * when.
 */
struct Campaign {
	explicit Campaign(const CampaignOptions &opts) : o(opts) {}

	const CampaignOptions &o;
	CampaignResult r;
	Clock::time_point start = Clock::now();
	Clock::time_point next_status = Clock::now();
	std::string seeds_dir;
	std::string log;

	void say(const std::string &s) const
	{
		if (o.say)
			o.say(s);
	}
	int interrupts() const { return o.interrupted ? *o.interrupted : 0; }
	bool time_up() const { return o.seconds > 0 && since(start) >= o.seconds; }

	bool prepare_dirs();
	bool write_seeds_dir();
	bool run_libfuzzer();
	void merge_libfuzzer();
	bool run_in_process();
	bool swap_in_corpus(const std::string &merged);
	void status_due(uint64_t execs, uint64_t eps, uint64_t cov, uint64_t ft, uint64_t corpus,
			const char *cov_name);
};

bool Campaign::prepare_dirs()
{
	std::error_code ec;
	for (const std::string &d : {o.corpus_dir, o.crash_dir}) {
		fs::create_directories(d, ec);
		if (ec) {
			r.error = d + ": " + ec.message();
			return false;
		}
	}
	seeds_dir = (fs::path(o.crash_dir) / "seeds").string();
	log = (fs::path(o.crash_dir) / "fuzz.log").string();
	return true;
}

/* The seeds, regenerated every run: the trace corpus may have grown. */
bool Campaign::write_seeds_dir()
{
	std::error_code ec;
	fs::remove_all(seeds_dir, ec);
	fs::create_directories(seeds_dir, ec);
	std::vector<std::string> traces = find_traces(o.traces_dir);
	if (o.target == FuzzTarget::trace_parser) {
		for (const std::string &t : traces)
			fs::copy_file(t, fs::path(seeds_dir) / (fs::path(t).parent_path().filename().string() +
								 "-" + fs::path(t).filename().string()),
				      fs::copy_options::overwrite_existing, ec);
		say("fuzz: " + std::to_string(traces.size()) + " traces as seeds");
		return true;
	}
	std::vector<Seed> seeds = encode_seeds(traces, o.fc);
	size_t written = 0, bad = 0;
	for (const Seed &s : seeds)
		bad += !s.error.empty();
	if (!write_seeds(seeds, seeds_dir, &written, &r.error))
		return false;
	say("fuzz: " + std::to_string(written) + " seeds from " + std::to_string(traces.size()) +
	    " traces in " + o.traces_dir +
	    (bad ? " (" + std::to_string(bad) + " do not parse, left out)" : ""));
	return true;
}

void Campaign::status_due(uint64_t execs, uint64_t eps, uint64_t cov, uint64_t ft, uint64_t corpus,
			  const char *cov_name)
{
	if (Clock::now() < next_status)
		return;
	next_status = Clock::now() + std::chrono::duration_cast<Clock::duration>(
					     std::chrono::duration<double>(o.status_interval));
	say(format_status(since(start), execs, eps, cov, ft, corpus,
			  crash_files(o.crash_dir).size(), cov_name));
}

/* libFuzzer's flags shared by fuzzing and merging. */
std::vector<std::string> common_flags(const CampaignOptions &o, const std::string &bin)
{
	std::vector<std::string> a = {bin};
	size_t max_len = o.target == FuzzTarget::differential ? o.fc.max_len() : 4096;
	a.push_back("-max_len=" + std::to_string(max_len));
	/*
	 * A slow input is not a bug: one of 32 statements around a 512-page
	 * folio can take a second without sanitizers and ten times that under
	 * ASan on a loaded machine. Only a hang should be reported.
	 */
	a.push_back("-timeout=" + std::to_string(kLibFuzzerTimeout));
	a.push_back(kLibFuzzerScheduler);
	a.push_back("-artifact_prefix=" + (fs::path(o.crash_dir) / "").string());
	std::string dict = (fs::path(o.fuzzer_dir) / (std::string(target_binary(o.target)) + ".dict"))
				   .string();
	if (fs::exists(dict))
		a.push_back("-dict=" + dict);
	return a;
}

/*
 * run_libfuzzer - fork mode until the time is up or a SIGINT; a libFuzzer
 * that exits early is restarted on the same corpus (its crashes are on
 * disk already), unless it keeps failing at once.
 */
bool Campaign::run_libfuzzer()
{
	const std::string bin = (fs::path(o.fuzzer_dir) / target_binary(o.target)).string();
	const std::vector<std::string> env = env_of(o.fc);
	uint64_t execs_before = 0;
	int quick_failures = 0;
	LibFuzzerStats st;
	LogTail tail(log);

	for (unsigned run = 0;; run++) {
		if (interrupts()) {
			r.interrupted = true;
			break;
		}
		std::vector<std::string> args = common_flags(o, bin);
		args.push_back("-fork=" + std::to_string(std::max(1u, o.jobs)));
		args.push_back("-ignore_crashes=1");
		args.push_back("-ignore_timeouts=1");
		args.push_back("-ignore_ooms=1");
		args.push_back("-print_final_stats=1");
		if (o.seed)
			args.push_back("-seed=" + std::to_string(o.seed + run));
		if (o.seconds > 0) {
			double left = o.seconds - since(start);
			if (left < 1)
				break;
			args.push_back("-max_total_time=" + std::to_string(static_cast<long>(std::ceil(left))));
		}
		args.push_back(o.corpus_dir);
		args.push_back(seeds_dir);

		Subprocess p;
		if (!p.start(args, env, log, &r.error))
			return false;
		const auto began = Clock::now();
		st = LibFuzzerStats{};
		while (!p.poll()) {
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			tail.read([&](std::string_view line) { parse_libfuzzer_line(line, &st); });
			if (interrupts()) {
				say("fuzz: interrupted; stopping libFuzzer (its corpus and crashes are on disk)");
				p.stop(10);
				r.interrupted = true;
				break;
			}
			status_due(execs_before + st.execs, st.exec_per_s, st.cov, st.ft,
				   st.corpus ? st.corpus : count_files(o.corpus_dir), "cov");
		}
		tail.read([&](std::string_view line) { parse_libfuzzer_line(line, &st); });
		execs_before += st.execs;
		if (r.interrupted || time_up() || (o.seconds > 0 && o.seconds - since(start) < 2))
			break;
		if (since(began) < 10 && ++quick_failures >= 3) {
			r.error = "libFuzzer keeps exiting at once (status " + std::to_string(p.status()) +
				  "); see " + log;
			return false;
		}
		say("fuzz: libFuzzer exited early (status " + std::to_string(p.status()) +
		    "); restarting on the same corpus");
	}
	r.execs = execs_before;
	return true;
}

/* Replace the corpus by @merged, never leaving the directory empty or half-written. */
bool Campaign::swap_in_corpus(const std::string &merged)
{
	std::error_code ec;
	std::string old = o.corpus_dir + ".old";
	fs::remove_all(old, ec);
	fs::rename(o.corpus_dir, old, ec);
	if (ec) {
		say("fuzz: cannot move the corpus aside: " + ec.message());
		return false;
	}
	fs::rename(merged, o.corpus_dir, ec);
	if (ec) {
		fs::rename(old, o.corpus_dir, ec);
		say("fuzz: cannot swap in the merged corpus; kept the old one");
		return false;
	}
	fs::remove_all(old, ec);
	return true;
}

/* -merge=1 into a fresh directory, swapped in only when complete. */
void Campaign::merge_libfuzzer()
{
	const std::string bin = (fs::path(o.fuzzer_dir) / target_binary(o.target)).string();
	const std::string merged = o.corpus_dir + ".merge";
	std::error_code ec;
	fs::remove_all(merged, ec);
	fs::create_directories(merged, ec);
	size_t before = count_files(o.corpus_dir);
	std::vector<std::string> args = common_flags(o, bin);
	args.push_back("-merge=1");
	args.push_back(merged);
	args.push_back(o.corpus_dir);
	Subprocess p;
	std::string err;
	say("fuzz: merging and minimizing the corpus (" + std::to_string(before) +
	    " inputs; Ctrl-C keeps it as it is)");
	if (!p.start(args, env_of(o.fc), log, &err)) {
		say("fuzz: merge not started: " + err);
		return;
	}
	const int at_start = interrupts();
	while (!p.poll()) {
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
		if (interrupts() != at_start) {
			p.stop(2);
			say("fuzz: merge interrupted; the corpus is unchanged");
			fs::remove_all(merged, ec);
			return;
		}
	}
	if (p.status() != 0 || (before > 0 && count_files(merged) == 0)) {
		say("fuzz: merge failed (status " + std::to_string(p.status()) +
		    "); the corpus is unchanged, see " + log);
		fs::remove_all(merged, ec);
		return;
	}
	if (swap_in_corpus(merged))
		say("fuzz: corpus merged: " + std::to_string(before) + " -> " +
		    std::to_string(count_files(o.corpus_dir)) + " inputs");
}

/* The in-process engine with the same directories: seeds + corpus in, corpus + crashes out. */
bool Campaign::run_in_process()
{
	EngineOptions eo;
	eo.fc = o.fc;
	eo.jobs = std::max(1u, o.jobs);
	eo.seconds = o.seconds;
	eo.seed = o.seed ? o.seed : static_cast<uint64_t>(Clock::now().time_since_epoch().count());
	eo.stop_on_failure = false;
	eo.status_interval = std::min(o.status_interval, 10.0);
	for (const std::string &dir : {o.corpus_dir, seeds_dir}) {
		std::error_code ec;
		for (const auto &e : fs::directory_iterator(dir, ec)) {
			std::vector<uint8_t> b;
			std::string err;
			if (e.is_regular_file() && read_bytes(e.path().string(), &b, &err))
				eo.seeds.push_back(std::move(b));
		}
	}
	/* with no time limit, run until interrupted */
	if (eo.seconds <= 0)
		eo.seconds = 1e12;
	size_t crashes_before = crash_files(o.crash_dir).size();
	eo.status = [&](const EngineStatus &s) {
		say(format_status(s.seconds, s.execs, s.seconds > 0 ? uint64_t(s.execs / s.seconds) : 0,
				  s.features, 0, s.corpus, crashes_before + s.failures, "features"));
	};
	eo.should_stop = [&] { return interrupts() != 0; };
	EngineResult res = run_engine(eo);
	r.interrupted = interrupts() != 0;
	r.execs = res.status.execs;

	std::string err;
	for (const EngineFailure &f : res.failures) {
		std::string path = (fs::path(o.crash_dir) / ("crash-" + hex(hash_bytes(f.input)))).string();
		if (!write_bytes(path, f.input.data(), f.input.size(), &err))
			say("fuzz: " + err);
	}
	/* The engine kept what showed new features: that is the minimized corpus. */
	const std::string merged = o.corpus_dir + ".merge";
	std::error_code ec;
	fs::remove_all(merged, ec);
	fs::create_directories(merged, ec);
	for (const auto &in : res.corpus)
		if (!write_bytes((fs::path(merged) / hex(hash_bytes(in))).string(), in.data(), in.size(),
				 &err))
			say("fuzz: " + err);
	size_t before = count_files(o.corpus_dir);
	if (swap_in_corpus(merged))
		say("fuzz: corpus kept: " + std::to_string(before) + " -> " +
		    std::to_string(count_files(o.corpus_dir)) + " inputs");
	return true;
}

/* crashes.index: "<crash file>\t<name>\t<trace file or ->\t<ops>" per processed crash file. */
std::map<std::string, CampaignCrash> read_index(const std::string &path)
{
	std::map<std::string, CampaignCrash> idx;
	std::ifstream f(path);
	std::string line;
	while (std::getline(f, line)) {
		std::istringstream ss(line);
		CampaignCrash c;
		std::string trace;
		if (std::getline(ss, c.input, '\t') && std::getline(ss, c.name, '\t') &&
		    std::getline(ss, trace, '\t') && (ss >> c.trace_ops)) {
			c.trace_file = trace == "-" ? "" : trace;
			idx[c.input] = c;
		}
	}
	return idx;
}

} // namespace

std::string format_status(double seconds, uint64_t execs, uint64_t exec_per_s, uint64_t cov,
			  uint64_t ft, uint64_t corpus, uint64_t crashes, const char *cov_name)
{
	long s = static_cast<long>(seconds);
	char buf[256];
	if (ft)
		std::snprintf(buf, sizeof(buf),
			      "fuzz: %ld:%02ld:%02ld  execs %llu (%llu/s)  %s %llu ft %llu  corpus %llu  "
			      "crashes %llu",
			      s / 3600, s / 60 % 60, s % 60, (unsigned long long)execs,
			      (unsigned long long)exec_per_s, cov_name, (unsigned long long)cov,
			      (unsigned long long)ft, (unsigned long long)corpus,
			      (unsigned long long)crashes);
	else
		std::snprintf(buf, sizeof(buf),
			      "fuzz: %ld:%02ld:%02ld  execs %llu (%llu/s)  %s %llu  corpus %llu  "
			      "crashes %llu",
			      s / 3600, s / 60 % 60, s % 60, (unsigned long long)execs,
			      (unsigned long long)exec_per_s, cov_name, (unsigned long long)cov,
			      (unsigned long long)corpus, (unsigned long long)crashes);
	return buf;
}

std::vector<CampaignCrash> trace_crashes(const std::string &crash_dir, const FuzzConfig &fc,
					 FuzzTarget target, double minimize_seconds,
					 const std::function<void(const std::string &)> &say)
{
	const std::string index_path = (fs::path(crash_dir) / "crashes.index").string();
	std::map<std::string, CampaignCrash> idx = read_index(index_path);
	std::ofstream index(index_path, std::ios::app);
	for (const std::string &path : crash_files(crash_dir)) {
		std::string file = fs::path(path).filename().string();
		if (idx.count(file))
			continue;
		CampaignCrash c;
		c.input = file;
		c.fresh = true;
		c.name = "crash";
		std::vector<uint8_t> bytes;
		std::string err;
		if (target == FuzzTarget::differential && read_bytes(path, &bytes, &err)) {
			if (say)
				say("fuzz: minimizing " + file);
			std::optional<CrashTrace> t = trace_crash(
				bytes, fc, minimize_seconds,
				campaign_name(fc.cfg) + ", " + file);
			if (t) {
				c.name = t->failure.name();
				c.trace_file = crash_trace_name(*t);
				c.trace_ops = t->trace.ops.size();
				std::string tp = (fs::path(crash_dir) / c.trace_file).string();
				if (!fs::exists(tp) && !write_bytes(tp, t->text.data(), t->text.size(), &err) && say)
					say("fuzz: " + err);
			} else {
				c.name = file.rfind("crash-", 0) == 0 ? "no-repro" : file.substr(0, file.find('-'));
			}
		}
		index << c.input << '\t' << c.name << '\t' << (c.trace_file.empty() ? "-" : c.trace_file)
		      << '\t' << c.trace_ops << '\n';
		index.flush();
		idx[file] = c;
	}
	/*
	 * One entry per distinct trace (or per crash file when there is none);
	 * it is new if no crash file of an earlier run gave it.
	 */
	auto key_of = [](const std::string &file, const CampaignCrash &c) {
		return c.trace_file.empty() ? file : c.trace_file;
	};
	std::set<std::string> old;
	for (const auto &[file, c] : idx)
		if (!c.fresh)
			old.insert(key_of(file, c));
	std::vector<CampaignCrash> out;
	std::set<std::string> seen;
	for (const auto &[file, c] : idx) {
		const std::string key = key_of(file, c);
		if (!seen.insert(key).second)
			continue;
		out.push_back(c);
		out.back().fresh = !old.count(key);
	}
	return out;
}

CampaignResult run_campaign(const CampaignOptions &o)
{
	Campaign c(o);
	if (!c.prepare_dirs() || !c.write_seeds_dir())
		return c.r;

	bool lf = o.engine != EngineChoice::in_process;
	if (lf) {
		std::string err;
		if (!ensure_libfuzzer(o.fuzzer_dir, o.say, &err, o.interrupted)) {
			/* Ctrl-C during the build: stop here, the corpus untouched */
			if (c.interrupts()) {
				c.r.interrupted = true;
				c.r.error = err;
				return c.r;
			}
			if (o.engine == EngineChoice::libfuzzer || o.target == FuzzTarget::trace_parser) {
				c.r.error = err;
				return c.r;
			}
			c.say("fuzz: " + err + "; using the in-process engine");
			lf = false;
		}
	}
	c.r.engine = lf ? "libFuzzer" : "in-process";
	/*
	 * --time is fuzzing time: a first run spends a minute building the
	 * clang fuzzers, which must not eat a short budget (a 30 s run would
	 * otherwise not fuzz at all).
	 */
	c.start = Clock::now();
	c.say("fuzz: " + c.r.engine + ", " + std::to_string(std::max(1u, o.jobs)) + " jobs, " +
	      (o.seconds > 0 ? std::to_string(static_cast<long>(o.seconds)) + " s"
			     : std::string("until Ctrl-C")) +
	      ", corpus " + o.corpus_dir + ", crashes " + o.crash_dir + ", log " + c.log);
	c.next_status = Clock::now() + std::chrono::duration_cast<Clock::duration>(
					       std::chrono::duration<double>(o.status_interval));
	bool ok = lf ? c.run_libfuzzer() : c.run_in_process();
	if (!ok)
		return c.r;
	if (lf && o.merge)
		c.merge_libfuzzer();
	c.r.seconds = since(c.start);
	c.r.corpus = count_files(o.corpus_dir);
	c.r.crashes = trace_crashes(o.crash_dir, o.fc, o.target, o.minimize_seconds, o.say);
	return c.r;
}

} // namespace fc::fuzz
