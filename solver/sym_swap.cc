// SPDX-License-Identifier: GPL-2.0
/*
 * sym_swap.cc - model/kernel/swap.cc on symbolic state (mm/swap_state.c,
 * mm/swapfile.c as of v6.12: swap slots, their swap_map[] counts and the
 * swap cache, which holds one reference per page of a folio it caches) and
 * the swap-entry paths of model/kernel/memory.cc (do_swap_page(),
 * zap_nonpresent_ptes()).
 *
 * A slot is named by a term; the helpers below act on "the slot @slot" by
 * updating every slot under "@slot is that slot", as folio ids are.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

z3::expr SymKernel::slot_count(const z3::expr &slot) const
{
	z3::expr r = s.slots.back().count;
	for (int k = static_cast<int>(sc.slots) - 2; k >= 0; k--)
		r = mk_ite(mk_eq(slot, num(k)), s.slots[k].count, r);
	return r;
}

z3::expr SymKernel::slot_cache(const z3::expr &slot) const
{
	z3::expr r = s.slots.back().cache;
	for (int k = static_cast<int>(sc.slots) - 2; k >= 0; k--)
		r = mk_ite(mk_eq(slot, num(k)), s.slots[k].cache, r);
	return r;
}

void SymKernel::set_slot_cache(const z3::expr &g, const z3::expr &slot, const z3::expr &fid)
{
	for (unsigned k = 0; k < sc.slots; k++)
		assign(s.slots[k].cache, mk_and(g, mk_eq(slot, num(k))), fid);
}

/* swap_duplicate - one more swap PTE names @slot (fork, try_to_unmap_one()). */
void SymKernel::swap_duplicate(const z3::expr &g, const z3::expr &slot)
{
	for (unsigned k = 0; k < sc.slots; k++) {
		z3::expr gk = mk_and(g, mk_eq(slot, num(k)));
		assign(s.slots[k].count, gk, mk_add(s.slots[k].count, num(1)));
	}
}

/* swap_free - swap_free_nr(): one swap PTE fewer names @slot. */
void SymKernel::swap_free(const z3::expr &g, const z3::expr &slot)
{
	for (unsigned k = 0; k < sc.slots; k++) {
		z3::expr gk = mk_and(g, mk_eq(slot, num(k)));
		assign(s.slots[k].count, gk, mk_sub(s.slots[k].count, num(1)));
	}
}

/*
 * add_to_swap - folio_alloc_swap() (one slot per page, consecutive, handed
 * out in order; past the scope's last slot the path leaves the scope) and
 * add_to_swap_cache(): folio_ref_add(nr), PG_swapcache, SWAP_HAS_CACHE.
 */
void SymKernel::add_to_swap(const z3::expr &g, unsigned i)
{
	if (g.is_false())
		return;
	SymFolio &f = s.folios[i];
	z3::expr nr = folio_nr_pages(f);
	z3::expr base = s.nr_slots;
	leave_scope(mk_and(g, mk_lt(num(sc.slots), mk_add(base, nr))));
	assign(f.swap, g, base);
	for (unsigned j = 0; j < nb(); j++)
		set_slot_cache(mk_and(g, mk_lt(num(j), nr)), mk_add(base, num(j)), num(i + 1));
	assign(s.nr_slots, g, mk_add(base, nr));
	assign(f.refcount, g, mk_add(f.refcount, nr));
	assign(f.swapcache, g, T());
	visible(g, "add_to_swap_cache", true);
}

/*
 * delete_from_swap_cache - __delete_from_swap_cache() + put_swap_folio():
 * the slots lose SWAP_HAS_CACHE, the swap cache its nr references.
 */
void SymKernel::delete_from_swap_cache(const z3::expr &g, const z3::expr &fid)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr nr = folio_nr_pages(f);
		for (unsigned j = 0; j < nb(); j++)
			set_slot_cache(mk_and(gi, mk_lt(num(j), nr)), mk_add(f.swap, num(j)), num(0));
		assign(f.swapcache, gi, F());
		assign(f.refcount, gi, mk_sub(f.refcount, nr));
	});
}

/* folio_swapped - some slot of the folio is still named by a swap PTE. */
z3::expr SymKernel::folio_swapped(const z3::expr &fid) const
{
	return select(fid, [&](const SymFolio &f) {
		z3::expr nr = folio_nr_pages(f), r = F();
		for (unsigned j = 0; j < nb(); j++)
			r = mk_or(r, mk_and(mk_lt(num(j), nr),
					    mk_lt(num(0), slot_count(mk_add(f.swap, num(j))))));
		return r;
	});
}

/* folio_free_swap - out of the swap cache if no swap PTE needs it any more. */
z3::expr SymKernel::folio_free_swap(const z3::expr &g, const z3::expr &fid)
{
	z3::expr in_cache = select(fid, [](const SymFolio &f) { return f.swapcache; });
	z3::expr go = mk_and(mk_and(g, in_cache), mk_not(folio_swapped(fid)));
	delete_from_swap_cache(go, fid);
	return go;
}

/*
 * free_swap_cache - a folio whose mapping went (mmu_gather flush,
 * wp_page_copy()) leaves the swap cache if nothing maps it.
 */
void SymKernel::free_swap_cache(const z3::expr &g, const z3::expr &fid)
{
	z3::expr in_cache = select(fid, [](const SymFolio &f) { return f.swapcache; });
	z3::expr mapped = select(fid, obs_mapped);
	folio_free_swap(mk_and(mk_and(g, in_cache), mk_not(mapped)), fid);
}

/*
 * free_swap_and_cache - free_swap_and_cache_nr() for one zapped swap PTE:
 * its count goes; if only the swap cache is left on the slot,
 * __try_to_reclaim_swap() frees the cached folio from the swap cache unless
 * something maps it (under a reference of its own).
 */
void SymKernel::free_swap_and_cache(const z3::expr &g, const z3::expr &slot)
{
	if (g.is_false())
		return;
	swap_free(g, slot);
	z3::expr fid = slot_cache(slot);
	z3::expr last = mk_and(g, mk_and(mk_eq(slot_count(slot), num(0)), mk_ne(fid, num(0))));
	if (last.is_false())
		return;
	folio_get(last, fid);
	z3::expr mapped = select(fid, obs_mapped);
	folio_free_swap(mk_and(last, mk_not(mapped)), fid);
	visible(last, "__try_to_reclaim_swap: folio_free_swap");
	folio_put(last, fid);
}

/*
 * read_swap_cache_async - __read_swap_cache_async(): a new order-0 folio
 * (our reference) in the swap cache for @slot (its own reference), not anon
 * until do_swap_page() maps it.
 */
z3::expr SymKernel::read_swap_cache_async(const z3::expr &g, const z3::expr &slot)
{
	z3::expr id = folio_alloc(g, num(0));
	for_folio(g, id, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		assign(f.anon, gi, F());
		assign(f.swap, gi, slot);
		assign(f.swapcache, gi, T());
		assign(f.refcount, gi, mk_add(f.refcount, num(1)));
	});
	set_slot_cache(g, slot, id);
	visible(g, "add_to_swap_cache", true);
	return id;
}

/* zap_nonpresent_pte - zap_nonpresent_ptes() for one swap PTE. */
void SymKernel::zap_nonpresent_pte(const z3::expr &guard, ProcId p, Va va)
{
	const z3::expr g = guard;  /* may be the swap PTE's own present bit */
	if (g.is_false())
		return;
	z3::expr slot = s.procs[p].swps[va].slot;
	clear_swp(g, p, va);
	free_swap_and_cache(g, slot);
}

/*
 * do_swap_page - a fault on the swap PTE at @va (v6.12, no
 * SWP_SYNCHRONOUS_IO, no readahead): the swap cache's folio or a new one
 * read into it; the slot loses this PTE's count; a write fault on a folio
 * held only by us and the swap cache drops it from the cache when no other
 * swap PTE needs it; exclusive if the swap PTE was or ours is the only
 * reference (then writable in a writable VMA); a new folio gets
 * folio_add_new_anon_rmap(), a cached anon one folio_add_anon_rmap_ptes();
 * a write fault left read-only goes on to do_wp_page().
 */
void SymKernel::do_swap_page(const z3::expr &guard, ProcId p, Va va, const z3::expr &write)
{
	/* a copy: a caller may pass the swap PTE's own present bit, which this clears */
	const z3::expr g = guard;
	if (g.is_false())
		return;
	const SymSwp entry = s.procs[p].swps[va];
	z3::expr cached = slot_cache(entry.slot);
	z3::expr hit = mk_and(g, mk_ne(cached, num(0)));
	folio_get(hit, cached);
	z3::expr read = read_swap_cache_async(mk_and(g, mk_not(hit)), entry.slot);
	z3::expr fid = mk_ite(hit, cached, read);
	visible(g, "do_swap_page: folio locked");

	swap_free(g, entry.slot);
	z3::expr refcount = select(fid, [](const SymFolio &f) { return f.refcount; });
	folio_free_swap(mk_and(mk_and(g, write), mk_eq(refcount, num(2))), fid);

	refcount = select(fid, [](const SymFolio &f) { return f.refcount; });
	z3::expr exclusive = mk_or(entry.exclusive, mk_eq(refcount, num(1)));
	z3::expr writable = mk_and(exclusive, s.procs[p].vmas[va].write);
	SymProc &pr = s.procs[p];
	assign(pr.rss_anon, g, mk_add(pr.rss_anon, num(1)));
	clear_swp(g, p, va);
	z3::expr anon = select(fid, [](const SymFolio &f) { return f.anon; });
	folio_add_new_anon_rmap(mk_and(g, mk_not(anon)), fid, false, exclusive);
	folio_add_anon_rmap_ptes(mk_and(g, anon), fid, num(0), num(1), exclusive);
	set_pte(g, p, va, fid, num(0), writable);
	visible(g, "do_swap_page: PTE mapped", true);

	do_wp_page(mk_and(mk_and(g, write), mk_not(writable)), p, va, F());
}

} // namespace fc::solver
