// SPDX-License-Identifier: GPL-2.0
/*
 * mremap.cc - mm/mremap.c as of v6.12: move_vma() and move_page_tables().
 * Entries move, counters stay: a folio may end up mapped at VAs that are
 * not contiguous, which every folio_pte_batch() user must respect.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

/*
 * move_vma - mremap(MREMAP_MAYMOVE|MREMAP_FIXED) of [@old_addr, +@nr) to
 * @new_addr: the VMAs are split at the ends of the old range, copied to the
 * new place with the same vm_pgoff (copy_vma()), the page tables moved, and
 * the old range is left as a fresh anonymous VMA (foliocheck's world has no
 * holes).
 */
void KernelModel::State::move_vma(ProcId p, Va old_addr, uint64_t nr, Va new_addr)
{
	const Va old_end = old_addr + nr;
	split_vma(p, old_addr);
	split_vma(p, old_end);

	std::vector<KVma> moved;
	for (auto it = mms[p].vmas.lower_bound(old_addr);
	     it != mms[p].vmas.end() && it->first < old_end; ++it)
		moved.push_back(it->second);

	move_page_tables(p, old_addr, nr, new_addr);

	KVma anon;
	anon.pgoff = old_addr;
	mmap_region(p, old_addr, old_end, anon);
	split_vma(p, new_addr);
	split_vma(p, new_addr + nr);
	auto &vmas = mms[p].vmas;
	vmas.erase(vmas.lower_bound(new_addr), vmas.lower_bound(new_addr + nr));
	for (KVma vma : moved) {
		vma.start = vma.start - old_addr + new_addr;
		vma.end = vma.end - old_addr + new_addr;
		vmas[vma.start] = vma;
	}
	vma_merge(p);
	visible("move_vma: done", true);
}

/*
 * move_page_tables - per extent (get_extent(): up to the next PMD boundary
 * of both the old and the new address): a PMD mapping moves whole when the
 * extent is a whole PMD (move_huge_pmd()), else it is split
 * (split_huge_pmd()) and move_ptes() moves PTEs and swap PTEs one by one
 * (ptep_get_and_clear() + set_pte_at(); no rmap or refcount change).
 */
void KernelModel::State::move_page_tables(ProcId p, Va old_addr, uint64_t nr, Va new_addr)
{
	KMm &mm = mms[p];
	const Va old_end = old_addr + nr;

	for (Va addr = old_addr; addr < old_end;) {
		Va new_a = new_addr + (addr - old_addr);
		Va extent = std::min(pmd_align(addr) + pmd_nr(), old_end) - addr;
		extent = std::min(extent, pmd_align(new_a) + pmd_nr() - new_a);

		if (mm.pmds.count(pmd_align(addr))) {
			if (extent == pmd_nr()) {
				mm.pmds[new_a] = mm.pmds.map().at(addr);
				mm.pmds.erase(addr);
				visible("move_huge_pmd", true);
				addr += extent;
				continue;
			}
			__split_huge_pmd_locked(p, pmd_align(addr));
		}
		/* move_ptes(): old and new ranges are disjoint */
		std::vector<std::pair<Va, KPte>> ptes;
		for (auto it = mm.ptes.lower_bound(addr); it != mm.ptes.end() && it->first < addr + extent;)
			ptes.emplace_back(it->first - addr + new_a, it->second), it = mm.ptes.erase(it);
		for (auto &[va, pte] : ptes)
			mm.ptes[va] = pte;
		std::vector<std::pair<Va, KSwp>> swp;
		for (auto it = mm.swp.lower_bound(addr); it != mm.swp.end() && it->first < addr + extent;)
			swp.emplace_back(it->first - addr + new_a, it->second), it = mm.swp.erase(it);
		for (auto &[va, e] : swp)
			mm.swp[va] = e;
		if (!ptes.empty())
			visible("move_ptes", true);
		addr += extent;
	}
}

} // namespace fc
