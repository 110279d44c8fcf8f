// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan.cc - reclaim of one anon folio to swap: shrink_folio_list() of
 * mm/vmscan.c and try_to_unmap_one() of mm/rmap.c, as of v6.12.
 *
 * `swapout F` is one pass of shrink_folio_list() over a list holding only F
 * (and, after a split, its pieces), run to the end: pageout() is taken to
 * complete at once, so a folio nothing else holds leaves the swap cache and
 * is freed in the same pass.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>
#include <stdexcept>

namespace fc {

/* folio_mapped() */
bool KernelModel::State::folio_mapped(const KFolio &f) const
{
	return folio_mapcount(f) > 0;
}

/*
 * shrink_folio_list - isolate @id from the LRU (folio_isolate_lru(): a
 * reference) and reclaim it; the reference is consumed by
 * __remove_mapping() or dropped by the putback.
 */
std::string KernelModel::State::shrink_folio_list(FolioId id, const PteSites *sites)
{
	folio_get(folio(id));
	visible("folio_isolate_lru", true);
	return shrink_folio(id, sites);
}

/*
 * shrink_folio - the anon branch of shrink_folio_list() for an isolated
 * folio: one not yet in the swap cache is kept when it may be pinned
 * (folio_maybe_dma_pinned()), a large one also when can_split_folio(folio,
 * 1, NULL) fails; a large one on the deferred split queue as partially
 * mapped is split first (split_folio_to_list()): the head goes on, the
 * mapped tails follow one by one. Then pageout_folio(). @sites, when given,
 * says where a lazyfree folio's PTEs are (see PteSites).
 */
std::string KernelModel::State::shrink_folio(FolioId id, const PteSites *sites)
{
	KFolio &f = folio(id);

	if (f.lazyfree)
		return pageout_folio(id, sites);
	if (!f.swapcache) {
		if (folio_maybe_dma_pinned(f)) {
			folio_put(f);
			return "swapout failed: maybe pinned";
		}
		if (f.large()) {
			if (f._refcount - 1 != folio_mapcount(f)) {
				folio_put(f);
				return "swapout failed: extra references (can_split_folio)";
			}
			if (f.on_deferred_list && f.partially_mapped) {
				const FolioId first_new = static_cast<FolioId>(folios.size() + 1);
				const unsigned nr = f.nr_pages();
				std::string note;
				split_folio(f, &note);
				note += ";";
				/* Reclaim touches only each piece's own PTEs: one collection serves all. */
				const PteSites sites(mms);
				if (folio_mapped(folio(id)))
					note += " f" + std::to_string(id) + ": " + pageout_folio(id, &sites) + ";";
				else
					folio_put(folio(id));
				for (unsigned i = 1; i < nr; i++) {
					KFolio &t = folio(first_new + i - 1);
					if (t.freed || !folio_mapped(t))
						continue;
					folio_get(t);   /* lru_add_split_folio(): on the list */
					note += " f" + std::to_string(t.id) + ": " +
						pageout_folio(t.id, &sites) + ";";
				}
				note.pop_back();
				return note;
			}
		}
	}
	return pageout_folio(id);
}

/*
 * pageout_folio - add_to_swap() unless in the swap cache, try_to_unmap()
 * (TTU_SPLIT_HUGE_PMD), pageout(), and __remove_mapping(): folio_ref_freeze()
 * at 1 + nr (ours and the swap cache's) succeeds only when nothing else
 * holds the folio; then it leaves the swap cache and is freed. Otherwise it
 * is put back (our reference dropped), still in the swap cache.
 * A lazyfree folio (not swap-backed) skips add_to_swap(); once unmapped it
 * is freed if folio_ref_freeze(folio, 1) succeeds (only our reference).
 * @sites, when given, says where the folio's PTEs are (see PteSites).
 */
std::string KernelModel::State::pageout_folio(FolioId id, const PteSites *sites)
{
	KFolio &f = folio(id);
	std::string why;

	if (!f.swapcache && !f.lazyfree)
		add_to_swap(f);
	if (folio_mapped(f) && !try_to_unmap(f, &why, sites)) {
		folio_put(folio(id));
		return (folio(id).swapcache ? "swapout failed: " : "kept: ") + why;
	}
	if (folio(id).lazyfree) {
		KFolio &g = folio(id);
		atomic_rmw(); /* folio_ref_freeze(folio, 1) */
		if (g._refcount != 1) {
			folio_put(g);
			return "kept: extra references";
		}
		g._refcount = 0;
		free_folio(g);
		visible("shrink_folio_list: lazyfree folio freed", true);
		return "discarded";
	}

	KFolio &g = folio(id);
	atomic_rmw(); /* folio_ref_freeze(): cmpxchg */
	if (g._refcount != 1 + static_cast<long>(g.nr_pages())) {
		folio_put(g);
		return "kept in swap cache: extra references";
	}
	g._refcount = 0;
	for (unsigned i = 0; i < g.nr_pages(); i++) {
		swap_map[g.swap + i] &= ~SWAP_HAS_CACHE;
		swap_cache.erase(g.swap + i);
	}
	g.swapcache = false;
	free_folio(g);
	visible("__remove_mapping: freed", true);
	return "swapped out";
}

/*
 * try_to_unmap - rmap_walk() over every process mapping @f, in process
 * order (the parent's VMA comes first in the anon_vma tree); stops at the
 * first try_to_unmap_one() that fails.
 */
bool KernelModel::State::try_to_unmap(KFolio &f, std::string *why, const PteSites *sites)
{
	note_folio_write(f.id);
	const FolioId id = f.id;
	for (ProcId p = 0; p < mms.size(); p++)
		if (!try_to_unmap_one(folio(id), p, why, sites))
			return false;
	return true;
}

namespace {

/*
 * ptes_mapping - the VAs of @mm's PTEs that map folio @id, in VA order:
 * page_vma_mapped_walk()'s visits, collected first because the walk edits
 * @mm.ptes as it goes.
 */
std::vector<Va> ptes_mapping(const KMm &mm, FolioId id)
{
	std::vector<Va> vas;
	for (const auto &[va, pte] : mm.ptes)
		if (pte.folio == id)
			vas.push_back(va);
	return vas;
}

} // namespace

PteSites::PteSites(const std::vector<KMm> &mms)
{
	for (ProcId p = 0; p < mms.size(); p++)
		for (const auto &[va, pte] : mms[p].ptes)
			sites_.push_back(Site{pte.folio, p, va});
	/* stable: each process's sites are already in VA order */
	std::stable_sort(sites_.begin(), sites_.end(),
			 [](const Site &a, const Site &b) { return a.folio < b.folio; });
}

std::vector<Va> PteSites::vas(FolioId folio, ProcId p) const
{
	auto first = std::partition_point(sites_.begin(), sites_.end(),
					  [&](const Site &s) { return s.folio < folio; });
	std::vector<Va> vas;
	for (auto it = first; it != sites_.end() && it->folio == folio; ++it)
		if (it->proc == p)
			vas.push_back(it->va);
	return vas;
}

/*
 * try_to_unmap_one - for one process: a PMD mapping is split first
 * (split_huge_pmd_locked(), TTU_SPLIT_HUGE_PMD), then each PTE in VA order:
 * cleared, its page's slot gets one more swap count (swap_duplicate()),
 * PageAnonExclusive is given up (folio_try_share_anon_rmap_pte(), which
 * fails for a maybe-pinned folio: the PTE is restored, the walk aborted),
 * the swap PTE takes the exclusive bit, MM_ANONPAGES drops, the rmap and
 * the PTE's reference go (folio_remove_rmap_pte(), folio_put()).
 */
bool KernelModel::State::try_to_unmap_one(KFolio &fin, ProcId p, std::string *why,
					   const PteSites *sites)
{
	note_folio_write(fin.id);
	const FolioId id = fin.id;
	KMm &mm = mms[p];

	if (fin.lazyfree)
		return try_to_unmap_one_lazyfree(fin, p, why, sites);
	for (auto it = mm.pmds.begin(); it != mm.pmds.end();) {
		Va haddr = it->first;
		++it;
		if (mm.pmds.map().at(haddr).folio == id)
			__split_huge_pmd_locked(p, haddr);
	}

	for (Va va : sites ? sites->vas(id, p) : ptes_mapping(mm, id)) {
		KFolio &f = folio(id);
		KPte pte = mm.ptes.map().at(va);
		if (pte.folio != id)
			throw std::logic_error("try_to_unmap_one: PteSites out of date");
		uint64_t slot = f.swap + pte.page;
		bool anon_exclusive = f.pages[pte.page].anon_exclusive;

		mm.ptes.erase(va);
		swap_duplicate(slot);
		if (anon_exclusive && folio_try_share_anon_rmap_pte(f, pte.page)) {
			swap_free(slot);
			mm.ptes[va] = pte;
			*why = "p" + std::to_string(p) + " maps a page that may be pinned";
			return false;
		}
		mm.swp[va] = KSwp{slot, anon_exclusive};
		mm.rss[MM_ANONPAGES]--;
		folio_remove_rmap_ptes(f, pte.page, 1);
		visible("try_to_unmap_one: folio_remove_rmap_pte", true);
		folio_put(folio(id));
		visible("try_to_unmap_one: folio_put", true);
	}
	return true;
}

/*
 * try_to_unmap_one_lazyfree - try_to_unmap_one() for a lazyfree folio of
 * one process. A PMD goes whole (unmap_huge_pmd_locked() ->
 * __discard_anon_folio_pmd_locked(), v6.12) unless it is dirty or there are
 * unexpected references: then it is split (TTU_SPLIT_HUGE_PMD) and its PTEs
 * take the PTE path. Each PTE, in VA order,
 * passes the MADV_FREE check: cleared, and discarded (MM_ANONPAGES,
 * folio_remove_rmap_pte(), folio_put()) only if it was clean and the
 * references are isolation + mappings; otherwise it is restored, the folio
 * becomes swap-backed again (folio_set_swapbacked()) and the walk aborts.
 */
bool KernelModel::State::try_to_unmap_one_lazyfree(KFolio &fin, ProcId p, std::string *why,
						    const PteSites *sites)
{
	note_folio_write(fin.id);
	const FolioId id = fin.id;
	KMm &mm = mms[p];
	bool split = false;   /* a PMD split made PTEs @sites does not list */

	for (auto it = mm.pmds.begin(); it != mm.pmds.end();) {
		Va haddr = it->first;
		++it;
		KPmd pmd = mm.pmds.map().at(haddr);
		if (pmd.folio != id)
			continue;
		KFolio &f = folio(id);
		if (!pmd.clean || f._refcount != folio_mapcount(f) + 1) {
			__split_huge_pmd_locked(p, haddr);
			split = true;
			continue;
		}
		mm.pmds.erase(haddr);
		folio_remove_rmap_pmd(f);
		mm.rss[MM_ANONPAGES] -= f.nr_pages();
		visible("__discard_anon_folio_pmd_locked: folio_remove_rmap_pmd", true);
		folio_put(folio(id));
	}

	for (Va va : sites && !split ? sites->vas(id, p) : ptes_mapping(mm, id)) {
		KFolio &f = folio(id);
		KPte pte = mm.ptes.map().at(va);
		if (pte.folio != id)
			throw std::logic_error("try_to_unmap_one_lazyfree: PteSites out of date");
		mm.ptes.erase(va);
		if (!pte.clean || f._refcount != 1 + folio_mapcount(f)) {
			mm.ptes[va] = pte;
			f.lazyfree = false;
			*why = pte.clean ? "extra references" : "redirtied";
			return false;
		}
		mm.rss[MM_ANONPAGES]--;
		folio_remove_rmap_ptes(f, pte.page, 1);
		visible("try_to_unmap_one: lazyfree page discarded", true);
		folio_put(folio(id));
	}
	return true;
}

} // namespace fc
