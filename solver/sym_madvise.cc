// SPDX-License-Identifier: GPL-2.0
/*
 * sym_madvise.cc - model/kernel/madvise.cc on symbolic state: MADV_FREE as
 * of v6.12 (mm/madvise.c: madvise_free_huge_pmd(), madvise_free_pte_range();
 * seed 002).
 *
 * The kernel model's walk over the VMAs of [start, end) (all anonymous:
 * check_madv_free()) is one walk here in VA order, each run ending with its
 * VMA (end_in_vma()); a PMD never straddles two VMAs.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/* folio_likely_mapped_shared() (include/linux/mm.h, v6.12) */
z3::expr SymKernel::folio_likely_mapped_shared(const z3::expr &fid) const
{
	return select(fid, [&](const SymFolio &f) {
		z3::expr mapcount = obs_mapcount(f);
		/* Let's guess based on the first subpage. */
		z3::expr large_guess =
			mk_and(mk_lt(num(1), mapcount),
			       mk_or(mk_or(mk_lt(num(0), f.entire_mapcount),
					   mk_lt(folio_nr_pages(f), mapcount)),
				     mk_lt(num(1), f.pages[0].mapcount)));
		return mk_ite(folio_large(f), large_guess, mk_lt(num(1), mapcount));
	});
}

/* folio_mark_lazyfree() (mm/swap.c): PG_swapbacked cleared on a swap-backed anon folio outside the swap cache. */
void SymKernel::folio_mark_lazyfree(const z3::expr &g, const z3::expr &fid)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		const SymFolio &f = s.folios[i];
		assign(s.folios[i].lazyfree, mk_and(gi, mk_and(f.anon, mk_not(f.swapcache))), T());
	});
}

/*
 * madvise_free - madvise_free_single_vma() of [@start, @end):
 * walk_page_range() calls madvise_free_pte_range() per PMD block, which
 * first tries madvise_free_huge_pmd() on a PMD; a PMD it leaves in place
 * (mapped shared, or a split that failed) is skipped.
 */
void SymKernel::madvise_free(const z3::expr &g, ProcId p, const z3::expr &start,
			     const z3::expr &end)
{
	if (g.is_false())
		return;
	for (unsigned b = 0; b < sc.blocks(); b++) {
		BlockRange r = block_range(g, b, start, end);
		if (r.overlap.is_false())
			continue;
		z3::expr had_pmd = s.procs[p].pmds[b].present;
		z3::expr done = madvise_free_huge_pmd(mk_and(r.overlap, had_pmd), p, b, r.whole);
		z3::expr still_pmd = s.procs[p].pmds[b].present;
		z3::expr walk = mk_and(r.overlap, mk_not(mk_or(done, mk_and(had_pmd, still_pmd))));
		madvise_free_pte_range(walk, p, b, r.lo, r.hi);
	}
	visible(g, "madvise_free: done", true);
}

/*
 * madvise_free_huge_pmd - a folio that looks mapped shared is left alone; a
 * range covering the PMD in part splits the folio (split_folio() under our
 * reference, then the caller walks its PTEs); otherwise the PMD is cleaned
 * (pmd_mkclean()) and the folio marked lazyfree.
 */
z3::expr SymKernel::madvise_free_huge_pmd(const z3::expr &g, ProcId p, unsigned b,
					  const z3::expr &whole)
{
	if (g.is_false())
		return F();
	z3::expr fid = s.procs[p].pmds[b].folio;
	z3::expr alone = mk_and(g, mk_not(folio_likely_mapped_shared(fid)));

	z3::expr partial = mk_and(alone, mk_not(whole));
	folio_get(partial, fid);
	visible(partial, "madvise_free_huge_pmd: folio_get");
	split_folio(partial, fid);
	folio_put(partial, fid);

	z3::expr full = mk_and(alone, whole);
	assign(s.procs[p].pmds[b].clean, full, T());
	folio_mark_lazyfree(full, fid);
	return full;
}

/*
 * madvise_free_pte_range - the PTEs of block @b in [@lo, @hi), from each VA
 * the walk reaches (@cursor: where the previous run ended). A swap PTE is
 * zapped (free_swap_and_cache_nr()). For a large
 * folio the run is __folio_pte_batch(); a run shorter than the folio is
 * skipped when the folio looks shared, else the folio is split and the VA
 * looked at again (now an order-0 folio), or the run skipped if the split
 * failed. A large folio not mapped exactly once per page is skipped, a
 * swap-cache folio a swap PTE still needs too (folio_free_swap()); the run
 * is cleaned (clear_young_dirty_ptes()) and the folio marked lazyfree.
 *
 * Mutant madv_free_skips_batch_check: the run is the rest of the folio
 * without the batch check, so PTEs of other folios are cleaned with it.
 */
void SymKernel::madvise_free_pte_range(const z3::expr &g, ProcId p, unsigned b,
				       const z3::expr &lo, const z3::expr &hi)
{
	if (g.is_false())
		return;
	Va start = Va{b} * nb(), end = start + nb();
	z3::expr cursor = lo;

	for (Va a = start; a < end; a++) {
		z3::expr va = num(static_cast<int64_t>(a));
		z3::expr walked = mk_and(g, mk_and(mk_le(cursor, va), mk_lt(va, hi)));
		z3::expr swapped = mk_and(walked, s.procs[p].swps[a].present);
		zap_nonpresent_pte(swapped, p, a);
		SymPte pte = s.procs[p].ptes[a];
		z3::expr reached = mk_and(walked, pte.present);
		if (reached.is_false())
			continue;
		z3::expr fid = pte.folio;
		z3::expr large = select(fid, [](const SymFolio &f) { return folio_large(f); });
		z3::expr nr_pages = select(fid, [&](const SymFolio &f) { return folio_nr_pages(f); });
		/* madvise_free_single_vma() per VMA: a run ends with the VMA */
		z3::expr vend = end_in_vma(p, a, hi);
		z3::expr batch = __folio_pte_batch(p, a, vend);
		if (mutant(Mutant::madv_free_skips_batch_check)) {
			z3::expr rest = mk_sub(nr_pages, pte.page), left = mk_sub(vend, va);
			batch = mk_ite(mk_lt(rest, left), rest, left);
		}
		z3::expr nr = mk_ite(large, batch, num(1));

		z3::expr short_run = mk_and(mk_and(reached, large), mk_lt(nr, nr_pages));
		z3::expr shared = folio_likely_mapped_shared(fid);
		z3::expr try_split = mk_and(short_run, mk_not(shared));
		folio_get(try_split, fid);
		visible(try_split, "madvise_free_pte_range: folio_get");
		z3::expr split = split_folio(try_split, fid);
		folio_put(try_split, fid);

		/* The PTE at @a again: unchanged, or an order-0 folio after the split. */
		z3::expr look = mk_or(mk_and(reached, mk_not(short_run)), split);
		SymPte now = s.procs[p].ptes[a];
		z3::expr run = mk_ite(split, num(1), nr);
		z3::expr now_large = select(now.folio, [](const SymFolio &f) { return folio_large(f); });
		z3::expr mapped_once = select(now.folio, [](const SymFolio &f) {
			return mk_eq(obs_mapcount(f), folio_nr_pages(f));
		});
		z3::expr candidate = mk_and(look, mk_or(mk_not(now_large), mapped_once));
		z3::expr cached = select(now.folio, [](const SymFolio &f) { return f.swapcache; });
		z3::expr dropped = folio_free_swap(mk_and(candidate, cached), now.folio);
		z3::expr mark = mk_and(candidate, mk_or(mk_not(cached), dropped));
		for (Va x = a; x < end; x++) {
			z3::expr in = mk_and(mark, mk_and(s.procs[p].ptes[x].present,
							  mk_lt(num(static_cast<int64_t>(x - a)), run)));
			assign(s.procs[p].ptes[x].clean, in, T());
		}
		folio_mark_lazyfree(mark, now.folio);

		cursor = mk_ite(reached, mk_add(va, run), mk_ite(swapped, mk_add(va, num(1)), cursor));
	}
}

} // namespace fc::solver
