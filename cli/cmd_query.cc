// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_query.cc - `foliocheck query EXPR`: ask the Z3 engine whether a SPEC
 * invariant or an expression over the observables can break, by bounded
 * model checking to --steps statements or (--induct) by an inductive check
 * of every statement kind. Also the solver's MutantHunter for `foliocheck
 * mutants --engine solver`.
 *
 * Answers: "holds up to K steps", "inductive", "not inductive" (the
 * statement and the pre-state that break it), "violated" (a trace, written
 * to --out, that `foliocheck replay` reproduces). Exit status 0 for holds /
 * inductive, 1 for violated / not inductive, 2 for bad input or no answer
 * (timeout).
 */
#include "cli/command.h"

/* Built only with Z3 (solver/CMakeLists.txt defines this with the library). */
#ifdef FOLIOCHECK_HAVE_SOLVER

#include "model/check/runner.h"
#include "solver/bmc.h"
#include "solver/induction.h"
#include "solver/query_parser.h"
#include "solver/transitions.h"

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fc::cli {

namespace {

using namespace fc::solver;

struct QueryFlags {
	ConfigFlags config;
	std::string expr;
	unsigned steps = 6;
	unsigned concrete_prefix = 0;
	bool induct = false;
	std::string proof_cache;
	bool no_strengthen = false;
	std::vector<std::string> statements;
	double timeout = 0;
	std::string out = "query-counterexample.trace";
	std::string ops = "anon";
	std::string at = "every_point";
	unsigned folios = SolverScope{}.folios;
	unsigned handles = SolverScope{}.pins;
	unsigned queue = SolverScope{}.queue;
	unsigned pin_pages = SolverScope{}.handle_pages;
	unsigned slots = SolverScope{}.slots;
	unsigned files = SolverScope{}.files;
};

[[noreturn]] void bad_input(const std::string &msg)
{
	std::fprintf(stderr, "foliocheck query: error: %s\n", msg.c_str());
	throw ExitStatus{2};
}

/* The solver's own bounds from the flags, over the Config's scope. */
SolverScope solver_scope(const Config &cfg, const QueryFlags &f)
{
	SolverScope bounds;
	bounds.folios = f.folios;
	bounds.pins = f.handles;
	bounds.refs = f.handles;
	bounds.queue = f.queue;
	bounds.handle_pages = f.pin_pages;
	bounds.slots = f.slots;
	bounds.files = f.files;
	try {
		return SolverScope::from_config(cfg, bounds);
	} catch (const std::invalid_argument &e) {
		bad_input(std::string("the scope cannot be encoded: ") + e.what());
	}
}

std::string config_line(const Config &cfg, const SolverScope &sc)
{
	std::ostringstream s;
	s << "scope: variant=" << variant_name(cfg.variant) << " arch=" << arch_name(cfg.arch)
	  << " mutant=" << mutant_name(cfg.mutant) << " " << sc.describe();
	return s.str();
}

void write_trace(const std::string &path, const std::string &text)
{
	std::ofstream f(path);
	f << text;
	if (!f)
		bad_input(path + ": cannot write the counterexample");
}

void report_bmc(const BmcResult &r, const Query &q, const QueryFlags &f, unsigned steps)
{
	switch (r.verdict) {
	case Verdict::holds:
		std::printf("answer: holds up to %u steps (every statement sequence of at most %u "
			    "statements inside the scope, at every visible point)\n",
			    steps, steps);
		break;
	case Verdict::violated: {
		const Counterexample &cex = *r.cex;
		std::printf("answer: violated after %zu statement%s, at statement %zu (%s), visible "
			    "point \"%s\"\n",
			    cex.trace.ops.size(), cex.trace.ops.size() == 1 ? "" : "s", cex.step + 1,
			    format_op(cex.trace.ops[cex.step]).c_str(), cex.point.c_str());
		std::printf("replay: %s%s\n", cex.confirmed ? "confirmed: " : "NOT confirmed: ",
			    cex.replay.c_str());
		std::string text = cex.text(q);
		std::printf("trace:\n%s", text.c_str());
		write_trace(f.out, text);
		std::printf("written to %s; reproduce with: foliocheck replay %s\n", f.out.c_str(),
			    f.out.c_str());
		break;
	}
	default:
		std::printf("answer: unknown after %u step%s hold (%s)\n", r.depth,
			    r.depth == 1 ? "" : "s", r.reason.c_str());
		break;
	}
	if (!r.prefix_states.empty()) {
		std::printf("concrete prefix: %zu statements run; distinct states first reached at depth",
			    r.prefix_statements);
		for (size_t d = 0; d < r.prefix_states.size(); d++)
			std::printf(" %zu: %zu%s", d + 1, r.prefix_states[d],
				    d + 1 < r.prefix_states.size() ? "," : "");
		std::printf("\n");
	}
	std::printf("stats: %s\n", r.stats.summary().c_str());
}

void report_induction(const InductionResult &r, const QueryFlags &f)
{
	std::printf("strengthening invariants assumed in the pre-state and checked after each "
		    "statement:\n");
	for (const auto &[name, statement] : r.strengthening)
		std::printf("  %s: %s\n", name.c_str(), statement.c_str());
	switch (r.verdict) {
	case Verdict::inductive:
		if (!f.statements.empty()) {
			std::printf("answer: inductive for the statements asked (%zu; --statement), from "
				    "every state inside the scope satisfying the query and the "
				    "strengthening invariants\n", f.statements.size());
			break;
		}
		std::printf("answer: inductive (every statement kind, from every state inside the scope "
			    "satisfying the query and the strengthening invariants, keeps them; the "
			    "initial world satisfies them)\n");
		break;
	case Verdict::not_inductive:
		if (!r.op) {
			std::printf("answer: not inductive: %s\n", r.broken.c_str());
			break;
		}
		std::printf("answer: not inductive: %s breaks %s\n", format_op(*r.op).c_str(),
			    r.broken.c_str());
		std::printf("pre-state (satisfies the query and every strengthening invariant):\n%s",
			    describe_state(r.pre, r.pre_has_pinned).c_str());
		std::printf("note: the pre-state may be unreachable; `foliocheck query ... --steps K` "
			    "looks for a reachable violation\n");
		break;
	default:
		std::printf("answer: unknown (%s)\n", r.reason.c_str());
		break;
	}
	for (const auto &[kind, secs] : r.seconds_per_kind)
		std::printf("  %-9s %.2f s\n", op_kind_name(kind).c_str(), secs);
	std::printf("statements proved: %u (%u obligations)", r.statements, r.obligations);
	if (!f.proof_cache.empty())
		std::printf("; %u of them by earlier runs (--proof-cache %s)", r.from_cache,
			    f.proof_cache.c_str());
	std::printf("\n");
	std::printf("stats: %s\n", r.stats.summary().c_str());
}

void run_query(const QueryFlags &f)
{
	const Config cfg = f.config.to_config();
	Query q;
	try {
		q = parse_query(f.expr);
	} catch (const QueryError &e) {
		std::fputs(format_query_error(f.expr, e).c_str(), stderr);
		throw ExitStatus{2};
	}
	std::optional<Query::At> at = parse_at(f.at);
	if (!at)
		bad_input("--at: unknown '" + f.at + "' (every_point, settled, end)");
	q.at = *at;
	std::string err;
	std::vector<OpKind> kinds = parse_op_kinds(f.ops, &err);
	if (kinds.empty())
		bad_input("--ops: " + err);
	const SolverScope sc = solver_scope(cfg, f);
	if (!f.induct && (!f.statements.empty() || !f.proof_cache.empty() || f.no_strengthen))
		bad_input(std::string(!f.statements.empty() ? "--statement" :
				      !f.proof_cache.empty() ? "--proof-cache" : "--no-strengthen") +
			  " is for --induct");

	std::printf("%s\n", config_line(cfg, sc).c_str());
	std::printf("query: %s\n", q.describe().c_str());
	std::fflush(stdout);

	if (f.induct) {
		InductionOptions o;
		o.timeout_seconds = f.timeout;
		o.kinds = kinds;
		o.strengthen = !f.no_strengthen;
		o.statements = f.statements;
		o.on_kind = [](OpKind k, double s) {
			std::fprintf(stderr, "query: induction step for %s: %.2f s\n",
				     op_kind_name(k).c_str(), s);
		};
		/* a line per statement; FOLIOCHECK_INDUCT_LOG=1: a line per solver check too */
		o.on_progress = [](const std::string &line) {
			std::fprintf(stderr, "query: %s\n", line.c_str());
		};
		const char *log = std::getenv("FOLIOCHECK_INDUCT_LOG");
		o.log_checks = log && *log && std::string(log) != "0";
		if (const char *slice = std::getenv("FOLIOCHECK_INDUCT_SLICE"))
			o.slice_seconds = std::atof(slice);
		if (const char *stone = std::getenv("FOLIOCHECK_INDUCT_STONE_SLICE"))
			o.stone_slice_seconds = std::atof(stone);
		if (const char *whole = std::getenv("FOLIOCHECK_INDUCT_WHOLE"))
			o.whole_seconds = std::atof(whole);
		if (const char *lemmas = std::getenv("FOLIOCHECK_INDUCT_LEMMAS"))
			o.lemmas = std::string(lemmas) != "0";
		if (const char *gather = std::getenv("FOLIOCHECK_INDUCT_GATHER_LEMMAS"))
			o.gather_lemmas = std::string(gather) != "0";
		if (const char *mc = std::getenv("FOLIOCHECK_INDUCT_MAPCOUNT_LEMMAS"))
			o.mapcount_lemmas = std::string(mc) != "0";
		if (const char *tables = std::getenv("FOLIOCHECK_INDUCT_TABLE_LEMMAS"))
			o.table_lemmas = std::string(tables) != "0";
		if (const char *dump = std::getenv("FOLIOCHECK_INDUCT_DUMP"))
			o.dump_dir = dump;
		std::optional<ProofCache> cache;
		if (!f.proof_cache.empty()) {
			if (!(cache = ProofCache::open(f.proof_cache, &err)))
				bad_input("--proof-cache: " + err);
			std::fprintf(stderr, "query: proof cache %s: %zu steps proved before%s\n",
				     f.proof_cache.c_str(), cache->size(),
				     cache->dropped_torn_line()
					     ? " (an unfinished last line, left by an interrupted run, dropped)"
					     : "");
			o.cache = &*cache;
		}
		InductionResult r;
		try {
			r = prove_inductive(cfg, sc, q, o);
		} catch (const std::invalid_argument &e) {
			bad_input(e.what());
		}
		report_induction(r, f);
		if (r.verdict == Verdict::not_inductive)
			throw ExitStatus{1};
		if (r.verdict != Verdict::inductive)
			throw ExitStatus{2};
		return;
	}

	BmcOptions o;
	o.steps = f.steps;
	o.timeout_seconds = f.timeout;
	o.kinds = kinds;
	o.concrete_prefix = f.concrete_prefix;
	unsigned steps = f.steps;
	o.on_depth = [steps](unsigned d, double s) {
		std::fprintf(stderr, "query: depth %u/%u answered in %.2f s\n", d, steps, s);
	};
	BmcResult r;
	try {
		r = bounded_model_check(cfg, sc, q, o);
	} catch (const std::invalid_argument &e) {
		bad_input(e.what());
	}
	report_bmc(r, q, f, f.steps);
	if (r.verdict == Verdict::violated)
		throw ExitStatus{1};
	if (r.verdict != Verdict::holds)
		throw ExitStatus{2};
}

const char *kQueryFooter = R"(EXPR is a SPEC invariant name, `all` (every SPEC invariant), `accounting`
(every counter equals what the page tables and handles imply), or an expression:

  observables   refcount(F) mapcount(F) entire_mapcount(F) nr_pages_mapped(F)
                pincount(F) maybe_pinned(F) queued(F) partially_mapped(F) freed(F)
                order(F) nr_pages(F)   page_mapcount(F, i) anon_exclusive(F, i)
                rss(P) rss_anon(P) rss_file(P)
  operators     ! -  + -  == != <= >= < >  &&  ||  ->  (implication, right-assoc.)
  constants     integers, true, false, folios f1 f2 ..., processes p0 p1 ...
  quantifiers   forall X, Y: EXPR   exists X: EXPR   over live folios, the pages of
                the folio they index, and live processes (the sort of a variable is
                where it is used); free variables are universally quantified.

Examples:
  foliocheck query mapcount_le_refcount --steps 6 --arch no_gather --mutant zap_no_folio_get
  foliocheck query 'mapcount(F) <= refcount(F)' --steps 8
  foliocheck query all --steps 3 --concrete-prefix 2   (depths 1-2 enumerated, 3 solved)
  foliocheck query pinned_anon_exclusive --ops anon,swapout,swapin --steps 3 --concrete-prefix 2
  foliocheck query 'anon_exclusive(F, i) -> page_mapcount(F, i) == 1' --steps 4
  foliocheck query 'queued(F) || !partially_mapped(F)' --induct
  foliocheck query 'exists F: pincount(F) > 0' --steps 5      (a witness: "violated"
                                                               means some F is pinned)

The scope: --pmd-order 2..4 (default 2: 4-page PMD folios), --procs 1..4 (default 2),
--space a multiple of the PMD size (default 2 PMDs), and the solver's own bounds
(--folios, --handles, --queue, --pin-pages, --slots, --files); an execution that needs more folio
ids, handles, queue entries, swap slots or files is outside the scope and not explored. Encoded statements:
fault anon, read, write, fork, munmap, pin, unpin, get, put, split_pmd, split, shrink,
exit (--ops anon, the default) and madv_free, reclaim, swapout, swapin, file,
fault_file, mprotect, mremap (opt-in, e.g. --ops anon,swapout,swapin or
--ops anon,file,fault_file, or --ops all: every statement of SPEC's table). Files are
named file0, file1, ... in creation order (--files bounds them); the accessed bit is not
encoded, so `fault ... file=` has at=0 (docs/solver.md).

Exit status: 0 holds / inductive, 1 violated / not inductive, 2 bad input or unknown.)";

void setup_query(CLI::App &app)
{
	static QueryFlags flags;
	flags.config.pmd_order = 2;
	flags.config.max_order = 4;  /* clamped to --pmd-order: the PMD THP is the largest folio */
	flags.config.procs = 2;
	flags.config.space = 8;

	CLI::App *cmd = app.add_subcommand(
		"query",
		"Ask the Z3 engine whether an invariant or an expression over the observables can "
		"break: bounded model checking to --steps statements, or --induct");
	cmd->add_option("EXPR", flags.expr, "SPEC invariant name or expression (see below)")
		->required();
	add_config_flags(cmd, flags.config);
	cmd->add_option("--steps", flags.steps, "bounded model checking depth (statements)")
		->capture_default_str();
	cmd->add_option("--concrete-prefix", flags.concrete_prefix,
			"run the first N statements concretely (every statement of the alphabet, "
			"breadth first, distinct states kept) and unroll symbolically from each state "
			"reached: the same answer, with smaller formulas")
		->capture_default_str();
	cmd->add_flag("--induct", flags.induct,
		      "prove the query inductive per statement kind instead (unbounded length)");
	cmd->add_flag("--no-strengthen", flags.no_strengthen,
		      "with --induct: assume only the structural strengthening invariants");
	cmd->add_option("--statement", flags.statements,
			"with --induct: ask only this concrete statement (\"exit p0\"; repeatable)");
	cmd->add_option("--proof-cache", flags.proof_cache,
			"with --induct: record each statement's step in this file as soon as it is "
			"proved, and skip the steps it records (the same formula: query, scope, bounds, "
			"alphabet and encoding); a run cut short loses nothing it proved")
		->type_name("FILE");
	cmd->add_option("--timeout", flags.timeout, "seconds for the whole answer (0: none)")
		->capture_default_str();
	cmd->add_option("--out", flags.out, "where to write a counterexample trace")
		->capture_default_str();
	cmd->add_option("--ops", flags.ops, "statement kinds, comma-separated; anon (the default alphabet) or all (adds "
			"madv_free, reclaim, swapout, swapin, file, fault_file, mprotect, mremap)")
		->capture_default_str();
	cmd->add_option("--at", flags.at,
			"where an expression must hold: every_point, settled, end")
		->capture_default_str();
	const char *bounds = "Solver bounds";
	cmd->add_option("--folios", flags.folios, "folio ids f1..fN that may be allocated")
		->capture_default_str()
		->group(bounds);
	cmd->add_option("--handles", flags.handles, "pin ids and ref ids each")
		->capture_default_str()
		->group(bounds);
	cmd->add_option("--queue", flags.queue, "deferred split queue entries")
		->capture_default_str()
		->group(bounds);
	cmd->add_option("--slots", flags.slots, "swap slots (with swapout in --ops)")
		->capture_default_str()
		->group(bounds);
	cmd->add_option("--files", flags.files, "page-cache files (with file in --ops)")
		->capture_default_str()
		->group(bounds);
	cmd->add_option("--pin-pages", flags.pin_pages, "largest pin/get range in pages")
		->capture_default_str()
		->group(bounds);
	cmd->footer(kQueryFooter);
	cmd->callback([] { run_query(flags); });
}

/* ------------------------------------------------- the solver engine -- */

/*
 * mutant_outside_alphabet - a catalogue mutant whose wrong code changes only
 * what the encoding does not keep (the accessed bit): the encoding runs the
 * unmutated kernel for everything it encodes.
 */
bool mutant_outside_alphabet(Mutant m)
{
	static const std::vector<std::string_view> outside = {"pte_range_young_once"};
	return std::find(outside.begin(), outside.end(), mutant_name(m)) != outside.end();
}

/*
 * mutant_kinds - the alphabet a mutant is hunted with: the default one,
 * plus the opt-in statements that run its wrong code (only those: each
 * makes every depth slower).
 */
std::vector<OpKind> mutant_kinds(Mutant m)
{
	std::string err;
	if (mutant_name(m) == std::string_view("madv_free_skips_batch_check"))
		return parse_op_kinds("anon,madv_free,reclaim", &err);
	if (mutant_name(m) == std::string_view("swapout_ignores_pin"))
		return parse_op_kinds("anon,swapout,swapin", &err);
	if (mutant_name(m) == std::string_view("file_rmap_once_per_batch"))
		return parse_op_kinds("anon,file,fault_file", &err);
	return anon_ops();
}

/*
 * hunt_mutant - bounded model checking of every SPEC invariant and the exact
 * accounting together (a divergence the invariants do not see, e.g. a leaked
 * pin, counts too), at pmd_order 2 with 2 processes and the small solver
 * bounds of docs/solver.md ("Results": 4 folio ids, 1 pin and 1 ref of up
 * to 2 pages, 2 queue entries), deepening one statement at a time up to 8
 * within @budget_seconds. The scope flags' defaults are the full-size ones;
 * the solver always uses its small scope. The search is deterministic:
 * @seed is unused. The note says "found at depth D", "not found within
 * depth D" (the budget ran out first) or "outside the encoding".
 */
MutantHunt hunt_mutant(const Config &base, double budget_seconds, uint64_t seed)
{
	(void)seed;
	MutantHunt h;
	if (mutant_outside_alphabet(base.mutant)) {
		h.note = "outside the encoding: its wrong code changes only the accessed bit, "
			 "which is not encoded (docs/solver.md)";
		return h;
	}
	Config cfg = base;
	cfg.scope.pmd_order = 2;
	cfg.scope.max_order = 2;
	cfg.scope.max_procs = 2;
	cfg.scope.space = 8;
	SolverScope sc, bounds;
	bounds.folios = 4;
	bounds.pins = 1;
	bounds.refs = 1;
	bounds.queue = 2;
	bounds.handle_pages = 2;
	try {
		sc = SolverScope::from_config(cfg, bounds);
	} catch (const std::invalid_argument &e) {
		h.note = e.what();
		return h;
	}
	auto start = std::chrono::steady_clock::now();
	/*
	 * Two passes: every SPEC invariant with two thirds of the budget, then
	 * (for a mutant that breaks none of them, e.g. a leaked reference) the
	 * exact accounting at the end of each statement with what is left.
	 * Asking both at once made each depth several times slower.
	 */
	std::string notes;
	/* the accounting goal cannot see the swap cache (bounded_model_check() refuses it) */
	const std::vector<OpKind> kinds = mutant_kinds(cfg.mutant);
	/* the accounting query counts no cache's references (query_alphabet()) */
	const bool with_swap =
		alphabet_has(kinds, OpKind::swapout) || alphabet_has(kinds, OpKind::file_create);
	for (bool accounting : {false, true}) {
		if (accounting && with_swap)
			break;
		Query q = accounting ? all_invariants_query(true) : all_invariants_query(false);
		BmcOptions o;
		o.steps = 8;
		o.kinds = kinds;
		/*
		 * Depths 1-3 by concrete enumeration (seconds, where the
		 * symbolic unrolling took minutes at depth 3 and could not
		 * finish it for every invariant at once), the symbolic
		 * unrolling from each state reached after that.
		 */
		o.concrete_prefix = 3;
		double left = budget_seconds - seconds_since(start);
		o.timeout_seconds =
			std::max(1.0, accounting || with_swap ? left : budget_seconds * 2 / 3);
		BmcResult r = bounded_model_check(cfg, sc, q, o);
		/* solver checks, and statements run on literal terms by the prefix */
		h.tests += r.stats.checks + r.prefix_statements;
		char secs[32];
		std::snprintf(secs, sizeof(secs), "%.1f s", seconds_since(start));
		const char *what = accounting ? "accounting" : "SPEC invariants";
		if (r.verdict == Verdict::violated) {
			const Counterexample &cex = *r.cex;
			h.killed = cex.confirmed;
			h.trace_ops = cex.trace.ops.size();
			h.note = notes + "found at depth " + std::to_string(cex.trace.ops.size()) +
				 " in " + secs + ": " + (cex.goal.empty() ? std::string("?") : cex.goal) +
				 " at \"" + cex.point + "\"" +
				 (cex.confirmed ? "" : " (NOT confirmed by replay: " + cex.replay + ")");
			std::filesystem::path p =
				std::filesystem::temp_directory_path() /
				("foliocheck-solver-" + std::string(mutant_name(cfg.mutant)) + ".trace");
			std::ofstream f(p);
			f << cex.text(q);
			if (f)
				h.trace_file = p.string();
			break;
		}
		if (r.verdict == Verdict::holds)
			notes += std::string(what) + " hold up to " + std::to_string(o.steps) + " statements; ";
		else
			notes += std::string(what) + ": not found within depth " + std::to_string(r.depth) +
				 " (" + r.reason + "); ";
	}
	h.seconds = seconds_since(start);
	if (!h.killed)
		h.note = notes + "raise --seconds to go deeper";
	return h;
}

} // namespace

FOLIOCHECK_COMMAND(query, setup_query);
FOLIOCHECK_MUTANT_HUNTER(solver, hunt_mutant);

} // namespace fc::cli

#endif /* FOLIOCHECK_HAVE_SOLVER */
