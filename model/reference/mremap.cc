// SPDX-License-Identifier: GPL-2.0
/*
 * mremap.cc - mremap(MREMAP_MAYMOVE|MREMAP_FIXED): the page table entries
 * of a range move to another place of the same process (move_page_tables(),
 * v6.12). No count changes: the same folios stay mapped the same number of
 * times, only at other VAs, so a folio may end up mapped non-contiguously.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

/*
 * mremap - move [@va, @va + @nr) of @p to @to (check() made sure the ranges
 * do not overlap and nothing is mapped at the destination). A PMD moves
 * whole only if the range covers it and the destination is PMD-aligned too
 * (move_huge_pmd(); get_extent() takes the smaller of both extents);
 * otherwise it is split first and its PTEs move one by one. PTEs and swap
 * entries move with their bits. The pages' VMA attributes move with them
 * (the file offset stays the page's); the source range is left to the
 * default anonymous VMA, as if mapped anew.
 */
void ReferenceModel::State::mremap(ProcId p, Va va, uint64_t nr, Va to)
{
	RProc &proc = procs[p];
	const Va end = va + nr;
	const Va delta = to - va;  /* modulo 2^64: moves down as well as up */

	for (Va addr = va; addr < end;) {
		Va block = pmd_align(addr);
		Va next = std::min(end, block + pmd_nr());
		if (proc.pmds.count(block)) {
			bool whole = addr == block && next == block + pmd_nr();
			if (whole && pmd_align(to + (block - va)) == to + (block - va)) {
				RPmd pmd = proc.pmds.at(block);
				proc.pmds.erase(block);
				proc.pmds[block + delta] = pmd;
				addr = next;
				continue;
			}
			split_pmd(p, block);
		}
		addr = next;
	}

	PageMap<RPte> ptes;
	for (auto it = proc.ptes.lower_bound(va); it != proc.ptes.end() && it->first < end;)
		ptes[it->first + delta] = it->second, it = proc.ptes.erase(it);
	proc.ptes.insert(ptes.begin(), ptes.end());
	PageMap<RSwp> swp;
	for (auto it = proc.swp.lower_bound(va); it != proc.swp.end() && it->first < end;)
		swp[it->first + delta] = it->second, it = proc.swp.erase(it);
	proc.swp.insert(swp.begin(), swp.end());

	std::vector<RVma> moved;
	for (Va a = va; a < end; a++) {
		moved.push_back(vma_at(p, a));
		set_vma(p, a, RVma{});
	}
	for (Va i = 0; i < nr; i++) {
		RVma v = moved[i];
		v.off -= static_cast<int64_t>(delta);
		set_vma(p, to + i, v);
	}
	vma_normalize(p);
}

} // namespace fc
