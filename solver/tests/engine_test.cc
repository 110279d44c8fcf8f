// SPDX-License-Identifier: GPL-2.0
/*
 * engine_test.cc - bounded model checking and the inductive check, on the
 * scope of issue 5 (pmd_order 2: 4-page PMD folios, 2 processes, 2 PMDs of
 * address space).
 *
 *  - BMC finds the seed-000 counterexample of zap_no_folio_get on
 *    MMU_GATHER_NO_GATHER: a large folio faulted, then zapped by one batched
 *    munmap that drops each page's reference before the rmap removal; the
 *    trace it returns, printed and parsed back, makes fc::run_trace report
 *    mapcount_le_refcount at that visible point.
 *  - BMC of the unmutated model holds to a small depth.
 *  - Expression queries (a universally quantified one, a witness) mean what
 *    the SPEC invariant means and are confirmed by replay.
 *  - The inductive check: mapcount_le_refcount and pincount_le_refcount are
 *    inductive for the handle statements with the strengthening
 *    invariants (and for one write fault, and one munmap obligation by obligation), not
 *    without them (a pre-state where refcount merely equals
 *    mapcount loses that in one put), and the seed-000 mutant makes munmap
 *    break the query inside its batch.
 *
 * The alphabet and the solver bounds are cut to what each test needs, to
 * keep the suite fast; `foliocheck query` runs the full alphabet
 * (docs/solver.md, "Results", has the figures).
 */
#include "model/check/runner.h"
#include "solver/bmc.h"
#include "solver/induction.h"
#include "solver/query_parser.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace fc::solver {
namespace {

Config issue_config(Arch arch = Arch::gather, Mutant m = Mutant::none)
{
	Config cfg;
	cfg.arch = arch;
	cfg.mutant = m;
	cfg.scope.pmd_order = 2;
	cfg.scope.max_order = 2;
	cfg.scope.max_procs = 2;
	cfg.scope.space = 8;
	return cfg;
}

SolverScope scope_of(const Config &cfg)
{
	return SolverScope::from_config(cfg, SolverScope{});
}

TEST(Bmc, FindsSeed000CounterexampleOnNoGather)
{
	Config cfg = issue_config(Arch::no_gather, Mutant::zap_no_folio_get);
	Query q = parse_query("mapcount_le_refcount");
	BmcOptions o;
	o.steps = 6;
	o.kinds = {OpKind::fault_anon, OpKind::munmap, OpKind::write};
	BmcResult r = bounded_model_check(cfg, scope_of(cfg), q, o);
	ASSERT_EQ(r.verdict, Verdict::violated);
	ASSERT_TRUE(r.cex);
	const Counterexample &cex = *r.cex;
	/* The shortest: fault a large folio, zap it in one batch. */
	ASSERT_EQ(cex.trace.ops.size(), 2u) << format_trace(cex.trace);
	EXPECT_EQ(cex.trace.ops[0].kind, OpKind::fault_anon);
	EXPECT_GE(cex.trace.ops[0].order, 1u);
	EXPECT_EQ(cex.trace.ops[1].kind, OpKind::munmap);
	EXPECT_EQ(cex.step, 1u);
	EXPECT_EQ(cex.point, "try_zap_anon_pte_range: __tlb_remove_page (no_gather)");
	EXPECT_TRUE(cex.confirmed) << cex.replay;

	/* What `foliocheck replay` does with the file: parse it, run it. */
	Trace back = parse_trace(cex.text(q), "<bmc>");
	TraceRun run = run_trace(back, Config{});
	ASSERT_FALSE(run.rejected_at);
	bool seen = false;
	for (const ViolationReport &v : run.runner.violations())
		seen |= v.invariant == Invariant::mapcount_le_refcount && v.step == 1 &&
			v.point == cex.point;
	EXPECT_TRUE(seen) << cex.text(q);
}

TEST(Bmc, DefaultModelHoldsToSmallDepth)
{
	Config cfg = issue_config();
	BmcOptions o;
	o.steps = 3;
	o.kinds = {OpKind::fault_anon, OpKind::munmap};
	BmcResult r = bounded_model_check(cfg, scope_of(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(r.verdict, Verdict::holds) << (r.cex ? r.cex->text(parse_query("all")) : r.reason);
	EXPECT_EQ(r.depth, 3u);
	EXPECT_EQ(r.seconds_per_depth.size(), 3u);
}

/*
 * Seed 004's file rmap mutant: a folio run mapped by one set_pte_range()
 * counted as one mapping. Two statements (a file of large folios, a fault
 * over one of them) break counters_match_tables; found symbolically (the
 * solver decodes the file statements and names the file) and by the
 * concrete prefix, and confirmed by replay.
 */
TEST(Bmc, FindsFileRmapOncePerBatch)
{
	Config cfg = issue_config(Arch::gather, Mutant::file_rmap_once_per_batch);
	for (unsigned prefix : {0u, 2u}) {
		BmcOptions o;
		o.steps = 2;
		o.kinds = {OpKind::file_create, OpKind::fault_file};
		o.concrete_prefix = prefix;
		BmcResult r =
			bounded_model_check(cfg, scope_of(cfg), parse_query("counters_match_tables"), o);
		ASSERT_EQ(r.verdict, Verdict::violated) << "prefix " << prefix;
		const Counterexample &cex = *r.cex;
		ASSERT_EQ(cex.trace.ops.size(), 2u) << format_trace(cex.trace);
		EXPECT_EQ(cex.trace.ops[0].kind, OpKind::file_create);
		EXPECT_EQ(cex.trace.ops[0].file, "file0");
		EXPECT_GE(cex.trace.ops[0].order, 1u);
		EXPECT_EQ(cex.trace.ops[1].kind, OpKind::fault_file);
		EXPECT_EQ(cex.trace.ops[1].file, "file0");
		EXPECT_TRUE(cex.confirmed) << cex.replay;
	}
	/* the unmutated model holds, mremap and mprotect included (one PMD block: 2 s) */
	BmcOptions o;
	o.steps = 2;
	o.kinds = {OpKind::file_create, OpKind::fault_file, OpKind::fault_anon, OpKind::mremap,
		   OpKind::mprotect};
	o.concrete_prefix = 2;
	Config good = issue_config();
	good.scope.space = 4;
	BmcResult r = bounded_model_check(good, scope_of(good), parse_query("all"), o);
	EXPECT_EQ(r.verdict, Verdict::holds) << (r.cex ? r.cex->text(parse_query("all")) : r.reason);
}

/*
 * A concrete prefix changes how an answer is reached, not the answer: the
 * same verdict and depth for every prefix length, on a model that holds and
 * on the seed-000 mutant (shortest counterexample: 2 statements).
 */
TEST(Bmc, ConcretePrefixGivesTheSameAnswer)
{
	const std::vector<OpKind> kinds = {OpKind::fault_anon, OpKind::munmap};
	for (unsigned prefix : {0u, 1u, 2u, 3u}) {
		Config cfg = issue_config();
		BmcOptions o;
		o.steps = 3;
		o.kinds = kinds;
		o.concrete_prefix = prefix;
		BmcResult r = bounded_model_check(cfg, scope_of(cfg), parse_query("mapcount_le_refcount"), o);
		EXPECT_EQ(r.verdict, Verdict::holds) << "prefix " << prefix;
		EXPECT_EQ(r.depth, 3u) << "prefix " << prefix;
		EXPECT_EQ(r.prefix_states.size(), prefix);

		Config bad = issue_config(Arch::no_gather, Mutant::zap_no_folio_get);
		BmcResult v = bounded_model_check(bad, scope_of(bad), parse_query("mapcount_le_refcount"), o);
		ASSERT_EQ(v.verdict, Verdict::violated) << "prefix " << prefix;
		EXPECT_EQ(v.cex->trace.ops.size(), 2u) << "prefix " << prefix;
		EXPECT_EQ(v.cex->point, "try_zap_anon_pte_range: __tlb_remove_page (no_gather)");
		EXPECT_TRUE(v.cex->confirmed) << v.cex->replay;
	}
}

/*
 * The depth-3 mutants, every SPEC invariant at once, over the whole anon
 * alphabet: out of reach of the symbolic unrolling (killed at 16 GB), a
 * few seconds with two statements enumerated concretely.
 */
TEST(Bmc, ConcretePrefixFindsDepthThreeMutant)
{
	Config cfg = issue_config(Arch::gather, Mutant::cow_reuse_shared);
	SolverScope bounds;
	bounds.folios = 4;
	bounds.pins = bounds.refs = 1;
	bounds.queue = 2;
	bounds.handle_pages = 2;
	BmcOptions o;
	o.steps = 3;
	o.concrete_prefix = 2;
	Query q = parse_query("all");
	BmcResult r = bounded_model_check(cfg, SolverScope::from_config(cfg, bounds), q, o);
	ASSERT_EQ(r.verdict, Verdict::violated) << r.reason;
	ASSERT_EQ(r.cex->trace.ops.size(), 3u) << r.cex->text(q);
	EXPECT_EQ(r.cex->trace.ops[1].kind, OpKind::fork) << r.cex->text(q);
	EXPECT_TRUE(r.cex->confirmed) << r.cex->replay;
	EXPECT_EQ(r.prefix_states.size(), 2u);
}

/*
 * Swap statements in the alphabet: every SPEC invariant holds over fault,
 * pin, swapout and swapin to 3 statements (swapped out, faulted back in by
 * a pin or a swapin, swapped out again while pinned, refused). The exact
 * accounting is refused with swapout: it cannot see the swap cache's
 * references and would call every folio the cache keeps a leak.
 */
TEST(Bmc, SwapStatements)
{
	Config cfg = issue_config();
	SolverScope bounds;
	bounds.folios = 3;
	bounds.pins = bounds.refs = 1;
	bounds.handle_pages = 1;
	bounds.slots = 2;
	SolverScope sc = SolverScope::from_config(cfg, bounds);
	BmcOptions o;
	o.steps = 3;
	o.concrete_prefix = 2;
	o.kinds = {OpKind::fault_anon, OpKind::pin, OpKind::swapout, OpKind::swapin};
	BmcResult r = bounded_model_check(cfg, sc, parse_query("all"), o);
	EXPECT_EQ(r.verdict, Verdict::holds) << (r.cex ? r.cex->text(parse_query("all")) : r.reason);
	EXPECT_THROW(bounded_model_check(cfg, sc, parse_query("accounting"), o), std::invalid_argument);
}

/* The same query, as an expression over the observables, finds the same bug. */
TEST(Bmc, ExpressionQueryFindsTheSameBug)
{
	Config cfg = issue_config(Arch::no_gather, Mutant::zap_no_folio_get);
	Query q = parse_query("mapcount(F) <= refcount(F)");
	BmcOptions o;
	o.steps = 3;
	o.kinds = {OpKind::fault_anon, OpKind::munmap};
	BmcResult r = bounded_model_check(cfg, scope_of(cfg), q, o);
	ASSERT_EQ(r.verdict, Verdict::violated);
	EXPECT_TRUE(r.cex->confirmed) << r.cex->replay;
	EXPECT_EQ(r.cex->trace.ops.size(), 2u);
}

/* A witness query: "violated" means BMC found a state with a pinned folio. */
TEST(Bmc, ExistsQueryFindsAWitness)
{
	Config cfg = issue_config();
	BmcOptions o;
	o.steps = 3;
	o.kinds = {OpKind::fault_anon, OpKind::pin};
	BmcResult r = bounded_model_check(cfg, scope_of(cfg), parse_query("!(exists F: pincount(F) > 0 || maybe_pinned(F))"), o);
	ASSERT_EQ(r.verdict, Verdict::violated);
	EXPECT_TRUE(r.cex->confirmed) << r.cex->replay;
	EXPECT_EQ(r.cex->trace.ops.back().kind, OpKind::pin);
}

/*
 * A queued folio in one fault needs a PMD THP (PTE faults are of order 0-1
 * here); with max_order 1 below pmd_order 2 there is none to fault.
 */
TEST(Bmc, NoPmdFaultAbovePmdOrder)
{
	Config cfg = issue_config();
	BmcOptions o;
	o.steps = 1;
	o.kinds = {OpKind::fault_anon};
	const Query q = parse_query("!(exists F: queued(F))");
	BmcResult with = bounded_model_check(cfg, scope_of(cfg), q, o);
	ASSERT_EQ(with.verdict, Verdict::violated);
	EXPECT_TRUE(with.cex->trace.ops.back().pmd);
	cfg.scope.max_order = 1;
	EXPECT_FALSE(scope_of(cfg).pmd_faults);
	EXPECT_EQ(bounded_model_check(cfg, scope_of(cfg), q, o).verdict, Verdict::holds);
}

/* The small solver bounds of the inductive checks (docs/solver.md, "Results"). */
SolverScope small_scope(const Config &cfg)
{
	SolverScope bounds;
	bounds.folios = 4;
	bounds.pins = 1;
	bounds.refs = 1;
	bounds.queue = 2;
	bounds.handle_pages = 2;
	return SolverScope::from_config(cfg, bounds);
}

TEST(Induction, HandleStatementsKeepTheRefcountInvariants)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::read, OpKind::put, OpKind::unpin};
	for (const char *q : {"mapcount_le_refcount", "pincount_le_refcount"}) {
		InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query(q), o);
		EXPECT_TRUE(r.base_ok) << q << ": " << r.base_failure;
		EXPECT_EQ(r.verdict, Verdict::inductive)
			<< q << ": " << r.broken << (r.op ? " by " + format_op(*r.op) : "") << "\n"
			<< describe_state(r.pre, r.pre_has_pinned);
		EXPECT_EQ(r.seconds_per_kind.size(), o.kinds.size()) << q;
		EXPECT_GT(r.stats.checks, 0u) << q;
	}
}

/*
 * A second run with the cache asks the solver nothing and proves the same
 * statements; another query's steps are other formulas, and asked again.
 */
TEST(Induction, ProofCacheSkipsTheStepsAnEarlierRunProved)
{
	const Config cfg = issue_config();
	const SolverScope sc = small_scope(cfg);
	const std::string path = ::testing::TempDir() + "foliocheck-proof-cache-induction";
	std::remove(path.c_str());
	std::string err;
	std::optional<ProofCache> cache = ProofCache::open(path, &err);
	ASSERT_TRUE(cache) << err;
	InductionOptions o;
	o.kinds = {OpKind::read, OpKind::put};
	o.cache = &*cache;

	InductionResult first = prove_inductive(cfg, sc, parse_query("mapcount_le_refcount"), o);
	ASSERT_EQ(first.verdict, Verdict::inductive) << first.reason;
	EXPECT_EQ(first.from_cache, 0u);
	EXPECT_GT(first.stats.checks, 0u);
	EXPECT_EQ(cache->size(), first.statements);

	std::optional<ProofCache> reopened = ProofCache::open(path, &err);
	ASSERT_TRUE(reopened) << err;
	o.cache = &*reopened;
	InductionResult second = prove_inductive(cfg, sc, parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(second.verdict, Verdict::inductive);
	EXPECT_EQ(second.statements, first.statements);
	EXPECT_EQ(second.from_cache, first.statements);
	EXPECT_EQ(second.stats.checks, 0u);

	InductionResult other = prove_inductive(cfg, sc, parse_query("pincount_le_refcount"), o);
	EXPECT_EQ(other.verdict, Verdict::inductive);
	EXPECT_EQ(other.from_cache, 0u);
	EXPECT_EQ(reopened->size(), first.statements + other.statements);
}

/*
 * Creating a file keeps mapcount <= refcount from every state the
 * strengthening invariants allow, page_cache_well_formed and the page
 * cache's references in refcount_accounts_holders among them; without
 * page_cache_well_formed a pre-state with nr_files = -1, or junk i_pages in
 * a file not yet created, broke refcount_accounts_holders.
 */
TEST(Induction, FileCreationKeepsTheRefcountInvariant)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::file_create};
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_TRUE(r.base_ok) << r.base_failure;
	EXPECT_EQ(r.verdict, Verdict::inductive)
		<< r.broken << (r.op ? " by " + format_op(*r.op) : "") << "\n"
		<< describe_state(r.pre, r.pre_has_pinned);
	bool assumed = false;
	for (const auto &[name, statement] : r.strengthening)
		assumed |= name == "page_cache_well_formed";
	EXPECT_TRUE(assumed);
}

/*
 * An anon fault allocates from a pre-state whose free folio slots are junk:
 * folio_alloc() must start a fresh folio (anon, in no page cache), as the
 * kernel model's KFolio does, or page_cache_well_formed breaks after it.
 */
TEST(Induction, AnonFaultKeepsTheRefcountInvariant)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::fault_anon};
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(r.verdict, Verdict::inductive)
		<< r.broken << (r.op ? " by " + format_op(*r.op) : "") << "\n"
		<< describe_state(r.pre, r.pre_has_pinned);
}

/*
 * A write fault on a fully symbolic pre-state (COW copy or reuse, unshare,
 * PMD split, nested in the fault path) keeps mapcount <= refcount at every
 * visible point and every strengthening invariant at its end. One
 * statement as one question: 15 s alone; the write kind's 16 took longer
 * than the 150 s per kind the induction tables used to give it.
 */
TEST(Induction, WriteFaultKeepsTheRefcountInvariant)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::write};
	o.statements = {"write p0 0x2"};
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(r.verdict, Verdict::inductive)
		<< r.broken << r.reason << (r.op ? " by " + format_op(*r.op) : "") << "\n"
		<< describe_state(r.pre, r.pre_has_pinned);
	EXPECT_EQ(r.statements, 1u);
}

/*
 * The same proof split into obligations (whole_seconds = 0): a zap on a
 * fully symbolic pre-state (munmap of one page: the PTE cleared, the rmap
 * removed, the reference gathered and dropped at the flush, or a PMD split
 * first) proved conjunct by conjunct of the query at every visible point
 * and of every strengthening invariant at the end, in adaptive windows.
 */
TEST(Induction, MunmapKeepsTheRefcountInvariantObligationByObligation)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::munmap};
	o.statements = {"munmap p0 0x0"};
	o.whole_seconds = 0;
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(r.verdict, Verdict::inductive)
		<< r.broken << r.reason << (r.op ? " by " + format_op(*r.op) : "") << "\n"
		<< describe_state(r.pre, r.pre_has_pinned);
	EXPECT_EQ(r.statements, 1u);
	EXPECT_GT(r.obligations, 1000u);
	EXPECT_GT(r.stats.checks, 1u);
}

/*
 * The stepping stones of a zap (gather_lemmas): refcount = held + gathered
 * references, the queue well formed, the mapcounts counting the mappings,
 * at every point of the walk and
 * between the flush's puts, a point's conjuncts of one stone asked together
 * first, then in halved windows. Each must be proved: one left out would mean
 * the lemma is false somewhere, and the proofs after it lose their chain.
 * A stepping stone gets the slice and is left out without an answer, so
 * the slice here is far above what any takes alone (0.01-2 s): with the
 * 4 s default a machine busy with other work left one out.
 */
TEST(Induction, GatherLemmasHoldAlongAZap)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.slice_seconds = 60;
	o.kinds = {OpKind::munmap};
	o.statements = {"munmap p0 0x0 pages=2"};
	o.log_checks = true;
	size_t proved = 0, left_out = 0, mapcounts = 0;
	std::string first_left_out;
	o.on_progress = [&](const std::string &line) {
		if (line.find(": lemma ") == std::string::npos)
			return;
		if (line.find(": proved ") != std::string::npos) {
			/* "#a..#b: proved": a point's conjuncts proved together */
			size_t n = 1, hash = line.rfind(" #"), to = line.find("..#", hash);
			if (to != std::string::npos)
				n = std::stoul(line.substr(to + 3)) - std::stoul(line.substr(hash + 2)) + 1;
			proved += n;
			if (line.find(": lemma mapcounts_count_mappings at ") != std::string::npos)
				mapcounts += n;
		} else if (line.find(", halved") == std::string::npos) {
			left_out++;
			if (first_left_out.empty())
				first_left_out = line;
		}
	};
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	EXPECT_EQ(r.verdict, Verdict::inductive) << r.broken << r.reason;
	EXPECT_GT(proved, 100u);
	EXPECT_GT(mapcounts, 10u);
	EXPECT_EQ(left_out, 0u) << first_left_out;
}

/* A --statement no statement of the alphabet prints is bad input, not a vacuous proof. */
TEST(Induction, UnknownStatementIsBadInput)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::munmap};
	o.statements = {"munmap p0 0x0", "munmap  p0 0x1"};
	EXPECT_THROW(prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o),
		     std::invalid_argument);
}

/* Without the accounting lemmas a put can take refcount below mapcount. */
TEST(Induction, NotInductiveWithoutStrengthening)
{
	Config cfg = issue_config();
	InductionOptions o;
	o.kinds = {OpKind::put};
	o.strengthen = false;
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	ASSERT_EQ(r.verdict, Verdict::not_inductive) << r.reason;
	ASSERT_TRUE(r.op);
	EXPECT_EQ(r.op->kind, OpKind::put);
	EXPECT_NE(r.broken.find("the query at visible point"), std::string::npos) << r.broken;
	/* The pre-state it reports satisfies the query and breaks it after the put. */
	bool some_folio_tight = false;
	for (const FolioView &f : r.pre.folios)
		some_folio_tight |= !f.freed && f.mapcount > 0 && f.mapcount <= f.refcount;
	EXPECT_TRUE(some_folio_tight) << describe_state(r.pre, r.pre_has_pinned);
}

/* The seed-000 mutant: a batched zap breaks the query inside the batch. */
TEST(Induction, Seed000MutantBreaksInsideTheBatch)
{
	Config cfg = issue_config(Arch::no_gather, Mutant::zap_no_folio_get);
	InductionOptions o;
	o.kinds = {OpKind::munmap};
	InductionResult r = prove_inductive(cfg, small_scope(cfg), parse_query("mapcount_le_refcount"), o);
	ASSERT_EQ(r.verdict, Verdict::not_inductive) << r.reason;
	ASSERT_TRUE(r.op);
	EXPECT_EQ(r.op->kind, OpKind::munmap);
	EXPECT_EQ(r.broken,
		  "the query at visible point \"try_zap_anon_pte_range: __tlb_remove_page (no_gather)\"");
}

} // namespace
} // namespace fc::solver
