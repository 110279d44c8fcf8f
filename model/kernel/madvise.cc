// SPDX-License-Identifier: GPL-2.0
/*
 * madvise.cc - MADV_FREE as of v6.12 (mm/madvise.c, seed 002):
 * madvise_free_huge_pmd() and madvise_free_pte_range(). A folio becomes
 * lazyfree (folio_mark_lazyfree(): PG_swapbacked cleared) and its PTEs
 * clean; vmscan.cc discards it later if nothing wrote to it meanwhile.
 *
 * PG_dirty is not modelled: an anon folio is taken to be dirty, so the
 * "folio_test_swapcache() || folio_test_dirty()" branch always runs.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

/* folio_likely_mapped_shared() (include/linux/mm.h, v6.12) */
bool KernelModel::State::folio_likely_mapped_shared(const KFolio &f) const
{
	long mapcount = folio_mapcount(f);
	if (!f.large())
		return mapcount > 1;
	if (mapcount <= 1)
		return false;
	if (f._entire_mapcount >= 0 || mapcount > static_cast<long>(f.nr_pages()))
		return true;
	/* Let's guess based on the first subpage. */
	return f.pages[0]._mapcount > 0;
}

/* folio_mark_lazyfree() (mm/swap.c): swap-backed anon folios outside the swap cache. */
void KernelModel::State::folio_mark_lazyfree(KFolio &f)
{
	note_folio_write(f.id);
	if (f.anon && !f.lazyfree && !f.swapcache)
		f.lazyfree = true;
}

/*
 * madvise_free - madvise_free_single_vma() for every VMA of [@start, @end)
 * (check() made sure they are anonymous): walk_page_range() calls
 * madvise_free_pte_range() per PMD, which first tries
 * madvise_free_huge_pmd().
 */
std::string KernelModel::State::madvise_free(ProcId p, Va start, Va end)
{
	unsigned marked = 0;
	for (Va vaddr = start; vaddr < end;) {
		Va vend = std::min(end, find_vma(p, vaddr).end);
		for (Va addr = vaddr; addr < vend;) {
			Va next = std::min(vend, pmd_align(addr) + pmd_nr());
			Va haddr = pmd_align(addr);
			if (mms[p].pmds.count(haddr)) {
				bool was = folio(mms[p].pmds.map().at(haddr).folio).lazyfree;
				FolioId id = mms[p].pmds.map().at(haddr).folio;
				if (madvise_free_huge_pmd(p, haddr, addr, next) ||
				    mms[p].pmds.count(haddr)) {
					/* done, or still a PMD: pte_offset_map_lock() fails */
					marked += !was && folio(id).lazyfree;
					addr = next;
					continue;
				}
			}
			madvise_free_pte_range(p, addr, next, &marked);
			addr = next;
		}
		vaddr = vend;
	}
	visible("madvise_free: done", true);
	return marked ? "lazyfree: " + std::to_string(marked) + " folios" : "";
}

/*
 * madvise_free_huge_pmd - a folio mapped more than once is left alone; a
 * range covering the PMD only in part splits the folio (split_folio() under
 * our reference; the caller then walks the PTEs); otherwise the PMD is
 * cleaned (pmd_mkclean()) and the folio marked lazyfree.
 */
bool KernelModel::State::madvise_free_huge_pmd(ProcId p, Va haddr, Va addr, Va next)
{
	KFolio &f = folio(mms[p].pmds.map().at(haddr).folio);

	if (folio_likely_mapped_shared(f))
		return false;
	if (next - addr != pmd_nr()) {
		const FolioId id = f.id;
		std::string note;
		folio_get(f);
		visible("madvise_free_huge_pmd: folio_get");
		split_folio(f, &note);
		folio_put(folio(id));
		return false;
	}
	KPmd &pmd = mms[p].pmds.mut(haddr);
	pmd.clean = true;    /* pmd_mkclean() */
	pmd.young = false;   /* pmd_mkold() */
	folio_mark_lazyfree(f);
	return true;
}

/*
 * madvise_free_pte_range - the PTEs of [@addr, @end), one PTE table, one
 * VMA. Swap PTEs are zapped (free_swap_and_cache_nr()). For a large folio,
 * madvise_folio_pte_batch(); a run shorter than the folio is skipped when
 * the folio looks shared, else the folio is split and its pages looked at
 * again (nr = 0), or skipped if the split failed. Then (the dirty branch)
 * a large folio not mapped exactly once per page is skipped, a swap-cache
 * folio a swap PTE still needs is skipped (folio_free_swap()), and the run
 * is cleaned (clear_young_dirty_ptes()) and the folio marked lazyfree.
 *
 * Mutant madv_free_skips_batch_check (seed 002, v2 of the patch): the run
 * is taken to be the rest of the folio without folio_pte_batch(), so PTEs
 * mapping other folios are cleaned or skipped with it.
 */
void KernelModel::State::madvise_free_pte_range(ProcId p, Va addr, Va end, unsigned *marked)
{
	KMm &mm = mms[p];

	for (Va a = addr; a < end;) {
		if (mm.swp.count(a)) {
			zap_nonpresent_pte(p, a);
			a++;
			continue;
		}
		const KPte *pte = pte_at(p, a);
		if (!pte) {
			a++;
			continue;
		}
		KFolio &f = folio(pte->folio);
		unsigned nr = 1;
		if (f.large()) {
			if (mutant(Mutant::madv_free_skips_batch_check))
				nr = static_cast<unsigned>(
					std::min<Va>(f.nr_pages() - pte->page, end - a));
			else
				nr = __folio_pte_batch(p, a, end);
			if (nr < f.nr_pages()) {
				if (folio_likely_mapped_shared(f)) {
					a += nr;
					continue;
				}
				const FolioId id = f.id;
				std::string note;
				folio_get(f);
				visible("madvise_free_pte_range: folio_get");
				int err = split_folio(f, &note);
				folio_put(folio(id));
				if (err)
					a += nr;
				continue;
			}
		}
		KFolio &g = folio(pte->folio);
		if (g.large() && folio_mapcount(g) != static_cast<long>(g.nr_pages())) {
			a += nr;
			continue;
		}
		if (g.swapcache && !folio_free_swap(g)) {
			a += nr;
			continue;
		}
		/* clear_young_dirty_ptes(CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY) */
		for (Va b = a; b < a + nr; b++)
			if (mm.ptes.count(b)) {
				mm.ptes[b].clean = true;
				mm.ptes[b].young = false;
			}
		*marked += !g.lazyfree;
		folio_mark_lazyfree(g);
		a += nr;
	}
}

/*
 * reclaim_lazyfree - `reclaim`: shrink_folio_list() over the lazyfree
 * folios on the inactive file LRU, taken in folio order, with one PteSites
 * for them all.
 */
std::string KernelModel::State::reclaim_lazyfree()
{
	std::string note;
	if (std::none_of(folios.begin(), folios.end(),
			 [](const KFolio &f) { return !f.freed && f.lazyfree; }))
		return "reclaim: no lazyfree folio";
	const PteSites sites(mms);  /* one collection of PTEs serves every folio */
	for (FolioId id = 1; id <= folios.size(); id++)
		if (!folio(id).freed && folio(id).lazyfree)
			note += (note.empty() ? "" : "; ") + std::string("f") + std::to_string(id) +
				" " + shrink_folio_list(id, &sites);
	return "reclaim: " + note;  /* a note per lazyfree folio, one at least */
}

} // namespace fc
