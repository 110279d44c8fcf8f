// SPDX-License-Identifier: GPL-2.0
/*
 * history_test.cc - states that differ only in what the Snapshot hides
 * (VMA attributes, the page cache, the swap cache) are never merged, and
 * the opt-in families reach the issue-6 mutants with shortest traces.
 */
#include "explore/explorer.h"
#include "explore/history.h"

#include <gtest/gtest.h>

namespace fc::explore {
namespace {

struct Reached {
	Runner runner;
	PathKey key;
};

/* Run @text from the initial state of @cfg as the explorer would, keeping the path key. */
Reached reach(const std::string &text, Config cfg = default_explore_config())
{
	Reached r{Runner(cfg), PathKey{}};
	for (const Op &op : parse_trace(text).ops) {
		EXPECT_TRUE(can_pack(op)) << format_op(op);
		StepResult s = r.runner.step(op);
		EXPECT_EQ(s.status, StepStatus::ok) << format_op(op);
		r.key = r.key.extend(pack_op(op));
	}
	return r;
}

uint64_t canonical_fp(const Reached &r)
{
	Canonicalizer c(default_explore_config());
	return c.fingerprint(r.runner.reference().snapshot(), r.runner.kernel().snapshot());
}

uint64_t state_fp(const Reached &r)
{
	Canonicalizer c(default_explore_config());
	return state_fingerprint(c, r.runner, r.key);
}

bool legal(const Reached &r, const std::string &stmt)
{
	return !r.runner.reference().check(parse_trace(stmt).ops[0]);
}

TEST(History, OnlyTheIssue6StatementsMakeAStateDirty)
{
	PathKey clean = reach("fault p0 0 anon order=1\nfork p0 p1\npin p1 0\nsplit f1\n"
			      "shrink\nexit p0\n").key;
	EXPECT_FALSE(clean.dirty);
	for (const char *stmt : {"mprotect p0 0 pages=1 ro", "mremap p0 0 pages=1 to=0x5",
				 "madv_free p0 0 pages=1", "swapout f1", "reclaim",
				 "file a pages=4 order=1"}) {
		PathKey k = reach(std::string("fault p0 0 anon order=0\n") + stmt + "\n").key;
		EXPECT_TRUE(k.dirty) << stmt;
		/* and dirty stays dirty */
		EXPECT_TRUE(k.extend(pack_op(parse_trace("shrink\n").ops[0])).dirty) << stmt;
	}
}

TEST(History, CleanStatesKeepTheirCanonicalForm)
{
	Reached a = reach("fault p0 0 anon order=0\n");
	Reached b = reach("fault p0 4 anon order=0\n"); /* the other block: symmetric */
	EXPECT_EQ(state_fp(a), canonical_fp(a));
	EXPECT_EQ(state_fp(a), state_fp(b));
	/* skipping the kernel Snapshot after a clean step changes nothing, freed folios included */
	Reached freed = reach("fault p0 0 anon order=1\nfork p0 p1\nmunmap p0 0 pages=2\n"
			      "write p1 1\nexit p1\n");
	for (const Reached *x : {&a, &b, &freed}) {
		Canonicalizer c(default_explore_config());
		EXPECT_EQ(state_fingerprint(c, x->runner, x->key, true),
			  state_fingerprint(c, x->runner, x->key, false));
	}
}

/*
 * A read-only VMA over an unmapped page is in no Snapshot: the two states
 * look the same, yet `write p0 4` is legal in one only. They must stay apart.
 */
TEST(History, StatesDifferingOnlyInVmaProtectionStayApart)
{
	Reached plain = reach("fault p0 0 anon order=0\n");
	Reached ro = reach("fault p0 0 anon order=0\nmprotect p0 4 pages=1 ro\n");
	EXPECT_EQ(plain.runner.reference().snapshot(), ro.runner.reference().snapshot());
	EXPECT_EQ(canonical_fp(plain), canonical_fp(ro)); /* the Snapshot form alone would merge */
	EXPECT_NE(state_fp(plain), state_fp(ro));
	EXPECT_TRUE(legal(plain, "write p0 4"));
	EXPECT_FALSE(legal(ro, "write p0 4"));
}

/*
 * Splitting one or the other order-1 folio of the file leaves snapshots
 * that are equal up to folio names, but the page cache differs: index 0 is
 * an order-0 folio in one and half of an order-1 folio in the other, so a
 * 2-page file fault there maps one folio or two.
 */
TEST(History, StatesDifferingOnlyInThePageCacheStayApart)
{
	Reached first = reach("file a pages=4 order=1\nsplit f1\n");
	Reached second = reach("file a pages=4 order=1\nsplit f2\n");
	EXPECT_EQ(canonical_fp(first), canonical_fp(second));
	EXPECT_NE(state_fp(first), state_fp(second));
	Op fault = parse_trace("fault p0 0 file=a pages=2\n").ops[0];
	Runner a = first.runner, b = second.runner;
	ASSERT_EQ(a.step(fault).status, StepStatus::ok);
	ASSERT_EQ(b.step(fault).status, StepStatus::ok);
	const Snapshot sa = a.reference().snapshot(), sb = b.reference().snapshot();
	const ProcView &pa = sa.procs[0], &pb = sb.procs[0];
	EXPECT_NE(pa.ptes.at(0).folio, pa.ptes.at(1).folio);
	EXPECT_EQ(pb.ptes.at(0).folio, pb.ptes.at(1).folio);
}

/*
 * After a swap-in by read fault the folio stays in the swap cache, and the
 * other process's swap entry names its slot: `swapin p1 0` is a cache hit.
 * No Snapshot says which slot a cached folio holds, so a dirty state is
 * keyed by its path: the same path gives the same key, any other path
 * another one, even when the Snapshots agree.
 */
TEST(History, DirtyStatesAreKeyedByTheirPath)
{
	const std::string prefix = "fault p0 0 anon order=0\nfork p0 p1\nswapout f1\nswapin p0 0\n";
	Reached a = reach(prefix);
	Reached again = reach(prefix);
	EXPECT_EQ(state_fp(a), state_fp(again));
	Runner hit = a.runner;
	ASSERT_EQ(hit.step(parse_trace("swapin p1 0\n").ops[0]).status, StepStatus::ok);
	EXPECT_EQ(hit.reference().snapshot().procs[1].ptes.at(0).folio,
		  a.runner.reference().snapshot().procs[0].ptes.at(0).folio);

	Reached rw = reach("fault p0 0 anon order=0\nmprotect p0 4 pages=1 rw\n");
	Reached ro_rw = reach("fault p0 0 anon order=0\nmprotect p0 4 pages=1 ro\n"
			      "mprotect p0 4 pages=1 rw\n");
	EXPECT_EQ(rw.runner.reference().snapshot(), ro_rw.runner.reference().snapshot());
	EXPECT_NE(state_fp(rw), state_fp(ro_rw));
}

/* The explorer with the opt-in families: deterministic, and more states. */
TEST(History, OptInFamiliesExploreDeterministically)
{
	ExploreOptions o;
	o.depth = 2;
	o.batch_states = 64;
	ExploreResult anon = explore(o);
	o.families = fam_all;
	o.threads = 1;
	ExploreResult all1 = explore(o);
	o.threads = 2;
	ExploreResult all2 = explore(o);
	EXPECT_FALSE(all1.counterexample) << all1.counterexample->headline();
	EXPECT_GT(all1.distinct, anon.distinct);
	EXPECT_EQ(all1.distinct, all2.distinct);
	EXPECT_EQ(all1.distinct_per_depth, all2.distinct_per_depth);
}

/*
 * The issue-6 mutants: each is killed in the default scope (with the config
 * the catalogue says it needs) with the families mutant_families() names,
 * by a shortest trace (BFS) that replays on its own.
 */
TEST(History, HunterFamiliesKillTheIssue6Mutants)
{
	struct Case {
		Mutant m;
		size_t shortest;
	};
	for (Case c : {Case{Mutant::file_rmap_once_per_batch, 2},
		       Case{Mutant::madv_free_skips_batch_check, 3},
		       Case{Mutant::swapout_ignores_pin, 4},
		       Case{Mutant::pte_range_young_once, 2}}) {
		ExploreOptions o;
		o.cfg.mutant = c.m;
		for (const MutantInfo &m : mutant_catalogue())
			if (m.mutant == c.m && !m.needs.empty())
				o.cfg = parse_trace("config " + std::string(m.needs)).config.apply(o.cfg);
		o.families = mutant_families(c.m);
		o.threads = 2;
		o.depth = 6;
		ExploreResult r = explore(o);
		ASSERT_TRUE(r.counterexample) << mutant_name(c.m) << ": " << r.coverage();
		const Counterexample &cex = *r.counterexample;
		EXPECT_TRUE(cex.replayed) << mutant_name(c.m);
		if (c.shortest) {
			EXPECT_EQ(cex.trace.ops.size(), c.shortest) << format_trace(cex.trace);
		}
		/* without the families the mutant's code never runs */
		o.families = fam_anon;
		o.depth = static_cast<unsigned>(cex.trace.ops.size());
		EXPECT_FALSE(explore(o).counterexample) << mutant_name(c.m);
	}
}

} // namespace
} // namespace fc::explore
