// SPDX-License-Identifier: GPL-2.0
/*
 * explorer_test.cc - the BFS on the real models: deterministic counts,
 * symmetry reduction, bounds, and shortest counterexamples that replay.
 */
#include "explore/explorer.h"

#include "explore/checkpoint.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <unistd.h>

namespace fc::explore {
namespace {

ExploreOptions small(unsigned depth)
{
	ExploreOptions o;
	o.depth = depth;
	o.batch_states = 64;
	return o;
}

/* scratch_dir - a path for this test process's files under the temp folder. */
std::string scratch_dir(const std::string &name)
{
	return (std::filesystem::temp_directory_path() / (name + std::to_string(getpid()))).string();
}

/* stopped_early - a depth-4 search that stops after 500 states, checkpointing into @dir. */
ExploreOptions stopped_early(const std::string &dir)
{
	ExploreOptions o = small(4);
	o.checkpoint_dir = dir;
	o.max_states = 500;
	return o;
}

/*
 * The per-depth counts docs/explore.md gives for the default scope (tree
 * symmetry). A change that merges or loses states moves them: the ways
 * the explorer skips work (the self-loop shortcut, the early exit of the
 * canonical form, the sorted deepest level) must not. If the models' or
 * the alphabet's semantics change on purpose, update the table there too.
 */
TEST(Explorer, DefaultScopeCountsAreTheDocumentedOnes)
{
	ExploreOptions o;
	o.depth = 4;
	o.threads = 2;
	ExploreResult r = explore(o);
	EXPECT_EQ(r.distinct_per_depth, (std::vector<uint64_t>{1, 5, 49, 726, 11735}));
	EXPECT_FALSE(r.counterexample);
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

/* The deepest level counted by sorting, in memory or spilled, as the visited set counts it. */
TEST(Explorer, LastLevelCountIsTheSameSortedOrHashed)
{
	ExploreOptions o = small(4);
	o.last_level_buffer = 0;
	ExploreResult hashed = explore(o);
	o.last_level_buffer = size_t{1} << 20;
	ExploreResult sorted = explore(o);
	o.last_level_buffer = 512;
	ExploreResult spilled = explore(o);
	EXPECT_EQ(hashed.distinct_per_depth, sorted.distinct_per_depth);
	EXPECT_EQ(hashed.distinct_per_depth, spilled.distinct_per_depth);
	EXPECT_EQ(hashed.distinct, sorted.distinct);
	EXPECT_EQ(hashed.distinct, spilled.distinct);
	EXPECT_EQ(hashed.found, spilled.found);
	EXPECT_EQ(sorted.spill_runs, 0u);
	EXPECT_GT(spilled.spill_runs, 1u);
	EXPECT_GT(sorted.last_level_buffer_bytes, 0u);
	EXPECT_EQ(hashed.last_level_buffer_bytes, 0u);
}

/*
 * A search stopped short (here by its interrupt flag, raised from the
 * progress callback as Ctrl-C would) and resumed from its checkpoint ends
 * exactly as one never stopped: with the deepest level hashed, sorted in
 * memory and spilled to disk, and stopped in the middle of a level, in the
 * middle of the deepest one, or right after a level.
 */
TEST(Explorer, ResumedSearchEndsAsOneNeverStopped)
{
	const std::string dir = scratch_dir("explore-checkpoint-");
	ExploreOptions o = small(4);
	o.threads = 2;
	const ExploreResult whole = explore(o);
	struct Cut {
		unsigned depth;
		uint64_t expanded;
	};
	for (size_t buffer : {size_t{0}, size_t{1} << 20, size_t{256}}) {
		for (Cut cut : {Cut{2, 40}, Cut{3, 700}, Cut{3, 1}, Cut{2, 1000}}) {
			SCOPED_TRACE("buffer " + std::to_string(buffer) + ", cut at depth " +
				     std::to_string(cut.depth) + " after " + std::to_string(cut.expanded));
			ExploreOptions a = o;
			a.last_level_buffer = buffer;
			a.checkpoint_dir = dir;
			a.checkpoint_interval = 0; /* and one after every batch on the way */
			std::atomic<bool> stop{false};
			a.interrupt = &stop;
			a.progress_interval = 0;
			a.on_progress = [&](const ExploreProgress &p) {
				if (p.depth > cut.depth || (p.depth == cut.depth && p.expanded >= cut.expanded))
					stop = true;
			};
			ExploreResult first = explore(a);
			ASSERT_EQ(first.stop, StopReason::interrupted) << first.coverage();
			ASSERT_TRUE(first.checkpoint_saved);
			ASSERT_TRUE(has_checkpoint(dir));
			EXPECT_LT(first.distinct, whole.distinct);

			ExploreOptions b = a;
			b.interrupt = nullptr;
			b.on_progress = nullptr;
			b.resume = true;
			ExploreResult rest = explore(b);
			EXPECT_TRUE(rest.resumed);
			EXPECT_EQ(rest.stop, StopReason::depth_bound) << rest.coverage();
			EXPECT_EQ(rest.distinct_per_depth, whole.distinct_per_depth);
			EXPECT_EQ(rest.distinct, whole.distinct);
			EXPECT_EQ(rest.found, whole.found);
			EXPECT_FALSE(has_checkpoint(dir)); /* a search that ended removes it */
		}
	}
	std::filesystem::remove_all(dir);
}

TEST(Explorer, ResumeRefusesAnotherSearchsCheckpoint)
{
	const std::string dir = scratch_dir("explore-other-");
	ExploreOptions a = stopped_early(dir);
	ExploreResult first = explore(a);
	ASSERT_TRUE(first.checkpoint_saved);
	ExploreOptions b = a;
	b.resume = true;
	b.cfg.mutant = Mutant::cow_reuse_shared;
	try {
		explore(b);
		ADD_FAILURE() << "resumed another search's checkpoint";
	} catch (const std::invalid_argument &e) {
		EXPECT_NE(std::string(e.what()).find("another search"), std::string::npos) << e.what();
	}
	b = a;
	b.resume = true;
	b.checkpoint_dir = dir + "-missing";
	EXPECT_THROW(explore(b), std::invalid_argument);
	std::filesystem::remove_all(dir);
}

/*
 * A checkpoint whose fingerprints are not this build's (here: a visited set
 * wiped to empty slots, as a build with another canonical form would find
 * its states missing) is refused, not resumed into a search that counts
 * every state again.
 */
TEST(Explorer, ResumeRefusesFingerprintsOfAnotherBuild)
{
	const std::string dir = scratch_dir("explore-build-");
	ExploreOptions a = stopped_early(dir);
	ASSERT_TRUE(explore(a).checkpoint_saved);
	{
		/* visited.bin: the entry count, the slot count, the slots */
		std::fstream f(dir + "/visited.bin", std::ios::in | std::ios::out | std::ios::binary);
		f.seekg(0, std::ios::end);
		std::streamoff size = f.tellg();
		ASSERT_GT(size, 16);
		f.seekp(16);
		std::string zeros(static_cast<size_t>(size - 16), '\0');
		f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
	}
	ExploreOptions b = a;
	b.resume = true;
	try {
		explore(b);
		ADD_FAILURE() << "resumed a checkpoint whose fingerprints this build does not compute";
	} catch (const std::invalid_argument &e) {
		EXPECT_NE(std::string(e.what()).find("canonical form differ"), std::string::npos) << e.what();
	}
	std::filesystem::remove_all(dir);
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
	o.canonical.symmetry = Symmetry::tree;
	ExploreResult tree = explore(o);
	EXPECT_GE(none.distinct, procs.distinct);
	EXPECT_GT(procs.distinct, full.distinct);
	EXPECT_GT(full.distinct, tree.distinct);
	/* depth 1: one process, nothing mapped: only block symmetry merges */
	EXPECT_EQ(none.distinct_per_depth[1], procs.distinct_per_depth[1]);
	EXPECT_GT(procs.distinct_per_depth[1], full.distinct_per_depth[1]);
}

/*
 * what_is_seen - a state with every name and every address dropped: per
 * live process its RSS and the sorted list of what its PTEs and PMDs map
 * (page, writable, young and the folio's observables), the sorted handles
 * (process kept only as live or exited, the sorted list of their pages'
 * folio observables) and
 * the split queue's folios. Equal for any two states a symmetry of the
 * canonical form relates, and still different for states whose counts,
 * flags or bits differ.
 */
std::string what_is_seen(const Snapshot &s)
{
	auto folio = [&](FolioId id) {
		const FolioView *f = s.folio(id);
		if (!f)
			return std::string("?");
		std::string o = "o" + std::to_string(f->order) + "r" + std::to_string(f->refcount) + "m" +
				std::to_string(f->mapcount) + "e" + std::to_string(f->entire_mapcount) + "n" +
				std::to_string(f->nr_pages_mapped) + "p" + std::to_string(f->pincount) +
				(f->maybe_pinned ? "M" : "") + (f->queued ? "Q" : "") +
				(f->partially_mapped ? "P" : "") + (f->freed ? "F" : "") + "/";
		for (long c : f->page_mapcount)
			o += std::to_string(c) + ",";
		for (bool x : f->anon_exclusive)
			o += x ? "X" : "-";
		return o;
	};
	std::vector<std::string> procs, handles;
	for (const ProcView &pv : s.procs) {
		if (pv.exited)
			continue;
		std::vector<std::string> maps;
		for (const auto &[va, pmd] : pv.pmds)
			maps.push_back("PMD " + folio(pmd.folio) + (pmd.writable ? "w" : "") +
				       (pmd.young ? "y" : ""));
		for (const auto &[va, pte] : pv.ptes)
			maps.push_back("PTE " + std::to_string(pte.page) + folio(pte.folio) +
				       (pte.writable ? "w" : "") + (pte.young ? "y" : ""));
		std::sort(maps.begin(), maps.end());
		std::string p = "rss" + std::to_string(pv.rss_anon) + ":";
		for (const std::string &m : maps)
			p += m + ";";
		procs.push_back(p);
	}
	for (const auto *list : {&s.pins, &s.refs})
		for (const HandleView &h : *list) {
			if (h.released)
				continue;
			const ProcView *pv = s.proc(h.proc);
			std::string k = std::string(list == &s.pins ? "pin" : "ref") +
					(pv && !pv->exited ? "" : "(exited)") + ":";
			std::vector<std::string> pages;
			for (const HandleView::Page &pg : h.pages)
				pages.push_back(std::to_string(pg.page) + folio(pg.folio));
			std::sort(pages.begin(), pages.end());
			for (const std::string &pg : pages)
				k += pg + ";";
			handles.push_back(k);
		}
	std::sort(procs.begin(), procs.end());
	std::sort(handles.begin(), handles.end());
	std::string out;
	for (const std::string &p : procs)
		out += p + "|";
	for (const std::string &h : handles)
		out += h + "|";
	for (FolioId f : s.split_queue)
		out += "queued " + folio(f) + "|";
	return out;
}

/*
 * Tree symmetry merges only states that behave alike: what is seen of
 * every state the search without symmetry reaches within 4 statements is
 * seen of some state the tree-reduced search visits. A swap that is not a
 * symmetry (a rule that depends on where in a block a folio sits, or a
 * canonical form that drops something the future depends on) leaves
 * counts or bits of the unreduced search unseen.
 */
TEST(Explorer, TreeSymmetrySeesWhatTheUnreducedSearchSees)
{
	auto seen = [](Symmetry sym, ExploreResult *res) {
		ExploreOptions o = small(4);
		o.canonical.symmetry = sym;
		std::set<std::string> out;
		o.on_successor = [&](const Runner &r) { out.insert(what_is_seen(r.reference_snapshot())); };
		*res = explore(o);
		return out;
	};
	ExploreResult none, full, tree;
	std::set<std::string> all = seen(Symmetry::none, &none);
	std::set<std::string> by_blocks = seen(Symmetry::full, &full);
	std::set<std::string> by_tree = seen(Symmetry::tree, &tree);
	EXPECT_FALSE(none.counterexample);
	EXPECT_GT(all.size(), 1000u);
	EXPECT_EQ(all.size(), by_blocks.size());
	EXPECT_EQ(all.size(), by_tree.size());
	EXPECT_TRUE(all == by_tree);
	/* and it does merge: about half the states of block symmetry alone */
	EXPECT_LT(tree.distinct, full.distinct * 6 / 10);
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
