// SPDX-License-Identifier: GPL-2.0
/*
 * fault.cc - page faults on the private anon VMA: the anonymous fault that
 * maps a new folio, and the write and unshare faults on read-only mappings
 * that either reuse the page or copy it (docs/semantics.md `fault`, `write`,
 * and the unshare fault of `pin`).
 */
#include "model/reference/reference_state.h"

namespace fc {

/*
 * fault_anon - do_anonymous_page() (PTEs: every page writable and
 * AnonExclusive) or __do_huge_pmd_anonymous_page() (one writable PMD,
 * AnonExclusive on the head page only, queued as not partially mapped).
 */
void ReferenceModel::State::fault_anon(ProcId p, Va va, unsigned order, bool pmd)
{
	FolioId id = folio_alloc(order);
	RFolio &f = folio(id);

	if (pmd) {
		f.anon_exclusive[0] = true;
		procs[p].pmds[va] = RPmd{id, true};
		deferred_split_folio(id, false);
		return;
	}
	for (uint32_t i = 0; i < f.nr_pages(); i++) {
		f.anon_exclusive[i] = true;
		procs[p].ptes[va + i] = RPte{id, i, true};
	}
}

/*
 * write_fault - a write (@unshare false) or a GUP unshare fault (@unshare
 * true) at @va of @p:
 *  - unmapped: a new order-0 folio, writable and exclusive (write only);
 *  - read-only PMD (do_huge_pmd_wp_page()): reuse when the head is
 *    AnonExclusive or the refcount is 1 (the head becomes AnonExclusive; a
 *    write makes the PMD writable), else split this process's PMD and
 *    handle the fault on the PTE;
 *  - read-only PTE: wp_pte().
 * A writable mapping needs nothing.
 */
std::string ReferenceModel::State::write_fault(ProcId p, Va va, bool unshare)
{
	Va haddr;
	std::string prefix;

	if (const RPmd *pmd = pmd_covering(p, va, &haddr)) {
		if (pmd->writable)
			return "";
		RFolio &f = folio(pmd->folio);
		if (f.anon_exclusive[0] || refcount(pmd->folio) == 1) {
			f.anon_exclusive[0] = true;
			if (!unshare)
				procs[p].pmds[haddr].writable = true;
			return "reused";
		}
		split_pmd(p, haddr);
		prefix = "PMD split; ";
	}

	const RPte *pte = pte_at(p, va);
	if (!pte) {
		FolioId id = folio_alloc(0);
		folio(id).anon_exclusive[0] = true;
		procs[p].ptes[va] = RPte{id, 0, true};
		return "new " + ref_folio(id);
	}
	if (pte->writable)
		return prefix;
	return prefix + wp_pte(p, va, unshare);
}

/*
 * wp_pte - do_wp_page() on a read-only PTE of an anon page: reuse it when
 * it is AnonExclusive, or when wp_can_reuse_anon_folio() allows (order 0
 * and ours is the only reference; never a large folio in v6.12). Reuse sets
 * AnonExclusive; a write also makes the PTE writable, an unshare leaves it
 * read-only. Otherwise copy.
 */
std::string ReferenceModel::State::wp_pte(ProcId p, Va va, bool unshare)
{
	RPte &pte = procs[p].ptes.at(va);
	RFolio &f = folio(pte.folio);

	bool reuse = f.anon_exclusive[pte.page] || (!f.large() && refcount(pte.folio) == 1);
	if (!reuse)
		return cow_copy(p, va, unshare);
	f.anon_exclusive[pte.page] = true;
	if (!unshare)
		pte.writable = true;
	return "reused";
}

/*
 * cow_copy - wp_page_copy(): a new order-0 folio, AnonExclusive, mapped at
 * @va (writable for a write, read-only for an unshare) in place of the old
 * page, whose mapping and reference go; that is one rmap removal step of
 * one page. RSS is unchanged (one anon page for another).
 */
std::string ReferenceModel::State::cow_copy(ProcId p, Va va, bool unshare)
{
	RPte old = procs[p].ptes.at(va);
	FolioId id = folio_alloc(0);

	folio(id).anon_exclusive[0] = true;
	procs[p].ptes[va] = RPte{id, 0, !unshare};
	rmap_removal_step(old.folio, {old.page});
	return "copied to " + ref_folio(id);
}

} // namespace fc
