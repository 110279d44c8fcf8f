// SPDX-License-Identifier: GPL-2.0
/*
 * sym_vmscan.cc - the `reclaim` statement of model/kernel/vmscan.cc and
 * madvise.cc on symbolic state: shrink_folio_list() of mm/vmscan.c over the
 * lazyfree folios and try_to_unmap_one() of mm/rmap.c for a lazyfree folio,
 * as of v6.12.
 *
 * The encoding has no swap: a lazyfree folio is never in the swap cache, so
 * only the lazyfree branches of shrink_folio_list() and pageout run here.
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
		shrink_lazyfree_folio(mk_and(g, mk_and(folio_live(s, i), f.lazyfree)), i);
	}
}

/*
 * shrink_lazyfree_folio - shrink_folio_list() of the lazyfree folio in slot
 * @i: isolated (folio_isolate_lru(), a reference), unmapped
 * (try_to_unmap(), which may find it redirtied or referenced and give up),
 * then freed if folio_ref_freeze(folio, 1) succeeds, i.e. our reference is
 * the only one; else put back.
 */
void SymKernel::shrink_lazyfree_folio(const z3::expr &g, unsigned i)
{
	if (g.is_false())
		return;
	const z3::expr fid = num(i + 1);
	folio_get(g, fid);
	visible(g, "folio_isolate_lru", true);

	z3::expr mapped = mk_lt(num(0), obs_mapcount(s.folios[i]));
	z3::expr failed = try_to_unmap_lazyfree(mk_and(g, mapped), i);
	folio_put(failed, fid);

	z3::expr unmapped = mk_and(g, mk_not(failed));
	z3::expr sole = mk_eq(s.folios[i].refcount, num(1));
	folio_put(mk_and(unmapped, mk_not(sole)), fid);
	z3::expr discard = mk_and(unmapped, sole);
	assign(s.folios[i].refcount, discard, num(0));
	free_folio(discard, i);
	visible(discard, "shrink_folio_list: lazyfree folio freed", true);
}

/*
 * try_to_unmap_lazyfree - try_to_unmap(): rmap_walk() over every process in
 * order, stopping at the first try_to_unmap_one() that fails.
 */
z3::expr SymKernel::try_to_unmap_lazyfree(const z3::expr &g, unsigned i)
{
	z3::expr failed = F();
	for (ProcId p = 0; p < sc.procs; p++)
		failed = mk_or(failed, try_to_unmap_one_lazyfree(mk_and(g, mk_not(failed)), i, p));
	return failed;
}

/*
 * try_to_unmap_one_lazyfree - try_to_unmap_one() for the lazyfree folio in
 * slot @i, one process. A PMD mapping goes whole
 * (__discard_anon_folio_pmd_locked()) when it is clean and the references
 * are ours and the mappings'; otherwise it is split (TTU_SPLIT_HUGE_PMD)
 * and its PTEs take the PTE path. Each PTE in VA order is discarded under
 * the same check (MM_ANONPAGES, folio_remove_rmap_pte(), folio_put());
 * a dirty one or an extra reference restores the PTE, makes the folio
 * swap-backed again and aborts the walk.
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
