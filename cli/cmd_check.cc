// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_check.cc - `foliocheck check`: the RapidCheck property campaign
 * (props/campaign.h). Prints the seed, progress every few seconds, and on
 * failure the shrunk trace, which it also writes to a file it names. Also
 * the props MutantHunter for `foliocheck mutants --engine props`.
 */
#include "cli/command.h"
#include "props/campaign.h"
#include "props/hunt.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

namespace fc::cli {

namespace {

using props::CampaignOptions;
using props::CampaignProgress;
using props::CampaignResult;

struct CheckFlags {
	ConfigFlags config;
	uint64_t tests = 0;
	double seconds = 0;
	uint64_t seed = 0;
	bool seed_given = false;
	std::string out;
	int max_ops = CampaignOptions{}.max_ops;
	std::string ops = "default";
	double progress = 2;
	double shrink_seconds = CampaignOptions{}.shrink_seconds;
	double minimize_seconds = CampaignOptions{}.minimize_seconds;
	bool quiet = false;
};

/* Test cases when neither --tests nor --seconds is given. */
constexpr uint64_t kDefaultTests = 100;

void print_progress(const CampaignProgress &p)
{
	if (p.shrinking)
		std::fprintf(stderr,
			     "check: shrinking: %" PRIu64 " shrinks tried, %" PRIu64
			     " accepted, %" PRIu64 " ops, %.1f s\n",
			     p.shrinks_tried, p.shrinks_accepted, p.ops, p.elapsed);
	else
		std::fprintf(stderr, "check: %" PRIu64 " tests, %" PRIu64 " ops, %.1f s\n", p.tests,
			     p.ops, p.elapsed);
}

uint64_t random_seed()
{
	std::random_device rd;
	return (uint64_t{rd()} << 32) ^ rd();
}

void print_failure(const CampaignResult &r, const std::string &path)
{
	const props::Counterexample &c = r.counterexample;
	std::printf("check: FAILED after %" PRIu64 " tests (%" PRIu64 " operations, %.2f s): %s\n",
		    r.tests, r.ops, r.seconds, c.verdict.name().c_str());
	std::printf("  %s\n", c.verdict.text.c_str());
	std::string size = c.size >= 0 ? std::to_string(c.size) : "? (shrinking stopped at its budget)";
	std::printf("  seed %" PRIu64 " size %s: %zu operations generated, %zu after shrinking, "
		    "%zu after minimizing (%.1f s in all)\n",
		    c.seed, size.c_str(), c.generated_ops, c.shrunk_ops, c.trace.ops.size(),
		    r.total_seconds);
	std::printf("  rerun: %s\n", c.rerun.c_str());
	std::printf("%s", format_trace(c.trace).c_str());
	std::printf("written to %s (foliocheck replay %s)\n", path.c_str(), path.c_str());
}

void run_check(const CheckFlags &f)
{
	CampaignOptions o;
	o.cfg = f.config.to_config();
	o.seed = f.seed_given ? f.seed : random_seed();
	o.tests = f.tests;
	o.seconds = f.seconds;
	if (!o.tests && o.seconds <= 0)
		o.tests = kDefaultTests;
	if (f.max_ops < 0) {
		std::cerr << "--max-ops: error: must be >= 0\n";
		throw ExitStatus{2};
	}
	o.max_ops = f.max_ops;
	std::string err;
	auto alphabet = props::OpAlphabet::parse(f.ops, &err);
	if (!alphabet) {
		std::cerr << "--ops: error: " << err << "\n";
		throw ExitStatus{2};
	}
	o.alphabet = *alphabet;
	o.shrink_seconds = f.shrink_seconds;
	o.minimize_seconds = f.minimize_seconds;
	if (!f.quiet) {
		o.progress = print_progress;
		o.progress_interval = f.progress;
	}

	const Scope &sc = o.cfg.scope;
	std::string budget;
	if (o.tests)
		budget += " tests=" + std::to_string(o.tests);
	if (o.seconds > 0) {
		char buf[32];
		std::snprintf(buf, sizeof(buf), " seconds=%g", o.seconds);
		budget += buf;
	}
	std::printf("check: seed %" PRIu64 "  variant=%s arch=%s mutant=%s pmd_order=%u "
		    "max_order=%u procs=%u space=%" PRIu64 " max_ops=%d%s\n",
		    o.seed, std::string(variant_name(o.cfg.variant)).c_str(),
		    std::string(arch_name(o.cfg.arch)).c_str(),
		    std::string(mutant_name(o.cfg.mutant)).c_str(), sc.pmd_order, sc.max_order,
		    sc.max_procs, static_cast<uint64_t>(sc.space_pages()), o.max_ops,
		    budget.c_str());
	std::fflush(stdout);

	for (const MutantInfo &m : mutant_catalogue())
		if (m.mutant == o.cfg.mutant && !m.needs.empty() &&
		    props::apply_mutant_needs(o.cfg).arch != o.cfg.arch)
			std::fprintf(stderr, "check: note: mutant %s shows only with %s\n",
				     std::string(m.name).c_str(), std::string(m.needs).c_str());

	CampaignResult r = props::run_campaign(o);
	if (!r.error.empty()) {
		std::cerr << "check: error: " << r.error << "\n";
		throw ExitStatus{2};
	}
	if (r.failed) {
		std::string path = f.out.empty() ? "foliocheck-check-" + std::to_string(o.seed) + ".trace"
						 : f.out;
		std::string text = props::format_counterexample(r.counterexample);
		print_failure(r, path);
		std::string werr;
		if (!props::write_text_file(path, text, &werr)) {
			std::cerr << path << ": error: " << werr << "\n";
			throw ExitStatus{2};
		}
		throw ExitStatus{1};
	}
	std::printf("check: passed %" PRIu64 " tests (%" PRIu64 " operations) in %.1f s, seed %" PRIu64
		    "\n",
		    r.tests, r.ops, r.seconds, o.seed);
	std::printf("generation statistics: %s", r.stats.format().c_str());
}

void setup_check(CLI::App &app)
{
	static CheckFlags flags;
	CLI::App *cmd = app.add_subcommand(
		"check", "Run the RapidCheck property campaign: differential check and invariants "
			 "over generated operation sequences");
	add_config_flags(cmd, flags.config);
	cmd->add_option("--tests", flags.tests,
			"Test cases to run (default " + std::to_string(kDefaultTests) +
				" when --seconds is not given)");
	cmd->add_option("--seconds", flags.seconds, "Stop after this many seconds");
	cmd->add_option("--seed", flags.seed, "RapidCheck seed (default: random, printed)")
		->each([](const std::string &) { flags.seed_given = true; });
	cmd->add_option("--out", flags.out,
			"Where to write a failing trace (default foliocheck-check-SEED.trace)");
	cmd->add_option("--max-ops", flags.max_ops,
			"Largest test size: a test case runs up to this many operations + 1")
		->capture_default_str();
	std::string names;
	for (const props::OpGenerator &g : props::op_generators())
		names += (names.empty() ? "" : ",") + std::string(g.name);
	cmd->add_option("--ops", flags.ops,
			"Operations to generate: default, all, anon, or name[=weight],... (" + names +
				")")
		->capture_default_str();
	cmd->add_option("--progress", flags.progress, "Seconds between progress lines")
		->capture_default_str();
	cmd->add_option("--shrink-seconds", flags.shrink_seconds,
			"Budget for RapidCheck's shrinking after a failure")
		->capture_default_str();
	cmd->add_option("--minimize-seconds", flags.minimize_seconds,
			"Budget for minimizing the shrunk trace")
		->capture_default_str();
	cmd->add_flag("--quiet", flags.quiet, "No progress lines");
	cmd->callback([] { run_check(flags); });
}

/*
 * hunt - the property campaign as a mutant hunter (props/hunt.h): @cfg with
 * the mutant's needed config, seeded @seed, until a counterexample that
 * passes without the mutant, or @budget_seconds. The trace goes to the temp
 * directory.
 */
MutantHunt hunt(const Config &cfg, double budget_seconds, uint64_t seed)
{
	CampaignOptions o;
	o.cfg = cfg;
	o.seed = seed;
	o.collect_stats = false;
	o.shrink_seconds = 20;
	o.minimize_seconds = 10;

	MutantHunt h;
	props::HuntResult r = props::hunt_mutant(o, budget_seconds > 0 ? budget_seconds : 10);
	h.tests = r.tests;
	h.seconds = r.seconds;
	std::string also;
	if (r.not_the_mutant)
		also = " (" + std::to_string(r.not_the_mutant) +
		       " failures the unmutated model shares, first: " +
		       r.not_the_mutant_examples.front().second.name() + ")";
	if (!r.killed) {
		h.note = (r.error.empty() ? "no kill in " + std::to_string(r.tests) + " tests"
					  : r.error) +
			 also;
		return h;
	}
	h.killed = true;
	h.trace_ops = r.kill.trace.ops.size();
	h.note = r.kill.verdict.name() + also;
	std::filesystem::path p = std::filesystem::temp_directory_path() /
				  ("foliocheck-props-" + std::string(mutant_name(cfg.mutant)) + ".trace");
	if (props::write_text_file(p.string(), props::format_counterexample(r.kill), nullptr))
		h.trace_file = p.string();
	return h;
}

} // namespace

FOLIOCHECK_COMMAND(check, setup_check);
FOLIOCHECK_MUTANT_HUNTER(props, hunt);

} // namespace fc::cli
