// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_test.cc - the kernel model against values derived by hand from the
 * v6.12 kernel source, one path at a time (values in comments say where
 * they come from).
 */
#include "model/kernel/kernel_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fc {
namespace {

Op fault(ProcId p, Va va, unsigned order, bool pmd = false)
{
	Op op;
	op.kind = OpKind::fault_anon;
	op.proc = p;
	op.va = va;
	op.order = order;
	op.pmd = pmd;
	return op;
}

Op on_range(OpKind kind, ProcId p, Va va, uint64_t pages = 1)
{
	Op op;
	op.kind = kind;
	op.proc = p;
	op.va = va;
	op.pages = pages;
	return op;
}

Op fork_op(ProcId p, ProcId q)
{
	Op op;
	op.kind = OpKind::fork;
	op.proc = p;
	op.proc2 = q;
	return op;
}

Op on_folio(OpKind kind, FolioId f)
{
	Op op;
	op.kind = kind;
	op.folio = f;
	return op;
}

Op on_handle(OpKind kind, HandleId h)
{
	Op op;
	op.kind = kind;
	op.handle = h;
	return op;
}

Op shrink_op()
{
	Op op;
	op.kind = OpKind::shrink;
	return op;
}

Config config(unsigned pmd_order = 9, Variant v = Variant::v6_12, Arch a = Arch::gather,
	      Mutant m = Mutant::none)
{
	Config cfg;
	cfg.scope.pmd_order = pmd_order;
	cfg.variant = v;
	cfg.arch = a;
	cfg.mutant = m;
	return cfg;
}

/* Records the worst mapcount - refcount gap and refcount-0-while-mapped. */
struct GapWatcher : KernelObserver {
	long worst_gap = -1000000;
	bool freed_while_mapped = false;
	std::vector<PageReplaced> replaced;
	void on_visible_point(const KernelModel &km, const VisiblePoint &) override
	{
		for (const FolioView &f : km.snapshot().folios) {
			worst_gap = std::max(worst_gap, f.mapcount - f.refcount);
			if (f.freed && f.mapcount > 0)
				freed_while_mapped = true;
		}
	}
	void on_page_replaced(const KernelModel &, const PageReplaced &r) override
	{
		replaced.push_back(r);
	}
};

bool all_exclusive(const FolioView &f)
{
	for (bool b : f.anon_exclusive)
		if (!b)
			return false;
	return true;
}

bool none_exclusive(const FolioView &f)
{
	for (bool b : f.anon_exclusive)
		if (b)
			return false;
	return true;
}

TEST(KernelModel, PteMappedOrder4Fault)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	Snapshot s = km.snapshot();
	const FolioView &f = *s.folio(1);
	/* do_anonymous_page: folio_ref_add(nr - 1); folio_add_new_anon_rmap. */
	EXPECT_EQ(f.refcount, 16);
	EXPECT_EQ(f.mapcount, 16);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.nr_pages_mapped, 16);
	EXPECT_TRUE(all_exclusive(f));
	EXPECT_FALSE(f.queued);
	EXPECT_EQ(s.proc(0)->rss_anon, 16);
	EXPECT_TRUE(s.proc(0)->ptes.at(0x1f).writable);
	/* only folio_ref_add() is an atomic RMW; the rest are atomic_set()s */
	EXPECT_EQ(km.costs().atomics, 1u);
}

TEST(KernelModel, PmdFaultQueuesForUnderusedShrinker)
{
	KernelModel km(config());
	km.apply(fault(0, 0, 9, true));
	Snapshot s = km.snapshot();
	const FolioView &f = *s.folio(1);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_EQ(f.mapcount, 1);
	EXPECT_EQ(f.nr_pages_mapped, 0);
	EXPECT_EQ(f.page_mapcount[511], 1);
	EXPECT_TRUE(f.anon_exclusive[0]);
	EXPECT_FALSE(f.anon_exclusive[1]);
	EXPECT_TRUE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_EQ(s.proc(0)->rss_anon, 512);
	EXPECT_EQ(km.costs().split_queue_locks, 1u);
}

TEST(KernelModel, SplitPmdPropagatesExclusiveAndTakesReferences)
{
	KernelModel km(config());
	km.apply(fault(0, 0, 9, true));
	km.apply(on_range(OpKind::split_pmd, 0, 0x123));
	Snapshot s = km.snapshot();
	const FolioView &f = *s.folio(1);
	EXPECT_EQ(f.refcount, 512);
	EXPECT_EQ(f.mapcount, 512);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.nr_pages_mapped, 512);
	EXPECT_TRUE(all_exclusive(f));
	EXPECT_TRUE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_TRUE(s.proc(0)->pmds.empty());
	EXPECT_TRUE(s.proc(0)->ptes.at(0x1ff).writable);
}

TEST(KernelModel, SplitPmdDropsExclusiveMutant)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::split_pmd_drops_exclusive));
	km.apply(fault(0, 0, 9, true));
	km.apply(on_range(OpKind::split_pmd, 0, 0));
	FolioView f = *km.snapshot().folio(1);
	/* without RMAP_EXCLUSIVE only the head keeps the bit it had as a PMD */
	EXPECT_TRUE(f.anon_exclusive[0]);
	EXPECT_FALSE(f.anon_exclusive[1]);
	EXPECT_FALSE(f.anon_exclusive[511]);
	EXPECT_TRUE(km.snapshot().proc(0)->ptes.at(1).writable);
}

TEST(KernelModel, ForkSharesLargeFolioReadOnly)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	km.apply(fork_op(0, 1));
	Snapshot s = km.snapshot();
	const FolioView &f = *s.folio(1);
	/* copy_present_ptes: folio_ref_add(16) + folio_try_dup_anon_rmap_ptes(16) */
	EXPECT_EQ(f.refcount, 32);
	EXPECT_EQ(f.mapcount, 32);
	EXPECT_EQ(f.page_mapcount[7], 2);
	EXPECT_TRUE(none_exclusive(f));
	EXPECT_FALSE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_FALSE(s.proc(1)->ptes.at(0x1f).writable);
	EXPECT_EQ(s.proc(1)->rss_anon, 16);
}

TEST(KernelModel, WriteAfterForkCopiesWithoutQueueing)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	km.apply(fork_op(0, 1));
	GapWatcher w;
	km.set_observer(&w);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 1, 0x10)), "copied to f2");
	Snapshot s = km.snapshot();
	const FolioView &f = *s.folio(1);
	EXPECT_EQ(f.refcount, 31);
	EXPECT_EQ(f.mapcount, 31);
	/* p0 still maps every page: no page became unmapped, nothing queued */
	EXPECT_FALSE(f.queued);
	const FolioView &n = *s.folio(2);
	EXPECT_EQ(n.refcount, 1);
	EXPECT_TRUE(n.anon_exclusive[0]);
	EXPECT_TRUE(s.proc(1)->ptes.at(0x10).writable);
	ASSERT_EQ(w.replaced.size(), 1u);
	EXPECT_EQ(w.replaced[0].folio, 1u);
}

TEST(KernelModel, ExitOfParentLeavesChildCopyingLargeFolio)
{
	/* v6.12 wp_can_reuse_anon_folio(): never a large folio */
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	km.apply(fork_op(0, 1));
	Op ex;
	ex.kind = OpKind::exit;
	ex.proc = 0;
	km.apply(ex);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 1, 0x13)), "copied to f2");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(1)->queued);
	EXPECT_TRUE(s.folio(1)->partially_mapped);
	EXPECT_EQ(s.folio(1)->refcount, 15);
}

TEST(KernelModel, CowReusesOrder0WithSingleReference)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	km.apply(fork_op(0, 1));
	Op ex;
	ex.kind = OpKind::exit;
	ex.proc = 1;
	km.apply(ex);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 0x10)), "reused");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_TRUE(s.folio(1)->anon_exclusive[0]);
	EXPECT_EQ(s.folios.size(), 1u);
}

TEST(KernelModel, BatchedZapOfWholeFolioQueuesNothing)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	uint64_t before = km.costs().atomics;
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(1)->freed);
	EXPECT_FALSE(s.folio(1)->queued);
	EXPECT_EQ(km.costs().spurious_enqueues, 0u);
	EXPECT_EQ(km.costs().split_queue_locks, 0u);
	/* _large_mapcount, 16 x _mapcount, _nr_pages_mapped, folio_put_refs */
	EXPECT_EQ(km.costs().atomics - before, 19u);
	EXPECT_EQ(s.proc(0)->rss_anon, 0);
}

TEST(KernelModel, UnbatchedZapQueuesSpuriously)
{
	KernelModel km(config(9, Variant::unbatched));
	km.apply(fault(0, 0x10, 4));
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(1)->freed);
	EXPECT_FALSE(s.folio(1)->queued);
	EXPECT_EQ(km.costs().spurious_enqueues, 1u);
	/* enqueue at the first page, dequeue when freed at the flush */
	EXPECT_EQ(km.costs().split_queue_locks, 2u);
}

TEST(KernelModel, PartialUnmapQueuesPartiallyMapped)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	km.apply(on_range(OpKind::munmap, 0, 0x1f, 1));
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 15);
	EXPECT_EQ(f.nr_pages_mapped, 15);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
	EXPECT_EQ(km.costs().spurious_enqueues, 0u);
}

TEST(KernelModel, PartialUnmapNoQueueMutant)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::partial_unmap_no_queue));
	km.apply(fault(0, 0x10, 4));
	km.apply(on_range(OpKind::munmap, 0, 0x1f, 1));
	EXPECT_FALSE(km.snapshot().folio(1)->queued);
}

TEST(KernelModel, BatchNrPagesMappedOnceMutant)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::batch_nr_pages_mapped_once));
	km.apply(fault(0, 0x10, 4));
	km.apply(on_range(OpKind::munmap, 0, 0x10, 4));
	EXPECT_EQ(km.snapshot().folio(1)->nr_pages_mapped, 15); /* should be 12 */
}

TEST(KernelModel, NoGatherKeepsMapcountBelowRefcount)
{
	KernelModel km(config(9, Variant::v6_12, Arch::no_gather));
	km.apply(fault(0, 0x10, 4));
	GapWatcher w;
	km.set_observer(&w);
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	EXPECT_LE(w.worst_gap, 0);
	EXPECT_FALSE(w.freed_while_mapped);
	EXPECT_TRUE(km.snapshot().folio(1)->freed);
}

TEST(KernelModel, Seed000WithoutFolioGetFreesMappedFolio)
{
	KernelModel km(config(9, Variant::v6_12, Arch::no_gather, Mutant::zap_no_folio_get));
	km.apply(fault(0, 0x10, 4));
	GapWatcher w;
	km.set_observer(&w);
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	EXPECT_EQ(w.worst_gap, 16);         /* refcount 0, mapcount 16 */
	EXPECT_TRUE(w.freed_while_mapped);
}

TEST(KernelModel, Seed000WithBracketStillExceedsRefcount)
{
	KernelModel km(config(9, Variant::v6_12, Arch::no_gather, Mutant::zap_refs_before_rmap));
	km.apply(fault(0, 0x10, 4));
	GapWatcher w;
	km.set_observer(&w);
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	EXPECT_EQ(w.worst_gap, 15);         /* refcount 1 (the bracket), mapcount 16 */
	EXPECT_FALSE(w.freed_while_mapped);
}

TEST(KernelModel, Seed000MutantHarmlessWithGather)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::zap_no_folio_get));
	km.apply(fault(0, 0x10, 4));
	GapWatcher w;
	km.set_observer(&w);
	km.apply(on_range(OpKind::munmap, 0, 0x10, 16));
	EXPECT_LE(w.worst_gap, 0);
}

TEST(KernelModel, PinOfOrder0AddsBias)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	EXPECT_EQ(km.apply(on_range(OpKind::pin, 0, 0x10)), "pin1");
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 1 + 1024);
	EXPECT_EQ(f.pincount, 0);
	EXPECT_TRUE(f.maybe_pinned);
	km.apply(on_handle(OpKind::unpin, 1));
	f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_FALSE(f.maybe_pinned);
}

TEST(KernelModel, PinOfLargeFolioCountsPages)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 4));
	uint64_t before = km.costs().atomics;
	km.apply(on_range(OpKind::pin, 0, 0x12, 4));
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 20);
	EXPECT_EQ(f.pincount, 4);
	EXPECT_EQ(km.costs().atomics - before, 2u); /* one try_grab_folio: ref + pincount */
	km.apply(on_handle(OpKind::unpin, 1));
	f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 16);
	EXPECT_EQ(f.pincount, 0);
}

TEST(KernelModel, UnpinOncePerFolioMutantLeaksReferences)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::unpin_once_per_folio));
	km.apply(fault(0, 0x10, 4));
	km.apply(on_range(OpKind::pin, 0, 0x12, 4));
	km.apply(on_handle(OpKind::unpin, 1));
	EXPECT_EQ(km.snapshot().folio(1)->refcount, 19);
}

TEST(KernelModel, ForkAfterPinCopiesExclusivePagesForChild)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 2));
	km.apply(on_range(OpKind::pin, 0, 0x10));
	km.apply(fork_op(0, 1));
	Snapshot s = km.snapshot();
	/* every page is exclusive in a maybe-pinned folio: all copied */
	EXPECT_EQ(s.folios.size(), 5u);
	EXPECT_EQ(s.folio(1)->refcount, 4 + 1);
	EXPECT_TRUE(all_exclusive(*s.folio(1)));
	EXPECT_TRUE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_EQ(s.proc(1)->ptes.at(0x11).folio, 3u);
	EXPECT_TRUE(s.proc(1)->ptes.at(0x11).writable);
	EXPECT_EQ(s.proc(1)->rss_anon, 4);
}

TEST(KernelModel, DupIgnoresPinMutantSharesPinnedPage)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::dup_ignores_pin));
	km.apply(fault(0, 0x10, 0));
	km.apply(on_range(OpKind::pin, 0, 0x10));
	km.apply(fork_op(0, 1));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folios.size(), 1u);
	EXPECT_FALSE(s.folio(1)->anon_exclusive[0]);
}

TEST(KernelModel, PinOfSharedPageUnsharesByCopy)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	km.apply(fork_op(0, 1));
	km.apply(on_range(OpKind::pin, 0, 0x10));
	Snapshot s = km.snapshot();
	/* wp_can_reuse_anon_folio: refcount 2 -> copy, mapped read-only */
	EXPECT_EQ(s.proc(0)->ptes.at(0x10).folio, 2u);
	EXPECT_FALSE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_TRUE(s.folio(2)->anon_exclusive[0]);
	EXPECT_EQ(s.folio(2)->refcount, 1 + 1024);
	EXPECT_EQ(s.folio(1)->refcount, 1);
}

TEST(KernelModel, PinSkipsUnshareMutant)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::pin_skips_unshare));
	km.apply(fault(0, 0x10, 0));
	km.apply(fork_op(0, 1));
	km.apply(on_range(OpKind::pin, 0, 0x10));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folios.size(), 1u);
	EXPECT_FALSE(s.folio(1)->anon_exclusive[0]);
}

TEST(KernelModel, CowReuseSharedMutantMakesSharedPageWritable)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::cow_reuse_shared));
	km.apply(fault(0, 0x10, 0));
	km.apply(fork_op(0, 1));
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 0x10)), "reused");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_EQ(s.proc(1)->ptes.at(0x10).folio, 1u);
}

TEST(KernelModel, PmdWriteAfterForkSplitsAndCopies)
{
	KernelModel km(config(3));
	km.apply(fault(0, 8, 3, true));
	km.apply(fork_op(0, 1));
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 2);
	EXPECT_EQ(f.entire_mapcount, 2);
	EXPECT_FALSE(f.anon_exclusive[0]);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 10)), "copied to f2");
	Snapshot s = km.snapshot();
	/* p0's PMD split (8 PTEs, +7 refs), page 2 copied (-1) */
	EXPECT_EQ(s.folio(1)->refcount, 1 + 7);
	EXPECT_EQ(s.folio(1)->entire_mapcount, 1);
	EXPECT_EQ(s.folio(1)->nr_pages_mapped, 7);
	EXPECT_FALSE(s.folio(1)->partially_mapped); /* p1's PMD maps every page */
	EXPECT_TRUE(s.proc(0)->pmds.empty());
	EXPECT_EQ(s.proc(1)->pmds.size(), 1u);
}

TEST(KernelModel, PmdWriteReusesWhenOnlyReference)
{
	KernelModel km(config(3));
	km.apply(fault(0, 8, 3, true));
	km.apply(fork_op(0, 1));
	Op ex;
	ex.kind = OpKind::exit;
	ex.proc = 1;
	km.apply(ex);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 9)), "reused");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->pmds.at(8).writable);
	EXPECT_TRUE(s.folio(1)->anon_exclusive[0]);
}

TEST(KernelModel, MunmapPartOfPmdSplitsFirst)
{
	KernelModel km(config(3));
	km.apply(fault(0, 8, 3, true));
	km.apply(on_range(OpKind::munmap, 0, 12, 2));
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.refcount, 6);
	EXPECT_EQ(f.nr_pages_mapped, 6);
	EXPECT_TRUE(f.partially_mapped);
	EXPECT_TRUE(f.queued);
	EXPECT_EQ(km.snapshot().proc(0)->rss_anon, 6);
}

TEST(KernelModel, SplitFailsWithGupReference)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 2));
	km.apply(on_range(OpKind::get, 0, 0x11));
	EXPECT_EQ(km.apply(on_folio(OpKind::split, 1)),
		  "split failed: extra references or pins (-EAGAIN)");
	EXPECT_EQ(km.snapshot().folios.size(), 1u);
	EXPECT_EQ(km.snapshot().folio(1)->refcount, 5);
}

TEST(KernelModel, SplitNamesTailsInPageOrderAndFreesUnmapped)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 2));
	km.apply(on_range(OpKind::munmap, 0, 0x11));
	EXPECT_EQ(km.apply(on_folio(OpKind::split, 1)), "split into 4 folios: f1,f2..f4");
	Snapshot s = km.snapshot();
	ASSERT_EQ(s.folios.size(), 4u);
	EXPECT_EQ(s.folio(1)->order, 0u);
	EXPECT_EQ(s.folio(1)->refcount, 1);
	EXPECT_TRUE(s.folio(2)->freed);
	EXPECT_EQ(s.proc(0)->ptes.at(0x12).folio, 3u);
	EXPECT_EQ(s.proc(0)->ptes.at(0x13).folio, 4u);
	EXPECT_TRUE(s.folio(4)->anon_exclusive[0]);
	EXPECT_TRUE(s.proc(0)->ptes.at(0x13).writable);
	EXPECT_FALSE(s.folio(1)->queued);
	EXPECT_TRUE(s.split_queue.empty());
}

TEST(KernelModel, ShrinkSplitsPartiallyMappedAndKeepsPinned)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 2));
	km.apply(fault(0, 0x20, 2));
	km.apply(on_range(OpKind::pin, 0, 0x20));
	km.apply(on_range(OpKind::munmap, 0, 0x10));
	km.apply(on_range(OpKind::munmap, 0, 0x23));
	EXPECT_EQ(km.snapshot().split_queue, (std::vector<FolioId>{1, 2}));
	EXPECT_EQ(km.apply(shrink_op()), "shrink: split f1; kept f2");
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.split_queue, (std::vector<FolioId>{2}));
	EXPECT_TRUE(s.folio(1)->freed);  /* its page 0 was unmapped */
	EXPECT_EQ(s.folios.size(), 5u);
}

TEST(KernelModel, ShrinkDequeuesFullyMappedThp)
{
	KernelModel km(config(3));
	km.apply(fault(0, 8, 3, true));
	EXPECT_EQ(km.apply(shrink_op()), "shrink: dequeued f1");
	EXPECT_FALSE(km.snapshot().folio(1)->queued);
}

} // namespace
} // namespace fc
