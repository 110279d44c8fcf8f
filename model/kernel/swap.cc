// SPDX-License-Identifier: GPL-2.0
/*
 * swap.cc - mm/swap_state.c and mm/swapfile.c as of v6.12: swap slots with
 * their swap_map[] counts, and the swap cache, which holds one reference
 * per page of a folio it caches.
 *
 * The model's swap device is not SWP_SYNCHRONOUS_IO (every swap-in goes
 * through the swap cache), has room for everything (never
 * mem_cgroup_swap_full()) and reads no ahead (page-cluster 0). Slots are
 * handed out in order and never reused.
 */
#include "model/kernel/kernel_state.h"

namespace fc {

/*
 * add_to_swap - folio_alloc_swap() (one slot per page, consecutive: THP and
 * mTHP swap-out without a split, v6.12) and add_to_swap_cache():
 * folio_ref_add(nr), PG_swapcache, SWAP_HAS_CACHE on every slot.
 */
void KernelModel::State::add_to_swap(KFolio &f)
{
	note_folio_write(f.id);
	f.swap = swap_map.size();
	for (unsigned i = 0; i < f.nr_pages(); i++) {
		swap_map.push_back(SWAP_HAS_CACHE);
		swap_cache[f.swap + i] = f.id;
	}
	folio_ref_add(f, f.nr_pages());
	f.swapcache = true;
	visible("add_to_swap_cache", true);
}

/*
 * delete_from_swap_cache - __delete_from_swap_cache() + put_swap_folio():
 * the slots lose SWAP_HAS_CACHE and the swap cache its nr references
 * (folio_ref_sub(): the caller still holds one).
 */
void KernelModel::State::delete_from_swap_cache(KFolio &f)
{
	note_folio_write(f.id);
	for (unsigned i = 0; i < f.nr_pages(); i++) {
		swap_map[f.swap + i] &= ~SWAP_HAS_CACHE;
		swap_cache.erase(f.swap + i);
	}
	f.swapcache = false;
	folio_ref_sub(f, f.nr_pages());
}

/* folio_swapped - some slot of @f is still named by a swap PTE. */
bool KernelModel::State::folio_swapped(const KFolio &f) const
{
	for (unsigned i = 0; i < f.nr_pages(); i++)
		if (swap_map[f.swap + i] & ~SWAP_HAS_CACHE)
			return true;
	return false;
}

/*
 * folio_free_swap - drop @f from the swap cache if no swap PTE needs it any
 * more; the caller holds a reference.
 */
bool KernelModel::State::folio_free_swap(KFolio &f)
{
	note_folio_write(f.id);
	if (!f.swapcache || folio_swapped(f))
		return false;
	delete_from_swap_cache(f);
	return true;
}

/*
 * free_swap_cache - mm/swap_state.c: called for a folio whose mapping went
 * (mmu_gather flush, wp_page_copy()) before its reference is dropped.
 */
void KernelModel::State::free_swap_cache(KFolio &f)
{
	note_folio_write(f.id);
	if (f.swapcache && !folio_mapped(f))
		folio_free_swap(f);
}

/* swap_duplicate - one more swap PTE names @slot (fork, try_to_unmap_one()). */
void KernelModel::State::swap_duplicate(uint64_t slot)
{
	swap_map[slot]++;
}

/* swap_free - swap_free_nr(): one swap PTE fewer names @slot. */
void KernelModel::State::swap_free(uint64_t slot)
{
	swap_map[slot]--;
}

/*
 * free_swap_and_cache - free_swap_and_cache_nr() for one zapped swap PTE:
 * drop its count; if only the swap cache is left on the slot,
 * __try_to_reclaim_swap(TTRS_UNMAPPED | TTRS_FULL) frees the cached folio
 * from the swap cache unless something maps it.
 */
void KernelModel::State::free_swap_and_cache(uint64_t slot)
{
	swap_free(slot);
	if (swap_map[slot] != SWAP_HAS_CACHE)
		return;
	KFolio *f = swap_cache_get_folio(slot);
	if (!folio_mapped(*f))
		folio_free_swap(*f);
	visible("__try_to_reclaim_swap: folio_free_swap");
	folio_put(*f);
}

/* swap_cache_get_folio - the swap cache's folio for @slot, with a reference. */
KFolio *KernelModel::State::swap_cache_get_folio(uint64_t slot)
{
	auto it = swap_cache.find(slot);
	if (it == swap_cache.end())
		return nullptr;
	KFolio &f = folio(it->second);
	folio_get(f);
	return &f;
}

/*
 * read_swap_cache_async - __read_swap_cache_async(): a new order-0 folio
 * (our reference) added to the swap cache for @slot (its own reference),
 * then read from swap. It is not anon until do_swap_page() maps it.
 */
FolioId KernelModel::State::read_swap_cache_async(uint64_t slot)
{
	FolioId id = folio_alloc(0);
	KFolio &f = folio(id);
	f.anon = false;
	f.swap = slot;
	f.swapcache = true;
	swap_map[slot] |= SWAP_HAS_CACHE;
	swap_cache[slot] = id;
	folio_ref_add(f, 1);
	visible("add_to_swap_cache", true);
	return id;
}

} // namespace fc
