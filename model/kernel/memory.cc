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
 * for order > 0): the folio starts with one reference, folio_ref_add(nr - 1)
 * gives one per PTE, folio_add_new_anon_rmap(RMAP_EXCLUSIVE), set_ptes()
 * writable.
 */
void KernelModel::State::do_anonymous_page(ProcId p, Va va, unsigned order)
{
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
 * @va: a fresh page if unmapped, do_huge_pmd_wp_page() on a read-only PMD
 * (falling back to the PTE fault after a split), do_wp_page() on a
 * read-only PTE. Writable mappings need nothing.
 */
std::string KernelModel::State::handle_write_fault(ProcId p, Va va, bool unshare)
{
	Va haddr;
	if (const KPmd *pmd = pmd_covering(p, va, &haddr)) {
		if (pmd->writable)
			return "";
		if (do_huge_pmd_wp_page(p, va, unshare))
			return "reused";
		/* VM_FAULT_FALLBACK: the PMD is split, retry at PTE level. */
	}
	const KPte *pte = pte_at(p, va);
	if (!pte) {
		do_anonymous_page(p, va, 0);
		return "new f" + std::to_string(folios.size());
	}
	if (pte->writable)
		return "";
	return do_wp_page(p, va, unshare);
}

/*
 * wp_can_reuse_anon_folio - never a large folio (v6.12); an order-0 folio
 * only if ours is the only reference.
 *
 * Mutant cow_reuse_shared: any order-0 folio is reused.
 */
bool KernelModel::State::wp_can_reuse_anon_folio(const KFolio &f) const
{
	if (f.large())
		return false;
	if (mutant(Mutant::cow_reuse_shared))
		return true;
	return f._refcount == 1;
}

/*
 * do_wp_page - write or unshare fault on a read-only PTE of a private anon
 * mapping: reuse an AnonExclusive page, or one wp_can_reuse_anon_folio()
 * allows (SetPageAnonExclusive); a write makes the PTE writable
 * (wp_page_reuse()), an unshare leaves it read-only. Otherwise copy.
 */
std::string KernelModel::State::do_wp_page(ProcId p, Va va, bool unshare)
{
	KPte &pte = mms[p].ptes.at(va);
	KFolio &f = folio(pte.folio);

	if (f.pages[pte.page].anon_exclusive || wp_can_reuse_anon_folio(f)) {
		f.pages[pte.page].anon_exclusive = true;
		if (!unshare)
			pte.writable = true;
		return "reused";
	}
	return wp_page_copy(p, va, unshare);
}

/*
 * wp_page_copy - COW: folio_get() on the old folio, a new order-0 folio
 * mapped exclusive (writable for a write, read-only for an unshare), then
 * folio_remove_rmap_pte() on the old page and two folio_put()s (the old
 * PTE's reference and ours).
 */
std::string KernelModel::State::wp_page_copy(ProcId p, Va va, bool unshare)
{
	KPte old = mms[p].ptes.at(va);
	folio_get(folio(old.folio));
	visible("wp_page_copy: folio_get on the old folio");

	FolioId nid = folio_alloc(0);
	KFolio &nf = folio(nid);
	folio_add_new_anon_rmap(nf, true, false);
	mms[p].ptes[va] = KPte{nid, 0, !unshare};
	page_replaced(p, va, old.folio, old.page);

	KFolio &of = folio(old.folio);
	folio_remove_rmap_ptes(of, old.page, 1);
	visible("wp_page_copy: folio_remove_rmap_pte on the old page", true);
	folio_put(folio(old.folio));
	visible("wp_page_copy: old PTE's reference dropped", true);
	folio_put(folio(old.folio));
	return "copied to f" + std::to_string(nid);
}

/*
 * folio_pte_batch - how many PTEs from @va (below @end and inside the PTE
 * table) map consecutive pages of the same large folio; writability is
 * ignored, as __pte_batch_clear_ignored() does. Variant unbatched: 1.
 */
unsigned KernelModel::State::folio_pte_batch(ProcId p, Va va, Va end) const
{
	const KPte *first = pte_at(p, va);
	const KFolio &f = folio(first->folio);
	if (!f.large() || variant_unbatched())
		return 1;
	Va table_end = pmd_align(va) + pmd_nr();
	Va max = std::min({end, table_end, va + (f.nr_pages() - first->page)});
	unsigned nr = 1;
	for (Va a = va + 1; a < max; a++) {
		const KPte *pte = pte_at(p, a);
		if (!pte || pte->folio != first->folio || pte->page != first->page + nr)
			break;
		nr++;
	}
	return nr;
}

/*
 * copy_page_range - fork: walk the parent's page tables in VA order, one PMD
 * at a time (copy_huge_pmd(), falling back to copy_pte_range() after a
 * split), one PTE table at a time otherwise.
 */
void KernelModel::State::copy_page_range(ProcId src, ProcId dst)
{
	const Va space = cfg.scope.space_pages();
	for (Va addr = 0; addr < space; addr += pmd_nr()) {
		if (mms[src].pmds.count(addr) && copy_huge_pmd(src, dst, addr) == 0)
			continue;
		copy_pte_range(src, dst, addr, std::min(space, addr + pmd_nr()));
	}
	visible("copy_page_range: done", true);
}

/*
 * copy_pte_range - copy_present_ptes() for each present PTE in [addr, end):
 * a large folio's batch is shared at once (folio_ref_add(nr),
 * folio_try_dup_anon_rmap_ptes()); if that fails (a pinned folio with an
 * exclusive page) the loop retries with a preallocated folio, which takes
 * the one-PTE path: share the page if it can, else copy_present_page() gives
 * the child its own copy. Shared PTEs become read-only in both processes;
 * rss is added at the end (add_mm_rss_vec()).
 */
void KernelModel::State::copy_pte_range(ProcId src, ProcId dst, Va addr, Va end)
{
	bool prealloc = false;
	long rss = 0;
	auto &sptes = mms[src].ptes;

	auto it = sptes.lower_bound(addr);
	while (it != sptes.end() && it->first < end) {
		Va va = it->first;
		KPte &spte = it->second;
		KFolio &f = folio(spte.folio);
		unsigned nr;

		if (!prealloc && f.large() && !variant_unbatched()) {
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
				mms[dst].ptes[va] = KPte{nid, 0, true};
				rss++;
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
		for (unsigned i = 0; i < nr; i++, ++it) {
			it->second.writable = false;
			mms[dst].ptes[it->first] = KPte{it->second.folio, it->second.page, false};
		}
		rss += nr;
		visible("copy_present_ptes: PTEs copied");
	}
	mms[dst].rss[MM_ANONPAGES] += rss;
}

/*
 * zap_page_range - zap_page_range_single() for [start, end) (MADV_DONTNEED
 * and exit): tlb_gather_mmu(), zap_pmd_range() per PMD (zap_huge_pmd() for
 * a PMD wholly inside, __split_huge_pmd() for one partly inside, then
 * zap_pte_range()), tlb_finish_mmu() which drops the gathered references.
 */
void KernelModel::State::zap_page_range(ProcId p, Va start, Va end)
{
	MmuGather tlb{p, end - start >= cfg.scope.space_pages(), {}};

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

	visible("tlb_finish_mmu: before the flush", true);
	for (auto [id, nr] : tlb.pending)
		folio_put_refs(folio(id), nr);
	if (!tlb.pending.empty())
		visible("tlb_finish_mmu: after the flush", true);
}

/*
 * zap_pte_range - zap_present_ptes() for each present PTE in [addr, end),
 * one folio batch at a time; rss is accounted after the loop
 * (add_mm_rss_vec()).
 */
void KernelModel::State::zap_pte_range(ProcId p, Va addr, Va end, MmuGather &tlb)
{
	auto &ptes = mms[p].ptes;
	long rss = 0;

	for (auto it = ptes.lower_bound(addr); it != ptes.end() && it->first < end;
	     it = ptes.lower_bound(addr)) {
		Va va = it->first;
		unsigned nr = folio_pte_batch(p, va, end);
		zap_present_ptes(p, va, nr, tlb);
		rss += nr;
		addr = va + nr;
	}
	mms[p].rss[MM_ANONPAGES] -= rss;
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
	KPte first = ptes.at(addr);
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
		folio_put_refs(folio(id), nr);
		visible("zap_present_folio_ptes: __tlb_remove_folio_pages (no_gather)");
	} else {
		tlb.pending.emplace_back(id, nr);
	}
}

} // namespace fc
