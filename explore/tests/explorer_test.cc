// SPDX-License-Identifier: GPL-2.0
/*
 * explorer_test.cc - the BFS on the real models: deterministic counts,
 * symmetry reduction, bounds, and shortest counterexamples that replay.
 */
#include "explore/explorer.h"

#include <gtest/gtest.h>

namespace fc::explore {
namespace {

ExploreOptions small(unsigned depth)
{
	ExploreOptions o;
	o.depth = depth;
	o.batch_states = 64;
	return o;
}

TEST(Explorer, CountsAreTheSameForEveryRunAndThreadCount)
{
	ExploreOptions o = small(3);
	o.threads = 1;
	ExploreResult one = explore(o);
	ExploreResult again = explore(o);
	o.threads = 2;
	ExploreResult two = explore(o);
	EXPECT_EQ(one.stop, StopReason::depth_bound);
	EXPECT_FALSE(one.counterexample) << one.counterexample->headline();
	EXPECT_GT(one.distinct, 100u);
	EXPECT_EQ(one.distinct, again.distinct);
	EXPECT_EQ(one.distinct, two.distinct);
	EXPECT_EQ(one.distinct_per_depth, two.distinct_per_depth);
	EXPECT_EQ(one.found, two.found);
	uint64_t sum = 0;
	for (uint64_t n : one.distinct_per_depth)
		sum += n;
	EXPECT_EQ(sum, one.distinct);
	EXPECT_EQ(one.depth_exhausted, 3u);
	EXPECT_GT(one.collision_probability, 0.0);
	EXPECT_LT(one.collision_probability, 1e-9);
}

TEST(Explorer, SymmetryOnlyMergesStates)
{
	ExploreOptions o = small(3);
	o.canonical.symmetry = Symmetry::none;
	ExploreResult none = explore(o);
	o.canonical.symmetry = Symmetry::procs;
	ExploreResult procs = explore(o);
	o.canonical.symmetry = Symmetry::full;
	ExploreResult full = explore(o);
	EXPECT_GE(none.distinct, procs.distinct);
	EXPECT_GT(procs.distinct, full.distinct);
	/* depth 1: one process, nothing mapped: only block symmetry merges */
	EXPECT_EQ(none.distinct_per_depth[1], procs.distinct_per_depth[1]);
	EXPECT_GT(procs.distinct_per_depth[1], full.distinct_per_depth[1]);
}

TEST(Explorer, StateBoundSaysWhatWasCovered)
{
	ExploreOptions o = small(4);
	o.max_states = 200;
	ExploreResult r = explore(o);
	EXPECT_EQ(r.stop, StopReason::max_states);
	EXPECT_EQ(r.distinct, 200u);
	EXPECT_LT(r.partial_expanded, r.partial_frontier);
	EXPECT_NE(r.coverage().find("partially"), std::string::npos) << r.coverage();
	EXPECT_NE(r.coverage().find("--max-states"), std::string::npos) << r.coverage();
}

TEST(Explorer, SmallAlphabetExhaustsTheSpace)
{
	/* faults only: after at most 8 of them every page is mapped, nothing is legal */
	ExploreOptions o = small(12);
	o.families = fam_fault;
	ExploreResult r = explore(o);
	EXPECT_EQ(r.stop, StopReason::space_exhausted) << r.coverage();
	EXPECT_EQ(r.depth_exhausted, 8u);
	EXPECT_EQ(r.distinct_per_depth.back(), 0u);
	EXPECT_FALSE(r.counterexample);
}

/* The counterexample is a shortest one, and it replays on its own. */
TEST(Explorer, MutantCounterexampleIsShortestAndReplays)
{
	ExploreOptions o = small(5);
	o.cfg.mutant = Mutant::cow_reuse_shared;
	o.threads = 2;
	ExploreResult r = explore(o);
	ASSERT_TRUE(r.counterexample) << r.coverage();
	const Counterexample &cex = *r.counterexample;
	EXPECT_TRUE(cex.replayed);
	EXPECT_EQ(cex.step + 1, cex.trace.ops.size());
	EXPECT_EQ(r.stop, StopReason::counterexample);

	/* no shorter trace exists */
	ExploreOptions shorter = o;
	shorter.depth = static_cast<unsigned>(cex.trace.ops.size() - 1);
	ExploreResult s = explore(shorter);
	EXPECT_FALSE(s.counterexample);

	/* the printed trace parses back to the same statements and config */
	Trace back = parse_trace(format_trace(cex.trace));
	ASSERT_EQ(back.ops.size(), cex.trace.ops.size());
	for (size_t i = 0; i < back.ops.size(); i++)
		EXPECT_TRUE(back.ops[i].same_statement(cex.trace.ops[i]));
	EXPECT_EQ(back.config.apply(Config{}).mutant, Mutant::cow_reuse_shared);
	TraceRun tr = run_trace(back, Config{});
	EXPECT_TRUE(tr.runner.failed());

	/* and the same one with one thread */
	o.threads = 1;
	ExploreResult r1 = explore(o);
	ASSERT_TRUE(r1.counterexample);
	EXPECT_EQ(format_trace(r1.counterexample->trace), format_trace(cex.trace));
}

/* A mid-batch violation (seed 000) is only visible with arch=no_gather. */
TEST(Explorer, FindsMidBatchViolationOnNoGather)
{
	ExploreOptions o = small(4);
	o.cfg.mutant = Mutant::zap_refs_before_rmap;
	ExploreResult gather = explore(o);
	EXPECT_FALSE(gather.counterexample);
	o.cfg.arch = Arch::no_gather;
	ExploreResult r = explore(o);
	ASSERT_TRUE(r.counterexample);
	const Counterexample &cex = *r.counterexample;
	EXPECT_EQ(cex.trace.ops.size(), 2u);
	ASSERT_FALSE(cex.violations.empty());
	EXPECT_EQ(cex.violations[0].invariant, Invariant::mapcount_le_refcount);
	EXPECT_NE(cex.violations[0].point, "end of operation");
	EXPECT_TRUE(cex.replayed);
	EXPECT_EQ(r.distinct_per_depth.size(), 2u); /* depths 0 and 1; depth 2 was cut */
}

} // namespace
} // namespace fc::explore
