// SPDX-License-Identifier: GPL-2.0
/*
 * swap.cc - swap entries and the swap cache (docs/semantics.md `swapout`,
 * `swapin`): reclaim of one anon folio into swap slots, and the swap-in
 * fault that brings a page back.
 *
 * Holders: a swap entry in a page table names a slot; the swap cache holds
 * a page of a folio per slot it caches (one reference each). A slot's swap
 * count is the number of swap entries naming it, counted when needed.
 */
#include "model/reference/reference_state.h"

#include <stdexcept>

namespace fc {

/* swap_count - swap entries naming @slot, in every process. */
long ReferenceModel::State::swap_count(uint64_t slot) const
{
	long n = 0;
	for (const RProc &proc : procs)
		for (const auto &[va, e] : proc.swp)
			n += e.slot == slot;
	return n;
}

bool ReferenceModel::State::in_swapcache(FolioId f) const
{
	for (const auto &[slot, pg] : swap_cache)
		if (pg.folio == f)
			return true;
	return false;
}

/* swap_slots - the slots whose cached page is a page of @f, in page order. */
std::vector<uint64_t> ReferenceModel::State::swap_slots(FolioId f) const
{
	std::vector<uint64_t> out;
	for (const auto &[slot, pg] : swap_cache)
		if (pg.folio == f)
			out.push_back(slot);
	return out;
}

/* folio_swapped - some swap entry still names a slot of @f. */
bool ReferenceModel::State::folio_swapped(FolioId f) const
{
	for (uint64_t slot : swap_slots(f))
		if (swap_count(slot))
			return true;
	return false;
}

void ReferenceModel::State::delete_from_swap_cache(FolioId f)
{
	for (uint64_t slot : swap_slots(f))
		swap_cache.erase(slot);
}

/*
 * try_free_swap - free_swap_cache() / __try_to_reclaim_swap(TTRS_UNMAPPED):
 * a folio in the swap cache that nothing maps and no swap entry needs
 * leaves it (folio_free_swap()).
 */
void ReferenceModel::State::try_free_swap(FolioId f)
{
	if (in_swapcache(f) && !folio_mapped(f) && !folio_swapped(f))
		delete_from_swap_cache(f);
}

/*
 * swapout - shrink_folio_list() on folio @id alone, to the end. A folio not
 * yet in the swap cache is kept (nothing changes) when it may be pinned; a
 * large one also when anything but its mappings holds it
 * (can_split_folio()). A large folio on the deferred split queue as
 * partially mapped is split first and the resulting folios that are still
 * mapped are swapped out one by one. Otherwise swapout_one(). A lazyfree
 * folio is not swap-backed: reclaim_lazyfree() instead.
 */
std::string ReferenceModel::State::swapout(FolioId id)
{
	if (folio(id).lazyfree)
		return reclaim_lazyfree(id);
	if (in_swapcache(id))
		return swapout_one(id);

	Holders h = holders_of(id);
	if (derived_maybe_pinned(folio(id), h))
		return "swapout failed: maybe pinned";
	if (!folio(id).large())
		return swapout_one(id);
	if (derived_refcount(folio(id), h) != derived_mapcount(h))
		return "swapout failed: extra references (can_split_folio)";
	if (!queued(id) || !folio(id).partially_mapped)
		return swapout_one(id);

	const FolioId first_new = static_cast<FolioId>(folios.size() + 1);
	const unsigned nr = folio(id).nr_pages();
	bool done;
	std::string note = split_folio(id, &done) + ";";
	std::vector<FolioId> ids{id};
	for (unsigned i = 1; i < nr; i++)
		ids.push_back(first_new + i - 1);
	const auto ptes = ptes_of_pieces(ids);
	for (size_t i = 0; i < ids.size(); i++)
		if (folio_mapped(ids[i]))
			note += " " + ref_folio(ids[i]) + ": " + swapout_one(ids[i], &ptes[i]) + ";";
	note.pop_back();
	return note;
}

/*
 * ptes_of_pieces - for each folio of @ids, in the same order, the VAs of
 * each process's PTEs mapping it, in VA order: what swapout_one() would
 * find by walking every page table, found in one walk for all the pieces
 * of a split. Swapping a piece out removes only that piece's PTEs, so the
 * walk stays true for the pieces after it.
 */
std::vector<std::vector<std::vector<Va>>>
ReferenceModel::State::ptes_of_pieces(const std::vector<FolioId> &ids) const
{
	std::vector<std::vector<std::vector<Va>>> out(
		ids.size(), std::vector<std::vector<Va>>(procs.size()));
	/* folio id -> its place in @ids */
	std::map<FolioId, size_t> index;
	for (size_t i = 0; i < ids.size(); i++)
		index[ids[i]] = i;
	for (ProcId p = 0; p < procs.size(); p++)
		for (const auto &[va, pte] : procs[p].ptes)
			if (auto it = index.find(pte.folio); it != index.end())
				out[it->second][p].push_back(va);
	return out;
}

/*
 * swapout_one - add_to_swap() (one new slot per page, the swap cache holds
 * each page), try_to_unmap() and __remove_mapping():
 *  - every PMD mapping is split first (TTU_SPLIT_HUGE_PMD);
 *  - processes in order, each PTE in VA order, becomes a swap entry for its
 *    page's slot, exclusive iff the page was AnonExclusive, which it no
 *    longer is (folio_try_share_anon_rmap_pte()); removing the mapping is
 *    an rmap removal step of one page. An exclusive page of a folio that
 *    may be pinned cannot be shared: that PTE stays, the walk stops, the
 *    swapout fails (entries made so far stay);
 *  - a folio nothing maps any more and that only the swap cache holds
 *    leaves it and is freed; one still held is kept in the swap cache.
 * @ptes, when given, is the walk's result per process (ptes_of_pieces()).
 */
std::string ReferenceModel::State::swapout_one(FolioId id,
					       const std::vector<std::vector<Va>> *ptes)
{
	if (!in_swapcache(id)) {
		for (uint32_t i = 0; i < folio(id).nr_pages(); i++)
			swap_cache[next_slot + i] = RCachedPage{id, i};
		next_slot += folio(id).nr_pages();
	}
	const std::vector<uint64_t> slots = swap_slots(id);

	for (ProcId p = 0; p < procs.size(); p++) {
		std::vector<Va> pmds;
		for (const auto &[haddr, pmd] : procs[p].pmds)
			if (pmd.folio == id)
				pmds.push_back(haddr);
		for (Va haddr : pmds)
			split_pmd(p, haddr);

		std::vector<Va> walked;
		if (!ptes)
			for (const auto &[va, pte] : procs[p].ptes)
				if (pte.folio == id)
					walked.push_back(va);
		for (Va va : ptes ? (*ptes)[p] : walked) {
			const RPte &pte = procs[p].ptes.at(va);
			if (pte.folio != id)
				throw std::logic_error("swapout_one: ptes_of_pieces() out of date");
			uint32_t page = pte.page;
			bool exclusive = folio(id).anon_exclusive[page];
			if (exclusive && maybe_dma_pinned(id))
				return "swapout failed: " + ref_proc(p) + " " + ref_hex(va) +
				       " maps a page that may be pinned";
			folio(id).anon_exclusive[page] = false;
			procs[p].ptes.erase(va);
			procs[p].swp[va] = RSwp{slots[page], exclusive};
			rmap_removal_step(id, {page});
		}
	}

	static thread_local Holders h;
	holders_into(id, h);
	if (derived_refcount(folio(id), h) != h.cache)
		return "kept in swap cache: extra references";
	delete_from_swap_cache(id);
	return "swapped out";
}

/*
 * swapin - do_swap_page() at @va of @p, a read fault (@write false) or a
 * write fault. The page comes from the swap cache, or a new order-0 folio is
 * read into it. The swap entry goes; on a write fault a folio that only the
 * swap cache holds besides us leaves it when no other entry names its slot
 * (should_try_to_free_swap()). The page is mapped exclusive if the entry
 * was, or if nothing else holds the folio; then also writable unless the VMA
 * is read-only. A write fault that could not map it writable continues as a
 * write fault on the PTE (do_wp_page()).
 */
std::string ReferenceModel::State::swapin(ProcId p, Va va, bool write)
{
	RSwp e = procs[p].swp.at(va);
	std::string note;
	RCachedPage pg;

	procs[p].swp.erase(va);
	auto it = swap_cache.find(e.slot);
	if (it != swap_cache.end()) {
		pg = it->second;
		note = "swap cache hit " + ref_folio(pg.folio);
	} else {
		pg = RCachedPage{folio_alloc(0), 0};
		swap_cache[e.slot] = pg;
		note = "read into " + ref_folio(pg.folio);
	}

	if (write && refcount(pg.folio) == 1 && !swap_count(e.slot))
		delete_from_swap_cache(pg.folio);
	bool exclusive = e.exclusive || refcount(pg.folio) == 0;
	if (exclusive)
		folio(pg.folio).anon_exclusive[pg.page] = true;
	procs[p].ptes[va] = RPte{pg.folio, pg.page, exclusive && !vma_at(p, va).ro};

	if (write && !procs[p].ptes.at(va).writable)
		note += "; " + wp_pte(p, va, false);
	return note;
}

} // namespace fc
