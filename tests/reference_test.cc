// SPDX-License-Identifier: GPL-2.0
/*
 * reference_test.cc - the reference model against values derived by hand
 * from the v6.12 kernel and docs/semantics.md, one path at a time, and every
 * kind of rejection check() gives. Comments say where a value comes from.
 */
#include "model/reference/reference_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fc {
namespace {

/* --- statements, built directly (no parser needed) --- */

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

Op write_op(ProcId p, Va va) { return on_range(OpKind::write, p, va); }
Op read_op(ProcId p, Va va) { return on_range(OpKind::read, p, va); }
Op munmap(ProcId p, Va va, uint64_t pages = 1) { return on_range(OpKind::munmap, p, va, pages); }
Op get_op(ProcId p, Va va, uint64_t pages = 1) { return on_range(OpKind::get, p, va, pages); }
Op split_pmd(ProcId p, Va va) { return on_range(OpKind::split_pmd, p, va); }

Op pin(ProcId p, Va va, uint64_t pages = 1, bool write = false)
{
	Op op = on_range(OpKind::pin, p, va, pages);
	op.write = write;
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

Op exit_op(ProcId p)
{
	Op op;
	op.kind = OpKind::exit;
	op.proc = p;
	return op;
}

Op split(FolioId f)
{
	Op op;
	op.kind = OpKind::split;
	op.folio = f;
	return op;
}

Op handle_op(OpKind kind, HandleId h)
{
	Op op;
	op.kind = kind;
	op.handle = h;
	return op;
}

Op unpin(HandleId h) { return handle_op(OpKind::unpin, h); }
Op put(HandleId h) { return handle_op(OpKind::put, h); }

Op shrink()
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

Op swapout(FolioId f)
{
	Op op = split(f);
	op.kind = OpKind::swapout;
	return op;
}

Op swapin(ProcId p, Va va) { return on_range(OpKind::swapin, p, va); }

Op file_op(const std::string &name, uint64_t pages, unsigned order = 0)
{
	Op op;
	op.kind = OpKind::file_create;
	op.file = name;
	op.pages = pages;
	op.order = order;
	return op;
}

Op fault_file(ProcId p, Va va, const std::string &name, uint64_t index, uint64_t pages,
	      bool priv = false)
{
	Op op = on_range(OpKind::fault_file, p, va, pages);
	op.file = name;
	op.index = index;
	op.is_private = priv;
	return op;
}

Config config(unsigned pmd_order = 9, Variant v = Variant::v6_12, Arch a = Arch::gather)
{
	Config cfg;
	cfg.scope.pmd_order = pmd_order;
	cfg.variant = v;
	cfg.arch = a;
	return cfg;
}

/*
 * struct World - a reference model and the statements run on it. run()
 * fails the test if check() rejects; reject() returns check()'s message.
 */
struct World {
	ReferenceModel m;

	explicit World(const Config &cfg = config()) : m(cfg) {}

	std::string run(const Op &op)
	{
		std::optional<Rejection> r = m.check(op);
		EXPECT_FALSE(r.has_value()) << "rejected: " << r->message;
		return m.apply(op);
	}

	std::string reject(const Op &op)
	{
		std::optional<Rejection> r = m.check(op);
		if (!r)
			return "(accepted)";
		EXPECT_EQ(r->col, 0u);
		return r->message;
	}

	FolioView folio(FolioId f) const
	{
		Snapshot s = m.snapshot();
		EXPECT_TRUE(f >= 1 && f <= s.folios.size()) << "no folio f" << f;
		return f >= 1 && f <= s.folios.size() ? s.folios[f - 1] : FolioView{};
	}

	ProcView proc(ProcId p) const
	{
		Snapshot s = m.snapshot();
		EXPECT_LT(p, s.procs.size());
		return p < s.procs.size() ? s.procs[p] : ProcView{};
	}

	/* The PTE of @p at @va (folio 0 if none). */
	PteView pte(ProcId p, Va va) const
	{
		ProcView pv = proc(p);
		auto it = pv.ptes.find(va);
		return it == pv.ptes.end() ? PteView{} : it->second;
	}

	std::vector<FolioId> queue() const { return m.snapshot().split_queue; }
};

bool all_exclusive(const FolioView &f, bool value)
{
	for (bool b : f.anon_exclusive)
		if (b != value)
			return false;
	return true;
}

/* --- anonymous faults --- */

/* do_anonymous_page() of an order-4 mTHP: one reference and mapping per PTE. */
TEST(ReferenceFault, PteMappedOrder4)
{
	World w;
	EXPECT_EQ(w.run(fault(0, 0x10, 4)), "");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.order, 4u);
	EXPECT_EQ(f.refcount, 16);
	EXPECT_EQ(f.mapcount, 16);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.nr_pages_mapped, 16);
	EXPECT_EQ(f.pincount, 0);
	EXPECT_FALSE(f.maybe_pinned);
	EXPECT_FALSE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_TRUE(all_exclusive(f, true));
	for (long pm : f.page_mapcount)
		EXPECT_EQ(pm, 1);
	EXPECT_EQ(w.proc(0).rss_anon, 16);
	EXPECT_EQ(w.proc(0).rss_file, 0);
	EXPECT_EQ(w.pte(0, 0x1f).folio, 1u);
	EXPECT_EQ(w.pte(0, 0x1f).page, 15u);
	EXPECT_TRUE(w.pte(0, 0x1f).writable);
}

/*
 * __do_huge_pmd_anonymous_page(): one PMD, one reference, AnonExclusive on
 * the head only, deferred_split_folio(folio, false).
 */
TEST(ReferenceFault, PmdMapped)
{
	World w;
	w.run(fault(0, 0x200, 9, true));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_EQ(f.mapcount, 1);
	EXPECT_EQ(f.nr_pages_mapped, 0);
	ASSERT_EQ(f.page_mapcount.size(), 512u);
	for (long pm : f.page_mapcount)
		EXPECT_EQ(pm, 1);
	EXPECT_TRUE(f.anon_exclusive[0]);
	for (unsigned i = 1; i < 512; i++)
		EXPECT_FALSE(f.anon_exclusive[i]) << i;
	EXPECT_TRUE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_EQ(w.proc(0).rss_anon, 512);
	EXPECT_EQ(w.proc(0).pmds.size(), 1u);
	EXPECT_TRUE(w.proc(0).pmds.at(0x200).writable);
}

/* A write to an unmapped VA faults a new order-0 folio. */
TEST(ReferenceFault, WriteUnmappedFaultsOrder0)
{
	World w;
	EXPECT_EQ(w.run(read_op(0, 5)), "");
	EXPECT_EQ(w.m.snapshot().folios.size(), 0u);
	EXPECT_EQ(w.run(write_op(0, 5)), "new f1");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.order, 0u);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_EQ(f.nr_pages_mapped, 1);
	EXPECT_TRUE(f.anon_exclusive[0]);
	EXPECT_TRUE(w.pte(0, 5).writable);
	EXPECT_EQ(w.run(write_op(0, 5)), ""); /* writable: nothing */
}

/* --- PMD split --- */

/*
 * __split_huge_pmd_locked(): folio_ref_add(511), every page PTE-mapped with
 * the head's AnonExclusive, writable as the PMD was; still queued (from the
 * fault), not partially mapped.
 */
TEST(ReferenceSplitPmd, PropagatesExclusive)
{
	World w;
	w.run(fault(0, 0, 9, true));
	w.run(split_pmd(0, 0x1ff));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 512);
	EXPECT_EQ(f.mapcount, 512);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.nr_pages_mapped, 512);
	EXPECT_TRUE(all_exclusive(f, true));
	EXPECT_TRUE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_TRUE(w.pte(0, 0x1ff).writable);
	EXPECT_EQ(w.pte(0, 0x1ff).page, 511u);
	EXPECT_TRUE(w.proc(0).pmds.empty());
	EXPECT_EQ(w.proc(0).rss_anon, 512);
}

/* A shared PMD (head not exclusive) splits into read-only, non-exclusive PTEs. */
TEST(ReferenceSplitPmd, SharedStaysShared)
{
	World w(config(3));
	w.run(fault(0, 8, 3, true));
	w.run(fork_op(0, 1));
	w.run(split_pmd(1, 12));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 9);       /* p0's PMD + p1's 8 PTEs */
	EXPECT_EQ(f.mapcount, 9);
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_EQ(f.page_mapcount[3], 2);
	EXPECT_TRUE(all_exclusive(f, false));
	EXPECT_FALSE(w.pte(1, 15).writable);
	/* p1 zaps one PTE: p0's PMD still maps the page, nothing queues */
	w.run(munmap(1, 9));
	EXPECT_FALSE(w.folio(1).partially_mapped);
	/* p0's PMD goes: pages 0,2..7 still PTE-mapped by p1, page 1 by nobody */
	w.run(munmap(0, 8, 8));
	f = w.folio(1);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
	EXPECT_EQ(f.refcount, 7);
	EXPECT_EQ(f.entire_mapcount, 0);
}

/* --- fork --- */

/* copy_present_ptes(): the run is shared, AnonExclusive cleared, both read-only. */
TEST(ReferenceFork, SharesOrder4)
{
	World w;
	w.run(fault(0, 0x10, 4));
	EXPECT_EQ(w.run(fork_op(0, 1)), "");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 32);
	EXPECT_EQ(f.mapcount, 32);
	EXPECT_EQ(f.nr_pages_mapped, 16);
	EXPECT_EQ(f.page_mapcount[5], 2);
	EXPECT_TRUE(all_exclusive(f, false));
	for (Va va = 0x10; va < 0x20; va++) {
		EXPECT_FALSE(w.pte(0, va).writable);
		EXPECT_FALSE(w.pte(1, va).writable);
		EXPECT_EQ(w.pte(1, va).folio, 1u);
	}
	EXPECT_EQ(w.proc(1).rss_anon, 16);
}

/*
 * wp_page_copy() of one page of the shared order-4 folio: f2 mapped
 * writable and exclusive, f1 loses one mapping and reference (31). The
 * child still maps page 0, so no page lost its last mapping: not queued.
 */
TEST(ReferenceFork, WriteAfterForkCopies)
{
	World w;
	w.run(fault(0, 0x10, 4));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(write_op(0, 0x10)), "copied to f2");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 31);
	EXPECT_EQ(f.mapcount, 31);
	EXPECT_EQ(f.page_mapcount[0], 1);
	EXPECT_EQ(f.nr_pages_mapped, 16);
	EXPECT_FALSE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	PteView pte = w.pte(0, 0x10);
	EXPECT_EQ(pte.folio, 2u);
	EXPECT_TRUE(pte.writable);
	EXPECT_TRUE(w.folio(2).anon_exclusive[0]);
	EXPECT_EQ(w.folio(2).refcount, 1);
	EXPECT_EQ(w.proc(0).rss_anon, 16);
	/* the child's write to the same page copies too, now page 0 is gone */
	EXPECT_EQ(w.run(write_op(1, 0x10)), "copied to f3");
	f = w.folio(1);
	EXPECT_EQ(f.refcount, 30);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
}

/*
 * cow.c test_cow_in_parent on an mTHP: the child exits, the parent holds
 * the only mappings, but the pages are not AnonExclusive and a large folio
 * is never reused: copy, and page 0 loses its last mapping -> queued.
 */
TEST(ReferenceFork, WriteAfterChildExitQueues)
{
	World w;
	w.run(fault(0, 0x40, 4));
	w.run(fork_op(0, 1));
	w.run(exit_op(1));
	EXPECT_EQ(w.folio(1).refcount, 16);
	EXPECT_EQ(w.run(write_op(0, 0x40)), "copied to f2");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 15);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
}

/* Order 0: after the child's copy the parent's page has refcount 1: reuse. */
TEST(ReferenceFork, Order0ReuseAfterChildCopy)
{
	World w;
	w.run(fault(0, 0x10, 0));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(write_op(1, 0x10)), "copied to f2");
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.run(write_op(0, 0x10)), "reused");
	EXPECT_TRUE(w.pte(0, 0x10).writable);
	EXPECT_TRUE(w.folio(1).anon_exclusive[0]);
}

/* copy_huge_pmd(): both PMDs read-only, head loses AnonExclusive. */
TEST(ReferenceFork, SharesPmd)
{
	World w;
	w.run(fault(0, 0x200, 9, true));
	w.run(fork_op(0, 1));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 2);
	EXPECT_EQ(f.entire_mapcount, 2);
	EXPECT_FALSE(f.anon_exclusive[0]);
	EXPECT_FALSE(w.proc(0).pmds.at(0x200).writable);
	EXPECT_FALSE(w.proc(1).pmds.at(0x200).writable);
	EXPECT_EQ(w.proc(1).rss_anon, 512);

	/* cow.c test_cow_in_child: p1's write splits p1's PMD, copies one page */
	EXPECT_EQ(w.run(write_op(1, 0x205)), "PMD split; copied to f2");
	f = w.folio(1);
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_EQ(f.nr_pages_mapped, 511);
	EXPECT_EQ(f.refcount, 512);
	EXPECT_EQ(f.mapcount, 512);
	EXPECT_EQ(f.page_mapcount[4], 2);
	EXPECT_EQ(f.page_mapcount[5], 1);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_EQ(w.proc(1).rss_anon, 512);
	EXPECT_EQ(w.pte(1, 0x204).folio, 1u);
	EXPECT_EQ(w.pte(1, 0x205).folio, 2u);

	w.run(write_op(0, 0x3ff));
	EXPECT_EQ(w.folio(1).entire_mapcount, 0);
	EXPECT_EQ(w.pte(0, 0x3ff).folio, 3u);
}

/* do_huge_pmd_wp_page(): refcount 1 after the child exited: reuse the PMD. */
TEST(ReferenceFork, PmdReuseAfterChildExit)
{
	World w;
	w.run(fault(0, 0, 9, true));
	w.run(fork_op(0, 1));
	w.run(exit_op(1));
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.run(write_op(0, 0x10)), "reused");
	FolioView f = w.folio(1);
	EXPECT_TRUE(f.anon_exclusive[0]);
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_TRUE(w.proc(0).pmds.at(0).writable);
}

/*
 * cow.c R/O pin before fork: fork copies the pinned folio's exclusive pages
 * for the child (folio_needs_cow_for_dma(): all four pages, pinned or not,
 * because the folio may be pinned and p0 has pinned).
 */
TEST(ReferenceFork, PinnedFolioCopiedForChild)
{
	World w;
	w.run(fault(0, 0x10, 2));
	EXPECT_EQ(w.run(pin(0, 0x11, 2)), "pin1");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.pincount, 2);
	EXPECT_EQ(f.refcount, 6);
	EXPECT_TRUE(f.maybe_pinned);
	EXPECT_EQ(w.run(fork_op(0, 1)), "copied for p1: f2 f3 f4 f5");
	f = w.folio(1);
	EXPECT_EQ(f.refcount, 6);
	EXPECT_TRUE(all_exclusive(f, true));
	EXPECT_EQ(w.pte(1, 0x10).folio, 2u);
	EXPECT_EQ(w.pte(1, 0x13).folio, 5u);
	EXPECT_TRUE(w.pte(1, 0x13).writable);
	EXPECT_TRUE(w.pte(0, 0x12).writable);
	EXPECT_EQ(w.proc(1).rss_anon, 4);
	EXPECT_EQ(w.run(write_op(0, 0x12)), "");
	w.run(unpin(1));
	EXPECT_EQ(w.folio(1).refcount, 4);
	EXPECT_EQ(w.folio(1).pincount, 0);
}

/* An order-0 pinned page: refcount >= 1024 is "maybe pinned"; copied. */
TEST(ReferenceFork, PinnedOrder0CopiedOthersShared)
{
	World w;
	w.run(fault(0, 0x10, 0));
	w.run(fault(0, 0x11, 0));
	w.run(pin(0, 0x10));
	EXPECT_EQ(w.run(fork_op(0, 1)), "copied for p1: f3");
	EXPECT_EQ(w.folio(1).refcount, 1025);
	EXPECT_TRUE(w.folio(1).anon_exclusive[0]);
	EXPECT_TRUE(w.pte(0, 0x10).writable);
	EXPECT_EQ(w.folio(2).refcount, 2);
	EXPECT_FALSE(w.folio(2).anon_exclusive[0]);
	/* the child does not inherit MMF_HAS_PINNED: its fork shares */
	w.run(fork_op(1, 2));
	EXPECT_EQ(w.folio(3).refcount, 2);
}

/* A pinned exclusive PMD: copy_huge_pmd() splits p0's PMD, the PTEs are copied. */
TEST(ReferenceFork, PinnedPmdSplitAndCopied)
{
	World w(config(2));
	w.run(fault(0, 4, 2, true));
	w.run(pin(0, 5));
	EXPECT_EQ(w.folio(1).refcount, 2);
	EXPECT_EQ(w.run(fork_op(0, 1)), "copied for p1: f2 f3 f4 f5");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.refcount, 5);     /* 4 PTEs + 1 pin */
	EXPECT_TRUE(all_exclusive(f, true));
	EXPECT_TRUE(f.queued);
	EXPECT_FALSE(f.partially_mapped);
	EXPECT_TRUE(w.pte(0, 7).writable);
	EXPECT_EQ(w.pte(1, 7).folio, 5u);
}

/* --- GUP --- */

/* test_ro_pin_on_shared: the unshare fault copies, mapped read-only. */
TEST(ReferenceGup, PinOfSharedPageUnshares)
{
	World w;
	w.run(fault(0, 0x10, 0));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(pin(0, 0x10)), "pin1 (0x10: copied to f2)");
	EXPECT_EQ(w.pte(0, 0x10).folio, 2u);
	EXPECT_FALSE(w.pte(0, 0x10).writable);
	FolioView f2 = w.folio(2);
	EXPECT_TRUE(f2.anon_exclusive[0]);
	EXPECT_EQ(f2.refcount, 1025);
	EXPECT_TRUE(f2.maybe_pinned);
	EXPECT_EQ(f2.pincount, 0);
	EXPECT_EQ(w.folio(1).refcount, 1);
	/* the child may reuse its page now */
	EXPECT_EQ(w.run(write_op(1, 0x10)), "reused");
	w.run(unpin(1));
	EXPECT_EQ(w.folio(2).refcount, 1);
	EXPECT_FALSE(w.folio(2).maybe_pinned);
}

/* An order-0 pin adds GUP_PIN_COUNTING_BIAS. */
TEST(ReferenceGup, Order0PinAdds1024)
{
	World w;
	w.run(fault(0, 0x30, 0));
	w.run(pin(0, 0x30, 1, true));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 1025);
	EXPECT_EQ(f.pincount, 0);
	EXPECT_TRUE(f.maybe_pinned);
	w.run(pin(0, 0x30));
	EXPECT_EQ(w.folio(1).refcount, 2049);
	w.run(unpin(1));
	EXPECT_EQ(w.folio(1).refcount, 1025);
}

/* A pin of a shared page of a large folio: the unshare copies (never reused). */
TEST(ReferenceGup, PinOfSharedLargePageCopies)
{
	World w;
	w.run(fault(0, 0x10, 2));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(pin(0, 0x11, 2)), "pin1 (0x11: copied to f2; 0x12: copied to f3)");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 6);
	EXPECT_EQ(f.pincount, 0);
	EXPECT_EQ(w.folio(2).refcount, 1025);
	EXPECT_EQ(w.folio(3).refcount, 1025);
	EXPECT_FALSE(f.queued); /* p1 still maps every page */
}

/* A write pin of a read-only exclusive page reuses it and makes it writable. */
TEST(ReferenceGup, WritePinOfReadOnlyExclusiveReuses)
{
	World w;
	w.run(fault(0, 0x10, 0));
	w.run(fork_op(0, 1));
	w.run(pin(0, 0x10));                 /* unshare: f2, read-only exclusive */
	EXPECT_EQ(w.run(pin(0, 0x10, 1, true)), "pin2 (0x10: reused)");
	EXPECT_TRUE(w.pte(0, 0x10).writable);
	EXPECT_EQ(w.folio(2).refcount, 2049);
}

/* test_vmsplice_in_child: FOLL_GET does not unshare; the write copies. */
TEST(ReferenceGup, GetDoesNotUnshare)
{
	World w;
	w.run(fault(0, 0x30, 0));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(get_op(1, 0x30)), "ref1");
	EXPECT_EQ(w.folio(1).refcount, 3);
	EXPECT_FALSE(w.folio(1).maybe_pinned);
	EXPECT_EQ(w.run(write_op(0, 0x30)), "copied to f2");
	EXPECT_EQ(w.folio(1).refcount, 2);
	w.run(exit_op(1));
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.folio(1).mapcount, 0);
	EXPECT_FALSE(w.folio(1).freed);
	w.run(put(1));
	EXPECT_TRUE(w.folio(1).freed);
}

/* A R/O pin of a shared THP (pmd_order 2): split p0's PMD, copy the page. */
TEST(ReferenceGup, PinOfSharedThpSplitsAndCopies)
{
	World w(config(2));
	w.run(fault(0, 4, 2, true));
	w.run(fork_op(0, 1));
	w.run(pin(0, 5));
	EXPECT_EQ(w.pte(0, 5).folio, 2u);
	EXPECT_EQ(w.pte(0, 4).folio, 1u);
	EXPECT_FALSE(w.pte(0, 5).writable);
	EXPECT_TRUE(w.folio(2).anon_exclusive[0]);
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 4);  /* p1's PMD + p0's 3 PTEs */
	EXPECT_EQ(f.entire_mapcount, 1);
	EXPECT_FALSE(f.partially_mapped);
}

/* A pin of a PMD-mapped THP: one reference and one _pincount per page. */
TEST(ReferenceGup, PinOfPmdCountsPerPage)
{
	World w(config(3));
	w.run(fault(0, 8, 3, true));
	EXPECT_EQ(w.run(pin(0, 8, 8)), "pin1");
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 9);
	EXPECT_EQ(f.pincount, 8);
	EXPECT_EQ(f.mapcount, 1);
	Snapshot s = w.m.snapshot();
	ASSERT_EQ(s.pins.size(), 1u);
	EXPECT_EQ(s.pins[0].pages.size(), 8u);
	EXPECT_EQ(s.pins[0].pages[3].page, 3u);
	EXPECT_FALSE(s.pins[0].released);
	w.run(unpin(1));
	EXPECT_TRUE(w.m.snapshot().pins[0].released);
	EXPECT_EQ(w.folio(1).refcount, 1);
}

/* --- munmap, exit --- */

/* Zapping one page of an order-4 folio: partially mapped, queued. */
TEST(ReferenceZap, OnePageQueuesPartiallyMapped)
{
	World w;
	w.run(fault(0, 0x10, 4));
	w.run(munmap(0, 0x13));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 15);
	EXPECT_EQ(f.nr_pages_mapped, 15);
	EXPECT_EQ(f.page_mapcount[3], 0);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
	EXPECT_EQ(w.proc(0).rss_anon, 15);
	EXPECT_EQ(w.queue(), std::vector<FolioId>{1});
}

/* seed 000: one batched removal unmaps the whole folio: freed, never queued. */
TEST(ReferenceZap, WholeFolioFreedNotQueued)
{
	for (Arch a : {Arch::gather, Arch::no_gather}) {
		World w(config(9, Variant::v6_12, a));
		w.run(fault(0, 0x10, 4));
		w.run(munmap(0, 0x10, 16));
		FolioView f = w.folio(1);
		EXPECT_TRUE(f.freed);
		EXPECT_FALSE(f.queued);
		EXPECT_FALSE(f.partially_mapped);
		EXPECT_EQ(f.refcount, 0);
		EXPECT_TRUE(all_exclusive(f, false));
		EXPECT_EQ(w.proc(0).rss_anon, 0);
		EXPECT_TRUE(w.queue().empty());
	}
}

/* Unbatched: the first page's removal queues; freeing dequeues again. */
TEST(ReferenceZap, UnbatchedWholeFolioFreedAndDequeued)
{
	World w(config(9, Variant::unbatched));
	w.run(fault(0, 0x10, 4));
	w.run(munmap(0, 0x10, 16));
	EXPECT_TRUE(w.folio(1).freed);
	EXPECT_FALSE(w.folio(1).queued);
}

/*
 * Unbatched zap of a folio a `get` keeps alive: queued and partially
 * mapped although nothing maps it (seed 000's spurious enqueue, visible).
 * Batched, the same zap never queues it.
 */
TEST(ReferenceZap, UnbatchedSpuriousEnqueueStaysVisible)
{
	World w(config(9, Variant::unbatched));
	w.run(fault(0, 0x10, 4));
	w.run(get_op(0, 0x10));
	w.run(munmap(0, 0x10, 16));
	FolioView f = w.folio(1);
	EXPECT_FALSE(f.freed);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_EQ(f.mapcount, 0);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
	w.run(put(1));
	EXPECT_TRUE(w.folio(1).freed);
	EXPECT_FALSE(w.folio(1).queued);

	World b;
	b.run(fault(0, 0x10, 4));
	b.run(get_op(0, 0x10));
	b.run(munmap(0, 0x10, 16));
	EXPECT_FALSE(b.folio(1).queued);
	EXPECT_FALSE(b.folio(1).partially_mapped);
	EXPECT_EQ(b.folio(1).refcount, 1);
}

/* seed 002: refaulted order-0 pages break the run; a whole zap frees all. */
TEST(ReferenceZap, RefaultBreaksRun)
{
	World w;
	w.run(fault(0, 0x20, 4));
	w.run(munmap(0, 0x2e, 2));
	w.run(write_op(0, 0x2e));
	w.run(write_op(0, 0x2f));
	EXPECT_EQ(w.pte(0, 0x2d).folio, 1u);
	EXPECT_EQ(w.pte(0, 0x2d).page, 13u);
	EXPECT_EQ(w.pte(0, 0x2e).folio, 2u);
	EXPECT_EQ(w.pte(0, 0x2f).folio, 3u);
	EXPECT_TRUE(w.folio(1).partially_mapped);
	EXPECT_EQ(w.folio(1).refcount, 14);
	w.run(munmap(0, 0x20, 16));
	for (FolioId f = 1; f <= 3; f++)
		EXPECT_TRUE(w.folio(f).freed) << f;
}

/* Zapping the last page of a partially mapped order-1 folio: never queued. */
TEST(ReferenceZap, Order1NeverQueued)
{
	World w;
	w.run(fault(0, 0x10, 1));
	w.run(munmap(0, 0x11));
	EXPECT_FALSE(w.folio(1).queued);
	EXPECT_FALSE(w.folio(1).partially_mapped);
	EXPECT_EQ(w.folio(1).refcount, 1);
}

/* A PMD only partly covered is split first, then its PTEs zapped (pmd_order 3). */
TEST(ReferenceZap, PartialPmdSplitsFirst)
{
	World w(config(3));
	w.run(fault(0, 8, 3, true));
	w.run(munmap(0, 9, 7));
	FolioView f = w.folio(1);
	EXPECT_EQ(f.refcount, 1);
	EXPECT_EQ(f.mapcount, 1);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.nr_pages_mapped, 1);
	EXPECT_TRUE(f.queued);
	EXPECT_TRUE(f.partially_mapped);
	EXPECT_TRUE(w.pte(0, 8).writable);
	/* cow.c run_with_single_pte_of_thp */
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.folio(1).refcount, 2);
	EXPECT_EQ(w.run(write_op(1, 8)), "copied to f2");
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.run(write_op(0, 8)), "copied to f3");
	EXPECT_TRUE(w.folio(1).freed);
	EXPECT_FALSE(w.folio(1).queued);
}

/* A PMD wholly inside the range goes as one PMD, no split (pmd_order 3). */
TEST(ReferenceZap, WholePmdZapped)
{
	World w(config(3));
	w.run(fault(0, 8, 3, true));
	w.run(fault(0, 16, 2));
	w.run(munmap(0, 4, 14));  /* 4..17: the PMD 8..15 and pages 0,1 of f2 */
	EXPECT_TRUE(w.folio(1).freed);
	EXPECT_FALSE(w.folio(1).queued);
	EXPECT_TRUE(w.folio(2).queued);
	EXPECT_TRUE(w.folio(2).partially_mapped);
	EXPECT_EQ(w.folio(2).refcount, 2);
	EXPECT_TRUE(w.proc(0).pmds.empty());
	EXPECT_EQ(w.proc(0).rss_anon, 2);
	EXPECT_EQ(w.queue(), std::vector<FolioId>{2});
}

/* A range with nothing mapped is a legal no-op. */
TEST(ReferenceZap, NothingMappedIsNoop)
{
	World w;
	w.run(fault(0, 0x10, 2));
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.run(munmap(0, 0x100, 0x100)), "");
	EXPECT_EQ(w.m.snapshot(), before);
}

/* exit tears down every mapping; handles the process took stay live. */
TEST(ReferenceZap, ExitTearsDownEverything)
{
	World w;
	w.run(fault(0, 0x10, 4));
	w.run(fault(0, 0x200, 9, true));
	w.run(write_op(0, 0x30));
	w.run(fork_op(0, 1));
	w.run(get_op(0, 0x12));
	w.run(exit_op(0));
	ProcView p0 = w.proc(0);
	EXPECT_TRUE(p0.exited);
	EXPECT_TRUE(p0.ptes.empty());
	EXPECT_TRUE(p0.pmds.empty());
	EXPECT_EQ(p0.rss_anon, 0);
	EXPECT_EQ(w.folio(1).refcount, 17);   /* p1's 16 PTEs + ref1 */
	EXPECT_EQ(w.folio(2).refcount, 1);    /* p1's PMD */
	EXPECT_EQ(w.folio(2).entire_mapcount, 1);
	EXPECT_EQ(w.folio(3).refcount, 1);
	EXPECT_FALSE(w.folio(1).queued);      /* p1 maps every page */
	EXPECT_EQ(w.reject(write_op(0, 0x10)), "p0 has exited");
	EXPECT_EQ(w.reject(exit_op(0)), "p0 has exited");

	w.run(exit_op(1));
	FolioView f1 = w.folio(1);
	EXPECT_FALSE(f1.freed);
	EXPECT_EQ(f1.refcount, 1);
	EXPECT_EQ(f1.mapcount, 0);
	EXPECT_FALSE(f1.queued);
	EXPECT_TRUE(w.folio(2).freed);
	EXPECT_FALSE(w.folio(2).queued);
	EXPECT_TRUE(w.folio(3).freed);
	EXPECT_TRUE(w.queue().empty());
	w.run(put(1));
	EXPECT_TRUE(w.folio(1).freed);
}

/* --- folio split --- */

/* can_split_folio(): a reference or a pin makes the split fail, changing nothing. */
TEST(ReferenceSplit, FailsWithExtraReferences)
{
	World w;
	w.run(fault(0, 0x10, 4));
	w.run(munmap(0, 0x1f));
	w.run(get_op(0, 0x12));
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.run(split(1)), "split failed: extra references");
	EXPECT_EQ(w.m.snapshot(), before);
	w.run(put(1));
	w.run(pin(0, 0x13));
	before = w.m.snapshot();
	EXPECT_EQ(w.run(split(1)), "split failed: extra references");
	EXPECT_EQ(w.m.snapshot(), before);
	w.run(unpin(1));
	EXPECT_EQ(w.run(split(1)), "split into f1,f2..f16");
}

TEST(ReferenceSplit, FailsOnOrder0)
{
	World w;
	w.run(fault(0, 0x10, 0));
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.run(split(1)), "split failed: order 0");
	EXPECT_EQ(w.m.snapshot(), before);
}

/*
 * Page 0 keeps the name, pages 1..3 take the next ids (f3..f5, after f2);
 * each new folio is held by its mappings only; the unmapped page's folio is
 * freed; the folio leaves the queue.
 */
TEST(ReferenceSplit, Naming)
{
	World w;
	w.run(fault(0, 0x10, 2));
	w.run(fault(0, 0x20, 0));
	w.run(munmap(0, 0x11));
	EXPECT_TRUE(w.folio(1).queued);
	EXPECT_EQ(w.run(split(1)), "split into f1,f3..f5");
	FolioView f1 = w.folio(1);
	EXPECT_EQ(f1.order, 0u);
	EXPECT_EQ(f1.refcount, 1);
	EXPECT_TRUE(f1.anon_exclusive[0]);
	EXPECT_FALSE(f1.queued);
	EXPECT_FALSE(f1.partially_mapped);
	EXPECT_TRUE(w.folio(3).freed);        /* page 1 was unmapped */
	EXPECT_EQ(w.pte(0, 0x12).folio, 4u);
	EXPECT_EQ(w.pte(0, 0x12).page, 0u);
	EXPECT_EQ(w.pte(0, 0x13).folio, 5u);
	EXPECT_TRUE(w.pte(0, 0x13).writable);
	EXPECT_EQ(w.folio(5).refcount, 1);
	EXPECT_TRUE(w.folio(5).anon_exclusive[0]);
	EXPECT_TRUE(w.queue().empty());
	EXPECT_EQ(w.reject(split(3)), "f3 is freed");
	EXPECT_EQ(w.run(split(1)), "split failed: order 0");
}

/* An order-1 folio splits into two. */
TEST(ReferenceSplit, Order1)
{
	World w;
	w.run(fault(0, 0x10, 1));
	EXPECT_EQ(w.run(split(1)), "split into f1,f2");
	EXPECT_EQ(w.pte(0, 0x11).folio, 2u);
	EXPECT_EQ(w.folio(2).refcount, 1);
}

/* A PMD-mapped folio, shared by fork: both PMDs split first (pmd_order 3). */
TEST(ReferenceSplit, PmdMappedInTwoProcesses)
{
	World w(config(3));
	w.run(fault(0, 8, 3, true));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(split(1)), "split into f1,f2..f8");
	for (FolioId f = 1; f <= 8; f++) {
		FolioView v = w.folio(f);
		EXPECT_EQ(v.order, 0u);
		EXPECT_EQ(v.refcount, 2) << f;
		EXPECT_EQ(v.mapcount, 2) << f;
		EXPECT_FALSE(v.anon_exclusive[0]) << f;
	}
	EXPECT_EQ(w.pte(1, 15).folio, 8u);
	EXPECT_FALSE(w.pte(1, 15).writable);
	EXPECT_TRUE(w.proc(0).pmds.empty());
	EXPECT_TRUE(w.proc(1).pmds.empty());
	EXPECT_EQ(w.proc(1).rss_anon, 8);
	EXPECT_TRUE(w.queue().empty());
}

/* An exclusive PMD: the split PTEs keep the head's bit and the write bit. */
TEST(ReferenceSplit, ExclusivePmd)
{
	World w(config(2));
	w.run(fault(0, 4, 2, true));
	EXPECT_EQ(w.run(split(1)), "split into f1,f2..f4");
	for (FolioId f = 1; f <= 4; f++)
		EXPECT_TRUE(w.folio(f).anon_exclusive[0]) << f;
	EXPECT_TRUE(w.pte(0, 7).writable);
	EXPECT_EQ(w.pte(0, 7).folio, 4u);
}

/* --- the deferred split shrinker --- */

/*
 * FIFO scan: the PMD-mapped THP (not partially mapped) is dequeued; the
 * partially mapped f2 is split (its unmapped page 0 freed); f3 has a pin,
 * cannot be split and stays queued, still order 4, until unpinned.
 */
TEST(ReferenceShrink, SplitsDequeuesAndKeepsPinned)
{
	World w;
	EXPECT_EQ(w.run(shrink()), "shrink: queue empty");
	w.run(fault(0, 0x200, 9, true));
	w.run(fault(0, 0x10, 4));
	w.run(munmap(0, 0x10));
	w.run(fault(0, 0x20, 4));
	w.run(pin(0, 0x21));
	w.run(munmap(0, 0x2f));
	EXPECT_EQ(w.queue(), (std::vector<FolioId>{1, 2, 3}));
	EXPECT_EQ(w.run(shrink()), "shrink: dequeued f1; split f2; kept f3");
	EXPECT_EQ(w.queue(), std::vector<FolioId>{3});
	EXPECT_FALSE(w.folio(1).queued);
	EXPECT_EQ(w.folio(1).order, 9u);
	EXPECT_TRUE(w.folio(2).freed);
	EXPECT_EQ(w.pte(0, 0x11).folio, 4u);
	EXPECT_EQ(w.pte(0, 0x1f).folio, 18u);
	FolioView f3 = w.folio(3);
	EXPECT_EQ(f3.order, 4u);
	EXPECT_TRUE(f3.queued);
	EXPECT_TRUE(f3.partially_mapped);
	EXPECT_EQ(f3.refcount, 16);
	EXPECT_EQ(w.run(shrink()), "shrink: kept f3");
	w.run(unpin(1));
	EXPECT_EQ(w.run(shrink()), "shrink: split f3");
	EXPECT_EQ(w.m.snapshot().folios.size(), 33u);
	EXPECT_TRUE(w.folio(33).freed);      /* page 15 of f3 was unmapped */
	EXPECT_EQ(w.pte(0, 0x2e).folio, 32u);
	EXPECT_TRUE(w.queue().empty());
}

/* seed 000 partial zap then shrink: page 0 keeps f1, f2..f16 freed. */
TEST(ReferenceShrink, PartialZapThenShrink)
{
	World w;
	w.run(fault(0, 0x10, 4));
	w.run(munmap(0, 0x11, 15));
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.run(shrink()), "shrink: split f1");
	EXPECT_FALSE(w.folio(1).freed);
	EXPECT_EQ(w.folio(1).refcount, 1);
	EXPECT_EQ(w.pte(0, 0x10).folio, 1u);
	for (FolioId f = 2; f <= 16; f++)
		EXPECT_TRUE(w.folio(f).freed) << f;
	EXPECT_FALSE(w.folio(1).queued);
}

/* --- configuration --- */

/* arch only matters inside batches: the end states are the same. */
TEST(ReferenceConfig, ArchIsInvisible)
{
	auto scenario = [](Arch a) {
		World w(config(3, Variant::v6_12, a));
		w.run(fault(0, 8, 3, true));
		w.run(fault(0, 0, 2));
		w.run(fork_op(0, 1));
		w.run(get_op(1, 1, 2));
		w.run(munmap(0, 0, 12));
		w.run(write_op(1, 9));
		w.run(exit_op(1));
		return w.m.snapshot();
	};
	EXPECT_EQ(scenario(Arch::gather), scenario(Arch::no_gather));
}

/* A copy of the model is independent of the original (engines branch). */
TEST(ReferenceConfig, CopiesAreIndependent)
{
	World w;
	w.run(fault(0, 0x10, 2));
	ReferenceModel copy = w.m;
	Snapshot before = copy.snapshot();
	w.run(munmap(0, 0x10, 4));
	EXPECT_EQ(copy.snapshot(), before);
	EXPECT_NE(w.m.snapshot(), before);
	ReferenceModel moved = std::move(copy);
	EXPECT_EQ(moved.snapshot(), before);
	EXPECT_EQ(moved.config().scope.pmd_order, 9u);
}

/* --- rejections --- */

TEST(ReferenceCheck, Processes)
{
	World w;
	EXPECT_EQ(w.reject(write_op(1, 0)), "p1 does not exist");
	EXPECT_EQ(w.reject(fork_op(0, 2)), "fork p0 p2: the next process is p1");
	EXPECT_EQ(w.reject(fork_op(0, 0)), "fork p0 p0: p0 already exists; the next process is p1");
	EXPECT_EQ(w.reject(fork_op(3, 1)), "p3 does not exist");
	w.run(fork_op(0, 1));
	w.run(exit_op(1));
	EXPECT_EQ(w.reject(read_op(1, 0)), "p1 has exited");
	EXPECT_EQ(w.reject(fork_op(1, 2)), "p1 has exited");
	EXPECT_EQ(w.reject(fork_op(0, 1)), "fork p0 p1: p1 already exists; the next process is p2");
	EXPECT_EQ(w.reject(fork_op(0, 2)), "(accepted)");
}

TEST(ReferenceCheck, Faults)
{
	World w;
	EXPECT_EQ(w.reject(fault(0, 3, 2)), "p0 0x3: not aligned to order 2 (4 pages)");
	EXPECT_EQ(w.reject(fault(0, 0x20, 5)), "order=5 exceeds max_order 4");
	EXPECT_EQ(w.reject(fault(0, 0x200, 4, true)), "order must be pmd_order (9) with pmd");
	EXPECT_EQ(w.reject(fault(0, 0x201, 9, true)), "p0 0x201: not aligned to order 9 (512 pages)");
	EXPECT_EQ(w.reject(fault(0, 0x800, 0)), "range 0x800+1 exceeds the address space of 2048 pages");
	EXPECT_EQ(w.reject(fault(0, 0x800, 9, true)),
		  "range 0x800+512 exceeds the address space of 2048 pages");
	w.run(write_op(0, 0x12));
	EXPECT_EQ(w.reject(fault(0, 0x10, 4)), "p0 0x10..0x1f already mapped at 0x12");
	EXPECT_EQ(w.reject(fault(0, 0x12, 0)), "p0 0x12 already mapped at 0x12");
	w.run(fault(0, 0x200, 9, true));
	EXPECT_EQ(w.reject(fault(0, 0x234, 0)), "p0 0x234 already mapped at 0x234");
	EXPECT_EQ(w.reject(fault(0, 0x200, 9, true)), "p0 0x200..0x3ff already mapped at 0x200");

	World small(config(3));
	EXPECT_EQ(small.reject(fault(0, 8, 3)),
		  "order=3 is not below pmd_order 3: a folio that size is mapped with pmd");
	EXPECT_EQ(small.reject(fault(0, 8, 2, true)), "order must be pmd_order (3) with pmd");
	EXPECT_EQ(small.reject(fault(0, 0x20, 3, true)),
		  "range 0x20+8 exceeds the address space of 32 pages");
	EXPECT_EQ(small.reject(fault(0, 0x18, 3, true)), "(accepted)");
}

TEST(ReferenceCheck, Ranges)
{
	World w;
	EXPECT_EQ(w.reject(munmap(0, 0x7fe, 4)), "range 0x7fe+4 exceeds the address space of 2048 pages");
	EXPECT_EQ(w.reject(munmap(0, 0x7fe, 2)), "(accepted)");
	EXPECT_EQ(w.reject(munmap(0, 1, ~uint64_t{0})),
		  "range 0x1+18446744073709551615 exceeds the address space of 2048 pages");
	EXPECT_EQ(w.reject(munmap(0, 0, 0)), "pages=0: the range is empty");
	EXPECT_EQ(w.reject(write_op(0, 0x800)), "p0 0x800 is outside the address space of 2048 pages");
	EXPECT_EQ(w.reject(read_op(0, 0x7ff)), "(accepted)");
	EXPECT_EQ(w.reject(split_pmd(0, 0x900)), "p0 0x900 is outside the address space of 2048 pages");
}

TEST(ReferenceCheck, Gup)
{
	World w;
	w.run(fault(0, 0x4, 0));
	EXPECT_EQ(w.reject(pin(0, 0x4, 2)), "pin needs every page mapped: p0 0x5 is not");
	EXPECT_EQ(w.reject(get_op(0, 0x3, 2)), "get needs every page mapped: p0 0x3 is not");
	EXPECT_EQ(w.reject(pin(0, 0x7ff, 2)), "range 0x7ff+2 exceeds the address space of 2048 pages");
	EXPECT_EQ(w.reject(unpin(3)), "pin3 is not a live pin");
	EXPECT_EQ(w.reject(unpin(0)), "pin0 is not a live pin");
	EXPECT_EQ(w.reject(put(1)), "ref1 is not a live reference");
	w.run(pin(0, 0x4));
	w.run(get_op(0, 0x4));
	EXPECT_EQ(w.reject(unpin(1)), "(accepted)");
	w.run(unpin(1));
	w.run(put(1));
	EXPECT_EQ(w.reject(unpin(1)), "pin1 is not a live pin");
	EXPECT_EQ(w.reject(put(1)), "ref1 is not a live reference");
}

TEST(ReferenceCheck, FoliosAndPmds)
{
	World w;
	EXPECT_EQ(w.reject(split(9)), "f9 does not exist");
	EXPECT_EQ(w.reject(split(0)), "f0 does not exist");
	w.run(fault(0, 0x10, 0));
	w.run(munmap(0, 0x10));
	EXPECT_EQ(w.reject(split(1)), "f1 is freed");
	EXPECT_EQ(w.reject(split_pmd(0, 0x10)), "p0 0x10 is not mapped by a PMD");
	w.run(fault(0, 0x200, 9, true));
	EXPECT_EQ(w.reject(split_pmd(0, 0x3ff)), "(accepted)");
	EXPECT_EQ(w.reject(shrink()), "(accepted)");
}

/*
 * Issue 6 statements are checked like the others; reclaim and expect are
 * always accepted.
 */
TEST(ReferenceCheck, Issue6StatementsAndExpect)
{
	World w;
	Op madv = on_range(OpKind::madv_free, 0, 0x10, 4);
	EXPECT_EQ(w.reject(madv), "(accepted)");
	w.run(file_op("a", 4));
	w.run(fault_file(0, 0x12, "a", 0, 1, true));
	EXPECT_EQ(w.reject(madv),
		  "madv_free needs anonymous memory: p0 0x12 is in a file mapping (-EINVAL)");
	Op reclaim;
	reclaim.kind = OpKind::reclaim;
	EXPECT_EQ(w.reject(reclaim), "(accepted)");
	EXPECT_EQ(w.run(reclaim), "reclaim: no lazyfree folio");
	Op expect;
	expect.kind = OpKind::expect;
	expect.obs.kind = ObsKind::refcount;
	expect.obs.folio = 42;
	EXPECT_EQ(w.reject(expect), "(accepted)");
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.m.apply(expect), "");
	EXPECT_EQ(w.m.snapshot(), before);
}

/* apply() of a statement check() rejects changes nothing. */
TEST(ReferenceCheck, ApplyRefusesIllegal)
{
	World w;
	w.run(fault(0, 0x10, 2));
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.m.apply(fault(0, 0x10, 0)), "not applied: p0 0x10 already mapped at 0x10");
	EXPECT_EQ(w.m.apply(unpin(1)), "not applied: pin1 is not a live pin");
	EXPECT_EQ(w.m.snapshot(), before);
}

/* --- issue 6: mprotect, mremap, swap, page cache --- */

TEST(ReferenceMprotect, RwNeedsAnonExclusive)
{
	World w;
	w.run(fault(0, 0x10, 2));
	w.run(mprotect_op(0, 0x10, 4, true));
	EXPECT_FALSE(w.pte(0, 0x10).writable);
	EXPECT_EQ(w.reject(write_op(0, 0x11)),
		  "p0 0x11 is read-only (mprotect): a write would fault with SIGSEGV");
	EXPECT_EQ(w.reject(pin(0, 0x10, 2, true)),
		  "p0 0x10 is read-only (mprotect): a write would fault with SIGSEGV");
	EXPECT_EQ(w.reject(pin(0, 0x10, 2, false)), "(accepted)");
	w.run(fork_op(0, 1));
	w.run(mprotect_op(0, 0x10, 4, false));
	EXPECT_FALSE(w.pte(0, 0x10).writable);  /* shared after fork */
	w.run(exit_op(1));
	w.run(fault(0, 0x20, 0));
	w.run(mprotect_op(0, 0x20, 1, true));
	w.run(mprotect_op(0, 0x20, 1, false));
	EXPECT_TRUE(w.pte(0, 0x20).writable);   /* still AnonExclusive */
}

TEST(ReferenceMremap, MovesEntriesAndKeepsCounts)
{
	World w(config(3));
	w.run(fault(0, 0x0, 3, true));
	w.run(mremap_op(0, 0x0, 8, 0x10));
	EXPECT_EQ(w.proc(0).pmds.count(0x10), 1u);
	w.run(mremap_op(0, 0x12, 2, 0x1));  /* part of the PMD: split first */
	FolioView f = w.folio(1);
	EXPECT_EQ(f.entire_mapcount, 0);
	EXPECT_EQ(f.mapcount, 8);
	EXPECT_EQ(w.pte(0, 0x1).page, 2u);
	EXPECT_EQ(w.pte(0, 0x12).folio, 0u);
	EXPECT_TRUE(all_exclusive(f, true));
	EXPECT_EQ(w.reject(mremap_op(0, 0x10, 4, 0x12)),
		  "mremap: source 0x10+4 and destination 0x12 overlap");
	EXPECT_EQ(w.reject(mremap_op(0, 0x1, 1, 0x10)),
		  "mremap: destination p0 0x10 is mapped; munmap it first");
	EXPECT_EQ(w.reject(mremap_op(0, 0x1, 2, 0x1f)),
		  "range 0x1f+2 exceeds the address space of 32 pages");
}

TEST(ReferenceSwap, RoundTripThroughTheSwapCache)
{
	World w;
	w.run(fault(0, 0x10, 2));
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.run(swapout(1)), "swapped out");
	EXPECT_TRUE(w.folio(1).freed);
	EXPECT_EQ(w.reject(fault(0, 0x10, 0)), "p0 0x10 already mapped at 0x10");
	EXPECT_EQ(w.reject(swapin(0, 0x20)), "p0 0x20 holds no swap entry");
	EXPECT_EQ(w.run(swapin(0, 0x11)), "read into f2");
	EXPECT_EQ(w.run(swapin(1, 0x11)), "swap cache hit f2");
	FolioView f = w.folio(2);
	EXPECT_EQ(f.refcount, 3);
	EXPECT_FALSE(f.anon_exclusive[0]);
	/* get faults the swap entry in (a read fault) */
	EXPECT_EQ(w.run(get_op(0, 0x12)), "ref1");
	EXPECT_EQ(w.pte(0, 0x12).folio, 3u);
	EXPECT_EQ(w.folio(3).refcount, 3);
	/* exit: the swap entries go; f2 stays in the swap cache while p1 maps it */
	w.run(exit_op(0));
	EXPECT_EQ(w.folio(2).refcount, 2);
	w.run(munmap(1, 0x11));
	EXPECT_TRUE(w.folio(2).freed);
	/* ref1, and the swap cache, which p1's entry for that page still needs */
	EXPECT_EQ(w.folio(3).refcount, 2);
}

TEST(ReferenceSwap, FailuresChangeNothing)
{
	World w;
	w.run(fault(0, 0x10, 0));
	w.run(pin(0, 0x10));
	Snapshot before = w.m.snapshot();
	EXPECT_EQ(w.run(swapout(1)), "swapout failed: maybe pinned");
	EXPECT_EQ(w.m.snapshot(), before);
	w.run(fault(0, 0x20, 2));
	w.run(get_op(0, 0x22));
	before = w.m.snapshot();
	EXPECT_EQ(w.run(swapout(2)), "swapout failed: extra references (can_split_folio)");
	EXPECT_EQ(w.m.snapshot(), before);
	w.run(file_op("a", 4));
	EXPECT_EQ(w.reject(swapout(3)),
		  "f3 is a page-cache folio: only anon folios are swapped out");
}

TEST(ReferenceFile, FaultAroundAndChecks)
{
	World w;
	EXPECT_EQ(w.run(file_op("a", 8, 1)), "file a: f1..f4");
	EXPECT_EQ(w.folio(2).refcount, 2);
	EXPECT_EQ(w.reject(file_op("a", 2)), "file a already exists");
	EXPECT_EQ(w.reject(file_op("b", 3, 1)),
		  "file b: pages=3 is not a multiple of the folio size (2 pages)");
	EXPECT_EQ(w.reject(fault_file(0, 0x10, "c", 0, 1)), "no file named c");
	EXPECT_EQ(w.reject(fault_file(0, 0x10, "a", 6, 3)),
		  "file a has 8 pages: index=6 pages=3 is beyond its end");
	w.run(fault_file(0, 0x11, "a", 1, 4));
	EXPECT_EQ(w.pte(0, 0x11).folio, 1u);
	EXPECT_EQ(w.pte(0, 0x11).page, 1u);
	EXPECT_EQ(w.pte(0, 0x14).folio, 3u);
	EXPECT_TRUE(w.pte(0, 0x14).writable);
	EXPECT_EQ(w.proc(0).rss_file, 4);
	EXPECT_EQ(w.folio(2).refcount, 4);
	EXPECT_EQ(w.reject(fault_file(0, 0x14, "a", 0, 1)), "p0 0x14 is already mapped");
	/* a shared file VMA is not copied by fork */
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.proc(1).rss_file, 0);
	/* split unmaps a page-cache folio for good */
	EXPECT_EQ(w.run(split(2)), "split into f2,f5");
	EXPECT_EQ(w.pte(0, 0x12).folio, 0u);
	EXPECT_EQ(w.folio(5).refcount, 1);
	EXPECT_EQ(w.run(read_op(0, 0x13)), "mapped page cache page");
	EXPECT_EQ(w.pte(0, 0x13).folio, 5u);
}

TEST(ReferenceFile, PrivateWriteCopiesAndGivesAnonVma)
{
	World w;
	w.run(file_op("a", 2));
	w.run(fault_file(0, 0x10, "a", 0, 2, true));
	EXPECT_FALSE(w.pte(0, 0x10).writable);
	EXPECT_EQ(w.run(write_op(0, 0x10)), "copied to f3");
	EXPECT_EQ(w.proc(0).rss_anon, 1);
	EXPECT_EQ(w.proc(0).rss_file, 1);
	EXPECT_EQ(w.folio(1).refcount, 1);
	w.run(fork_op(0, 1));
	EXPECT_EQ(w.pte(1, 0x11).folio, 2u);   /* copied: the VMA has an anon_vma */
	EXPECT_EQ(w.pte(1, 0x10).folio, 3u);
	EXPECT_EQ(w.folio(2).refcount, 3);
}

TEST(ReferenceMadvFree, WholeFolioLazyfreeThenReclaimed)
{
	World w;
	w.run(fault(0, 0x20, 2));
	w.run(fault(0, 0x24, 2));
	EXPECT_EQ(w.run(on_range(OpKind::madv_free, 0, 0x20, 6)), "lazyfree: 3 folios");
	/* f2 only half in range: split, its first two pages marked */
	EXPECT_TRUE(w.folio(1).lazyfree);
	EXPECT_TRUE(w.folio(2).lazyfree);
	EXPECT_TRUE(w.folio(3).lazyfree);
	EXPECT_FALSE(w.folio(4).lazyfree);
	EXPECT_EQ(w.folio(2).order, 0u);
	w.run(write_op(0, 0x21));
	Op reclaim;
	reclaim.kind = OpKind::reclaim;
	/* try_to_unmap_one() discards page 0, then meets the dirty PTE and stops */
	EXPECT_EQ(w.run(reclaim), "reclaim: f1 redirtied; f2 discarded; f3 discarded");
	EXPECT_FALSE(w.folio(1).lazyfree);
	EXPECT_EQ(w.folio(1).mapcount, 3);
	EXPECT_TRUE(w.folio(1).queued);
	EXPECT_TRUE(w.folio(2).freed);
	EXPECT_EQ(w.proc(0).rss_anon, 5);
}

TEST(ReferenceMadvFree, SharedLargeFolioSkipped)
{
	World w;
	w.run(fault(0, 0x20, 2));
	w.run(fork_op(0, 1));
	w.run(on_range(OpKind::madv_free, 0, 0x20, 4));
	EXPECT_FALSE(w.folio(1).lazyfree);
	/* a partial range: looks shared, skipped rather than split */
	w.run(on_range(OpKind::madv_free, 0, 0x20, 2));
	EXPECT_EQ(w.folio(1).order, 2u);
	EXPECT_FALSE(w.folio(1).lazyfree);
}

} // namespace
/* --- young and old PTEs (issue 6, seed 004) --- */

Config prefault_old(unsigned pmd_order = 9)
{
	Config cfg = config(pmd_order);
	cfg.prefault = Prefault::old;
	return cfg;
}

Op fault_file_at(ProcId p, Va va, const std::string &name, uint64_t pages, Va at,
		 bool priv = false)
{
	Op op = fault_file(p, va, name, 0, pages, priv);
	op.at = at - va;
	return op;
}

TEST(ReferenceYoung, FaultAroundYoungOnlyWithTheFaultingFolio)
{
	Config cfg = prefault_old(4);
	cfg.scope.space = 128;
	World w(cfg);
	w.run(file_op("a", 16, 2));
	w.run(fault_file_at(0, 0x20, "a", 16, 0x26));
	for (Va va = 0x20; va < 0x30; va++)
		EXPECT_EQ(w.pte(0, va).young, va >= 0x24 && va < 0x28) << va;
	/* same folio, other PTE table (16 pages each): old */
	w.run(file_op("b", 4, 2));
	w.run(fault_file_at(0, 0x3e, "b", 4, 0x3e));
	EXPECT_TRUE(w.pte(0, 0x3f).young);
	EXPECT_EQ(w.pte(0, 0x40).folio, 5u);
	EXPECT_FALSE(w.pte(0, 0x40).young);
	EXPECT_EQ(w.reject(fault_file_at(0, 0x50, "a", 4, 0x54)),
		  "the faulting page at=0x54 is not in the range");
}

TEST(ReferenceYoung, PrefaultYoungMapsEverythingYoung)
{
	World w;
	w.run(file_op("a", 8, 2));
	w.run(fault_file_at(0, 0x20, "a", 8, 0x27, true));
	for (Va va = 0x20; va < 0x28; va++)
		EXPECT_TRUE(w.pte(0, va).young) << va;
}

TEST(ReferenceYoung, AccessForkMadvFreeAndSplit)
{
	World w(prefault_old());
	w.run(file_op("a", 8, 2));
	w.run(fault_file(0, 0x20, "a", 0, 8, true));
	EXPECT_FALSE(w.pte(0, 0x24).young);
	/* an access sets the bit; a write COW maps the copy young */
	w.run(read_op(0, 0x24));
	EXPECT_TRUE(w.pte(0, 0x24).young);
	EXPECT_FALSE(w.pte(0, 0x25).young);
	EXPECT_EQ(w.run(write_op(0, 0x26)), "copied to f3");
	EXPECT_TRUE(w.pte(0, 0x26).young);
	/* fork copies old into the child, the parent keeps its bits */
	w.run(fork_op(0, 1));
	EXPECT_FALSE(w.pte(1, 0x24).young);
	EXPECT_FALSE(w.pte(1, 0x26).young);
	EXPECT_TRUE(w.pte(0, 0x24).young);
	/* anon: young on fault, old after MADV_FREE, the PMD's bit to its PTEs */
	w.run(fault(0, 0x200, 9, true));
	EXPECT_TRUE(w.proc(0).pmds.at(0x200).young);
	w.run(on_range(OpKind::madv_free, 0, 0x200, 512));
	EXPECT_FALSE(w.proc(0).pmds.at(0x200).young);
	w.run(get_op(0, 0x203));
	EXPECT_TRUE(w.proc(0).pmds.at(0x200).young);   /* touch_pmd() */
	w.run(on_range(OpKind::madv_free, 0, 0x200, 512));
	w.run(split_pmd(0, 0x200));
	EXPECT_FALSE(w.pte(0, 0x2ff).young);
	w.run(fault(0, 0x400, 2));
	w.run(on_range(OpKind::madv_free, 0, 0x400, 4));
	EXPECT_FALSE(w.pte(0, 0x401).young);
	w.run(get_op(0, 0x401));
	EXPECT_FALSE(w.pte(0, 0x401).young);   /* follow_page_pte(): no pte_mkyoung() */
	w.run(write_op(0, 0x402));
	EXPECT_TRUE(w.pte(0, 0x402).young);
}

} // namespace fc
