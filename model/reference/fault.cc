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
 * fault_anon - the range becomes the default anonymous VMA (mmap with
 * MAP_FIXED), then do_anonymous_page() (PTEs: every page writable and
 * AnonExclusive) or __do_huge_pmd_anonymous_page() (one writable PMD,
 * AnonExclusive on the head page only, queued as not partially mapped).
 */
void ReferenceModel::State::fault_anon(ProcId p, Va va, unsigned order, bool pmd)
{
	FolioId id = folio_alloc(order);
	RFolio &f = folio(id);

	for (Va a = va; a < va + f.nr_pages(); a++)
		set_vma(p, a, RVma{});
	vma_normalize(p);

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
 * read_fault - a read access at @va of @p: a swap entry is swapped in
 * (do_swap_page()); an unmapped page of a file VMA maps its page-cache page
 * (do_read_fault() with fault-around off: one page); an unmapped anonymous
 * page would map the shared zeropage, which is no folio, so nothing changes.
 * The access then makes whatever maps @va young.
 */
std::string ReferenceModel::State::read_fault(ProcId p, Va va)
{
	std::string note;
	if (swp_at(p, va)) {
		note = swapin(p, va, false);
	} else if (!occupied(p, va) && vma_at(p, va).file) {
		RVma v = vma_at(p, va);
		map_file_page(p, va, v.shared && !v.ro);
		note = "mapped page cache page";
	}
	access_pte(p, va);
	return note;
}

/*
 * access_pte - a read or write through the mapping of @va: the accessed bit
 * of its PTE or PMD is set (by the hardware, or by the access-flag fault
 * where the hardware does not manage it).
 */
void ReferenceModel::State::access_pte(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		procs[p].pmds[haddr].young = true;
	else if (procs[p].ptes.count(va))
		procs[p].ptes[va].young = true;
}

/*
 * touch_pmd - GUP following a PMD (FOLL_TOUCH) marks it young; a PTE it
 * follows keeps its bit (the folio is marked accessed instead).
 */
void ReferenceModel::State::touch_pmd(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		procs[p].pmds[haddr].young = true;
}

/*
 * write_fault - a write (@unshare false) or a GUP unshare fault (@unshare
 * true) at @va of @p (check() made sure a write has a writable VMA):
 *  - a swap entry: swapped in by a write fault;
 *  - unmapped: anonymous or private file VMA, a new order-0 anon folio,
 *    writable and exclusive (do_anonymous_page(), do_cow_fault()); shared
 *    file VMA, the page-cache page mapped writable (do_shared_fault());
 *  - read-only PMD (do_huge_pmd_wp_page()): reuse when the head is
 *    AnonExclusive or the refcount is 1 (the head becomes AnonExclusive; a
 *    write makes the PMD writable), else split this process's PMD and
 *    handle the fault on the PTE;
 *  - read-only PTE: wp_pte().
 * A writable mapping needs nothing. A write dirties the mapping it wrote
 * through (no longer clean for MADV_FREE) and makes it young.
 */
std::string ReferenceModel::State::write_fault(ProcId p, Va va, bool unshare)
{
	std::string note = handle_write(p, va, unshare);
	if (!unshare) {
		dirty_pte(p, va);
		access_pte(p, va);
	}
	return note;
}

/* handle_write - write_fault() but for dirtying the mapping written. */
std::string ReferenceModel::State::handle_write(ProcId p, Va va, bool unshare)
{
	Va haddr;
	std::string prefix;

	if (!unshare && swp_at(p, va))
		return swapin(p, va, true);
	if (const RPmd *pmd = pmd_covering(p, va, &haddr)) {
		if (pmd->writable)
			return "";
		RFolio &f = folio(pmd->folio);
		if (f.anon_exclusive[0] || refcount(pmd->folio) == 1) {
			f.anon_exclusive[0] = true;
			if (!unshare) {
				procs[p].pmds[haddr].writable = true;
				procs[p].pmds[haddr].young = true;
			}
			return "reused";
		}
		split_pmd(p, haddr);
		prefix = "PMD split; ";
	}

	const RPte *pte = pte_at(p, va);
	if (!pte) {
		RVma v = vma_at(p, va);
		if (v.shared) {
			map_file_page(p, va, true);
			return "mapped page cache page";
		}
		FolioId id = folio_alloc(0);
		folio(id).anon_exclusive[0] = true;
		procs[p].ptes[va] = RPte{id, 0, true};
		anon_vma_prepare(p, va);
		return "new " + ref_folio(id);
	}
	if (pte->writable)
		return prefix;
	return prefix + wp_pte(p, va, unshare);
}

/*
 * wp_pte - do_wp_page() on a read-only PTE. A page of a shared mapping is
 * made writable and young (wp_page_shared()); a page-cache page of a private mapping
 * is copied. An anon page is reused when it is AnonExclusive, or when
 * can_reuse_order0() allows (never a large folio in v6.12). Reuse sets
 * AnonExclusive; a write also makes the PTE writable and young
 * (wp_page_reuse()), an unshare leaves it as it was. Otherwise copy (the
 * copy is mapped young).
 */
std::string ReferenceModel::State::wp_pte(ProcId p, Va va, bool unshare)
{
	RPte &pte = procs[p].ptes.at(va);
	RFolio &f = folio(pte.folio);

	if (vma_at(p, va).shared) {
		if (!unshare) {
			pte.writable = true;
			pte.young = true;
		}
		return "";
	}
	if (!f.anon)
		return cow_copy(p, va, unshare);
	bool reuse = f.anon_exclusive[pte.page] || (!f.large() && can_reuse_order0(pte.folio));
	if (!reuse)
		return cow_copy(p, va, unshare);
	RPte &again = procs[p].ptes.at(va);
	folio(again.folio).anon_exclusive[again.page] = true;
	if (!unshare) {
		again.writable = true;
		again.young = true;
	}
	return "reused";
}

/*
 * can_reuse_order0 - wp_can_reuse_anon_folio() for an order-0 folio: ours
 * must be the only reference besides the swap cache's; a swap cache nothing
 * else needs is dropped (folio_free_swap()), then ours must be the only one.
 */
bool ReferenceModel::State::can_reuse_order0(FolioId id)
{
	long cached = in_swapcache(id);
	if (refcount(id) > 1 + cached)
		return false;
	if (cached && !folio_swapped(id))
		delete_from_swap_cache(id);
	return refcount(id) == 1;
}

/*
 * cow_copy - wp_page_copy(): a new order-0 folio, AnonExclusive, mapped at
 * @va (writable for a write, read-only for an unshare) in place of the old
 * page, whose mapping and reference go; that is one rmap removal step of
 * one page. RSS moves from file to anon when the old page was a page-cache
 * page. The VMA gets an anon_vma; the old folio leaves the swap cache if
 * nothing needs it there any more (free_swap_cache()).
 */
std::string ReferenceModel::State::cow_copy(ProcId p, Va va, bool unshare)
{
	RPte old = procs[p].ptes.at(va);
	FolioId id = folio_alloc(0);

	folio(id).anon_exclusive[0] = true;
	procs[p].ptes[va] = RPte{id, 0, !unshare};
	rmap_removal_step(old.folio, {old.page});
	anon_vma_prepare(p, va);
	try_free_swap(old.folio);
	return "copied to " + ref_folio(id);
}

} // namespace fc
