// SPDX-License-Identifier: GPL-2.0
/*
 * madvise.cc - MADV_FREE (seed 002) and the reclaim of the folios it made
 * lazyfree (docs/semantics.md `madv_free`, `reclaim`).
 *
 * State: a folio is lazyfree (no longer swap-backed); a PTE or PMD is clean
 * when MADV_FREE cleaned it and nothing wrote through it since. Reclaim may
 * discard a lazyfree folio only while every mapping of it is clean and
 * nothing but its mappings holds it.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

/* mark_lazyfree - folio_mark_lazyfree(): an anon folio outside the swap cache. */
void ReferenceModel::State::mark_lazyfree(FolioId id)
{
	if (folio(id).anon && !in_swapcache(id))
		folio(id).lazyfree = true;
}

/* dirty_pte - a write through the mapping at @va: no longer clean. */
void ReferenceModel::State::dirty_pte(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		procs[p].pmds[haddr].clean = false;
	else if (procs[p].ptes.count(va))
		procs[p].ptes[va].clean = false;
}

/*
 * madv_free_pmd - madvise_free_huge_pmd() for the PMD at @block, the range
 * covering [@addr, @next) of it: a folio mapped more than once is left
 * alone; one the range covers only in part is split (split_folio(); on
 * failure nothing happens) and the caller goes on with its PTEs; otherwise
 * the PMD is cleaned and the folio made lazyfree. Returns true when the
 * caller should walk the PTEs of the range.
 */
bool ReferenceModel::State::madv_free_pmd(ProcId p, Va block, Va addr, Va next)
{
	FolioId id = procs[p].pmds.at(block).folio;
	if (derived_mapcount(holders_of(id)) > 1)
		return false;
	if (addr != block || next != block + pmd_nr()) {
		bool done;
		split_folio(id, &done);
		return done;
	}
	procs[p].pmds[block].clean = true;
	procs[p].pmds[block].young = false;
	mark_lazyfree(id);
	return false;
}

/*
 * madv_free - madvise_free_single_vma() of [@va, @va + @nr) of @p (v6.12
 * madvise_free_pte_range()), one PMD-sized block at a time. Swap entries are
 * dropped (free_swap_and_cache_nr()). A large folio whose run
 * (madvise_folio_pte_batch()) is shorter than the folio is skipped if it
 * looks shared (folio_likely_mapped_shared()), else split (split_folio())
 * and its pages looked at again as order-0 folios; a failed split skips the
 * run. A folio that remains is skipped if it is large and not mapped exactly
 * once per page (PG_dirty, which foliocheck takes as set, guards this), and
 * if it is in the swap cache and a swap entry still needs it
 * (folio_free_swap()); else its run is cleaned and it becomes lazyfree.
 */
std::string ReferenceModel::State::madv_free(ProcId p, Va va, uint64_t nr)
{
	const Va end = va + nr;
	std::vector<FolioId> touched;
	unsigned marked = 0;

	for (Va addr = va; addr < end;) {
		Va block = pmd_align(addr);
		Va next = std::min(end, block + pmd_nr());
		if (procs[p].pmds.count(block)) {
			FolioId id = procs[p].pmds.at(block).folio;
			bool was = folio(id).lazyfree;
			if (!madv_free_pmd(p, block, addr, next)) {
				marked += !was && folio(id).lazyfree;
				addr = next;
				continue;
			}
		}
		for (Va a = addr; a < next;) {
			if (const RSwp *e = swp_at(p, a)) {
				auto cached = swap_cache.find(e->slot);
				if (cached != swap_cache.end())
					touched.push_back(cached->second.folio);
				procs[p].swp.erase(a);
				a++;
				continue;
			}
			const RPte *pte = pte_at(p, a);
			if (!pte) {
				a++;
				continue;
			}
			FolioId id = pte->folio;
			unsigned n = folio_run(p, a, next);
			/* only a large folio's mappings decide anything (an O(world) count) */
			const Holders h = folio(id).large() ? holders_of(id) : Holders();
			if (folio(id).large() && n < folio(id).nr_pages()) {
				bool shared = h.pmds || derived_mapcount(h) > folio(id).nr_pages() ||
					      h.ptes[0] > 1;
				bool done = false;
				if (derived_mapcount(h) > 1 && shared) {
					a += n;
					continue;
				}
				split_folio(id, &done);
				if (!done)
					a += n;
				continue;
			}
			if (folio(id).large() && derived_mapcount(h) != folio(id).nr_pages()) {
				a += n;
				continue;
			}
			if (in_swapcache(id)) {
				if (folio_swapped(id)) {
					a += n;
					continue;
				}
				delete_from_swap_cache(id);
			}
			for (Va b = a; b < a + n; b++) {
				procs[p].ptes[b].clean = true;
				procs[p].ptes[b].young = false;
			}
			marked += !folio(id).lazyfree;
			mark_lazyfree(id);
			a += n;
		}
		addr = next;
	}
	for (FolioId id : touched)
		try_free_swap(id);
	return marked ? "lazyfree: " + std::to_string(marked) + " folios" : "";
}

/*
 * reclaim_lazyfree - shrink_folio_list() of a lazyfree folio: try_to_unmap()
 * discards mapping after mapping, processes in order, PMDs first
 * (__discard_anon_folio_pmd_locked(), v6.12), then PTEs in VA order
 * (try_to_unmap_one()'s MADV_FREE check). A PMD that cannot go whole (dirty,
 * or references beyond the mappings) is split (TTU_SPLIT_HUGE_PMD) and its
 * PTEs take the PTE check. A PTE written since MADV_FREE, or a reference
 * beyond the mappings, makes the folio swap-backed again and stops the
 * walk. Each discard is an rmap removal step. A folio left unmapped is
 * freed if nothing else holds it.
 */
std::string ReferenceModel::State::reclaim_lazyfree(FolioId id)
{
	const Holders h = holders_of(id);
	return reclaim_lazyfree(id, derived_refcount(folio(id), h) != derived_mapcount(h), nullptr);
}

/*
 * reclaim_lazyfree - the walk, given whether @id has references beyond
 * its mappings (@extra_references). Every discard and PMD split below
 * changes refcount and mapcount alike (a mapping is one of each), so
 * that holds for the whole walk, and a folio whose every mapping went is
 * held by exactly those references. @ptes, when given, lists where @id's
 * PTEs were when the reclaim began (process, VA, in that order), which
 * reclaiming other folios leaves as it was; a PMD split here adds PTEs it
 * does not list.
 */
std::string ReferenceModel::State::reclaim_lazyfree(FolioId id, bool extra_references,
						    const std::vector<std::pair<ProcId, Va>> *ptes)
{
	for (ProcId p = 0; p < procs.size(); p++) {
		std::vector<Va> pmds;
		bool split = false;
		for (const auto &[haddr, pmd] : procs[p].pmds)
			if (pmd.folio == id)
				pmds.push_back(haddr);
		for (Va haddr : pmds) {
			if (!procs[p].pmds.at(haddr).clean || extra_references) {
				split_pmd(p, haddr);
				split = true;
				continue;
			}
			procs[p].pmds.erase(haddr);
			std::vector<uint32_t> pages(folio(id).nr_pages());
			for (uint32_t i = 0; i < pages.size(); i++)
				pages[i] = i;
			rmap_removal_step(id, pages);
		}
		std::vector<Va> vas;
		if (ptes && !split) {
			for (const auto &[q, va] : *ptes)
				if (q == p)
					vas.push_back(va);
		} else {
			for (const auto &[va, pte] : procs[p].ptes)
				if (pte.folio == id)
					vas.push_back(va);
		}
		for (Va va : vas) {
			const RPte pte = procs[p].ptes.at(va);
			if (!pte.clean || extra_references) {
				folio(id).lazyfree = false;
				return ref_folio(id) + (pte.clean ? " kept: extra references"
								  : " redirtied");
			}
			procs[p].ptes.erase(va);
			rmap_removal_step(id, {pte.page});
		}
	}
	if (extra_references)
		return ref_folio(id) + " kept: extra references";
	return ref_folio(id) + " discarded";
}

/*
 * reclaim - shrink_folio_list() over every lazyfree folio, in folio order.
 * Which of them have references beyond their mappings, and where their
 * PTEs are, come from one look at every holder at the start: discarding
 * one folio's mappings leaves every other folio's holders as they were.
 */
std::string ReferenceModel::State::reclaim()
{
	std::string note;
	if (std::none_of(folios.begin(), folios.end(),
			 [](const RFolio &f) { return !f.freed && f.lazyfree; }))
		return "reclaim: no lazyfree folio";
	std::vector<Holders> all;
	count_holders(all);
	std::vector<std::vector<std::pair<ProcId, Va>>> ptes(folios.size() + 1);
	for (ProcId p = 0; p < procs.size(); p++)
		for (const auto &[va, pte] : procs[p].ptes)
			ptes[pte.folio].push_back({p, va});
	for (FolioId id = 1; id <= folios.size(); id++)
		if (!folio(id).freed && folio(id).lazyfree)
			note += (note.empty() ? "" : "; ") +
				reclaim_lazyfree(id,
						 derived_refcount(folio(id), all[id - 1]) !=
							 derived_mapcount(all[id - 1]),
						 &ptes[id]);
	return "reclaim: " + note;  /* a note per lazyfree folio, one at least */
}

} // namespace fc
