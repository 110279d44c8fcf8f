// SPDX-License-Identifier: GPL-2.0
/*
 * fork.cc - fork: the child gets a copy of the parent's page tables, with
 * every anon page shared read-only in both, except that an AnonExclusive
 * page of a maybe-pinned folio in a process that has pinned is copied for
 * the child (folio_needs_cow_for_dma(), copy_present_page()), so the pin
 * keeps seeing the page the parent maps.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

/* folio_needs_cow_for_dma(): MMF_HAS_PINNED and folio_maybe_dma_pinned(). */
bool ReferenceModel::State::needs_cow_for_dma(ProcId p, FolioId id) const
{
	if (!procs[p].has_pinned)
		return false;
	return maybe_dma_pinned(id);
}

/*
 * copy_pte - one PTE of the parent at @va: the child's own copy of an
 * exclusive page that may be pinned (a new mapping: young), else the page
 * shared read-only, old in the child (the parent's bit stays).
 * Whether the kernel takes this PTE in a batch or alone makes no difference
 * to the outcome: the batch falls back to one page at a time exactly when
 * some page of it would be copied. Returns the copy's id or 0.
 */
FolioId ReferenceModel::State::copy_pte(ProcId p, ProcId q, Va va)
{
	RPte &pte = procs[p].ptes.at(va);
	const RFolio &f = folio(pte.folio);

	if (f.anon && f.anon_exclusive[pte.page] && needs_cow_for_dma(p, pte.folio)) {
		FolioId id = folio_alloc(0);   /* moves folios: f is stale now */
		folio(id).anon_exclusive[0] = true;
		/* maybe_mkwrite(): writable if the VMA is */
		procs[q].ptes[va] = RPte{id, 0, !vma_at(p, va).ro};
		return id;
	}
	folio(pte.folio).anon_exclusive[pte.page] = false;
	pte.writable = false;
	procs[q].ptes[va] = RPte{pte.folio, pte.page, false, pte.clean, false}; /* old */
	return 0;
}

/*
 * copy_pmd - copy_huge_pmd(): an exclusive head of a folio that may be
 * pinned makes the kernel split the parent's PMD and copy PTE by PTE
 * (returns false); otherwise the PMD is shared read-only, old in the child,
 * and the head loses AnonExclusive.
 */
bool ReferenceModel::State::copy_pmd(ProcId p, ProcId q, Va haddr)
{
	RPmd &pmd = procs[p].pmds.at(haddr);
	RFolio &f = folio(pmd.folio);

	if (f.anon_exclusive[0] && needs_cow_for_dma(p, pmd.folio)) {
		split_pmd(p, haddr);
		return false;
	}
	f.anon_exclusive[0] = false;
	pmd.writable = false;
	procs[q].pmds[haddr] = RPmd{pmd.folio, false, pmd.clean, false}; /* old */
	return true;
}

/*
 * fork - create process @q (the next number) from @p, walking @p's page
 * tables in VA order, one PMD-sized block at a time. @q gets @p's VMAs but
 * only the entries of those vma_needs_copy() allows; a swap entry is shared
 * and loses its exclusive bit in both (copy_nonpresent_pte()). @q starts
 * without MMF_HAS_PINNED. Returns the children's copies, if any, as a note.
 */
std::string ReferenceModel::State::fork(ProcId p, ProcId q)
{
	std::vector<FolioId> copies;

	procs.resize(q + 1);
	procs[q] = RProc{};
	procs[q].vmas = procs[p].vmas;
	for (Va block = 0; block < space(); block += pmd_nr()) {
		if (procs[p].pmds.count(block) && copy_pmd(p, q, block))
			continue;
		Va end = std::min(space(), block + pmd_nr());
		std::vector<Va> vas;
		for (auto it = procs[p].ptes.lower_bound(block);
		     it != procs[p].ptes.end() && it->first < end; ++it)
			if (vma_needs_copy(p, it->first))
				vas.push_back(it->first);
		for (Va va : vas)
			if (FolioId id = copy_pte(p, q, va))
				copies.push_back(id);
		for (auto it = procs[p].swp.lower_bound(block);
		     it != procs[p].swp.end() && it->first < end; ++it) {
			if (!vma_needs_copy(p, it->first))
				continue;
			it->second.exclusive = false;
			procs[q].swp[it->first] = it->second;
		}
	}

	if (copies.empty())
		return "";
	std::string note = "copied for " + ref_proc(q) + ":";
	for (FolioId id : copies)
		note += " " + ref_folio(id);
	return note;
}

} // namespace fc
