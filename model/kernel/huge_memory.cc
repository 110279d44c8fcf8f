// SPDX-License-Identifier: GPL-2.0
/*
 * huge_memory.cc - mm/huge_memory.c as of v6.12: PMD-mapped anon THPs
 * (fault, write fault, fork, zap, PMD split), folio split and the deferred
 * split queue with its shrinker.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>
#include <string>

namespace fc {

/*
 * deferred_split_folio - queue @f for the deferred split shrinker. Order-1
 * folios have no deferred list and are ignored. Every call that gets past
 * those checks takes split_queue_lock.
 */
void KernelModel::State::deferred_split_folio(KFolio &f, bool partially_mapped)
{
	note_folio_write(f.id);
	if (f.order <= 1)
		return;
	costs.split_queue_locks++;
	if (partially_mapped && !f.partially_mapped) {
		f.partially_mapped = true;
		queued_partial_this_op.insert(f.id);
	}
	if (!f.on_deferred_list) {
		f.on_deferred_list = true;
		split_queue.push_back(f.id);
	}
}

/*
 * folio_unqueue_deferred_split - __folio_unqueue_deferred_split(): on free
 * or split, take the folio off the queue (under the lock) and clear
 * PG_partially_mapped. The unlocked list_empty() check comes first.
 */
void KernelModel::State::folio_unqueue_deferred_split(KFolio &f)
{
	note_folio_write(f.id);
	if (f.order <= 1 || !f.on_deferred_list)
		return;
	costs.split_queue_locks++;
	f.on_deferred_list = false;
	f.partially_mapped = false;
	split_queue_remove(f.id);
}

/*
 * split_queue_remove - list_del_init(&folio->_deferred_list). During
 * deferred_split_scan() the folio sits on the scan's private list, not on
 * split_queue, so it may not be found here.
 */
void KernelModel::State::split_queue_remove(FolioId id)
{
	auto it = std::find(split_queue.begin(), split_queue.end(), id);
	if (it != split_queue.end())
		split_queue.erase(it);
}

/* Some page mapped and some not, judged from the counters. */
bool KernelModel::State::folio_state_partially_mapped(const KFolio &f) const
{
	if (!f.large() || f._entire_mapcount >= 0)
		return false;
	long mapped = f._nr_pages_mapped & FOLIO_PAGES_MAPPED;
	return mapped > 0 && mapped < static_cast<long>(f.nr_pages());
}

/*
 * do_huge_pmd_anonymous_page - __do_huge_pmd_anonymous_page(): a new
 * pmd_order folio mapped writable by one PMD, AnonExclusive on the head page
 * only, and queued for the underused-THP shrinker (deferred_split_folio(folio,
 * false), v6.12).
 */
void KernelModel::State::do_huge_pmd_anonymous_page(ProcId p, Va haddr)
{
	anon_vma_prepare(p, haddr);
	FolioId id = folio_alloc(cfg.scope.pmd_order);
	KFolio &f = folio(id);
	folio_add_new_anon_rmap(f, true, true);
	mms[p].pmds[haddr] = KPmd{id, true};
	mms[p].rss[MM_ANONPAGES] += f.nr_pages();
	deferred_split_folio(f, false);
}

/*
 * __split_huge_pmd_locked - replace the PMD at @haddr by PTEs (freeze =
 * false): one reference per PTE (folio_ref_add(nr - 1): the PMD's reference
 * becomes the first PTE's), the PTE mappings added with RMAP_EXCLUSIVE iff
 * the head was AnonExclusive, the PTEs inherit the PMD's write bit, then the
 * PMD mapping is removed.
 *
 * Between folio_add_anon_rmap_ptes() and folio_remove_rmap_pmd() the kernel
 * counts the mapping twice: folio_mapcount() is refcount + 1 for a moment,
 * under the PMD lock. foliocheck does not report that point as visible
 * (docs/semantics.md); the points before and after it are.
 *
 * Mutant split_pmd_drops_exclusive: RMAP_EXCLUSIVE is never passed.
 */
void KernelModel::State::__split_huge_pmd_locked(ProcId p, Va haddr)
{
	KMm &mm = mms[p];
	KPmd pmd = mm.pmds.map().at(haddr);
	KFolio &f = folio(pmd.folio);
	bool anon_exclusive = f.pages[0].anon_exclusive;
	bool exclusive = anon_exclusive && !mutant(Mutant::split_pmd_drops_exclusive);
	unsigned nr = f.nr_pages();

	folio_ref_add(f, nr - 1);
	visible("__split_huge_pmd_locked: folio_ref_add");
	if (variant_unbatched())
		for (unsigned i = 0; i < nr; i++)
			folio_add_anon_rmap_ptes(f, i, 1, exclusive);
	else
		folio_add_anon_rmap_ptes(f, 0, nr, exclusive);
	mm.pmds.erase(haddr);
	for (unsigned i = 0; i < nr; i++)
		mm.ptes[haddr + i] = KPte{pmd.folio, i, pmd.writable, pmd.clean, pmd.young};
	folio_remove_rmap_pmd(f);
	visible("__split_huge_pmd_locked: folio_remove_rmap_pmd", true);
}

/* __split_huge_pmd - split the PMD of @p covering @va, if it is still there. */
void KernelModel::State::__split_huge_pmd(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		__split_huge_pmd_locked(p, haddr);
}

/*
 * do_huge_pmd_wp_page - write (or unshare) fault on a read-only PMD: reuse
 * when the head is AnonExclusive or ours is the only reference
 * (folio_ref_count() == 1); otherwise split the PMD and fall back to the PTE
 * fault. Returns true when the PMD was reused.
 */
bool KernelModel::State::do_huge_pmd_wp_page(ProcId p, Va va, bool unshare)
{
	Va haddr;
	KPmd *pmd = const_cast<KPmd *>(pmd_covering(p, va, &haddr));
	KFolio &f = folio(pmd->folio);

	if (!f.pages[0].anon_exclusive) {
		if (f._refcount != 1) {
			__split_huge_pmd_locked(p, haddr);
			return false;
		}
		f.pages.write(0).anon_exclusive = true;  /* folio_move_anon_rmap + SetPageAnonExclusive */
	}
	if (!unshare) {
		pmd->writable = true;              /* maybe_pmd_mkwrite(pmd_mkdirty()) */
		pmd->young = true;                 /* pmd_mkyoung() */
	}
	return true;
}

/*
 * copy_huge_pmd - fork of one PMD: share it read-only
 * (folio_try_dup_anon_rmap_pmd), or, when the folio may be pinned and the
 * head is exclusive, split the source PMD and let copy_pte_range() handle
 * the PTEs (-EAGAIN).
 */
int KernelModel::State::copy_huge_pmd(ProcId src, ProcId dst, Va haddr)
{
	const KPmd &spmd = mms[src].pmds.map().at(haddr);
	KFolio &f = folio(spmd.folio);

	folio_get(f);
	visible("copy_huge_pmd: folio_get");
	if (folio_try_dup_anon_rmap_pmd(f, src)) {
		folio_put(f);
		__split_huge_pmd_locked(src, haddr);
		return -11; /* -EAGAIN */
	}
	mms[dst].rss[MM_ANONPAGES] += f.nr_pages();
	mms[src].pmds.mut(haddr).writable = false; /* pmdp_set_wrprotect() */
	mms[dst].pmds[haddr] = KPmd{spmd.folio, false, spmd.clean, false}; /* pmd_mkold() */
	visible("copy_huge_pmd: PMD copied");
	return 0;
}

/*
 * zap_huge_pmd - clear the PMD, remove its rmap, account, and hand the page
 * to the mmu_gather (tlb_remove_page_size()).
 */
void KernelModel::State::zap_huge_pmd(ProcId p, Va haddr, MmuGather &tlb)
{
	KMm &mm = mms[p];
	KPmd pmd = mm.pmds.map().at(haddr);
	KFolio &f = folio(pmd.folio);

	mm.pmds.erase(haddr);
	folio_remove_rmap_pmd(f);
	mm.rss[MM_ANONPAGES] -= f.nr_pages();
	visible("zap_huge_pmd: folio_remove_rmap_pmd", true);
	if (cfg.arch == Arch::no_gather) {
		folio_put(f);
		visible("zap_huge_pmd: __tlb_remove_page (no_gather)", true);
	} else {
		tlb.pending.emplace_back(pmd.folio, 1);
	}
}

namespace {

/* A migration entry left by unmap_folio(): the page and its PTE's bits. */
struct MigrationEntry {
	ProcId proc;
	Va va;
	uint32_t page;
	bool writable;
	bool exclusive;
	bool clean;       /* !is_migration_entry_dirty() */
	bool young;       /* is_migration_entry_young() */
};

} // namespace

/*
 * split_folio - split_huge_page_to_list_to_order(folio, NULL, 0) with the
 * caller holding one reference:
 *  - can_split_folio(): refcount == mapcount + 1 + the page cache's nr
 *    references for a page-cache folio (no pins, no GUP refs);
 *  - unmap_folio(): PMDs split with freeze (folio_try_share_anon_rmap_pmd),
 *    PTEs replaced by migration entries (try_to_migrate_one(): share,
 *    folio_remove_rmap_pte, folio_put), remembering write and exclusive bits;
 *    a page-cache folio's PTEs are simply unmapped (try_to_unmap_one():
 *    MM_FILEPAGES, folio_remove_rmap_pte, folio_put) and stay unmapped;
 *  - under split_queue_lock: folio_ref_freeze(1), off the deferred list;
 *  - __split_huge_page(): every page becomes an order-0 folio with one
 *    reference, plus the page cache's for a page-cache folio (tails named
 *    in page order, the page cache updated);
 *  - remap_page(): each migration entry becomes a PTE again
 *    (folio_get + folio_add_anon_rmap_pte, RMAP_EXCLUSIVE as remembered);
 *  - the tails' references are dropped: unmapped tails are freed. The head's
 *    reference stays the caller's.
 */
int KernelModel::State::split_folio(KFolio &fin, std::string *note)
{
	note_folio_write(fin.id);
	FolioId head = fin.id;
	if (!fin.large()) {
		*note = "split failed: order 0 (-EINVAL)";
		return -22;
	}
	const bool file = !fin.anon;
	const long extra_pins = file || fin.swapcache ? fin.nr_pages() : 0;
	if (fin._refcount != folio_mapcount(fin) + 1 + extra_pins) {
		*note = "split failed: extra references or pins (-EAGAIN)";
		return -11;
	}

	std::vector<MigrationEntry> entries;
	const unsigned nr = fin.nr_pages();
	for (ProcId p = 0; p < mms.size(); p++) {
		for (auto it = mms[p].pmds.begin(); it != mms[p].pmds.end();) {
			if (it->second.folio != head) {
				++it;
				continue;
			}
			KFolio &f = folio(head);
			bool exclusive = f.pages[0].anon_exclusive;
			if (exclusive)
				folio_try_share_anon_rmap_pmd(f);
			for (unsigned i = 0; i < nr; i++)
				entries.push_back({p, it->first + i, i, it->second.writable, exclusive,
						   it->second.clean, it->second.young});
			it = mms[p].pmds.erase(it);
			folio_remove_rmap_pmd(f);
			folio_put(f);
			visible("unmap_folio: PMD replaced by migration entries");
		}
		for (auto it = mms[p].ptes.begin(); it != mms[p].ptes.end();) {
			if (it->second.folio != head) {
				++it;
				continue;
			}
			KFolio &f = folio(head);
			uint32_t page = it->second.page;
			if (file) {
				it = mms[p].ptes.erase(it);
				mms[p].rss[MM_FILEPAGES]--;
				folio_remove_rmap_ptes(f, page, 1);
				folio_put(f);
				visible("try_to_unmap_one: page-cache PTE unmapped", true);
				continue;
			}
			bool exclusive = f.pages[page].anon_exclusive;
			if (exclusive)
				folio_try_share_anon_rmap_pte(f, page);
			entries.push_back({p, it->first, page, it->second.writable, exclusive,
					   it->second.clean, it->second.young});
			it = mms[p].ptes.erase(it);
			folio_remove_rmap_ptes(f, page, 1);
			folio_put(f);
			visible("try_to_migrate_one: PTE replaced by a migration entry");
		}
	}

	/* folio_ref_freeze() and the dequeue happen under split_queue_lock. */
	costs.split_queue_locks++;
	{
		KFolio &f = folio(head);
		atomic_rmw(); /* folio_ref_freeze(): cmpxchg */
		if (f.on_deferred_list) {
			f.on_deferred_list = false;
			split_queue_remove(head);
		}
		f.partially_mapped = false;
	}

	/* __split_huge_page(): tails become folios named in page order. */
	std::vector<FolioId> ids(nr);
	ids[0] = head;
	std::vector<bool> exclusive_bits(nr);
	for (unsigned i = 0; i < nr; i++)
		exclusive_bits[i] = folio(head).pages[i].anon_exclusive;
	const uint32_t mapping = folio(head).mapping;
	const uint64_t index = folio(head).index;
	for (unsigned i = 1; i < nr; i++) {
		ids[i] = folio_alloc(0);
		KFolio &t = folio(ids[i]);
		t.anon = !file;
		t.mapping = mapping;
		t.index = index + i;
		t._refcount = 1 + file;  /* page_ref_unfreeze(page_tail, 1 + …) */
		t.pages.write(0).anon_exclusive = exclusive_bits[i];
		t.lazyfree = folio(head).lazyfree;  /* PG_swapbacked is copied to tails */
		if (file)
			files[mapping - 1].i_pages[index + i] = ids[i];
	}
	{
		KFolio &h = folio(head);
		h.order = 0;
		h.pages.resize(1);
		h._refcount = 1 + file;   /* folio_ref_unfreeze(folio, 1 + …) */
		h._entire_mapcount = -1;
		h._large_mapcount = -1;
		h._nr_pages_mapped = 0;
		h._pincount = 0;
	}
	*note = "split into " + std::to_string(nr) + " folios: f" + std::to_string(head);
	if (nr > 1)
		*note += ",f" + std::to_string(ids[1]) + "..f" + std::to_string(ids[nr - 1]);

	/* remap_page() -> remove_migration_ptes() */
	for (const MigrationEntry &e : entries) {
		KFolio &f = folio(ids[e.page]);
		folio_get(f);
		folio_add_anon_rmap_ptes(f, 0, 1, e.exclusive);
		mms[e.proc].ptes[e.va] = KPte{f.id, 0, e.writable, e.clean, e.young};
		visible("remove_migration_pte: PTE restored");
	}

	/* free_page_and_swap_cache() of every tail */
	for (unsigned i = 1; i < nr; i++) {
		folio_put(folio(ids[i]));
		visible("__split_huge_page: tail reference dropped");
	}
	return 0;
}

/*
 * deferred_split_scan - the shrinker over the whole queue, FIFO: take a
 * reference on every queued folio (folio_try_get) and move it to a private
 * list under the lock; then split the partially mapped ones (split_folio()
 * with the scan's reference as the caller's); a folio not partially mapped is
 * not underused (no page is zero-filled) and is dropped from the list; a
 * partially mapped one that failed to split stays queued; finally the
 * remaining ones are spliced back under the lock.
 */
std::string KernelModel::State::deferred_split_scan()
{
	if (split_queue.empty())
		return "shrink: queue empty";

	std::deque<FolioId> list;
	std::string note = "shrink:";
	costs.split_queue_locks++;
	for (FolioId id : split_queue) {
		KFolio &f = folio(id);
		if (f._refcount > 0) {
			folio_get(f);
			list.push_back(id);
		} else {
			/* We lost race with folio_put() */
			f.on_deferred_list = false;
			f.partially_mapped = false;
		}
	}
	split_queue.clear();
	visible("deferred_split_scan: references taken");

	std::deque<FolioId> kept;
	for (FolioId id : list) {
		KFolio &f = folio(id);
		if (f.partially_mapped) {
			/* split_folio() takes the folio off the list itself. */
			std::string split_note;
			if (split_folio(f, &split_note) == 0) {
				note += " split f" + std::to_string(id) + ";";
			} else {
				kept.push_back(id);
				note += " kept f" + std::to_string(id) + ";";
			}
		} else {
			f.on_deferred_list = false;
			note += " dequeued f" + std::to_string(id) + ";";
		}
		folio_put(folio(id));
		visible("deferred_split_scan: reference dropped");
	}

	costs.split_queue_locks++;
	/* list_splice_tail(): behind anything queued meanwhile */
	for (FolioId id : kept)
		split_queue.push_back(id);
	note.pop_back();
	return note;
}

} // namespace fc
