// SPDX-License-Identifier: GPL-2.0
/*
 * zap.cc - munmap (MADV_DONTNEED meaning) and exit: remove mappings, one
 * folio run or one PMD at a time, applying the deferred split rule after
 * each. When the references go (at once, or at the mmu_gather flush) is
 * invisible at the end of the operation, so the reference model does not
 * distinguish arch=gather from arch=no_gather.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

/*
 * run_length - the folio run starting at the PTE at @va of @p: the maximal
 * sequence of consecutive VAs below @end and inside one PTE table whose PTEs
 * map consecutive pages of one large folio (folio_pte_batch(), writability
 * ignored) and inside one VMA. An order-0 folio's run, and every run in
 * variant unbatched, is one page.
 */
unsigned ReferenceModel::State::run_length(ProcId p, Va va, Va end) const
{
	if (unbatched())
		return 1;
	return folio_run(p, va, end);
}

/*
 * folio_run - the folio run at @va whatever the variant: MADV_FREE decides
 * with it (madvise_folio_pte_batch()), not only batches rmap calls.
 */
unsigned ReferenceModel::State::folio_run(ProcId p, Va va, Va end) const
{
	const RPte *first = pte_at(p, va);
	if (!folio(first->folio).large())
		return 1;

	Va table_end = pmd_align(va) + pmd_nr();
	unsigned nr = 1;
	for (Va a = va + 1; a < end && a < table_end; a++) {
		const RPte *pte = pte_at(p, a);
		if (!pte || pte->folio != first->folio || pte->page != first->page + nr ||
		    !same_vma(p, a - 1, a))
			break;
		nr++;
	}
	return nr;
}

/*
 * zap_ptes - remove every PTE of @p in [@start, @end), run by run in VA
 * order; each run is one rmap removal step of its folio, which is added to
 * @touched. Swap entries in the range go too.
 */
void ReferenceModel::State::zap_ptes(ProcId p, Va start, Va end, std::vector<FolioId> &touched)
{
	auto &swp = procs[p].swp;
	for (auto it = swp.lower_bound(start); it != swp.end() && it->first < end;) {
		auto cached = swap_cache.find(it->second.slot);
		if (cached != swap_cache.end())
			touched.push_back(cached->second.folio);
		it = swp.erase(it);
	}

	auto &ptes = procs[p].ptes;
	for (auto it = ptes.lower_bound(start); it != ptes.end() && it->first < end;
	     it = ptes.lower_bound(start)) {
		Va va = it->first;
		FolioId id = it->second.folio;
		unsigned nr = run_length(p, va, end);
		std::vector<uint32_t> pages;
		for (Va a = va; a < va + nr; a++) {
			pages.push_back(ptes.at(a).page);
			ptes.erase(a);
		}
		rmap_removal_step(id, pages);
		touched.push_back(id);
		start = va + nr;
	}
}

/* zap_pmd - remove the PMD at @haddr: one rmap removal step of every page. */
void ReferenceModel::State::zap_pmd(ProcId p, Va haddr)
{
	FolioId id = procs[p].pmds.at(haddr).folio;
	std::vector<uint32_t> pages(folio(id).nr_pages());

	procs[p].pmds.erase(haddr);
	for (uint32_t i = 0; i < pages.size(); i++)
		pages[i] = i;
	rmap_removal_step(id, pages);
}

/*
 * zap_range - zap_page_range_single() of [@start, @end): per PMD-sized
 * block in VA order, a PMD wholly inside goes as one PMD (zap_huge_pmd()),
 * a PMD only partly inside is split first (__split_huge_pmd()) and its PTEs
 * in the range zapped; unmapped VAs are skipped. Afterwards a folio of the
 * swap cache whose mapping or swap entry went, and that nothing maps and no
 * swap entry needs, leaves the swap cache (free_swap_cache() at the
 * mmu_gather flush, free_swap_and_cache_nr() for swap entries).
 */
void ReferenceModel::State::zap_range(ProcId p, Va start, Va end)
{
	std::vector<FolioId> touched;

	for (Va addr = start; addr < end;) {
		Va block = pmd_align(addr);
		Va next = std::min(end, block + pmd_nr());
		if (procs[p].pmds.count(block)) {
			if (addr == block && next == block + pmd_nr()) {
				zap_pmd(p, block);
				addr = next;
				continue;
			}
			split_pmd(p, block);
		}
		zap_ptes(p, addr, next, touched);
		addr = next;
	}
	for (FolioId id : touched)
		try_free_swap(id);
}

} // namespace fc
