// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect.cc - mprotect(): the pages of the range get the new protection,
 * and every PTE and PMD in it is rewritten (change_protection(), v6.12).
 * Nothing is counted differently; only write bits change, and a PMD only
 * partly inside the range is split first.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

namespace {

/*
 * writable_after - the write bit an entry gets under the new protection:
 * none with ro; with rw (MM_CP_TRY_CHANGE_WRITABLE) a page of a shared file
 * mapping is writable (vm_page_prot of a shared mapping without writenotify
 * has the write bit), a private mapping's page only if it is an anon page
 * that is AnonExclusive (can_change_pte_writable()).
 */
bool writable_after(bool ro, const RVma &v, bool anon, bool exclusive)
{
	if (ro)
		return false;
	if (v.shared)
		return true;
	return anon && exclusive;
}

} // namespace

/*
 * mprotect - set the protection of [@va, @va + @nr) of @p to read-only
 * (@ro) or read-write. A PMD wholly inside is changed as one
 * (change_huge_pmd(); can_change_pmd_writable() looks at the head page's
 * AnonExclusive), one partly inside is split first (__split_huge_pmd()).
 * Swap entries are not touched.
 */
void ReferenceModel::State::mprotect(ProcId p, Va va, uint64_t nr, bool ro)
{
	const Va end = va + nr;

	for (Va a = va; a < end; a++) {
		RVma v = vma_at(p, a);
		v.ro = ro;
		set_vma(p, a, v);
	}
	vma_normalize(p);

	for (Va addr = va; addr < end;) {
		Va block = pmd_align(addr);
		Va next = std::min(end, block + pmd_nr());
		auto pmd = procs[p].pmds.find(block);
		if (pmd != procs[p].pmds.end()) {
			if (addr == block && next == block + pmd_nr()) {
				const RFolio &f = folio(pmd->second.folio);
				pmd->second.writable = writable_after(ro, vma_at(p, block), f.anon,
								      f.anon_exclusive[0]);
				addr = next;
				continue;
			}
			split_pmd(p, block);
		}
		for (auto it = procs[p].ptes.lower_bound(addr);
		     it != procs[p].ptes.end() && it->first < next; ++it) {
			const RFolio &f = folio(it->second.folio);
			it->second.writable = writable_after(ro, vma_at(p, it->first), f.anon,
							     f.anon_exclusive[it->second.page]);
		}
		addr = next;
	}
}

} // namespace fc
