// SPDX-License-Identifier: GPL-2.0
/*
 * sym_vmscan.cc - model/kernel/vmscan.cc on symbolic state: `swapout F`
 * and `reclaim`, i.e. shrink_folio_list() of mm/vmscan.c over one folio (and
 * the pieces a split makes of it) and try_to_unmap_one() of mm/rmap.c, as of
 * v6.12. pageout() is taken to complete at once, so a folio nothing else
 * holds leaves the swap cache and is freed in the same pass.
 *
 * The folio is a concrete slot @i: the callers enumerate it (reclaim walks
 * every slot, swapout branches on the statement's folio).
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/*
 * reclaim_lazyfree - reclaim_lazyfree(): shrink_folio_list() of every live
 * lazyfree folio, in folio order. Discarding one folio never makes another
 * lazyfree, so each slot is looked at once, in the state the earlier ones
 * left.
 */
void SymKernel::reclaim_lazyfree(const z3::expr &g)
{
	if (g.is_false())
		return;
	for (unsigned i = 0; i < sc.folios; i++) {
		const SymFolio &f = s.folios[i];
		shrink_folio_list(mk_and(g, mk_and(folio_live(s, i), f.lazyfree)), i);
	}
}

/* shrink_folio_list - isolate the folio (folio_isolate_lru(): a reference) and reclaim it. */
void SymKernel::shrink_folio_list(const z3::expr &g, unsigned i)
{
	if (g.is_false())
		return;
	folio_get(g, num(i + 1));
	visible(g, "folio_isolate_lru", true);
	shrink_folio(g, i);
}

/*
 * shrink_folio - a lazyfree folio goes to pageout_folio(); one not yet in
 * the swap cache is kept when it may be pinned, a large one also when
 * can_split_folio() fails (extra references); a large one queued as
 * partially mapped is split first: the head goes on if still mapped, then
 * each mapped tail (with a reference of its own, lru_add_split_folio()).
 */
void SymKernel::shrink_folio(const z3::expr &g, unsigned i)
{
	const z3::expr fid = num(i + 1);
	const SymFolio f = s.folios[i];
	z3::expr lazy = mk_and(g, f.lazyfree);
	z3::expr fresh = mk_and(mk_and(g, mk_not(f.lazyfree)), mk_not(f.swapcache));
	z3::expr pinned = mk_and(fresh, obs_maybe_pinned(f));
	z3::expr large = mk_and(mk_and(fresh, mk_not(pinned)), folio_large(f));
	z3::expr extra = mk_and(large, mk_ne(mk_sub(f.refcount, num(1)), obs_mapcount(f)));
	z3::expr split = mk_and(mk_and(large, mk_not(extra)), mk_and(f.queued, f.partially_mapped));
	folio_put(mk_or(pinned, extra), fid);

	/* the split path: tail j becomes folio nr_folios + j */
	const z3::expr before = s.nr_folios;
	const z3::expr nr = folio_nr_pages(f);
	split_folio(split, fid);
	z3::expr head_mapped = obs_mapped(s.folios[i]);
	folio_put(mk_and(split, mk_not(head_mapped)), fid);

	z3::expr go_on = mk_or(lazy, mk_and(g, mk_not(mk_or(mk_or(pinned, extra), split))));
	pageout_folio(mk_or(go_on, mk_and(split, head_mapped)), i);

	for (unsigned j = 1; j < nb(); j++) {
		z3::expr tid = mk_add(before, num(j));
		z3::expr gj = mk_and(split, mk_lt(num(j), nr));
		for (unsigned k = 0; k < sc.folios; k++) {
			z3::expr gk = mk_and(gj, mk_eq(tid, num(k + 1)));
			if (gk.is_false())
				continue;
			const SymFolio &t = s.folios[k];
			gk = mk_and(gk, mk_and(mk_not(t.freed), obs_mapped(t)));
			folio_get(gk, num(k + 1));
			pageout_folio(gk, k);
		}
	}
}

/*
 * pageout_folio - add_to_swap() unless in the swap cache or lazyfree,
 * try_to_unmap(), then __remove_mapping(): folio_ref_freeze() at 1 + nr
 * (ours and the swap cache's) frees a swap-backed folio out of the swap
 * cache, at 1 a lazyfree one; otherwise our reference is dropped and the
 * folio stays (in the swap cache).
 */
void SymKernel::pageout_folio(const z3::expr &g, unsigned i)
{
	if (g.is_false())
		return;
	const z3::expr fid = num(i + 1);
	{
		const SymFolio &f = s.folios[i];
		add_to_swap(mk_and(g, mk_and(mk_not(f.swapcache), mk_not(f.lazyfree))), i);
	}
	z3::expr mapped = obs_mapped(s.folios[i]);
	z3::expr failed = try_to_unmap(mk_and(g, mapped), i);
	folio_put(failed, fid);

	const SymFolio &f = s.folios[i];
	z3::expr unmapped = mk_and(g, mk_not(failed));
	z3::expr lazy = mk_and(unmapped, f.lazyfree);
	z3::expr swapped = mk_and(unmapped, mk_not(f.lazyfree));
	z3::expr frees = mk_or(mk_and(lazy, mk_eq(f.refcount, num(1))),
			       mk_and(swapped, mk_eq(f.refcount, mk_add(num(1), folio_nr_pages(f)))));
	folio_put(mk_and(unmapped, mk_not(frees)), fid);

	z3::expr out = mk_and(frees, swapped);
	z3::expr nr = folio_nr_pages(s.folios[i]);
	for (unsigned j = 0; j < nb(); j++)
		set_slot_cache(mk_and(out, mk_lt(num(j), nr)), mk_add(s.folios[i].swap, num(j)), num(0));
	assign(s.folios[i].swapcache, out, F());
	assign(s.folios[i].refcount, frees, num(0));
	free_folio(frees, i);
	visible(mk_and(frees, lazy), "shrink_folio_list: lazyfree folio freed", true);
	visible(out, "__remove_mapping: freed", true);
}

/*
 * try_to_unmap - rmap_walk() over every process in order, stopping at the
 * first try_to_unmap_one() that fails.
 */
z3::expr SymKernel::try_to_unmap(const z3::expr &g, unsigned i)
{
	z3::expr failed = F();
	for (ProcId p = 0; p < sc.procs; p++) {
		z3::expr gp = mk_and(g, mk_not(failed));
		z3::expr lazy = s.folios[i].lazyfree;
		z3::expr f1 = try_to_unmap_one_lazyfree(mk_and(gp, lazy), i, p);
		z3::expr f2 = try_to_unmap_one(mk_and(gp, mk_not(lazy)), i, p);
		failed = mk_or(failed, mk_or(f1, f2));
	}
	return failed;
}

/*
 * try_to_unmap_one - one process: its PMD mappings are split
 * (TTU_SPLIT_HUGE_PMD), then each PTE in VA order is cleared, its page's
 * slot gets one more count (swap_duplicate()), PageAnonExclusive is given
 * up (folio_try_share_anon_rmap_pte(), which fails for a maybe-pinned
 * folio: the PTE is restored and the walk aborted), the swap PTE takes the
 * exclusive bit, MM_ANONPAGES drops, the rmap and the PTE's reference go.
 */
z3::expr SymKernel::try_to_unmap_one(const z3::expr &g, unsigned i, ProcId p)
{
	if (g.is_false())
		return F();
	const z3::expr fid = num(i + 1);
	for (unsigned b = 0; b < sc.blocks(); b++) {
		const SymPmd pmd = s.procs[p].pmds[b];
		split_huge_pmd_locked(mk_and(g, mk_and(pmd.present, mk_eq(pmd.folio, fid))), p, b);
	}

	z3::expr failed = F();
	for (Va a = 0; a < sc.space; a++) {
		const SymPte pte = s.procs[p].ptes[a];
		z3::expr here = mk_and(mk_and(g, mk_not(failed)),
				       mk_and(pte.present, mk_eq(pte.folio, fid)));
		if (here.is_false())
			continue;
		z3::expr slot = mk_add(s.folios[i].swap, pte.page);
		z3::expr exclusive = page_exclusive(fid, pte.page);
		clear_pte(here, p, a);
		swap_duplicate(here, slot);
		z3::expr busy = folio_try_share_anon_rmap(mk_and(here, exclusive), fid, pte.page);
		swap_free(busy, slot);
		set_pte(busy, p, a, pte.folio, pte.page, pte.writable, pte.clean);
		failed = mk_or(failed, busy);

		z3::expr ok = mk_and(here, mk_not(busy));
		set_swp(ok, p, a, slot, exclusive);
		assign(s.procs[p].rss_anon, ok, mk_sub(s.procs[p].rss_anon, num(1)));
		folio_remove_rmap_ptes(ok, fid, pte.page, num(1));
		visible(ok, "try_to_unmap_one: folio_remove_rmap_pte", true);
		folio_put(ok, fid);
		visible(ok, "try_to_unmap_one: folio_put", true);
	}
	return failed;
}

/*
 * try_to_unmap_one_lazyfree - try_to_unmap_one() for a lazyfree folio, one
 * process. A PMD mapping goes whole (__discard_anon_folio_pmd_locked())
 * when it is clean and the references are ours and the mappings';
 * otherwise it is split (TTU_SPLIT_HUGE_PMD) and its PTEs take the PTE
 * path. Each PTE in VA order is discarded under the same check
 * (MM_ANONPAGES, folio_remove_rmap_pte(), folio_put()); a dirty one or an
 * extra reference restores the PTE, makes the folio swap-backed again and
 * aborts the walk.
 */
z3::expr SymKernel::try_to_unmap_one_lazyfree(const z3::expr &g, unsigned i, ProcId p)
{
	if (g.is_false())
		return F();
	const z3::expr fid = num(i + 1);
	SymProc &pr = s.procs[p];

	for (unsigned b = 0; b < sc.blocks(); b++) {
		SymPmd pmd = pr.pmds[b];
		z3::expr here = mk_and(g, mk_and(pmd.present, mk_eq(pmd.folio, fid)));
		if (here.is_false())
			continue;
		const SymFolio &f = s.folios[i];
		z3::expr only_mapped =
			mk_eq(f.refcount, mk_add(obs_mapcount(f), num(1)));
		z3::expr discard = mk_and(here, mk_and(pmd.clean, only_mapped));
		split_huge_pmd_locked(mk_and(here, mk_not(discard)), p, b);
		z3::expr nr = folio_nr_pages(s.folios[i]);
		clear_pmd(discard, p, b);
		folio_remove_rmap_pmd(discard, fid);
		assign(pr.rss_anon, discard, mk_sub(pr.rss_anon, nr));
		visible(discard, "__discard_anon_folio_pmd_locked: folio_remove_rmap_pmd", true);
		folio_put(discard, fid);
	}

	z3::expr failed = F();
	for (Va a = 0; a < sc.space; a++) {
		SymPte pte = pr.ptes[a];
		z3::expr here = mk_and(mk_and(g, mk_not(failed)),
				       mk_and(pte.present, mk_eq(pte.folio, fid)));
		if (here.is_false())
			continue;
		const SymFolio &f = s.folios[i];
		z3::expr only_mapped = mk_eq(f.refcount, mk_add(obs_mapcount(f), num(1)));
		z3::expr keep = mk_and(here, mk_not(mk_and(pte.clean, only_mapped)));
		assign(s.folios[i].lazyfree, keep, F());
		failed = mk_or(failed, keep);

		z3::expr discard = mk_and(here, mk_not(keep));
		clear_pte(discard, p, a);
		assign(pr.rss_anon, discard, mk_sub(pr.rss_anon, num(1)));
		folio_remove_rmap_ptes(discard, fid, pte.page, num(1));
		visible(discard, "try_to_unmap_one: lazyfree page discarded", true);
		folio_put(discard, fid);
	}
	return failed;
}

} // namespace fc::solver
