// SPDX-License-Identifier: GPL-2.0
/*
 * props_test.cc - the RapidCheck property suite (props/): the stateful
 * differential property over small scopes and a few order-9 cases, trace
 * round-trip, the generators' aim (statistics that must show the biased
 * cases), the minimizer, and every catalogue mutant killed with a short
 * replayable trace.
 *
 * The RC_GTEST_PROP cases honour RC_PARAMS (e.g. RC_PARAMS="max_success=1000"
 * for a longer run); the campaign-based tests fix their seeds.
 */
#include "props/campaign.h"
#include "props/commands.h"
#include "props/counterexample.h"
#include "props/generators.h"
#include "props/hunt.h"
#include "props/minimize.h"
#include "props/state_view.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <csignal>
#include <string>

namespace fc {
namespace props {
namespace {

Config scope(unsigned pmd_order, unsigned max_order, Variant v = Variant::v6_12,
	     Arch a = Arch::gather, Mutant m = Mutant::none)
{
	Config cfg;
	cfg.scope.pmd_order = pmd_order;
	cfg.scope.max_order = max_order;
	cfg.variant = v;
	cfg.arch = a;
	cfg.mutant = m;
	return cfg;
}

/* @cfg on an arch whose fault-around maps prefaulted PTEs old (arm64 with hardware AF). */
Config prefault_old(Config cfg)
{
	cfg.prefault = Prefault::old;
	return cfg;
}

Trace parse(const std::string &text)
{
	return parse_trace(text, "<test>");
}

/* --- the property, as RapidCheck runs it under CTest --- */

/* The anonymous-memory statements: the core every variant implements. */
OpAlphabet anon()
{
	return *OpAlphabet::parse("anon", nullptr);
}

RC_GTEST_PROP(PropsModel, AnonPmdOrder3, ())
{
	check_model_property(scope(3, 3), anon());
}

RC_GTEST_PROP(PropsModel, AnonPmdOrder4NoGather, ())
{
	check_model_property(scope(4, 4, Variant::v6_12, Arch::no_gather), anon());
}

RC_GTEST_PROP(PropsModel, AnonPmdOrder4Unbatched, ())
{
	check_model_property(scope(4, 4, Variant::unbatched), anon());
}

/* The whole alphabet: page-cache files, swap, mprotect, ... as well. */
RC_GTEST_PROP(PropsModel, AllStatementsPmdOrder3, ())
{
	check_model_property(scope(3, 3), OpAlphabet::standard());
}

RC_GTEST_PROP(PropsModel, AllStatementsPmdOrder4NoGather, ())
{
	check_model_property(scope(4, 4, Variant::v6_12, Arch::no_gather), OpAlphabet::standard());
}

/* Fault-around maps prefaulted PTEs old: the young observable tells them apart. */
RC_GTEST_PROP(PropsModel, AllStatementsPmdOrder4PrefaultOld, ())
{
	check_model_property(prefault_old(scope(4, 4)), OpAlphabet::standard());
}

RC_GTEST_PROP(PropsModel, AllStatementsPmdOrder4Unbatched, ())
{
	check_model_property(scope(4, 4, Variant::unbatched), OpAlphabet::standard());
}

/* 20 passing anon test cases of 40 statements in the scope (@pmd_order, @max_order). */
CampaignResult few_anon_cases(unsigned pmd_order, unsigned max_order)
{
	CampaignOptions o;
	o.cfg = scope(pmd_order, max_order);
	o.alphabet = anon();
	o.seed = 9;
	o.tests = 20;
	o.max_ops = 40;
	CampaignResult r = run_campaign(o);
	EXPECT_TRUE(r.error.empty()) << r.error;
	EXPECT_FALSE(r.failed) << format_counterexample(r.counterexample);
	EXPECT_EQ(r.tests, 20u);
	return r;
}

/* A few cases at the real PMD size: 512-page PMD folios, PTE-mapped ones up to order 8. */
TEST(PropsModel, AnonPmdOrder9FewCases)
{
	CampaignResult r = few_anon_cases(9, 9);
	EXPECT_GT(r.stats.count(Event::pmd_fault), 0u);
}

/* The stock scope's largest order, 4, leaves out the order-9 PMD THP. */
TEST(PropsModel, StockScopeHasNoPmdThp)
{
	const Scope stock;
	CampaignResult r = few_anon_cases(stock.pmd_order, stock.max_order);
	EXPECT_EQ(r.stats.count(Event::pmd_fault), 0u);
	EXPECT_EQ(r.stats.fault_orders[9], 0u);
	EXPECT_GT(r.stats.fault_orders[4], 0u);
	/* so `check` does not call the two PMD-only key cases a drift */
	EXPECT_EQ(key_events(stock), (std::vector<Event>{Event::partial_unmap, Event::pinned_fork}));
	EXPECT_TRUE(r.stats.missing(key_events(stock)).empty()) << r.stats.format();
	EXPECT_EQ(key_events(scope(4, 4).scope).size(), std::size(kKeyEvents));
}

/* The whole alphabet at the real PMD size: file folios, swap, mremap, ... */
TEST(PropsModel, AllStatementsPmdOrder9FewCases)
{
	CampaignOptions o;
	o.cfg = prefault_old(scope(9, 9));
	o.seed = 9;
	o.tests = 20;
	o.max_ops = 40;
	CampaignResult r = run_campaign(o);
	ASSERT_TRUE(r.error.empty()) << r.error;
	EXPECT_FALSE(r.failed) << format_counterexample(r.counterexample);
	EXPECT_EQ(r.tests, 20u);
}

/* --- trace round trip --- */

/*
 * Every builder, over states reached by legal generated sequences: the
 * statements it builds print and parse back as themselves.
 */
RC_GTEST_PROP(PropsTrace, EveryGeneratedStatementRoundTrips, ())
{
	const Config cfg = scope(*rc::gen::inRange(2u, 6u), 5);
	const uint64_t seed = *rc::gen::arbitrary<uint64_t>();
	Rng rng(seed);
	ReferenceModel ref(cfg);
	GenHints hints;
	Trace t;
	t.config = trace_config(cfg);
	for (int i = 0; i < 30; i++) {
		Snapshot before = ref.snapshot();
		StateView view(cfg, before, &hints);
		for (const OpGenerator &g : op_generators())
			if (auto op = g.build(view, rng))
				t.ops.push_back(*op);
		Op next = generate_op(view, ref, OpAlphabet::standard(), rng);
		ref.apply(next);
		hints.note(next, &before);
	}
	std::string why;
	RC_ASSERT(trace_round_trips(t, &why));
}

TEST(PropsTrace, CounterexampleFileParsesBack)
{
	Counterexample c;
	c.trace = parse("config variant=unbatched arch=no_gather mutant=zap_no_folio_get pmd_order=4\n"
			"fault p0 0x10 anon order=4\n"
			"munmap p0 0x10 pages=16\n");
	c.verdict.kind = Verdict::Kind::violation;
	c.verdict.text = "invariant no_use_after_free broke at step 2";
	c.seed = 7;
	c.size = 3;
	c.rerun = "foliocheck check --seed 7 --tests 100";
	std::string text = format_counterexample(c);
	EXPECT_NE(text.find("# seed 7 size 3"), std::string::npos) << text;
	Trace back = parse(text);
	EXPECT_EQ(back.config, c.trace.config);
	ASSERT_EQ(back.ops.size(), 2u);
	EXPECT_TRUE(back.ops[1].same_statement(c.trace.ops[1]));
}

TEST(PropsTrace, ConfigLineCarriesTheScope)
{
	Config cfg = scope(4, 3, Variant::unbatched, Arch::no_gather, Mutant::dup_ignores_pin);
	ConfigOverrides o = trace_config(cfg);
	Config back = o.apply(Config{});
	EXPECT_EQ(back.variant, Variant::unbatched);
	EXPECT_EQ(back.arch, Arch::no_gather);
	EXPECT_EQ(back.mutant, Mutant::dup_ignores_pin);
	EXPECT_EQ(back.scope.pmd_order, 4u);
	EXPECT_EQ(back.scope.max_order, 3u);
	EXPECT_EQ(back.prefault, Prefault::young);
	EXPECT_FALSE(o.prefault);

	/* prefault=old is carried, through the printed config line too */
	Trace t;
	t.config = trace_config(prefault_old(cfg));
	Config old = parse(format_trace(t)).config.apply(Config{});
	EXPECT_EQ(old.prefault, Prefault::old);
	EXPECT_EQ(old.arch, Arch::no_gather);
}

/* The hunter applies the config a mutant needs, whatever it is. */
TEST(PropsTrace, MutantNeedsAreApplied)
{
	for (const MutantInfo &mi : mutant_catalogue()) {
		Config cfg = scope(4, 4, Variant::v6_12, Arch::gather, mi.mutant);
		Config need = apply_mutant_needs(cfg);
		EXPECT_EQ(mutant_needs(mi.mutant), mi.needs);
		if (mi.needs.empty()) {
			EXPECT_EQ(need.arch, cfg.arch) << mi.name;
			EXPECT_EQ(need.prefault, cfg.prefault) << mi.name;
			continue;
		}
		Config want = parse("config " + std::string(mi.needs)).config.apply(cfg);
		EXPECT_EQ(need.arch, want.arch) << mi.name;
		EXPECT_EQ(need.prefault, want.prefault) << mi.name;
		EXPECT_EQ(need.variant, want.variant) << mi.name;
		EXPECT_EQ(need.mutant, mi.mutant) << mi.name;
	}
}

/* --- the generators --- */

TEST(PropsGenerators, StateViewSeesRunsAndHoles)
{
	Config cfg = scope(4, 4);
	ReferenceModel ref(cfg);
	for (const Op &op : parse("fault p0 8 anon order=3\n"
				  "munmap p0 10 pages=2\n"
				  "fault p0 16 anon order=4 pmd\n")
				    .ops) {
		ASSERT_FALSE(ref.check(op)) << format_op(op);
		ref.apply(op);
	}
	StateView v(cfg, ref.snapshot());
	const std::vector<Extent> &ext = v.extents(0);
	ASSERT_EQ(ext.size(), 3u);
	EXPECT_EQ(ext[0].start, 8u);
	EXPECT_EQ(ext[0].end, 10u);
	EXPECT_EQ(ext[1].start, 12u);
	EXPECT_EQ(ext[1].first_page, 4u);
	EXPECT_EQ(ext[1].folio_start(), 8u);
	EXPECT_EQ(ext[1].folio_end(), 16u);
	EXPECT_TRUE(ext[2].pmd);
	EXPECT_EQ(ext[2].end, 32u);
	EXPECT_TRUE(v.mapped(0, 20));
	EXPECT_FALSE(v.mapped(0, 10));
	EXPECT_EQ(v.mapped_run(0, 12), 20u);
	EXPECT_FALSE(v.range_unmapped(0, 8, 4));
	EXPECT_TRUE(v.range_unmapped(0, 10, 2));
	ASSERT_FALSE(v.holes().empty());
	for (const MappedPage &h : v.holes())
		EXPECT_TRUE(h.va == 10 || h.va == 11) << h.va;
	EXPECT_EQ(v.pmd_mappings().size(), 1u);
}

/*
 * The builders aim well: over many generated steps, few fall back to
 * `shrink` because no candidate was legal, and every kind of the default
 * alphabet is produced.
 */
TEST(PropsGenerators, CandidatesAreMostlyLegal)
{
	Config cfg = scope(4, 4);
	std::vector<uint64_t> by_kind(32);
	uint64_t total = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		Rng rng(seed);
		ReferenceModel ref(cfg);
		GenHints hints;
		for (int i = 0; i < 60; i++) {
			Snapshot before = ref.snapshot();
			StateView view(cfg, before, &hints);
			Op op = generate_op(view, ref, OpAlphabet::standard(), rng);
			ASSERT_FALSE(ref.check(op)) << format_op(op);
			ref.apply(op);
			hints.note(op, &before);
			by_kind[static_cast<size_t>(op.kind)]++;
			total++;
		}
	}
	/*
	 * shrink's own weight is 4 of ~150 (plus the states where little else
	 * applies); fallbacks from illegal candidates would push it far above.
	 */
	EXPECT_LT(by_kind[static_cast<size_t>(OpKind::shrink)], total / 8);
	/* every statement of SPEC but expect (an assertion, not an operation) occurs */
	for (OpKind k : {OpKind::fault_anon, OpKind::read, OpKind::write, OpKind::fork,
			 OpKind::munmap, OpKind::pin, OpKind::unpin, OpKind::get, OpKind::put,
			 OpKind::split_pmd, OpKind::split, OpKind::shrink, OpKind::exit,
			 OpKind::file_create, OpKind::fault_file, OpKind::madv_free,
			 OpKind::mremap, OpKind::mprotect, OpKind::swapout, OpKind::swapin,
			 OpKind::reclaim})
		EXPECT_GT(by_kind[static_cast<size_t>(k)], 0u) << static_cast<int>(k);
}

/*
 * File faults aim at the seed-004 bug: several pages, the faulting page
 * (at=) inside a large folio's run but not its first page.
 */
TEST(PropsGenerators, FileFaultsFaultInsideLargeRuns)
{
	Config cfg = scope(4, 4);
	ReferenceModel ref(cfg);
	GenHints hints;
	Op file = parse("file f pages=16 order=2\n").ops[0];
	ref.apply(file);
	hints.note(file, nullptr);
	StateView view(cfg, ref.snapshot(), &hints);
	const OpGenerator *fault_file = nullptr;
	for (const OpGenerator &g : op_generators())
		if (g.kind == OpKind::fault_file)
			fault_file = &g;
	ASSERT_NE(fault_file, nullptr);
	Rng rng(1);
	unsigned several = 0, mid_run = 0;
	for (int i = 0; i < 200; i++) {
		std::optional<Op> op = fault_file->build(view, rng);
		ASSERT_TRUE(op);
		EXPECT_LT(op->at, op->pages) << format_op(*op);
		several += op->pages > 1;
		mid_run += op->pages > 1 && op->at > 0 && (op->index + op->at) % 4 != 0;
	}
	EXPECT_GT(several, 100u);
	EXPECT_GT(mid_run, 40u);
}

TEST(PropsGenerators, AlphabetParses)
{
	std::string err;
	auto a = OpAlphabet::parse("fault,write=3", &err);
	ASSERT_TRUE(a) << err;
	EXPECT_EQ(a->to_string(), "fault=20,write=3");
	EXPECT_EQ(OpAlphabet::parse(a->to_string(), &err), a);
	EXPECT_EQ(OpAlphabet::parse(OpAlphabet::standard().to_string(), &err),
		  OpAlphabet::standard());
	EXPECT_FALSE(OpAlphabet::parse("fault,frobnicate", &err));
	EXPECT_NE(err.find("frobnicate"), std::string::npos);
	EXPECT_FALSE(OpAlphabet::parse("write=x", &err));
	EXPECT_FALSE(OpAlphabet::parse("write=0", &err));
	EXPECT_EQ(OpAlphabet::parse("default", &err), OpAlphabet::standard());
}

/* --- generation statistics --- */

/*
 * Over a moderate campaign the biased cases all occur: PMD splits, partial
 * unmaps of large folios, forks of pinned folios, COW reuse of a large
 * folio (only possible from a read-only AnonExclusive mapping: a PMD whose
 * sharer went away, or after an unshare), non-contiguous mappings, ranges
 * ending around folio boundaries, writes on both sides of a fork.
 */
TEST(PropsStats, BiasedCasesOccur)
{
	CampaignOptions o;
	o.cfg = scope(4, 4);
	o.alphabet = anon();
	o.seed = 2;
	o.tests = 300;
	o.max_ops = 100;
	CampaignResult r = run_campaign(o);
	ASSERT_TRUE(r.error.empty()) << r.error;
	ASSERT_FALSE(r.failed) << format_counterexample(r.counterexample);
	const GenStats &s = r.stats;
	EXPECT_EQ(s.tests, 300u);
	EXPECT_TRUE(s.missing(kKeyEvents).empty()) << s.format();
	/* anon folios of every order up to max_order, and PMD folios */
	for (unsigned k : {0u, 1u, 2u, 3u, 4u})
		EXPECT_GT(s.fault_orders[k], 0u) << "order " << k << "\n" << s.format();
	for (Event e : {Event::pmd_split, Event::partial_unmap, Event::pinned_fork,
			Event::large_cow_reuse, Event::pmd_cow_reuse, Event::pte_large_fault,
			Event::pmd_fault, Event::noncontiguous, Event::range_end_before,
			Event::range_end_on, Event::range_end_after, Event::fork_copy,
			Event::large_cow_copy, Event::unshare, Event::write_both_sides,
			Event::folio_split, Event::split_refused, Event::deferred_queue,
			Event::folio_freed})
		EXPECT_GT(s.count(e), 0u) << event_name(e) << "\n" << s.format();
}

/*
 * The whole alphabet reaches the issue-6 paths as well as the four key
 * cases: fault-around over large file folios with the faulting page inside a
 * run (and old prefaulted PTEs, on prefault=old), private file COW into
 * anon, MADV_FREE marking a large folio without a split and MADV_FREE over
 * part of one, reclaim discarding lazyfree folios, mremap leaving a folio
 * non-contiguous, mprotect over part of a folio, swapout, swapout refused
 * for a pin, swap-in.
 */
TEST(PropsStats, Issue6PathsOccur)
{
	CampaignOptions o;
	o.cfg = prefault_old(scope(4, 4));
	o.alphabet = OpAlphabet::standard();
	o.seed = 6;
	o.tests = 300;
	CampaignResult r = run_campaign(o);
	ASSERT_TRUE(r.error.empty()) << r.error;
	ASSERT_FALSE(r.failed) << format_counterexample(r.counterexample);
	const GenStats &s = r.stats;
	EXPECT_TRUE(s.missing(kKeyEvents).empty()) << s.format();
	for (Event e : {Event::file_large_map, Event::fault_mid_folio, Event::prefault_old,
			Event::file_cow_anon, Event::lazyfree_large, Event::madv_free_partial,
			Event::lazyfree_reclaimed, Event::mremap_noncontig,
			Event::mprotect_partial, Event::swapped_out, Event::swapout_pinned,
			Event::swapin})
		EXPECT_GT(s.count(e), 0u) << event_name(e) << "\n" << s.format();
}

/*
 * The classifier counts COW reuse the way v6.12 does it: a write to a
 * read-only PMD whose folio has no other reference reuses it
 * (do_huge_pmd_wp_page()); a write to a read-only PTE of a large folio that
 * is not AnonExclusive copies (wp_can_reuse_anon_folio() refuses every
 * large folio).
 */
TEST(PropsStats, CowReuseCountsWhatTheKernelDoes)
{
	Config cfg = scope(4, 4);
	auto events_of_last = [&](const std::string &text) {
		Trace t = parse(text);
		ReferenceModel ref(cfg);
		StepClassifier c(cfg.scope.pmd_pages());
		std::vector<Event> last;
		for (const Op &op : t.ops) {
			EXPECT_FALSE(ref.check(op)) << format_op(op);
			Snapshot before = ref.snapshot();
			ref.apply(op);
			last = c.classify(op, before, ref.snapshot());
		}
		return last;
	};
	auto has = [](const std::vector<Event> &ev, Event e) {
		return std::find(ev.begin(), ev.end(), e) != ev.end();
	};
	std::vector<Event> pmd = events_of_last("fault p0 16 anon order=4 pmd\n"
						"fork p0 p1\n"
						"exit p1\n"
						"write p0 20\n");
	EXPECT_TRUE(has(pmd, Event::large_cow_reuse));
	EXPECT_TRUE(has(pmd, Event::pmd_cow_reuse));
	EXPECT_FALSE(has(pmd, Event::pmd_split));

	std::vector<Event> pte = events_of_last("fault p0 8 anon order=3\n"
						"fork p0 p1\n"
						"exit p1\n"
						"write p0 9\n");
	EXPECT_FALSE(has(pte, Event::large_cow_reuse));
	EXPECT_TRUE(has(pte, Event::large_cow_copy));
}

/* --- campaigns: stopping --- */

/* A stop request before the start: nothing runs, the result says so. */
TEST(PropsCampaign, StopBeforeStart)
{
	volatile std::sig_atomic_t stop = 1;
	CampaignOptions o;
	o.cfg = scope(4, 4);
	o.seed = 1;
	o.tests = 100;
	o.stop = &stop;
	CampaignResult r = run_campaign(o);
	EXPECT_TRUE(r.interrupted);
	EXPECT_FALSE(r.failed);
	EXPECT_EQ(r.tests, 0u);
	EXPECT_NE(r.rerun.find("--seed 1 "), std::string::npos) << r.rerun;
}

/*
 * A stop request while shrinking (the SIGINT case): the failure is kept,
 * shrunk as far as it got, not minimized, and still fails on replay.
 */
TEST(PropsCampaign, StopWhileShrinkingKeepsTheFailure)
{
	volatile std::sig_atomic_t stop = 0;
	CampaignOptions o;
	o.cfg = scope(4, 4, Variant::v6_12, Arch::gather, Mutant::dup_ignores_pin);
	o.seed = 1;
	o.tests = 1000;
	o.stop = &stop;
	o.progress_interval = 0;
	o.progress = [&stop](const CampaignProgress &p) {
		if (p.shrinking)
			stop = 1;
	};
	CampaignResult r = run_campaign(o);
	ASSERT_TRUE(r.error.empty()) << r.error;
	ASSERT_TRUE(r.failed);
	EXPECT_TRUE(r.interrupted);
	/* not minimized: the trace is RapidCheck's, as far as it shrank */
	EXPECT_EQ(r.counterexample.trace.ops.size(), r.counterexample.shrunk_ops);
	EXPECT_LE(r.counterexample.shrunk_ops, r.counterexample.generated_ops);
	EXPECT_TRUE(verdict_of(run_trace(r.counterexample.trace, o.cfg)).failed());
	EXPECT_FALSE(r.rerun.empty());
}

/* --- shrinking and minimizing --- */

TEST(PropsMinimize, DropsNoiseAndRenames)
{
	/*
	 * unpin_once_per_folio needs a process, a large folio, a pin of two of
	 * its pages and the unpin. The noise before them shifts the names the
	 * needed statements use (p2, pin2): removing it must rename them.
	 */
	Config base = scope(4, 4);
	Trace t = parse("config mutant=unpin_once_per_folio pmd_order=4 max_order=3\n"
			"fault p0 0 anon order=1\n"
			"fork p0 p1\n"
			"pin p0 0\n"
			"fork p0 p2\n"
			"exit p1\n"
			"fault p2 8 anon order=3\n"
			"get p2 8\n"
			"unpin pin1\n"
			"pin p2 8 pages=8 write\n"
			"put ref1\n"
			"unpin pin2\n"
			"shrink\n");
	MinimizeResult m = minimize_trace(t, base, 20);
	ASSERT_TRUE(m.verdict.failed()) << m.verdict.text;
	EXPECT_EQ(m.verdict.kind, Verdict::Kind::divergence);
	Trace want = parse("config mutant=unpin_once_per_folio pmd_order=4 max_order=3\n"
			   "fork p0 p1\n"
			   "fault p1 8 anon order=1\n"
			   "pin p1 8 pages=2\n"
			   "unpin pin1\n");
	ASSERT_EQ(m.trace.ops.size(), want.ops.size()) << format_trace(m.trace);
	for (size_t i = 0; i < want.ops.size(); i++)
		EXPECT_TRUE(m.trace.ops[i].same_statement(want.ops[i])) << format_trace(m.trace);
	TraceRun again = run_trace(m.trace, base);
	EXPECT_TRUE(verdict_of(again).same_failure(m.verdict));
}

TEST(PropsMinimize, PassingTraceIsLeftAlone)
{
	Trace t = parse("fault p0 0 anon order=2\nmunmap p0 1\n");
	MinimizeResult m = minimize_trace(t, scope(4, 4), 5);
	EXPECT_FALSE(m.verdict.failed());
	EXPECT_EQ(m.trace.ops.size(), 2u);
}

/* --- mutants --- */

} // namespace
} // namespace props

/* Test names and failure messages show the mutant by name. */
void PrintTo(const MutantInfo &m, std::ostream *os)
{
	*os << m.name;
}

namespace props {
namespace {

class PropsMutant : public ::testing::TestWithParam<MutantInfo> {};

/*
 * Every catalogue mutant is killed within seconds at a small scope over the
 * whole alphabet: a counterexample of at most 8 statements that replays as
 * the same failure with the mutant and passes without it.
 */
TEST_P(PropsMutant, KilledWithShortReplayableTrace)
{
	const MutantInfo &mi = GetParam();
	CampaignOptions o;
	o.cfg = scope(4, 4, Variant::v6_12, Arch::gather, mi.mutant);
	o.seed = 1;
	o.collect_stats = false;
	o.shrink_seconds = 20;
	o.minimize_seconds = 10;
	HuntResult h = hunt_mutant(o, 60);
	ASSERT_TRUE(h.error.empty()) << h.error;
	ASSERT_TRUE(h.killed) << mi.name << " survived " << h.tests << " tests";
	const Counterexample &c = h.kill;
	EXPECT_LE(c.trace.ops.size(), 8u) << format_counterexample(c);

	Trace back = parse(format_counterexample(c));
	TraceRun with = run_trace(back, Config{});
	Verdict v = verdict_of(with);
	EXPECT_TRUE(v.failed()) << format_counterexample(c);
	EXPECT_TRUE(v.same_failure(c.verdict)) << v.text << " vs " << c.verdict.text;

	back.config.mutant = Mutant::none;
	TraceRun without = run_trace(back, Config{});
	EXPECT_FALSE(verdict_of(without).failed()) << verdict_of(without).text;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, PropsMutant, ::testing::ValuesIn(mutant_catalogue()),
			 [](const ::testing::TestParamInfo<MutantInfo> &info) {
				 return std::string(info.param.name);
			 });

} // namespace
} // namespace props
} // namespace fc
