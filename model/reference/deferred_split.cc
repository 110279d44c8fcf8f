// SPDX-License-Identifier: GPL-2.0
/*
 * deferred_split.cc - the life of a folio as the reference model sees it:
 * allocation, the deferred split queue with the rmap removal rule that feeds
 * it, and freeing when the last holder is gone.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

/*
 * folio_alloc - a new anon folio of @order with the next id. It has no
 * holder yet: the caller maps it (or pins nothing to it) before the
 * operation ends, else free_unreferenced() frees it.
 */
FolioId ReferenceModel::State::folio_alloc(unsigned order)
{
	RFolio f;
	f.order = order;
	f.anon = true;
	f.anon_exclusive.assign(f.nr_pages(), false);
	folios.push_back(std::move(f));
	const FolioId id = static_cast<FolioId>(folios.size());
	folio(id); /* logged: a new folio's view is new */
	return id;
}

bool ReferenceModel::State::queued(FolioId f) const
{
	return std::find(split_queue.begin(), split_queue.end(), f) != split_queue.end();
}

/*
 * deferred_split_folio - mm/huge_memory.c: order <= 1 and non-anon folios
 * have no deferred list; otherwise set partially_mapped if asked and append
 * the folio to the queue tail unless it is on it already.
 */
void ReferenceModel::State::deferred_split_folio(FolioId id, bool partially_mapped)
{
	RFolio &f = folio(id);
	if (f.order <= 1 || !f.anon)
		return;
	if (partially_mapped)
		f.partially_mapped = true;
	if (!queued(id))
		split_queue.push_back(id);
}

/* split_queue_remove - off the queue, and the partially_mapped flag with it. */
void ReferenceModel::State::split_queue_remove(FolioId id)
{
	auto it = std::find(split_queue.begin(), split_queue.end(), id);
	if (it != split_queue.end())
		split_queue.erase(it);
	folio(id).partially_mapped = false;
}

/*
 * rmap_removal_step - the deferred split rule of docs/semantics.md, applied
 * after one rmap removal step has removed a mapping of each of @pages of
 * folio @id (one run of PTEs, one COW'd PTE, or all pages for one PMD):
 * if the step removed the last mapping of some page while some page of the
 * folio is still mapped, an anon large folio not yet flagged is queued as
 * partially mapped (__folio_remove_rmap()).
 *
 * "Last mapping" and "still mapped" count PTEs and PMDs of every process,
 * so a PTE removal under a remaining PMD never queues, and a PMD removal
 * queues only when some page is still PTE-mapped and some is not.
 */
void ReferenceModel::State::rmap_removal_step(FolioId id, const std::vector<uint32_t> &pages)
{
	const RFolio &f = folio(id);
	if (!f.anon || !f.large() || f.partially_mapped)
		return;

	static thread_local Holders h;
	mappings_into(id, h);
	bool removed_last = false;
	for (uint32_t page : pages)
		if (!page_mapped(h, page))
			removed_last = true;
	if (removed_last && any_page_mapped(h))
		deferred_split_folio(id, true);
}

/*
 * free_folio - the last holder of @id is gone: it is marked freed, leaves
 * the split queue, loses partially_mapped and, as free_pages_prepare()
 * resets page flags, its AnonExclusive bits.
 */
void ReferenceModel::State::free_folio(FolioId id)
{
	RFolio &f = folio(id);
	f.freed = true;
	split_queue_remove(id);
	f.anon_exclusive.assign(f.nr_pages(), false);
}

/*
 * free_unreferenced - free_folio() every live folio no holder holds any
 * more.
 *
 * Called once at the end of every operation rather than after each holder
 * removal: a folio with refcount 0 has no holder, so nothing later in the
 * same operation can map, pin, queue or count it, and each effect of
 * freeing commutes with the rest of the operation. Folio ids are allocated
 * by the operations themselves, never by freeing, so the naming is the same.
 * (keep_view() does the same for the folios a statement touched.)
 */
void ReferenceModel::State::free_unreferenced()
{
	const std::vector<Holders> &all = counted_holders();
	for (FolioId id = 1; id <= folios.size(); id++)
		free_if_unreferenced(id, all[id - 1]);
}

/* free_if_unreferenced - free_folio(@id) if it is live and @h, all its holders, hold nothing. */
void ReferenceModel::State::free_if_unreferenced(FolioId id, const Holders &h)
{
	const RFolio &f = folios[id - 1];
	if (!f.freed && derived_refcount(f, h) == 0)
		free_folio(id);
}

} // namespace fc
