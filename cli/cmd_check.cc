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
#include <csignal>
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

/* Exit status of a campaign a SIGINT or SIGTERM stopped (128 + SIGINT). */
constexpr int kInterruptedStatus = 130;

/* Set by the first SIGINT/SIGTERM; the campaign polls it at every step. */
volatile std::sig_atomic_t g_stop = 0;

/*
 * on_stop - the first SIGINT or SIGTERM asks the campaign to stop and report
 * (SA_RESETHAND: a second one kills as usual).
 */
void on_stop(int)
{
	g_stop = 1;
}

/* The subcommand, to tell which scope flags were given on the command line. */
CLI::App *g_check_cmd = nullptr;

bool flag_given(const char *name)
{
	const CLI::Option *o = g_check_cmd ? g_check_cmd->get_option_no_throw(name) : nullptr;
	return o && o->count() > 0;
}

/*
 * apply_needs_not_given - the config the mutant needs (MutantInfo::needs:
 * `arch=no_gather`, `prefault=old`) for every setting the command line did
 * not give, so `check --mutant M` runs the code M breaks. A setting given
 * that contradicts the needs is kept, with a note: that run cannot kill M.
 */
Config apply_needs_not_given(const Config &cfg)
{
	const Config need = props::apply_mutant_needs(cfg);
	Config out = cfg;
	auto take = [&](bool differs, const char *flag, auto Config::*field) {
		if (!differs)
			return;
		if (flag_given(flag)) {
			std::fprintf(stderr, "check: note: mutant %s shows only with %s\n",
				     std::string(mutant_name(cfg.mutant)).c_str(),
				     std::string(props::mutant_needs(cfg.mutant)).c_str());
			return;
		}
		out.*field = need.*field;
		std::fprintf(stderr, "check: mutant %s needs %s: applied\n",
			     std::string(mutant_name(cfg.mutant)).c_str(),
			     std::string(props::mutant_needs(cfg.mutant)).c_str());
	};
	take(need.variant != cfg.variant, "--variant", &Config::variant);
	take(need.arch != cfg.arch, "--arch", &Config::arch);
	take(need.prefault != cfg.prefault, "--prefault", &Config::prefault);
	return out;
}

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
	if (r.interrupted)
		std::printf("  (interrupted while shrinking: the trace is shrunk only so far)\n");
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

/*
 * print_key_events_missing - the four biased cases that never
 * occurred, of those @sc can show: after a campaign of any length, a sign
 * the generators drifted.
 */
void print_key_events_missing(const props::GenStats &s, const Scope &sc)
{
	std::string names;
	for (props::Event e : s.missing(props::key_events(sc)))
		names += " " + std::string(props::event_name(e));
	if (!names.empty())
		std::printf("check: warning: never generated:%s\n", names.c_str());
	if (!sc.pmd_faults())
		std::printf("check: no PMD THP in this scope (pmd_order %u above max_order %u): "
			    "no pmd_split or large_cow_reuse; --max-order %u or a --pmd-order of "
			    "%u or less brings them in\n",
			    sc.pmd_order, sc.max_order, sc.pmd_order, sc.max_order);
}

void run_check(const CheckFlags &f)
{
	CampaignOptions o;
	o.cfg = f.config.to_config();
	if (o.cfg.mutant != Mutant::none)
		o.cfg = apply_needs_not_given(o.cfg);
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
	std::printf("check: seed %" PRIu64 "  variant=%s arch=%s prefault=%s mutant=%s pmd_order=%u "
		    "max_order=%u procs=%u space=%" PRIu64 " max_ops=%d%s\n",
		    o.seed, std::string(variant_name(o.cfg.variant)).c_str(),
		    std::string(arch_name(o.cfg.arch)).c_str(),
		    std::string(prefault_name(o.cfg.prefault)).c_str(),
		    std::string(mutant_name(o.cfg.mutant)).c_str(), sc.pmd_order, sc.max_order,
		    sc.max_procs, static_cast<uint64_t>(sc.space_pages()), o.max_ops,
		    budget.c_str());
	std::fflush(stdout);

	g_stop = 0;
	o.stop = &g_stop;
	struct sigaction sa = {}, old_int = {}, old_term = {};
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	CampaignResult r = props::run_campaign(o);
	sigaction(SIGINT, &old_int, nullptr);
	sigaction(SIGTERM, &old_term, nullptr);

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
	if (r.interrupted) {
		std::printf("check: interrupted after %" PRIu64 " tests (%" PRIu64
			    " operations) in %.1f s, seed %" PRIu64 "\n",
			    r.tests, r.ops, r.seconds, o.seed);
		std::printf("  rerun: %s\n", r.rerun.c_str());
	} else {
		std::printf("check: passed %" PRIu64 " tests (%" PRIu64 " operations) in %.1f s, "
			    "seed %" PRIu64 "\n",
			    r.tests, r.ops, r.seconds, o.seed);
	}
	std::printf("generation statistics: %s", r.stats.format().c_str());
	print_key_events_missing(r.stats, o.cfg.scope);
	if (r.interrupted)
		throw ExitStatus{kInterruptedStatus};
}

void setup_check(CLI::App &app)
{
	static CheckFlags flags;
	CLI::App *cmd = app.add_subcommand(
		"check", "Run the RapidCheck property campaign: generated operation sequences run "
			 "on both models, every SPEC invariant checked at every visible point, the "
			 "models compared after every step, every statement printed and parsed back");
	g_check_cmd = cmd;
	add_config_flags(cmd, flags.config);
	cmd->add_option("--tests", flags.tests,
			"Stop after this many test cases (default " +
				std::to_string(kDefaultTests) +
				" when --seconds is not given; with --seconds, whichever comes first)");
	cmd->add_option("--seconds", flags.seconds,
			"Stop after this many seconds: the test case running then ends at its next "
			"step, uncounted (shrinking and minimizing a failure come on top, see "
			"--shrink-seconds and --minimize-seconds)");
	cmd->add_option("--seed", flags.seed,
			"RapidCheck seed of the first batch of 100 test cases, the later batches' "
			"seeds derived from it (default: random; printed at the start either way)")
		->each([](const std::string &) { flags.seed_given = true; });
	cmd->add_option("--out", flags.out,
			"Where to write the shrunk trace of a failure, ready for `foliocheck "
			"replay` (default foliocheck-check-SEED.trace)");
	cmd->add_option("--max-ops", flags.max_ops,
			"Largest test size: test cases grow up to this many operations + 1")
		->capture_default_str();
	std::string names;
	for (const props::OpGenerator &g : props::op_generators())
		names += (names.empty() ? "" : ",") + std::string(g.name);
	cmd->add_option("--ops", flags.ops,
			"Operation alphabet: default (= all: every SPEC statement but expect), anon (no page "
			"cache, MADV_FREE, reclaim, mremap, mprotect, swap), or a list of "
			"name[=weight] from " + names)
		->capture_default_str();
	cmd->add_option("--progress", flags.progress,
			"Seconds between progress lines on stderr (tests, operations, time; "
			"shrinks while shrinking)")
		->capture_default_str();
	cmd->add_option("--shrink-seconds", flags.shrink_seconds,
			"Budget for RapidCheck's shrinking after a failure")
		->capture_default_str();
	cmd->add_option("--minimize-seconds", flags.minimize_seconds,
			"Budget for minimizing the shrunk trace further (remove statements, "
			"rename, fewer pages, lower orders)")
		->capture_default_str();
	cmd->add_flag("--quiet", flags.quiet, "No progress lines");
	cmd->footer(
		"On success prints the generation statistics: how often each biased case "
		"(PMD split, partial unmap, fork of a pinned folio, COW reuse of a large "
		"folio, ...) occurred. With --mutant, the config the mutant needs "
		"(e.g. arch=no_gather) is applied unless the command line sets it. A first "
		"SIGINT or SIGTERM stops the campaign at the next step and prints the seed, the "
		"statistics and the rerun command (a failure being shrunk is written as shrunk "
		"so far); a second one kills it.\n"
		"Exit status: 0 every test case passed, 1 a test case failed (trace written), "
		"2 bad input, 130 interrupted.");
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
