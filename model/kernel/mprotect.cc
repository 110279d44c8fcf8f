// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect.cc - mm/mprotect.c as of v6.12: mprotect_fixup() and
 * change_protection(). Only write bits change; a PMD only partly inside the
 * range is split first.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

/*
 * mprotect_fixup - give [@start, @end) of @p VM_WRITE (@ro false) or not:
 * vma_modify_flags() splits the VMAs at the ends of the range, then each
 * VMA of the range gets change_protection(), and neighbours merge again.
 */
void KernelModel::State::mprotect_fixup(ProcId p, Va start, Va end, bool ro)
{
	split_vma(p, start);
	split_vma(p, end);
	for (auto it = mms[p].vmas.lower_bound(start);
	     it != mms[p].vmas.end() && it->first < end; ++it) {
		it->second.write = !ro;
		change_protection(p, it->second, it->second.start, it->second.end);
	}
	vma_merge(p);
	visible("mprotect_fixup: done", true);
}

/*
 * can_change_pte_writable - mm/memory.c: in a private mapping only an
 * exclusive anon page may be mapped writable without a write fault (the
 * write fault would reuse it the same way). Shared mappings get their write
 * bit from vm_page_prot and never ask.
 */
bool KernelModel::State::can_change_pte_writable(const KVma &vma, const KPte &pte) const
{
	const KFolio &f = folio(pte.folio);
	return f.anon && f.pages[pte.page].anon_exclusive;
}

/*
 * change_protection - change_pmd_range() over [@start, @end) of @vma:
 * a PMD the range covers goes through change_huge_pmd() (the head page's
 * AnonExclusive decides, can_change_pmd_writable()), others are split; each
 * present PTE gets pte_modify(newprot): the write bit of vm_page_prot, which
 * only a writable shared mapping has (no writenotify); then, with
 * MM_CP_TRY_CHANGE_WRITABLE (a writable private mapping,
 * vma_wants_manual_pte_write_upgrade()), can_change_pte_writable().
 */
void KernelModel::State::change_protection(ProcId p, const KVma &vma, Va start, Va end)
{
	const bool prot_write = vma.write && vma.shared;
	const bool try_writable = vma.write && !vma.shared;
	KMm &mm = mms[p];

	for (Va addr = start; addr < end;) {
		Va next = std::min(end, pmd_align(addr) + pmd_nr());
		Va haddr = pmd_align(addr);
		auto pmd = mm.pmds.find(haddr);
		if (pmd != mm.pmds.end()) {
			if (addr == haddr && next - addr == pmd_nr()) {
				const KFolio &f = folio(pmd->second.folio);
				bool w = prot_write;
				if (try_writable && !w)
					w = f.anon && f.pages[0].anon_exclusive;
				if (pmd->second.writable != w)
					mm.pmds.mut(haddr).writable = w;
				addr = next;
				continue;
			}
			__split_huge_pmd_locked(p, haddr);
		}
		for (auto it = mm.ptes.lower_bound(addr); it != mm.ptes.end() && it->first < next;
		     ++it) {
			bool w = prot_write;
			if (try_writable && !w)
				w = can_change_pte_writable(vma, it->second);
			if (it->second.writable != w)
				mm.ptes.mut(it->first).writable = w;
		}
		addr = next;
	}
}

} // namespace fc
