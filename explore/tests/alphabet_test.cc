// SPDX-License-Identifier: GPL-2.0
/* alphabet_test.cc - the alphabet is the documented finite set. */
#include "explore/alphabet.h"
#include "explore/explorer.h"

#include <algorithm>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace fc::explore {
namespace {

Snapshot one_process()
{
	Snapshot s;
	s.procs.resize(1);
	return s;
}

size_t count(const std::vector<Op> &ops, OpKind k)
{
	size_t n = 0;
	for (const Op &op : ops)
		n += op.kind == k;
	return n;
}

TEST(Alphabet, DefaultScopeInitialStateHasTheDocumentedInstances)
{
	Alphabet a(default_explore_config());
	std::vector<Op> ops;
	a.candidates(one_process(), ops);
	/* 8 order-0 + 4 order-1 PTE faults, 2 PMD faults */
	EXPECT_EQ(count(ops, OpKind::fault_anon), 14u);
	EXPECT_EQ(count(ops, OpKind::read), 8u);
	EXPECT_EQ(count(ops, OpKind::write), 8u);
	/* 8 single pages, 4 two-page and 2 four-page blocks, whole space */
	EXPECT_EQ(count(ops, OpKind::munmap), 15u);
	EXPECT_EQ(count(ops, OpKind::pin), 28u);
	EXPECT_EQ(count(ops, OpKind::get), 14u);
	EXPECT_EQ(count(ops, OpKind::split_pmd), 2u);
	EXPECT_EQ(count(ops, OpKind::fork), 1u);
	EXPECT_EQ(count(ops, OpKind::exit), 1u);
	EXPECT_EQ(count(ops, OpKind::shrink), 1u);
	EXPECT_EQ(ops.size(), 92u);
	for (const Op &op : ops) {
		if (op.kind == OpKind::fault_anon) {
			EXPECT_EQ(op.va % (1u << op.order), 0u) << format_op(op);
			EXPECT_EQ(op.pmd, op.order == 2) << format_op(op);
		}
		if (op.kind == OpKind::fork) {
			EXPECT_EQ(op.proc2, 1u);
		}
	}
}

/* The largest order bounds the PMD THP too: max_order 1 at pmd_order 2 leaves it out. */
TEST(Alphabet, NoPmdFaultAbovePmdOrder)
{
	Config cfg = default_explore_config();
	cfg.scope.max_order = 1;
	Alphabet a(cfg);
	std::vector<Op> ops;
	a.candidates(one_process(), ops);
	/* 8 order-0 + 4 order-1 PTE faults */
	EXPECT_EQ(count(ops, OpKind::fault_anon), 12u);
	for (const Op &op : ops)
		EXPECT_FALSE(op.pmd) << format_op(op);
	EXPECT_NE(a.describe().find("no pmd"), std::string::npos) << a.describe();
}

TEST(Alphabet, NoForkBeyondTheProcessBound)
{
	Alphabet a(default_explore_config());
	Snapshot s = one_process();
	s.procs.resize(2);
	s.procs[1].id = 1;
	std::vector<Op> ops;
	a.candidates(s, ops);
	EXPECT_EQ(count(ops, OpKind::fork), 0u);
	/* an exited process frees its slot but gets no statements */
	s.procs[1].exited = true;
	ops.clear();
	a.candidates(s, ops);
	EXPECT_EQ(count(ops, OpKind::fork), 1u);
	EXPECT_EQ(ops.size(), 92u);
	for (const Op &op : ops)
		if (op.kind == OpKind::fork) {
			EXPECT_EQ(op.proc2, 2u);
		}
}

TEST(Alphabet, HandlesAndFoliosGetOneStatementEachWhileLive)
{
	Alphabet a(default_explore_config(), fam_unpin | fam_put | fam_split);
	Snapshot s = one_process();
	s.pins = {{1, 0, true, {}}, {2, 0, false, {}}};
	s.refs = {{1, 0, false, {}}};
	s.folios.resize(3);
	for (unsigned i = 0; i < 3; i++)
		s.folios[i].id = i + 1;
	s.folios[1].freed = true;
	std::vector<Op> ops;
	a.candidates(s, ops);
	ASSERT_EQ(ops.size(), 4u);
	EXPECT_EQ(format_op(ops[0]), "unpin pin2");
	EXPECT_EQ(format_op(ops[1]), "put ref1");
	EXPECT_EQ(format_op(ops[2]), "split f1");
	EXPECT_EQ(format_op(ops[3]), "split f3");
}

/* The statement shapes of the default scope's initial state, as a set; @ops gets them listed. */
using StatementSet = std::set<std::tuple<int, Va, uint64_t, unsigned, bool, bool>>;

StatementSet initial_statements(std::vector<Op> &ops)
{
	Alphabet a(default_explore_config());
	a.candidates(one_process(), ops);
	StatementSet set;
	for (const Op &op : ops)
		set.insert({int(op.kind), op.va, op.pages, op.order, op.pmd, op.write});
	return set;
}

/*
 * The canonical form permutes PMD blocks: the alphabet must be closed under
 * that (swap the two blocks of the default scope).
 */
TEST(Alphabet, ClosedUnderSwappingBlocks)
{
	std::vector<Op> ops;
	const StatementSet set = initial_statements(ops);
	for (const Op &op : ops) {
		if (op.pages == 8)
			continue; /* the whole space maps to itself */
		if (op.kind == OpKind::fork || op.kind == OpKind::exit || op.kind == OpKind::shrink)
			continue; /* no VA */
		Va swapped = op.va ^ 4;
		EXPECT_TRUE(set.count({int(op.kind), swapped, op.pages, op.order, op.pmd, op.write}))
			<< format_op(op);
	}
}

/*
 * Symmetry::tree swaps the halves of aligned ranges of 2^j pages: the
 * alphabet must be closed under each such swap (a statement's range inside
 * the swapped range moves to the other half, one containing it stays).
 */
TEST(Alphabet, ClosedUnderSwappingHalvesOfAlignedRanges)
{
	std::vector<Op> ops;
	const StatementSet set = initial_statements(ops);
	size_t moved = 0;
	for (Va size = 2; size <= 8; size *= 2) {
		for (Va base = 0; base < 8; base += size) {
			for (const Op &op : ops) {
				if (op.kind == OpKind::fork || op.kind == OpKind::exit ||
				    op.kind == OpKind::shrink || op.kind == OpKind::unpin ||
				    op.kind == OpKind::put || op.kind == OpKind::split)
					continue; /* no VA */
				Va len = op.kind == OpKind::fault_anon ? Va{1} << op.order
					 : op.kind == OpKind::split_pmd ? 4
					 : std::max<Va>(op.pages, 1);
				if (op.va + len <= base || op.va >= base + size || len >= size)
					continue; /* outside the range, or containing it: unchanged */
				Va swapped = op.va ^ (size / 2);
				moved++;
				EXPECT_TRUE(set.count({int(op.kind), swapped, op.pages, op.order, op.pmd, op.write}))
					<< format_op(op) << " under the swap of [" << base << ", " << base + size << ")";
			}
		}
	}
	EXPECT_GT(moved, 100u);
}

TEST(Alphabet, FamiliesParseAndPrint)
{
	EXPECT_EQ(parse_families("all"), uint32_t{fam_all});
	EXPECT_EQ(parse_families("pin,unpin"), uint32_t{fam_pin | fam_unpin});
	EXPECT_FALSE(parse_families("pin,bogus"));
	EXPECT_EQ(format_families(fam_pin | fam_unpin), "pin,unpin");
	EXPECT_EQ(format_families(fam_all), "all");
	EXPECT_EQ(parse_families("anon"), uint32_t{fam_anon});
	EXPECT_EQ(parse_families("anon,swapout,swapin"),
		  uint32_t{fam_anon | fam_swapout | fam_swapin});
	EXPECT_EQ(format_families(fam_anon | fam_madv_free), "anon,madv_free");
	EXPECT_EQ(format_families(fam_file | fam_fault_file), "file,fault_file");
	Alphabet a(default_explore_config(), fam_read);
	std::vector<Op> ops;
	a.candidates(one_process(), ops);
	EXPECT_EQ(ops.size(), 8u);
}

/*
 * The opt-in families in the initial state: the file statements whatever
 * the state (check() says which are legal), per-process statements for p0,
 * swapout only for live anon folios.
 */
TEST(Alphabet, OptInFamiliesHaveTheDocumentedInstances)
{
	Config cfg = default_explore_config();
	auto count = [&](uint32_t fam, const Snapshot &s) {
		std::vector<Op> ops;
		Alphabet(cfg, fam).candidates(s, ops);
		return ops.size();
	};
	Snapshot s = one_process();
	EXPECT_EQ(count(fam_file, s), 2u);       /* order 0 and 1 */
	EXPECT_EQ(count(fam_mprotect, s), 30u);  /* 15 ranges, ro and rw */
	EXPECT_EQ(count(fam_madv_free, s), 15u);
	EXPECT_EQ(count(fam_swapin, s), 8u);
	EXPECT_EQ(count(fam_reclaim, s), 1u);
	/* 8 single pages x 4 indices + 4 pairs x 3 x 2 faulting pages + 2 blocks x 4; x 2 */
	EXPECT_EQ(count(fam_fault_file, s), 2u * (32 + 24 + 8));
	/* every non-overlapping destination: 8 x 7 + (5 + 4 + 4 + 5) + 2 x 1 */
	EXPECT_EQ(count(fam_mremap, s), 56u + 18 + 2);
	FolioView anon, file;
	anon.id = 1;
	file.id = 2;
	file.anon = false;
	s.folios = {anon, file};
	EXPECT_EQ(count(fam_swapout, s), 1u);
}

} // namespace
} // namespace fc::explore
