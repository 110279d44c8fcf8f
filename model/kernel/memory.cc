// SPDX-License-Identifier: GPL-2.0
/*
 * memory.cc - mm/memory.c as of v6.12: anonymous and write faults, fork's
 * copy_present_ptes(), and the batched zap with its mmu_gather.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>
#include <string>

namespace fc {

/*
 * do_anonymous_page - write fault on an unmapped anon VA (alloc_anon_folio()
 * for order > 0): anon_vma_prepare(), the folio starts with one reference,
 * folio_ref_add(nr - 1) gives one per PTE,
 * folio_add_new_anon_rmap(RMAP_EXCLUSIVE), set_ptes() writable.
 */
void KernelModel::State::do_anonymous_page(ProcId p, Va va, unsigned order)
{
	anon_vma_prepare(p, va);
	FolioId id = folio_alloc(order);
	KFolio &f = folio(id);
	unsigned nr = f.nr_pages();

	if (nr > 1)
		folio_ref_add(f, nr - 1);
	mms[p].rss[MM_ANONPAGES] += nr;
	folio_add_new_anon_rmap(f, true, false);
	for (unsigned i = 0; i < nr; i++)
		mms[p].ptes[va + i] = KPte{id, i, true};
}

/*
 * handle_write_fault - a write access (or FAULT_FLAG_UNSHARE from GUP) at
 * @va: do_swap_page() on a swap PTE; on an unmapped VA
 * do_anonymous_page(), or in a file VMA do_shared_fault() (the page-cache
 * page, writable) or do_cow_fault(); do_huge_pmd_wp_page() on a read-only
 * PMD (falling back to the PTE fault after a split), do_wp_page() on a
 * read-only PTE. Writable mappings need nothing.
 */
std::string KernelModel::State::handle_write_fault(ProcId p, Va va, bool unshare)
{
	Va haddr;
	if (!unshare && swp_at(p, va))
		return do_swap_page(p, va, true);
	if (const KPmd *pmd = pmd_covering(p, va, &haddr)) {
		if (pmd->writable)
			return "";
		if (do_huge_pmd_wp_page(p, va, unshare))
			return "reused";
		/* VM_FAULT_FALLBACK: the PMD is split, retry at PTE level. */
	}
	const KPte *pte = pte_at(p, va);
	if (!pte) {
		const KVma &vma = find_vma(p, va);
		if (vma.file && vma.shared)
			return do_read_fault(p, va);   /* do_shared_fault(): same mapping */
		if (vma.file)
			return do_cow_fault(p, va);
		do_anonymous_page(p, va, 0);
		return "new f" + std::to_string(folios.size());
	}
	if (pte->writable)
		return "";
	return do_wp_page(p, va, unshare);
}

/*
 * handle_mm_fault_write - a write access: the fault if one is needed, then
 * the hardware sets the dirty and the accessed bit of the PTE or PMD
 * written through.
 */
std::string KernelModel::State::handle_mm_fault_write(ProcId p, Va va, bool unshare)
{
	std::string note = handle_write_fault(p, va, unshare);
	if (!unshare) {
		pte_mkdirty(p, va);
		pte_mkyoung(p, va);
	}
	return note;
}

/*
 * pte_mkyoung - an access through the mapping of @va: the hardware sets the
 * accessed bit of the PTE or PMD (or, without hardware AF management, the
 * access-flag fault does: handle_pte_fault()'s pte_mkyoung(), the same
 * outcome).
 */
void KernelModel::State::pte_mkyoung(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		mms[p].pmds[haddr].young = true;
	else if (mms[p].ptes.count(va))
		mms[p].ptes[va].young = true;
}

/* pte_mkdirty - the mapping of @va is dirty: no longer clean for MADV_FREE. */
void KernelModel::State::pte_mkdirty(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		mms[p].pmds[haddr].clean = false;
	else if (mms[p].ptes.count(va))
		mms[p].ptes[va].clean = false;
}

/*
 * handle_read_fault - a read access at @va: do_swap_page() on a swap PTE,
 * do_read_fault() on an unmapped VA of a file VMA. An unmapped anonymous VA
 * would map the shared zeropage: no folio, nothing to account.
 */
std::string KernelModel::State::handle_read_fault(ProcId p, Va va)
{
	if (swp_at(p, va))
		return do_swap_page(p, va, false);
	if (pte_at(p, va) || pmd_covering(p, va, nullptr) || !find_vma(p, va).file)
		return "";
	return do_read_fault(p, va);
}

/*
 * do_read_fault - __do_fault() (filemap_fault(): the page-cache folio with
 * a reference, which becomes the PTE's) and finish_fault(): one page
 * (fault-around is off: fault_around_bytes == PAGE_SIZE; a regular shmem
 * file maps per page), set_pte_range() with vm_page_prot, then
 * add_mm_counter(). A write fault on a shared mapping (do_shared_fault())
 * ends the same way: the PTE of a writable shared mapping is writable.
 */
std::string KernelModel::State::do_read_fault(ProcId p, Va va)
{
	const KVma &vma = find_vma(p, va);
	uint64_t index = vma.pgoff + (va - vma.start);
	KFolio &f = filemap_get_folio(vma.file - 1, index);

	folio_get(f);
	visible("filemap_fault: folio_try_get");
	set_pte_range(p, f, static_cast<uint32_t>(index - f.index), 1, va, false, va);
	mms[p].rss[MM_FILEPAGES]++;
	return "mapped page cache page";
}

/*
 * do_cow_fault - write fault on an unmapped VA of a private file mapping:
 * anon_vma_prepare(), a new anon folio (vmf->cow_page) filled from the
 * page-cache page that __do_fault() holds meanwhile, mapped writable and
 * exclusive by finish_fault() (set_pte_range(): folio_add_new_anon_rmap()),
 * MM_ANONPAGES.
 */
std::string KernelModel::State::do_cow_fault(ProcId p, Va va)
{
	const KVma &vma = find_vma(p, va);
	uint64_t index = vma.pgoff + (va - vma.start);
	const uint32_t file = vma.file - 1;

	anon_vma_prepare(p, va);
	FolioId id = folio_alloc(0);
	folio_get(filemap_get_folio(file, index));
	visible("do_cow_fault: __do_fault");
	set_pte_range(p, folio(id), 0, 1, va, true, va);
	mms[p].rss[MM_ANONPAGES]++;
	folio_put(filemap_get_folio(file, index));
	return "new f" + std::to_string(id);
}

/*
 * wp_can_reuse_anon_folio - never a large folio (v6.12); an order-0 folio
 * only if ours is the only reference besides the swap cache's, which is
 * dropped first if no swap PTE needs it (folio_free_swap()).
 *
 * Mutant cow_reuse_shared: any order-0 folio is reused.
 */
bool KernelModel::State::wp_can_reuse_anon_folio(KFolio &f)
{
	note_folio_write(f.id);
	if (f.large())
		return false;
	if (mutant(Mutant::cow_reuse_shared))
		return true;
	if (f._refcount > 3)
		return false;
	if (f._refcount > 1 + (f.swapcache ? 1 : 0))
		return false;
	if (f.swapcache)
		folio_free_swap(f);
	return f._refcount == 1;
}

/*
 * do_wp_page - write or unshare fault on a read-only PTE: in a shared
 * mapping the PTE becomes writable (wp_page_shared()); in a private one an
 * anon page that is AnonExclusive or that wp_can_reuse_anon_folio() allows
 * is reused (SetPageAnonExclusive; a write makes the PTE writable,
 * wp_page_reuse(), an unshare leaves it read-only); everything else,
 * page-cache pages included, is copied.
 */
std::string KernelModel::State::do_wp_page(ProcId p, Va va, bool unshare)
{
	KPte &pte = mms[p].ptes.mut(va);
	KFolio &f = folio(pte.folio);

	/* wp_page_reuse(): pte_mkyoung(), maybe_mkwrite(pte_mkdirty()) */
	if (find_vma(p, va).shared) {
		if (!unshare) {
			pte.writable = true;
			pte.young = true;
		}
		return "";
	}
	if (f.anon && (f.pages[pte.page].anon_exclusive || wp_can_reuse_anon_folio(f))) {
		f.pages.write(pte.page).anon_exclusive = true;
		if (!unshare) {
			pte.writable = true;
			pte.young = true;
		}
		return "reused";
	}
	return wp_page_copy(p, va, unshare);
}

/*
 * wp_page_copy - COW: folio_get() on the old folio, anon_vma_prepare(), a
 * new order-0 folio mapped exclusive (writable for a write, read-only for
 * an unshare), a page-cache page's RSS moved to MM_ANONPAGES, then
 * folio_remove_rmap_pte() on the old page and two folio_put()s (the old
 * PTE's reference and ours), free_swap_cache() between them.
 */
std::string KernelModel::State::wp_page_copy(ProcId p, Va va, bool unshare)
{
	KPte old = mms[p].ptes.map().at(va);
	folio_get(folio(old.folio));
	visible("wp_page_copy: folio_get on the old folio");

	anon_vma_prepare(p, va);
	FolioId nid = folio_alloc(0);
	KFolio &nf = folio(nid);
	if (!folio(old.folio).anon) {
		mms[p].rss[MM_FILEPAGES]--;
		mms[p].rss[MM_ANONPAGES]++;
	}
	folio_add_new_anon_rmap(nf, true, false);
	mms[p].ptes[va] = KPte{nid, 0, !unshare};
	page_replaced(p, va, old.folio, old.page);

	KFolio &of = folio(old.folio);
	folio_remove_rmap_ptes(of, old.page, 1);
	visible("wp_page_copy: folio_remove_rmap_pte on the old page", true);
	folio_put(folio(old.folio));
	visible("wp_page_copy: old PTE's reference dropped", true);
	free_swap_cache(folio(old.folio));
	folio_put(folio(old.folio));
	return "copied to f" + std::to_string(nid);
}

/*
 * do_swap_page - fault on a swap PTE (v6.12, a device without
 * SWP_SYNCHRONOUS_IO, no readahead): the swap cache's folio, or a new one
 * read into it (read_swap_cache_async()); our reference becomes the PTE's.
 * The slot loses this PTE's count (swap_free_nr()). On a write fault a
 * folio held only by us and the swap cache leaves it when no other swap
 * PTE needs it (should_try_to_free_swap()). Exclusive if the swap PTE was,
 * or if ours is the only reference: then RMAP_EXCLUSIVE and, in a writable
 * VMA, a writable PTE. A new folio is mapped by folio_add_new_anon_rmap(),
 * a cached anon one by folio_add_anon_rmap_ptes(). A write fault that did
 * not get a writable PTE goes on to do_wp_page().
 */
std::string KernelModel::State::do_swap_page(ProcId p, Va va, bool write)
{
	KSwp entry = mms[p].swp.map().at(va);
	std::string note;
	KFolio *f = swap_cache_get_folio(entry.slot);
	if (f) {
		note = "swap cache hit f" + std::to_string(f->id);
	} else {
		f = &folio(read_swap_cache_async(entry.slot));
		note = "read into f" + std::to_string(f->id);
	}
	const FolioId id = f->id;
	visible("do_swap_page: folio locked");

	bool exclusive = entry.exclusive;
	swap_free(entry.slot);
	if (write && folio(id)._refcount == 2)
		folio_free_swap(folio(id));

	KFolio &g = folio(id);
	bool writable = false;
	if (exclusive || g._refcount == 1) {
		exclusive = true;
		writable = find_vma(p, va).write;
	}
	mms[p].rss[MM_ANONPAGES]++;
	mms[p].swp.erase(va);
	if (!g.anon)
		folio_add_new_anon_rmap(g, exclusive, false);
	else
		folio_add_anon_rmap_ptes(g, 0, 1, exclusive);
	mms[p].ptes[va] = KPte{id, 0, writable};
	visible("do_swap_page: PTE mapped", true);

	if (write && !writable)
		note += "; " + do_wp_page(p, va, false);
	return note;
}

/*
 * folio_pte_batch - how many PTEs from @va (below @end and inside the PTE
 * table) map consecutive pages of the same large folio; writability (and
 * dirtiness) is ignored, as __pte_batch_clear_ignored() does. Variant
 * unbatched: 1 (rmap paths only; MADV_FREE uses __folio_pte_batch()).
 */
unsigned KernelModel::State::folio_pte_batch(ProcId p, Va va, Va end) const
{
	if (variant_unbatched())
		return 1;
	return __folio_pte_batch(p, va, end);
}

unsigned KernelModel::State::__folio_pte_batch(ProcId p, Va va, Va end) const
{
	const KPte *first = pte_at(p, va);
	const KFolio &f = folio(first->folio);
	if (!f.large())
		return 1;
	Va table_end = pmd_align(va) + pmd_nr();
	Va max = std::min({end, table_end, va + (f.nr_pages() - first->page)});
	/* the PTEs of [va, max) in VA order: a hole ends the batch */
	unsigned nr = 1;
	for (auto it = std::next(mms[p].ptes.find(va));
	     it != mms[p].ptes.end() && it->first == va + nr && it->first < max; ++it) {
		if (it->second.folio != first->folio || it->second.page != first->page + nr)
			break;
		nr++;
	}
	return nr;
}

/*
 * vma_needs_copy - mm/memory.c (v6.12): fork copies the page tables of a
 * VMA with an anon_vma; a file VMA without one (every shared mapping, a
 * private one nobody wrote to) is left to fault in the child.
 */
bool KernelModel::State::vma_needs_copy(const KVma &vma) const
{
	return vma.anon_vma;
}

/*
 * copy_page_range - fork (dup_mmap()): the child gets every VMA (an
 * anon_vma where the parent's has one, anon_vma_fork()); for each VMA that
 * vma_needs_copy(), walk its page tables in VA order, one PMD at a time
 * (copy_huge_pmd(), falling back to copy_pte_range() after a split), one
 * PTE table at a time otherwise.
 */
void KernelModel::State::copy_page_range(ProcId src, ProcId dst)
{
	mms[dst].vmas = mms[src].vmas;
	for (const auto &[start, vma] : mms[src].vmas) {
		if (!vma_needs_copy(vma))
			continue;
		for (Va addr = vma.start; addr < vma.end;) {
			Va next = std::min(vma.end, pmd_align(addr) + pmd_nr());
			if (addr == pmd_align(addr) && mms[src].pmds.count(addr) &&
			    copy_huge_pmd(src, dst, addr) == 0) {
				addr = next;
				continue;
			}
			copy_pte_range(src, dst, addr, next);
			addr = next;
		}
	}
	visible("copy_page_range: done", true);
}

/*
 * copy_pte_range - copy_present_ptes() for each present PTE in [addr, end):
 * a large folio's batch is shared at once (folio_ref_add(nr), then
 * folio_try_dup_anon_rmap_ptes() or, for a page-cache folio,
 * folio_dup_file_rmap_ptes()); if the anon dup fails (a pinned folio with
 * an exclusive page) the loop retries with a preallocated folio, which
 * takes the one-PTE path: share the page if it can, else
 * copy_present_page() gives the child its own copy. Shared PTEs become
 * read-only in both processes (a COW mapping). Swap PTEs are shared by
 * copy_nonpresent_pte(): swap_duplicate(), and the parent's loses its
 * exclusive bit. rss is added at the end (add_mm_rss_vec()).
 */
void KernelModel::State::copy_pte_range(ProcId src, ProcId dst, Va addr, Va end)
{
	bool prealloc = false;
	long rss[2] = {0, 0};
	auto &sptes = mms[src].ptes;
	const bool writable_vma = find_vma(src, addr).write;

	for (auto it = mms[src].swp.lower_bound(addr);
	     it != mms[src].swp.end() && it->first < end; ++it) {
		swap_duplicate(it->second.slot);
		mms[src].swp.mut(it->first).exclusive = false;
		mms[dst].swp[it->first] = it->second;
	}

	auto it = sptes.lower_bound(addr);
	while (it != sptes.end() && it->first < end) {
		Va va = it->first;
		const KPte &spte = it->second;
		KFolio &f = folio(spte.folio);
		unsigned nr;

		if (!f.anon) {
			nr = folio_pte_batch(src, va, end);
			folio_ref_add(f, nr);
			folio_dup_file_rmap_ptes(f, spte.page, nr);
			visible("copy_present_ptes: folio_dup_file_rmap_ptes");
		} else if (!prealloc && f.large() && !variant_unbatched()) {
			nr = folio_pte_batch(src, va, end);
			folio_ref_add(f, nr);
			visible("copy_present_ptes: folio_ref_add");
			if (folio_try_dup_anon_rmap_ptes(f, spte.page, nr, src)) {
				folio_ref_sub(f, nr);
				prealloc = true;  /* -EAGAIN: folio_prealloc() and retry */
				continue;
			}
		} else {
			nr = 1;
			folio_get(f);
			visible("copy_present_ptes: folio_get");
			if (folio_try_dup_anon_rmap_ptes(f, spte.page, 1, src)) {
				folio_put(f);
				if (!prealloc) {
					prealloc = true;
					continue;
				}
				/* copy_present_page(): the child gets its own page. */
				FolioId nid = folio_alloc(0);
				KFolio &nf = folio(nid);
				folio_add_new_anon_rmap(nf, true, false);
				mms[dst].ptes[va] = KPte{nid, 0, writable_vma};
				rss[MM_ANONPAGES]++;
				prealloc = false;
				visible("copy_present_page: child copy mapped");
				++it;
				continue;
			}
			if (prealloc) {
				/* unused preallocated folio: folio_put(prealloc) */
				atomic_rmw();
				prealloc = false;
			}
		}
		/* __copy_present_ptes(): wrprotect both sides of a COW mapping. */
		const int type = folio(spte.folio).anon ? MM_ANONPAGES : MM_FILEPAGES;
		for (unsigned i = 0; i < nr; i++, ++it) {
			sptes.mut(it->first).writable = false;
			/* the child's copy is old: pte_mkold() */
			mms[dst].ptes[it->first] = KPte{it->second.folio, it->second.page, false,
							it->second.clean, false};
		}
		rss[type] += nr;
		visible("copy_present_ptes: PTEs copied");
	}
	mms[dst].rss[MM_ANONPAGES] += rss[MM_ANONPAGES];
	mms[dst].rss[MM_FILEPAGES] += rss[MM_FILEPAGES];
}

/*
 * zap_page_range - zap_page_range_single() for [start, end) (MADV_DONTNEED
 * and exit): tlb_gather_mmu(), unmap_single_vma() for each VMA the range
 * touches, tlb_finish_mmu() which drops the gathered references.
 */
void KernelModel::State::zap_page_range(ProcId p, Va start, Va end)
{
	MmuGather tlb{p, end - start >= cfg.scope.space_pages(), {}};

	for (Va addr = start; addr < end;) {
		const KVma &vma = find_vma(p, addr);
		Va next = std::min(end, vma.end);
		unmap_single_vma(p, addr, next, tlb);
		addr = next;
	}
	tlb_finish_mmu(tlb);
}

/*
 * unmap_single_vma - zap_pmd_range() over [start, end) of one VMA:
 * zap_huge_pmd() for a PMD wholly inside, __split_huge_pmd() for one
 * partly inside, then zap_pte_range().
 */
void KernelModel::State::unmap_single_vma(ProcId p, Va start, Va end, MmuGather &tlb)
{
	for (Va addr = start; addr < end;) {
		Va next = std::min(end, pmd_align(addr) + pmd_nr());
		Va haddr = pmd_align(addr);
		if (mms[p].pmds.count(haddr)) {
			if (addr == haddr && next - addr == pmd_nr()) {
				zap_huge_pmd(p, haddr, tlb);
				addr = next;
				continue;
			}
			__split_huge_pmd_locked(p, haddr);
		}
		zap_pte_range(p, addr, next, tlb);
		addr = next;
	}
}

/*
 * tlb_finish_mmu - the flush: free_pages_and_swap_cache() drops each
 * gathered folio from the swap cache if nothing maps it any more
 * (free_swap_cache()), then its references.
 */
void KernelModel::State::tlb_finish_mmu(MmuGather &tlb)
{
	visible("tlb_finish_mmu: before the flush", true);
	for (auto [id, nr] : tlb.pending) {
		free_swap_cache(folio(id));
		folio_put_refs(folio(id), nr);
	}
	if (!tlb.pending.empty())
		visible("tlb_finish_mmu: after the flush", true);
}

/*
 * zap_pte_range - in VA order, zap_present_ptes() for each present PTE,
 * one folio batch at a time, and zap_nonpresent_pte() for each swap PTE;
 * rss is accounted after the loop (add_mm_rss_vec()).
 */
void KernelModel::State::zap_pte_range(ProcId p, Va addr, Va end, MmuGather &tlb)
{
	auto &ptes = mms[p].ptes;
	auto &swp = mms[p].swp;
	long rss[2] = {0, 0};

	for (;;) {
		auto it = ptes.lower_bound(addr);
		auto sit = swp.lower_bound(addr);
		bool present = it != ptes.end() && it->first < end;
		bool swapped = sit != swp.end() && sit->first < end;
		if (!present && !swapped)
			break;
		if (swapped && (!present || sit->first < it->first)) {
			addr = sit->first + 1;
			zap_nonpresent_pte(p, sit->first);
			continue;
		}
		Va va = it->first;
		unsigned nr = folio_pte_batch(p, va, end);
		rss[folio(it->second.folio).anon ? MM_ANONPAGES : MM_FILEPAGES] += nr;
		zap_present_ptes(p, va, nr, tlb);
		addr = va + nr;
	}
	mms[p].rss[MM_ANONPAGES] -= rss[MM_ANONPAGES];
	mms[p].rss[MM_FILEPAGES] -= rss[MM_FILEPAGES];
}

/*
 * zap_nonpresent_pte - zap_nonpresent_ptes() for one swap PTE: clear it and
 * free_swap_and_cache_nr().
 */
void KernelModel::State::zap_nonpresent_pte(ProcId p, Va addr)
{
	uint64_t slot = mms[p].swp.map().at(addr).slot;
	mms[p].swp.erase(addr);
	free_swap_and_cache(slot);
}

/*
 * zap_present_ptes - zap_present_folio_ptes() (v6.12): clear the batch's
 * PTEs, folio_remove_rmap_ptes() for the whole batch, then
 * __tlb_remove_folio_pages(): the references go to the mmu_gather, or, with
 * MMU_GATHER_NO_GATHER, are dropped at once. Removing the rmap before the
 * references is what keeps mapcount <= refcount on s390.
 *
 * Variant unbatched (before seed 000): one page at a time.
 * Mutants zap_no_folio_get / zap_refs_before_rmap: the seed-000 v1 patch
 * (try_zap_anon_pte_range()): for a large folio, __tlb_remove_page() per
 * page inside the loop, folio_remove_rmap_range() after it — with
 * (zap_refs_before_rmap) or without (zap_no_folio_get) the
 * folio_get()/folio_put() bracket.
 */
void KernelModel::State::zap_present_ptes(ProcId p, Va addr, unsigned nr, MmuGather &tlb)
{
	auto &ptes = mms[p].ptes;
	KPte first = ptes.map().at(addr);
	FolioId id = first.folio;
	bool no_gather = cfg.arch == Arch::no_gather;
	bool seed000 = folio(id).large() &&
		       (mutant(Mutant::zap_no_folio_get) || mutant(Mutant::zap_refs_before_rmap));

	if (seed000) {
		bool bracket = mutant(Mutant::zap_refs_before_rmap);
		if (bracket)
			folio_get(folio(id));
		for (unsigned i = 0; i < nr; i++) {
			ptes.erase(addr + i);
			if (no_gather) {
				folio_put(folio(id));
				visible("try_zap_anon_pte_range: __tlb_remove_page (no_gather)");
			} else {
				tlb.pending.emplace_back(id, 1);
			}
		}
		folio_remove_rmap_ptes(folio(id), first.page, nr);
		visible("try_zap_anon_pte_range: folio_remove_rmap_range");
		if (bracket) {
			folio_put(folio(id));
			visible("try_zap_anon_pte_range: folio_put");
		}
		return;
	}

	for (unsigned i = 0; i < nr; i++)
		ptes.erase(addr + i);
	folio_remove_rmap_ptes(folio(id), first.page, nr);
	visible("zap_present_folio_ptes: folio_remove_rmap_ptes");
	if (no_gather) {
		free_swap_cache(folio(id));
		folio_put_refs(folio(id), nr);
		visible("zap_present_folio_ptes: __tlb_remove_folio_pages (no_gather)");
	} else {
		tlb.pending.emplace_back(id, nr);
	}
}

} // namespace fc
