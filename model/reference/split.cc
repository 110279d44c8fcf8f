// SPDX-License-Identifier: GPL-2.0
/*
 * split.cc - splitting: a PMD into PTEs (__split_huge_pmd()), a large folio
 * into order-0 folios (split_folio()), and the deferred split shrinker that
 * splits the queued partially mapped ones (deferred_split_scan()).
 */
#include "model/reference/reference_state.h"

namespace fc {

/*
 * split_pmd - replace the PMD of @p at @haddr by one PTE per page, each
 * writable iff the PMD was, young iff it was. The PTE mappings are added with RMAP_EXCLUSIVE
 * iff the head page was AnonExclusive (__split_huge_pmd_locked()), which
 * sets every page's bit; otherwise no bit is touched. That is
 * docs/semantics.md's "every page gets the head's bit": while a PMD maps a
 * folio no tail page is ever AnonExclusive (only PTE paths set tail bits,
 * and a folio never gets a PMD back once PTE-mapped: mremap moves a PMD
 * only as a whole PMD, swapout splits every PMD before it unmaps, and
 * swap-in maps order-0 folios). Then the PMD mapping
 * is removed: an rmap removal step that never queues, every page being
 * PTE-mapped now.
 */
void ReferenceModel::State::split_pmd(ProcId p, Va haddr)
{
	RPmd pmd = procs[p].pmds.at(haddr);
	RFolio &f = folio(pmd.folio);
	bool exclusive = f.anon_exclusive[0];
	std::vector<uint32_t> pages;

	for (uint32_t i = 0; i < f.nr_pages(); i++) {
		procs[p].ptes[haddr + i] = RPte{pmd.folio, i, pmd.writable, pmd.clean, pmd.young};
		if (exclusive)
			f.anon_exclusive[i] = true;
		pages.push_back(i);
	}
	procs[p].pmds.erase(haddr);
	rmap_removal_step(pmd.folio, pages);
}

/*
 * split_folio - split folio @id to order 0. Fails, changing nothing, for an
 * order-0 folio (-EINVAL) and when anything but its mappings and the page
 * cache holds it (can_split_folio(): refcount == mapcount + the cache's
 * references, so no pin and no reference).
 * On success every PMD mapping of it, in any process, is split first
 * (split_pmd()); page 0 keeps the id, page i >= 1 becomes a new folio with
 * the next ids in page order, each keeping its AnonExclusive bit and its
 * PTEs; the folio leaves the split queue and loses partially_mapped. New
 * folios nothing holds are freed at the end of the operation.
 * A page-cache folio instead loses every mapping (v6.12 unmap_folio() uses
 * try_to_unmap() for it and remap_page() skips it), and the page cache
 * holds the new order-0 folios.
 * Sets *@done to whether it split.
 */
std::string ReferenceModel::State::split_folio(FolioId id, bool *done)
{
	*done = false;
	if (!folio(id).large())
		return "split failed: order 0";
	Holders h = holders_of(id);
	if (derived_refcount(folio(id), h) - h.cache != derived_mapcount(h))
		return "split failed: extra references";

	if (!folio(id).anon)
		for (RProc &proc : procs)
			for (auto it = proc.ptes.begin(); it != proc.ptes.end();)
				it = it->second.folio == id ? proc.ptes.erase(it) : std::next(it);

	for (ProcId p = 0; p < procs.size(); p++) {
		std::vector<Va> pmds;
		for (const auto &[haddr, pmd] : procs[p].pmds)
			if (pmd.folio == id)
				pmds.push_back(haddr);
		for (Va haddr : pmds)
			split_pmd(p, haddr);
	}

	const unsigned nr = folio(id).nr_pages();
	const std::vector<bool> exclusive = folio(id).anon_exclusive;
	std::vector<FolioId> ids(nr, id);
	for (unsigned i = 1; i < nr; i++) {
		ids[i] = folio_alloc(0);
		folio(ids[i]).anon_exclusive[0] = exclusive[i];
		folio(ids[i]).anon = folio(id).anon;
		folio(ids[i]).file = folio(id).file;
		folio(ids[i]).lazyfree = folio(id).lazyfree;
	}
	if (uint32_t file = folio(id).file)
		for (RCachedPage &pg : files[file - 1].cache)
			if (pg.folio == id)
				pg = RCachedPage{ids[pg.page], 0};
	RFolio &head = folio(id);
	head.order = 0;
	head.anon_exclusive.resize(1);

	for (RProc &proc : procs) {
		for (auto &[va, pte] : proc.ptes) {
			if (pte.folio != id)
				continue;
			pte.folio = ids[pte.page];
			pte.page = 0;
		}
	}
	split_queue_remove(id);
	*done = true;

	std::string note = "split into " + ref_folio(id);
	if (nr > 1)
		note += "," + ref_folio(ids[1]);
	if (nr > 2)
		note += ".." + ref_folio(ids[nr - 1]);
	return note;
}

/*
 * shrink - deferred_split_scan() over the whole queue in FIFO order: a
 * partially mapped folio is split if it can be and otherwise stays queued
 * (v6.12 keeps it, a departure from SPEC noted in docs/semantics.md); any
 * other queued folio is not underused (no page is zero-filled) and is
 * dequeued. Those that stay keep their order.
 */
std::string ReferenceModel::State::shrink()
{
	if (split_queue.empty())
		return "shrink: queue empty";

	const std::deque<FolioId> scan = split_queue;
	std::string note = "shrink:";
	for (FolioId id : scan) {
		if (!folio(id).partially_mapped) {
			split_queue_remove(id);
			note += " dequeued " + ref_folio(id) + ";";
			continue;
		}
		bool done;
		split_folio(id, &done);
		note += (done ? " split " : " kept ") + ref_folio(id) + ";";
	}
	note.pop_back();
	return note;
}

} // namespace fc
