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


Op mprotect_op(ProcId p, Va va, uint64_t pages, bool ro)
{
	Op op = on_range(OpKind::mprotect, p, va, pages);
	op.ro = ro;
	return op;
}

Op mremap_op(ProcId p, Va va, uint64_t pages, Va to)
{
	Op op = on_range(OpKind::mremap, p, va, pages);
	op.va2 = to;
	return op;
}

Op file_op(const std::string &name, uint64_t pages, unsigned order)
{
	Op op;
	op.kind = OpKind::file_create;
	op.file = name;
	op.pages = pages;
	op.order = order;
	return op;
}

Op fault_file(ProcId p, Va va, const std::string &name, uint64_t index, uint64_t pages,
	      bool priv)
{
	Op op = on_range(OpKind::fault_file, p, va, pages);
	op.file = name;
	op.index = index;
	op.is_private = priv;
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

/* --- issue 6: mprotect, mremap, swap, page cache --- */

TEST(KernelModel, MprotectRwWritableOnlyWhereExclusive)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 2));
	km.apply(fault(0, 0x20, 0));
	km.apply(fork_op(0, 1));
	km.apply(on_range(OpKind::exit, 1, 0));
	km.apply(mprotect_op(0, 0x10, 0x20, false));
	Snapshot s = km.snapshot();
	/* fork cleared AnonExclusive: can_change_pte_writable() says no */
	EXPECT_FALSE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_FALSE(s.proc(0)->ptes.at(0x20).writable);
	/* unshare of the order-0 page reuses it (refcount 1): exclusive, still R/O */
	km.apply(on_range(OpKind::pin, 0, 0x20));
	EXPECT_FALSE(km.snapshot().proc(0)->ptes.at(0x20).writable);
	km.apply(mprotect_op(0, 0x20, 1, false));
	EXPECT_TRUE(km.snapshot().proc(0)->ptes.at(0x20).writable);
	km.apply(mprotect_op(0, 0x20, 1, true));
	EXPECT_FALSE(km.snapshot().proc(0)->ptes.at(0x20).writable);
	/* nothing is counted differently */
	EXPECT_EQ(km.snapshot().folio(1)->refcount, 4);
	EXPECT_EQ(km.snapshot().folio(2)->refcount, 1 + 1024);
}

TEST(KernelModel, MprotectPartOfPmdSplitsIt)
{
	KernelModel km(config(3));
	km.apply(fault(0, 8, 3, true));
	km.apply(mprotect_op(0, 8, 8, true));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folio(1)->entire_mapcount, 1);
	EXPECT_FALSE(s.proc(0)->pmds.at(8).writable);
	km.apply(mprotect_op(0, 8, 8, false));
	EXPECT_TRUE(km.snapshot().proc(0)->pmds.at(8).writable);  /* head AnonExclusive */
	km.apply(mprotect_op(0, 0xc, 1, true));
	s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->pmds.empty());
	EXPECT_EQ(s.folio(1)->refcount, 8);
	EXPECT_TRUE(s.proc(0)->ptes.at(0xb).writable);
	EXPECT_FALSE(s.proc(0)->ptes.at(0xc).writable);
	EXPECT_TRUE(s.proc(0)->ptes.at(0xd).writable);
}

TEST(KernelModel, MremapMovesAlignedPmdWholeAndSplitsOtherwise)
{
	KernelModel km(config(3));
	km.apply(fault(0, 0, 3, true));
	km.apply(mremap_op(0, 0, 8, 0x10));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.proc(0)->pmds.count(0x10), 1u);
	EXPECT_EQ(s.folio(1)->entire_mapcount, 1);
	EXPECT_EQ(s.folio(1)->refcount, 1);
	km.apply(mremap_op(0, 0x10, 8, 0x3));
	s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->pmds.empty());
	EXPECT_EQ(s.folio(1)->refcount, 8);
	EXPECT_EQ(s.proc(0)->ptes.at(0x3).page, 0u);
	EXPECT_EQ(s.proc(0)->ptes.at(0xa).page, 7u);
	EXPECT_TRUE(all_exclusive(*s.folio(1)));
}

/*
 * After mremap, f1's pages 4-7 lie before pages 0-3: folio_pte_batch()
 * stops at the boundary, so the zap is two rmap removals; the first leaves
 * the folio partially mapped (queued), the flush frees it (dequeued).
 */
TEST(KernelModel, MremapNonContiguousZapIsTwoBatches)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 3));
	km.apply(mremap_op(0, 0x14, 4, 0x30));
	km.apply(mremap_op(0, 0x10, 4, 0x34));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.proc(0)->ptes.at(0x30).page, 4u);
	EXPECT_EQ(s.proc(0)->ptes.at(0x34).page, 0u);
	EXPECT_EQ(s.folio(1)->mapcount, 8);
	km.apply(on_range(OpKind::munmap, 0, 0x30, 8));
	EXPECT_TRUE(km.snapshot().folio(1)->freed);
	EXPECT_EQ(km.costs().spurious_enqueues, 1u);
	EXPECT_EQ(km.costs().split_queue_locks, 2u);  /* enqueue + unqueue on free */
}

TEST(KernelModel, SwapoutFreesOrder0AndSwapinMapsExclusive)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	EXPECT_EQ(km.apply(on_folio(OpKind::swapout, 1)), "swapped out");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(1)->freed);
	EXPECT_EQ(s.proc(0)->ptes.count(0x10), 0u);
	EXPECT_EQ(s.proc(0)->rss_anon, 0);
	EXPECT_EQ(km.apply(on_range(OpKind::swapin, 0, 0x10)), "read into f2");
	s = km.snapshot();
	/* the PTE's reference and the swap cache's */
	EXPECT_EQ(s.folio(2)->refcount, 2);
	EXPECT_EQ(s.folio(2)->mapcount, 1);
	EXPECT_TRUE(s.folio(2)->anon);
	EXPECT_TRUE(s.folio(2)->anon_exclusive[0]);
	EXPECT_TRUE(s.proc(0)->ptes.at(0x10).writable);
	EXPECT_EQ(s.proc(0)->rss_anon, 1);
	/* zap: free_swap_cache() at the flush, then the PTE's reference */
	km.apply(on_range(OpKind::munmap, 0, 0x10));
	EXPECT_TRUE(km.snapshot().folio(2)->freed);
}

TEST(KernelModel, SwapoutOfPmdThpSplitsPmdNotFolio)
{
	GapWatcher w;
	KernelModel km(config(3));
	km.set_observer(&w);
	km.apply(fault(0, 8, 3, true));
	km.apply(on_folio(OpKind::swapout, 1));
	EXPECT_TRUE(km.snapshot().folio(1)->freed);
	EXPECT_EQ(km.snapshot().folios.size(), 1u);
	EXPECT_LE(w.worst_gap, 0);
	EXPECT_FALSE(w.freed_while_mapped);
	km.apply(on_range(OpKind::swapin, 0, 0xf));
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(2)->anon_exclusive[0]);  /* the head's bit reached page 7 */
	EXPECT_TRUE(s.proc(0)->ptes.at(0xf).writable);
}

TEST(KernelModel, SwapoutKeepsMaybePinnedAndReferencedLargeFolios)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	km.apply(fault(0, 0x20, 2));
	km.apply(on_range(OpKind::pin, 0, 0x10));
	km.apply(on_range(OpKind::get, 0, 0x21));
	EXPECT_EQ(km.apply(on_folio(OpKind::swapout, 1)), "swapout failed: maybe pinned");
	EXPECT_EQ(km.apply(on_folio(OpKind::swapout, 2)),
		  "swapout failed: extra references (can_split_folio)");
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folio(1)->refcount, 1025);
	EXPECT_EQ(s.folio(2)->refcount, 5);
	EXPECT_EQ(s.proc(0)->ptes.size(), 5u);
}

/*
 * A swap-cache folio skips shrink_folio_list()'s maybe-pinned check;
 * folio_try_share_anon_rmap_pte() refuses in try_to_unmap_one(), the PTE is
 * restored. The mutant shares it anyway.
 */
TEST(KernelModel, SwapCachePinnedPageStaysMappedUnlessMutant)
{
	for (Mutant m : {Mutant::none, Mutant::swapout_ignores_pin}) {
		KernelModel km(config(9, Variant::v6_12, Arch::gather, m));
		km.apply(fault(0, 0x10, 0));
		km.apply(on_folio(OpKind::swapout, 1));
		km.apply(on_range(OpKind::swapin, 0, 0x10));
		km.apply(on_range(OpKind::pin, 0, 0x10));
		std::string note = km.apply(on_folio(OpKind::swapout, 2));
		Snapshot s = km.snapshot();
		if (m == Mutant::none) {
			EXPECT_EQ(note, "swapout failed: p0 maps a page that may be pinned");
			EXPECT_EQ(s.proc(0)->ptes.count(0x10), 1u);
			EXPECT_TRUE(s.folio(2)->anon_exclusive[0]);
			EXPECT_EQ(s.folio(2)->refcount, 1026);
		} else {
			EXPECT_EQ(note, "kept in swap cache: extra references");
			EXPECT_EQ(s.proc(0)->ptes.count(0x10), 0u);
			EXPECT_FALSE(s.folio(2)->anon_exclusive[0]);
			EXPECT_EQ(s.folio(2)->refcount, 1025);
		}
	}
}

TEST(KernelModel, SharedSwapEntriesShareTheSwapCacheFolio)
{
	KernelModel km(config());
	km.apply(fault(0, 0x10, 0));
	km.apply(fork_op(0, 1));
	km.apply(on_folio(OpKind::swapout, 1));
	km.apply(on_range(OpKind::swapin, 0, 0x10));
	EXPECT_EQ(km.apply(on_range(OpKind::swapin, 1, 0x10)), "swap cache hit f2");
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folio(2)->refcount, 3);
	EXPECT_FALSE(s.folio(2)->anon_exclusive[0]);
	EXPECT_FALSE(s.proc(1)->ptes.at(0x10).writable);
	/* refcount 3 > 1 + swapcache: copy; then 2, no swap entry left: reuse */
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 0x10)), "copied to f3");
	EXPECT_EQ(km.apply(on_range(OpKind::write, 1, 0x10)), "reused");
	EXPECT_EQ(km.snapshot().folio(2)->refcount, 1);
}

/* Seed 004: one set_pte_range() (one rmap batch) and one folio_ref_add() per folio. */
TEST(KernelModel, FileFaultAroundBatchesPerFolio)
{
	KernelModel km(config());
	km.apply(file_op("a", 8, 2));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folio(1)->refcount, 4);     /* the page cache's */
	EXPECT_FALSE(s.folio(1)->anon);
	uint64_t before = km.costs().atomics;
	km.apply(fault_file(0, 0x21, "a", 1, 6, false));
	s = km.snapshot();
	EXPECT_EQ(s.folio(1)->refcount, 7);
	EXPECT_EQ(s.folio(1)->mapcount, 3);
	EXPECT_EQ(s.folio(2)->mapcount, 3);
	EXPECT_EQ(s.folio(2)->nr_pages_mapped, 3);
	EXPECT_EQ(s.proc(0)->rss_file, 6);
	EXPECT_EQ(s.proc(0)->ptes.at(0x21).page, 1u);
	EXPECT_TRUE(s.proc(0)->ptes.at(0x21).writable);
	/* per folio: try_get, 3 _mapcount, _nr_pages_mapped, _large_mapcount, ref_add, put */
	EXPECT_EQ(km.costs().atomics - before, 2u * 8u);
	EXPECT_FALSE(s.folio(1)->queued);
}

TEST(KernelModel, FileRmapOncePerBatchMutant)
{
	KernelModel km(config(9, Variant::v6_12, Arch::gather, Mutant::file_rmap_once_per_batch));
	km.apply(file_op("a", 4, 2));
	km.apply(fault_file(0, 0, "a", 0, 4, false));
	FolioView f = *km.snapshot().folio(1);
	EXPECT_EQ(f.mapcount, 1);
	EXPECT_EQ(f.page_mapcount[1], 0);
	EXPECT_EQ(f.refcount, 8);  /* the references are still per page */
}

TEST(KernelModel, PrivateFileWriteCopiesIntoAnonAndForkCopiesOnlyThen)
{
	KernelModel km(config());
	km.apply(file_op("a", 4, 2));
	km.apply(fault_file(0, 0x40, "a", 0, 4, true));
	km.apply(fault_file(0, 0x50, "a", 0, 4, false));
	km.apply(fork_op(0, 1));
	Snapshot s = km.snapshot();
	/* vma_needs_copy(): no anon_vma in either file VMA */
	EXPECT_TRUE(s.proc(1)->ptes.empty());
	EXPECT_FALSE(s.proc(0)->ptes.at(0x40).writable);
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 0x42)), "copied to f2");
	s = km.snapshot();
	EXPECT_EQ(s.proc(0)->rss_file, 7);
	EXPECT_EQ(s.proc(0)->rss_anon, 1);
	EXPECT_EQ(s.folio(1)->refcount, 4 + 7);
	km.apply(fork_op(0, 2));
	s = km.snapshot();
	EXPECT_EQ(s.proc(2)->rss_file, 3);   /* the private VMA, now with an anon_vma */
	EXPECT_EQ(s.proc(2)->rss_anon, 1);
	EXPECT_EQ(s.folio(2)->refcount, 2);
	EXPECT_EQ(s.proc(2)->ptes.count(0x50), 0u);
}

TEST(KernelModel, FileFolioSplitUnmapsWithoutRemap)
{
	KernelModel km(config());
	km.apply(file_op("a", 4, 2));
	km.apply(fault_file(0, 0, "a", 0, 4, false));
	std::string note = km.apply(on_folio(OpKind::split, 1));
	EXPECT_EQ(note, "split into 4 folios: f1,f2..f4");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.proc(0)->ptes.empty());
	EXPECT_EQ(s.proc(0)->rss_file, 0);
	for (FolioId f = 1; f <= 4; f++) {
		EXPECT_EQ(s.folio(f)->refcount, 1) << f;  /* the page cache's */
		EXPECT_FALSE(s.folio(f)->anon);
	}
	km.apply(on_range(OpKind::read, 0, 2));
	EXPECT_EQ(km.snapshot().proc(0)->ptes.at(2).folio, 3u);
}

TEST(KernelModel, MadvFreeThenReclaimDiscardsCleanFolio)
{
	GapWatcher w;
	KernelModel km(config());
	km.set_observer(&w);
	km.apply(fault(0, 0x20, 4));
	km.apply(on_range(OpKind::madv_free, 0, 0x20, 16));
	EXPECT_TRUE(km.snapshot().folio(1)->lazyfree);
	EXPECT_EQ(km.snapshot().folio(1)->order, 4u);
	Op reclaim;
	reclaim.kind = OpKind::reclaim;
	EXPECT_EQ(km.apply(reclaim), "reclaim: f1 discarded");
	Snapshot s = km.snapshot();
	EXPECT_TRUE(s.folio(1)->freed);
	EXPECT_EQ(s.proc(0)->rss_anon, 0);
	EXPECT_LE(w.worst_gap, 0);
	EXPECT_FALSE(w.freed_while_mapped);
}

TEST(KernelModel, MadvFreeSkipsBatchCheckMutant)
{
	for (Mutant m : {Mutant::none, Mutant::madv_free_skips_batch_check}) {
		KernelModel km(config(9, Variant::v6_12, Arch::gather, m));
		km.apply(fault(0, 0x20, 2));
		km.apply(on_range(OpKind::munmap, 0, 0x23));
		km.apply(on_range(OpKind::write, 0, 0x23));
		km.apply(on_range(OpKind::madv_free, 0, 0x20, 4));
		Snapshot s = km.snapshot();
		if (m == Mutant::none) {
			/* batch 3 < 4: split (page i of f1 -> f(2 + i)), all marked */
			EXPECT_EQ(s.folio(1)->order, 0u);
			EXPECT_TRUE(s.folio(2)->lazyfree);
			EXPECT_TRUE(s.folio(3)->lazyfree);
		} else {
			/* 4 PTEs assumed, mapcount 3 != 4: everything skipped */
			EXPECT_EQ(s.folio(1)->order, 2u);
			EXPECT_FALSE(s.folio(2)->lazyfree);
		}
	}
}

} // namespace
/* The accessed bit of the PTE mapping (@p, @va); -1 if none does. */
int young(const Snapshot &s, ProcId p, Va va)
{
	auto it = s.proc(p)->ptes.find(va);
	return it == s.proc(p)->ptes.end() ? -1 : it->second.young;
}

Config prefault_old(Mutant m = Mutant::none, unsigned pmd_order = 9)
{
	Config cfg = config(pmd_order, Variant::v6_12, Arch::gather, m);
	cfg.prefault = Prefault::old;
	return cfg;
}

TEST(KernelModel, SetPteRangeYoungPerRunOnPrefaultOld)
{
	/* four order-2 folios, the access at 0x26 (page 2 of f2) */
	KernelModel km(prefault_old());
	km.apply(file_op("a", 16, 2));
	Op op = fault_file(0, 0x20, "a", 0, 16, false);
	op.at = 6;
	km.apply(op);
	Snapshot s = km.snapshot();
	/* prefault = !in_range(vmf->address, addr, nr): f2's run is young */
	for (Va va = 0x24; va < 0x28; va++)
		EXPECT_EQ(young(s, 0, va), 1) << va;
	for (Va va : {0x20, 0x23, 0x28, 0x2b, 0x2c, 0x2f})
		EXPECT_EQ(young(s, 0, va), 0) << va;
	/* the hardware access sets one PTE's bit */
	km.apply(on_range(OpKind::read, 0, 0x2d));
	s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x2d), 1);
	EXPECT_EQ(young(s, 0, 0x2c), 0);
}

TEST(KernelModel, SetPteRangeAllYoungOnPrefaultYoung)
{
	KernelModel km(config());
	km.apply(file_op("a", 8, 2));
	Op op = fault_file(0, 0x20, "a", 0, 8, true);
	op.at = 5;
	km.apply(op);
	Snapshot s = km.snapshot();
	for (Va va = 0x20; va < 0x28; va++)
		EXPECT_EQ(young(s, 0, va), 1) << va;
}

TEST(KernelModel, SetPteRangeRunCutByPteTableIsTwoCalls)
{
	/* 16 pages per table: f1's pages 2, 3 land in the next table */
	KernelModel km(prefault_old(Mutant::none, 4));
	km.apply(file_op("a", 4, 2));
	Op op = fault_file(0, 0x1e, "a", 0, 4, false);
	op.at = 1;
	km.apply(op);
	Snapshot s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x1e), 1);
	EXPECT_EQ(young(s, 0, 0x1f), 1);
	EXPECT_EQ(young(s, 0, 0x20), 0);
	EXPECT_EQ(young(s, 0, 0x21), 0);
	EXPECT_EQ(s.folio(1)->mapcount, 4);
}

TEST(KernelModel, PteRangeYoungOnceMutantMapsFaultingRunOld)
{
	for (Mutant m : {Mutant::none, Mutant::pte_range_young_once}) {
		KernelModel km(prefault_old(m));
		km.apply(file_op("a", 8, 2));
		Op op = fault_file(0, 0x20, "a", 0, 8, false);
		op.at = 2;
		km.apply(op);
		Snapshot s = km.snapshot();
		/* v6.12: the run [0x20, 0x24) holds 0x22; v4: 0x22 != 0x20 */
		EXPECT_EQ(young(s, 0, 0x22), m == Mutant::none ? 1 : 0);
		EXPECT_EQ(young(s, 0, 0x20), m == Mutant::none ? 1 : 0);
		EXPECT_EQ(young(s, 0, 0x24), 0);
	}
	/* a fault at the first page of its run: the mutant agrees */
	KernelModel km(prefault_old(Mutant::pte_range_young_once));
	km.apply(file_op("a", 8, 2));
	km.apply(fault_file(0, 0x20, "a", 0, 8, false));
	EXPECT_EQ(young(km.snapshot(), 0, 0x20), 1);
	EXPECT_EQ(young(km.snapshot(), 0, 0x24), 0);
}

TEST(KernelModel, SinglePageFaultsMapYoung)
{
	/* do_read_fault()/do_cow_fault(): set_pte_range() at vmf->address */
	KernelModel km(prefault_old());
	km.apply(file_op("a", 8, 2));
	km.apply(fault_file(0, 0x20, "a", 0, 8, true));
	EXPECT_EQ(young(km.snapshot(), 0, 0x23), 1);   /* the faulting run */
	EXPECT_EQ(young(km.snapshot(), 0, 0x24), 0);   /* prefaulted */
	km.apply(on_range(OpKind::munmap, 0, 0x25, 2));
	km.apply(on_range(OpKind::read, 0, 0x25));
	EXPECT_EQ(km.apply(on_range(OpKind::write, 0, 0x26)), "new f3");
	Snapshot s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x25), 1);
	EXPECT_EQ(young(s, 0, 0x26), 1);
	EXPECT_EQ(young(s, 0, 0x27), 0);
	EXPECT_EQ(s.proc(0)->rss_anon, 1);
}

TEST(KernelModel, ForkCopiesOldMadvFreeMakesOld)
{
	KernelModel km(config());
	km.apply(fault(0, 0x20, 2));
	km.apply(fault(0, 0x200, 9, true));
	EXPECT_EQ(young(km.snapshot(), 0, 0x20), 1);
	EXPECT_TRUE(km.snapshot().proc(0)->pmds.at(0x200).young);
	km.apply(fork_op(0, 1));
	Snapshot s = km.snapshot();
	/* __copy_present_ptes(): pte_mkold(); copy_huge_pmd(): pmd_mkold() */
	EXPECT_EQ(young(s, 1, 0x20), 0);
	EXPECT_EQ(young(s, 0, 0x20), 1);
	EXPECT_FALSE(s.proc(1)->pmds.at(0x200).young);
	EXPECT_TRUE(s.proc(0)->pmds.at(0x200).young);
	/* clear_young_dirty_ptes(CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY) */
	km.apply(on_range(OpKind::exit, 1, 0));
	km.apply(on_range(OpKind::madv_free, 0, 0x20, 4));
	km.apply(on_range(OpKind::madv_free, 0, 0x200, 512));
	s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x23), 0);
	EXPECT_FALSE(s.proc(0)->pmds.at(0x200).young);
	/* FOLL_TOUCH: touch_pmd() makes the PMD young, a PTE stays old */
	km.apply(on_range(OpKind::get, 0, 0x21));
	km.apply(on_range(OpKind::get, 0, 0x201));
	s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x21), 0);
	EXPECT_TRUE(s.proc(0)->pmds.at(0x200).young);
	/* __split_huge_pmd_locked(): the PTEs inherit the PMD's bit */
	km.apply(on_range(OpKind::madv_free, 0, 0x200, 512));
	km.apply(on_range(OpKind::split_pmd, 0, 0x200));
	s = km.snapshot();
	EXPECT_EQ(young(s, 0, 0x200), 0);
	EXPECT_EQ(young(s, 0, 0x3ff), 0);
}

TEST(KernelModel, FolioSplitKeepsYoungThroughMigrationEntries)
{
	KernelModel km(config());
	km.apply(fault(0, 0x20, 2));
	km.apply(on_range(OpKind::madv_free, 0, 0x20, 4));
	km.apply(on_range(OpKind::read, 0, 0x21));
	km.apply(on_folio(OpKind::split, 1));
	Snapshot s = km.snapshot();
	EXPECT_EQ(s.folio(1)->order, 0u);
	EXPECT_EQ(young(s, 0, 0x20), 0);
	EXPECT_EQ(young(s, 0, 0x21), 1);
	EXPECT_EQ(s.proc(0)->ptes.at(0x21).folio, 2u);
}

} // namespace fc
