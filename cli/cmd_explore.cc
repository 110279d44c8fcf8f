// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_explore.cc - `foliocheck explore`: exhaust a small scope breadth-first
 * (explore/explorer.h) and report the shortest counterexample, or what was
 * covered. Also the explorer's MutantHunter for `foliocheck mutants`.
 */
#include "cli/command.h"
#include "cli/report.h"
#include "explore/explorer.h"
#include "model/check/runner.h"

#include <atomic>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

namespace fc::cli {

namespace {

using explore::Counterexample;
using explore::ExploreOptions;
using explore::ExploreProgress;
using explore::ExploreResult;

struct ExploreFlags {
	ConfigFlags config;
	unsigned depth = explore::kDefaultDepth;
	unsigned threads = 0;
	uint64_t max_states = 0;
	uint64_t max_mem_mib = 0;
	double seconds = 0;
	std::string symmetry = "tree";
	std::string ops = "anon";
	std::string out = "explore-counterexample.trace";
	double progress = 5;
	bool skip_visible_points = false;
	std::string spill_dir;
	uint64_t last_level_buffer_mib = 512;
	std::string checkpoint;
	double checkpoint_every = 600;
	bool resume = false;
};

std::string mib(uint64_t bytes)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.1f MiB", bytes / 1048576.0);
	return buf;
}

/*
 * duration - @s seconds as "42 s", "17 min" or "9.6 h": an estimate, so
 * no more digits than it has.
 */
std::string duration(double s)
{
	char buf[32];
	if (s < 120)
		std::snprintf(buf, sizeof(buf), "%.0f s", s);
	else if (s < 7200)
		std::snprintf(buf, sizeof(buf), "%.0f min", s / 60);
	else
		std::snprintf(buf, sizeof(buf), "%.1f h", s / 3600);
	return buf;
}

/*
 * class ProgressPrinter - the progress line. The rates are this run's own
 * since the level it is expanding began (or since a resume), not the
 * whole search's averages, which a resumed search would carry from another
 * machine or another load; from them, how long the level has left.
 */
class ProgressPrinter {
public:
	explicit ProgressPrinter(unsigned depth_bound) : depth_bound_(depth_bound) {}

	void print(const ExploreProgress &p)
	{
		if (!level_start_ || level_start_->depth != p.depth)
			level_start_ = p;
		const ExploreProgress &s = *level_start_;
		const double dt = p.seconds - s.seconds;
		/* the deepest level is counted at its end: until then, its fingerprints and the transition rate */
		char pending[64] = "", rate[48], eta[96] = "";
		if (p.last_level_pending) {
			std::snprintf(pending, sizeof(pending),
				      " (+%" PRIu64 " last-level fingerprints to sort)", p.last_level_pending);
			std::snprintf(rate, sizeof(rate), "%.0f transitions/s",
				      dt > 0 ? (p.found - s.found) / dt
					     : p.seconds > 0 ? p.found / p.seconds : 0.0);
		} else {
			std::snprintf(rate, sizeof(rate), "%.0f states/s",
				      dt > 0 ? (p.distinct - s.distinct) / dt : p.distinct_per_second);
		}
		if (dt > 0 && p.expanded > s.expanded && p.frontier > p.expanded) {
			double per_second = (p.expanded - s.expanded) / dt;
			std::snprintf(eta, sizeof(eta), "  level %.1f%%, %s left at %.0f expanded/s",
				      100.0 * p.expanded / p.frontier,
				      duration((p.frontier - p.expanded) / per_second).c_str(), per_second);
		}
		std::fprintf(stderr,
			     "explore: depth %u/%u  expanded %" PRIu64 "/%" PRIu64 "  found %" PRIu64
			     "  distinct %" PRIu64 "%s  %s%s  rss %s  %.1f s (%.1f s CPU)\n",
			     p.depth, depth_bound_, p.expanded, p.frontier, p.found, p.distinct, pending,
			     rate, eta, mib(p.rss_bytes).c_str(), p.seconds, p.cpu_seconds);
	}

private:
	unsigned depth_bound_;
	std::optional<ExploreProgress> level_start_;
};

std::string scope_line(const Config &cfg, const ExploreOptions &o)
{
	const Scope &sc = cfg.scope;
	std::ostringstream s;
	s << "scope: variant=" << variant_name(cfg.variant) << " arch=" << arch_name(cfg.arch)
	  << " prefault=" << prefault_name(cfg.prefault)
	  << " mutant=" << mutant_name(cfg.mutant) << " pmd_order=" << sc.pmd_order
	  << " max_order=" << sc.max_order << " procs=" << sc.max_procs
	  << " space=" << sc.space_pages() << " depth=" << o.depth
	  << " symmetry=" << explore::symmetry_name(o.canonical.symmetry);
	if (!o.runner.check_visible_points)
		s << " (invariants at statement ends only)";
	return s.str();
}

/*
 * print_side_by_side - the two models' folios after the failing statement,
 * in report.h's dump_page() style: the reference model's line, then the
 * kernel model's where it differs.
 */
void print_side_by_side(const Trace &trace, std::ostream &os)
{
	TraceRun tr = run_trace(trace, Config{});
	std::vector<std::string> ref = format_folio_summary(tr.runner.reference().snapshot());
	std::vector<std::string> ker = format_folio_summary(tr.runner.kernel().snapshot());
	os << "folios after the failing statement (reference model / kernel model):\n";
	for (size_t i = 0; i < std::max(ref.size(), ker.size()); i++) {
		const std::string r = i < ref.size() ? ref[i] : "-";
		const std::string k = i < ker.size() ? ker[i] : "-";
		os << "  reference: " << r << "\n";
		os << "  kernel:    " << (k == r ? std::string("(same)") : k) << "\n";
	}
}

/* The trace file: a comment header saying what it shows, then the trace. */
std::string counterexample_text(const Counterexample &cex)
{
	std::string s = "# foliocheck explore: shortest counterexample (BFS order), " +
			std::to_string(cex.trace.ops.size()) + " statements\n# " + cex.headline() + "\n";
	if (!cex.replayed)
		s += "# warning: replaying this trace did not fail at the same statement\n";
	return s + format_trace(cex.trace);
}

void write_file(const std::string &path, const std::string &text)
{
	std::ofstream f(path);
	f << text;
	if (!f) {
		std::cerr << path << ": error: cannot write the counterexample\n";
		throw ExitStatus{2};
	}
}

void print_summary(const ExploreResult &r, std::ostream &os)
{
	os << "coverage: " << r.coverage() << "\n";
	bool cut = r.stop == explore::StopReason::max_states || r.stop == explore::StopReason::max_mem ||
		   r.stop == explore::StopReason::seconds || r.stop == explore::StopReason::interrupted;
	for (size_t d = 0; d < r.distinct_per_depth.size(); d++)
		os << "  depth " << d << ": " << r.distinct_per_depth[d] << " new distinct states"
		   << (cut && d > r.depth_exhausted ? " (level cut short)" : "") << "\n";
	os << "states found: " << r.found << " (transitions checked; " << r.rejected
	   << " alphabet instances illegal; " << r.replayed << " statements replayed)\n";
	char buf[256];
	std::snprintf(buf, sizeof(buf),
		      "time: %.2f s wall, %.2f s CPU with %u thread%s: %.0f distinct states/s, "
		      "%.0f distinct states and %.0f transitions per CPU second\n",
		      r.seconds, r.cpu_seconds, r.threads, r.threads == 1 ? "" : "s",
		      r.seconds > 0 ? r.distinct / r.seconds : 0.0,
		      r.cpu_seconds > 0 ? r.distinct / r.cpu_seconds : 0.0,
		      r.cpu_seconds > 0 ? r.found / r.cpu_seconds : 0.0);
	os << buf;
	os << "memory: peak rss " << mib(r.peak_rss_bytes) << " (visited set " << mib(r.visited_set_bytes)
	   << ", search tree " << mib(r.tree_bytes);
	if (r.last_level_buffer_bytes)
		os << ", last level sorted in " << mib(r.last_level_buffer_bytes);
	os << ")\n";
	if (r.spill_runs)
		os << "disk: the last level's fingerprints spilled in " << r.spill_runs << " sorted runs, "
		   << mib(r.spilled_bytes) << " written, at most " << mib(r.peak_disk_bytes)
		   << " on disk at once (removed)\n";
	std::snprintf(buf, sizeof(buf),
		      "visited set: 64-bit fingerprints, symmetry group up to %zu; probability that a "
		      "fingerprint collision hid a state <= %.3g\n",
		      r.max_group_size, r.collision_probability);
	os << buf;
	os << "distinct states: " << r.distinct << "\n";
}

std::atomic<bool> interrupted{false};

void on_sigint(int)
{
	interrupted.store(true);
}

void run_explore(const ExploreFlags &f)
{
	ExploreOptions o;
	o.cfg = f.config.to_config();
	o.depth = f.depth;
	o.threads = f.threads ? f.threads : std::max(1u, std::thread::hardware_concurrency());
	o.max_states = f.max_states;
	o.max_mem_bytes = f.max_mem_mib * 1048576;
	o.seconds = f.seconds;
	o.spill_dir = f.spill_dir;
	o.checkpoint_dir = f.checkpoint;
	o.checkpoint_interval = f.checkpoint_every;
	o.resume = f.resume;
	if (f.resume && f.checkpoint.empty()) {
		std::cerr << "--resume: error: needs --checkpoint DIR, the directory the stopped run saved to\n";
		throw ExitStatus{2};
	}
	o.last_level_buffer = f.last_level_buffer_mib * 1048576 / sizeof(uint64_t);
	auto sym = explore::parse_symmetry(f.symmetry);
	if (!sym) {
		std::cerr << "--symmetry: error: unknown symmetry '" << f.symmetry
			  << "' (none, procs, full, tree)\n";
		throw ExitStatus{2};
	}
	o.canonical.symmetry = *sym;
	auto fam = explore::parse_families(f.ops);
	if (!fam) {
		std::cerr << "--ops: error: unknown family in '" << f.ops
			  << "' (fault,read,write,fork,munmap,pin,unpin,get,put,split_pmd,split,shrink,exit; "
			     "file,fault_file,mprotect,mremap,swapout,swapin,madv_free,reclaim; "
			     "anon: the first thirteen; all)\n";
		throw ExitStatus{2};
	}
	o.families = *fam;
	o.runner.check_visible_points = !f.skip_visible_points;
	o.progress_interval = f.progress;
	unsigned depth_bound = f.depth;
	auto printer = std::make_shared<ProgressPrinter>(depth_bound);
	o.on_progress = [printer](const ExploreProgress &p) { printer->print(p); };

	std::cout << scope_line(o.cfg, o) << "\n";
	std::cout << "alphabet: " << explore::Alphabet(o.cfg, o.families).describe() << "\n";
	std::cout.flush();
	/* Ctrl-C: finish the batch in hand, print what was covered, exit 130 */
	o.interrupt = &interrupted;
	auto old_handler = std::signal(SIGINT, on_sigint);
	ExploreResult r;
	try {
		r = explore::explore(o);
	} catch (const std::invalid_argument &e) {
		std::cerr << "explore: error: " << e.what() << "\n";
		throw ExitStatus{2};
	} catch (const std::runtime_error &e) {
		/* a checkpoint or the deepest level's runs could not be written or read */
		std::cerr << "explore: error: " << e.what() << "\n";
		throw ExitStatus{2};
	}
	if (r.resumed)
		std::cout << "resumed from the checkpoint in " << f.checkpoint << "\n";
	if (r.counterexample) {
		const Counterexample &cex = *r.counterexample;
		std::string text = counterexample_text(cex);
		std::cout << "counterexample: " << cex.headline() << "\n" << text;
		print_side_by_side(cex.trace, std::cout);
		write_file(f.out, text);
		std::cout << "written to " << f.out << "\n";
	} else {
		std::cout << "result: no invariant violation, no divergence\n";
	}
	print_summary(r, std::cout);
	if (r.checkpoint_saved)
		std::cout << "checkpoint: saved in " << f.checkpoint
			  << "; the same command with --resume goes on from there\n";
	std::signal(SIGINT, old_handler);
	if (r.counterexample)
		throw ExitStatus{1};
	if (r.stop == explore::StopReason::interrupted)
		throw ExitStatus{130};
}

void setup_explore(CLI::App &app)
{
	static ExploreFlags flags;
	Config small = explore::default_explore_config();
	flags.config.pmd_order = small.scope.pmd_order;
	flags.config.max_order = small.scope.max_order;
	flags.config.procs = small.scope.max_procs;
	flags.config.space = small.scope.space;

	CLI::App *cmd = app.add_subcommand(
		"explore", "Exhaust every operation sequence of a small scope breadth-first");
	add_config_flags(cmd, flags.config);
	cmd->add_option("--depth", flags.depth, "Longest operation sequence")->capture_default_str();
	cmd->add_option("--threads", flags.threads, "Threads expanding the frontier (0: all cores)")
		->capture_default_str();
	cmd->add_option("--max-states", flags.max_states, "Stop at this many distinct states (0: no bound)");
	cmd->add_option("--max-mem", flags.max_mem_mib, "Stop when the RSS exceeds this many MiB (0: no bound)");
	cmd->add_option("--seconds", flags.seconds, "Stop after this many seconds (0: no bound)");
	cmd->add_option("--symmetry", flags.symmetry, "State symmetry reduction: none (folio and handle names only), procs (+ permutations "
			"of the live processes), full (+ permutations of the PMD-sized blocks), tree (+ swaps "
			"of the halves of aligned ranges inside a block that no folio spans)")
		->capture_default_str();
	cmd->add_option("--ops", flags.ops,
			"Alphabet families, comma-separated: anon (the default alphabet), all, "
			"or names (e.g. anon,swapout,swapin)")
		->capture_default_str();
	cmd->add_option("--out", flags.out, "Where to write a counterexample trace")->capture_default_str();
	cmd->add_option("--progress", flags.progress, "Seconds between progress lines")->capture_default_str();
	cmd->add_option("--spill-dir", flags.spill_dir,
			"Where the deepest level's fingerprints go once they outgrow --last-level-mib "
			"(sorted runs, removed at the end; default: the temporary directory)");
	cmd->add_option("--last-level-mib", flags.last_level_buffer_mib,
			"MiB of the deepest level's fingerprints kept in memory before a sorted run is "
			"written (0: count the deepest level in the visited set, like the others)")
		->capture_default_str();
	cmd->add_option("--checkpoint", flags.checkpoint,
			"Save the search in this directory every --checkpoint-every seconds and when a bound "
			"or Ctrl-C stops it short (removed when the search ends)");
	cmd->add_option("--checkpoint-every", flags.checkpoint_every, "Seconds between checkpoints")
		->capture_default_str();
	cmd->add_flag("--resume", flags.resume,
		      "Go on from the checkpoint in --checkpoint DIR (the other flags must be the same, and this build must compute the same fingerprints: a changed model or canonical form is refused)");
	cmd->add_flag("--skip-visible-points", flags.skip_visible_points,
		      "Check invariants only at statement ends (faster, misses mid-batch violations)");
	cmd->footer("Ctrl-C stops after the batch in hand and prints the coverage reached so far.\n"
		    "Exit status: 0 no violation within the bounds, 1 counterexample (written to --out), "
		    "2 bad input, 130 interrupted.");
	cmd->callback([] { run_explore(flags); });
}

/*
 * hunt_mutant - the explorer as a mutant hunter: exhaust the explorer's
 * default small scope (the scope of @cfg when it is not the stock one) with
 * the mutant's needed config applied; the kill is the shortest trace.
 * Exploration is deterministic, so @seed is not used.
 */
MutantHunt hunt_mutant(const Config &cfg, double budget_seconds, uint64_t seed)
{
	ExploreOptions o;
	o.cfg = cfg;
	if (cfg.scope.is_stock())
		o.cfg.scope = explore::default_explore_config().scope;
	for (const MutantInfo &m : mutant_catalogue())
		if (m.mutant == cfg.mutant && !m.needs.empty())
			o.cfg = parse_trace("config " + std::string(m.needs)).config.apply(o.cfg);
	o.families = explore::mutant_families(cfg.mutant);
	o.seconds = budget_seconds;
	o.threads = std::max(1u, std::thread::hardware_concurrency());

	MutantHunt h;
	ExploreResult r = explore::explore(o);
	h.tests = r.distinct;
	h.seconds = r.seconds;
	if (!r.counterexample) {
		h.note = r.coverage() + " (alphabet " + explore::format_families(o.families) + ")";
		return h;
	}
	const Counterexample &cex = *r.counterexample;
	h.killed = true;
	h.trace_ops = cex.trace.ops.size();
	h.note = cex.headline();
	std::filesystem::path p = std::filesystem::temp_directory_path() /
				  ("foliocheck-explore-" + std::string(mutant_name(cfg.mutant)) + ".trace");
	std::ofstream f(p);
	f << counterexample_text(cex);
	if (f)
		h.trace_file = p.string();
	return h;
}

} // namespace

FOLIOCHECK_COMMAND(explore, setup_explore);
FOLIOCHECK_MUTANT_HUNTER(explore, hunt_mutant);

} // namespace fc::cli
