// SPDX-License-Identifier: GPL-2.0
/*
 * sym_rmap.cc - model/kernel/rmap.cc on symbolic state: mm/rmap.c and
 * include/linux/rmap.h as of v6.12. Same functions, same order of updates;
 * the mutants change the same lines.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/* folio_maybe_dma_pinned() (include/linux/mm.h). */
z3::expr SymKernel::folio_maybe_dma_pinned(const z3::expr &fid) const
{
	return select(fid, [](const SymFolio &f) { return obs_maybe_pinned(f); });
}

/* folio_needs_cow_for_dma() (include/linux/mm.h): MMF_HAS_PINNED first. */
z3::expr SymKernel::folio_needs_cow_for_dma(ProcId p, const z3::expr &fid) const
{
	return mk_and(s.procs[p].has_pinned, folio_maybe_dma_pinned(fid));
}

/*
 * folio_add_new_anon_rmap - the first mapping of a freshly allocated folio
 * (it becomes anon), exclusive unless do_swap_page() says otherwise: order
 * 0 maps page 0; a large folio either every page by PTE or the whole folio
 * by one PMD.
 */
void SymKernel::folio_add_new_anon_rmap(const z3::expr &g, const z3::expr &fid, bool pmd_mapped)
{
	folio_add_new_anon_rmap(g, fid, pmd_mapped, T());
}

void SymKernel::folio_add_new_anon_rmap(const z3::expr &g, const z3::expr &fid, bool pmd_mapped,
					const z3::expr &exclusive)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr large = folio_large(f);
		z3::expr small = mk_and(gi, mk_not(large));
		z3::expr gl = mk_and(gi, large);

		assign(f.anon, gi, T());
		assign(f.pages[0].mapcount, small, num(1));
		assign(f.pages[0].exclusive, small, exclusive);
		if (!pmd_mapped) {
			z3::expr nr = folio_nr_pages(f);
			for (unsigned j = 0; j < nb(); j++) {
				z3::expr gj = mk_and(gl, page_exists(f, j));
				assign(f.pages[j].mapcount, gj, num(1));
				assign(f.pages[j].exclusive, gj, exclusive);
			}
			assign(f.large_mapcount, gl, nr);   /* folio_set_large_mapcount(nr) */
			assign(f.nr_pages_mapped, gl, nr);
		} else {
			assign(f.entire_mapcount, gl, num(1));
			assign(f.large_mapcount, gl, num(1));
			assign(f.nr_pages_mapped, gl, num(0)); /* ENTIRELY_MAPPED only */
			assign(f.pages[0].exclusive, gl, exclusive);
		}
	});
}

/*
 * __folio_add_rmap_ptes - __folio_add_rmap(RMAP_LEVEL_PTE) on the folio in
 * slot @i: each page's _mapcount, the newly mapped pages into
 * _nr_pages_mapped, @nr into _large_mapcount.
 */
static void add_rmap_ptes(SymKernel &k, const z3::expr &gi, unsigned i, const z3::expr &page,
			  const z3::expr &nr)
{
	SymFolio &f = k.s.folios[i];
	z3::expr large = folio_large(f);
	z3::expr small = mk_and(gi, mk_not(large));
	z3::expr gl = mk_and(gi, large);

	assign(f.pages[0].mapcount, small, mk_add(f.pages[0].mapcount, k.num(1)));

	std::vector<z3::expr> first;
	for (unsigned j = 0; j < k.nb(); j++) {
		z3::expr gj = mk_and(gl, k.in_pages(j, page, nr));
		first.push_back(mk_and(gj, mk_eq(f.pages[j].mapcount, k.num(0))));
		assign(f.pages[j].mapcount, gj, mk_add(f.pages[j].mapcount, k.num(1)));
	}
	std::vector<z3::expr> counted;
	for (const z3::expr &e : first)
		counted.push_back(count_if(e));
	assign(f.nr_pages_mapped, gl, mk_add(f.nr_pages_mapped, sum_of(k.c, counted)));
	assign(f.large_mapcount, gl, mk_add(f.large_mapcount, nr));
}

/*
 * folio_add_anon_rmap_ptes - __folio_add_anon_rmap() with RMAP_LEVEL_PTE:
 * __folio_add_rmap(), and RMAP_EXCLUSIVE sets PageAnonExclusive on every
 * page.
 */
void SymKernel::folio_add_anon_rmap_ptes(const z3::expr &g, const z3::expr &fid,
					 const z3::expr &page, const z3::expr &nr,
					 const z3::expr &exclusive)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		add_rmap_ptes(*this, gi, i, page, nr);
		for (unsigned j = 0; j < nb(); j++)
			assign(s.folios[i].pages[j].exclusive,
			       mk_and(mk_and(gi, exclusive), in_pages(j, page, nr)), T());
	});
}

/*
 * folio_add_file_rmap_ptes - __folio_add_file_rmap() with RMAP_LEVEL_PTE:
 * the same counters for a page-cache folio, once for the whole run
 * set_pte_range() maps (seed 004).
 *
 * Mutant file_rmap_once_per_batch: the run counts as one mapping of its
 * first page.
 */
void SymKernel::folio_add_file_rmap_ptes(const z3::expr &g, const z3::expr &fid,
					 const z3::expr &page, const z3::expr &nr)
{
	const z3::expr counted = mutant(Mutant::file_rmap_once_per_batch) ? num(1) : nr;
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		add_rmap_ptes(*this, gi, i, page, counted);
	});
}

/*
 * folio_dup_file_rmap_ptes - __folio_dup_file_rmap() (fork): the pages are
 * mapped already, so only the per-page and the large mapcount grow.
 */
void SymKernel::folio_dup_file_rmap_ptes(const z3::expr &g, const z3::expr &fid,
					 const z3::expr &page, const z3::expr &nr)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr large = folio_large(f);
		z3::expr small = mk_and(gi, mk_not(large));
		z3::expr gl = mk_and(gi, large);
		assign(f.pages[0].mapcount, small, mk_add(f.pages[0].mapcount, num(1)));
		for (unsigned j = 0; j < nb(); j++) {
			z3::expr gj = mk_and(gl, in_pages(j, page, nr));
			assign(f.pages[j].mapcount, gj, mk_add(f.pages[j].mapcount, num(1)));
		}
		assign(f.large_mapcount, gl, mk_add(f.large_mapcount, nr));
	});
}

/*
 * folio_remove_rmap_ptes - __folio_remove_rmap(RMAP_LEVEL_PTE), v6.12: the
 * pages that became unmapped ("last") leave _nr_pages_mapped; if some did
 * while the folio is not entirely mapped and some page stays mapped, an anon
 * folio not yet flagged is queued as partially mapped.
 *
 * Mutants: batch_nr_pages_mapped_once subtracts 1 instead of "last";
 * partial_unmap_no_queue never queues.
 */
void SymKernel::folio_remove_rmap_ptes(const z3::expr &g, const z3::expr &fid,
				       const z3::expr &page, const z3::expr &nr)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr large = folio_large(f);
		z3::expr small = mk_and(gi, mk_not(large));
		z3::expr gl = mk_and(gi, large);

		assign(f.pages[0].mapcount, small, mk_sub(f.pages[0].mapcount, num(1)));

		assign(f.large_mapcount, gl, mk_sub(f.large_mapcount, nr));
		std::vector<z3::expr> last;
		for (unsigned j = 0; j < nb(); j++) {
			z3::expr gj = mk_and(gl, in_pages(j, page, nr));
			z3::expr left = mk_sub(f.pages[j].mapcount, num(1));
			last.push_back(count_if(mk_and(gj, mk_eq(left, num(0)))));
			assign(f.pages[j].mapcount, gj, left);
		}
		z3::expr nlast = sum_of(c, last);
		z3::expr some = mk_lt(num(0), nlast);
		z3::expr sub = mutant(Mutant::batch_nr_pages_mapped_once) ? count_if(some) : nlast;
		z3::expr mapped = mk_sub(f.nr_pages_mapped, sub);
		assign(f.nr_pages_mapped, gl, mapped);

		/* raw _nr_pages_mapped < ENTIRELY_MAPPED iff no entire mapping */
		z3::expr partially = mk_and(mk_and(some, mk_eq(f.entire_mapcount, num(0))),
					    mk_ne(mapped, num(0)));
		if (!mutant(Mutant::partial_unmap_no_queue))
			deferred_split_folio(mk_and(mk_and(mk_and(gl, partially), f.anon),
						    mk_not(f.partially_mapped)),
					     i, true);
	});
}

/*
 * folio_remove_rmap_pmd - __folio_remove_rmap(RMAP_LEVEL_PMD): when the last
 * entire mapping goes, the pages not PTE-mapped become unmapped; partially
 * mapped if some, not all, did.
 */
void SymKernel::folio_remove_rmap_pmd(const z3::expr &g, const z3::expr &fid)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		assign(f.large_mapcount, gi, mk_sub(f.large_mapcount, num(1)));
		z3::expr entire = mk_sub(f.entire_mapcount, num(1));
		assign(f.entire_mapcount, gi, entire);

		z3::expr last_entire = mk_eq(entire, num(0));
		z3::expr nr_pages = folio_nr_pages(f);
		z3::expr nr = mk_sub(nr_pages, f.nr_pages_mapped);
		nr = mk_ite(mk_lt(nr, num(0)), num(0), nr);
		z3::expr partially = mk_and(last_entire, mk_and(mk_lt(num(0), nr), mk_lt(nr, nr_pages)));
		if (!mutant(Mutant::partial_unmap_no_queue))
			deferred_split_folio(mk_and(mk_and(mk_and(gi, partially), f.anon),
						    mk_not(f.partially_mapped)),
					     i, true);
	});
}

/*
 * folio_try_dup_anon_rmap_ptes - fork shares the pages unless the folio may
 * be pinned and one of them is exclusive (-EBUSY: the caller copies).
 *
 * Mutant dup_ignores_pin: maybe_pinned is never considered.
 */
z3::expr SymKernel::folio_try_dup_anon_rmap_ptes(const z3::expr &g, const z3::expr &fid,
						 const z3::expr &page, const z3::expr &nr, ProcId src)
{
	z3::expr maybe_pinned = mutant(Mutant::dup_ignores_pin) ? F()
								 : folio_needs_cow_for_dma(src, fid);
	z3::expr any_exclusive = select(fid, [&](const SymFolio &f) {
		z3::expr r = F();
		for (unsigned j = 0; j < nb(); j++)
			r = mk_or(r, mk_and(in_pages(j, page, nr), f.pages[j].exclusive));
		return r;
	});
	z3::expr fail = mk_and(g, mk_and(maybe_pinned, any_exclusive));
	z3::expr ok = mk_and(g, mk_not(fail));

	for_folio(ok, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr large = folio_large(f);
		z3::expr small = mk_and(gi, mk_not(large));
		z3::expr gl = mk_and(gi, large);

		assign(f.pages[0].exclusive, small, F());
		assign(f.pages[0].mapcount, small, mk_add(f.pages[0].mapcount, num(1)));
		for (unsigned j = 0; j < nb(); j++) {
			z3::expr gj = mk_and(gl, in_pages(j, page, nr));
			assign(f.pages[j].exclusive, gj, F());
			assign(f.pages[j].mapcount, gj, mk_add(f.pages[j].mapcount, num(1)));
		}
		assign(f.large_mapcount, gl, mk_add(f.large_mapcount, nr));
	});
	return fail;
}

/* folio_try_dup_anon_rmap_pmd - __folio_try_dup_anon_rmap(RMAP_LEVEL_PMD). */
z3::expr SymKernel::folio_try_dup_anon_rmap_pmd(const z3::expr &g, const z3::expr &fid, ProcId src)
{
	z3::expr maybe_pinned = mutant(Mutant::dup_ignores_pin) ? F()
								 : folio_needs_cow_for_dma(src, fid);
	z3::expr exclusive = select(fid, [](const SymFolio &f) { return f.pages[0].exclusive; });
	z3::expr fail = mk_and(g, mk_and(exclusive, maybe_pinned));
	z3::expr ok = mk_and(g, mk_not(fail));

	for_folio(ok, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		assign(f.pages[0].exclusive, gi, F());
		assign(f.entire_mapcount, gi, mk_add(f.entire_mapcount, num(1)));
		assign(f.large_mapcount, gi, mk_add(f.large_mapcount, num(1)));
	});
	return fail;
}

/*
 * folio_try_share_anon_rmap_pte/pmd - clear PageAnonExclusive before the
 * mapping is replaced by a migration or swap entry, unless the folio may be
 * pinned (then it fails).
 * The PMD variant is page 0.
 *
 * Mutant swapout_ignores_pin: maybe-pinned folios are shared as well.
 */
z3::expr SymKernel::folio_try_share_anon_rmap(const z3::expr &g, const z3::expr &fid,
					      const z3::expr &page)
{
	z3::expr refuse = mutant(Mutant::swapout_ignores_pin) ? F() : folio_maybe_dma_pinned(fid);
	set_page_exclusive(mk_and(g, mk_not(refuse)), fid, page, F());
	return mk_and(g, refuse);
}

} // namespace fc::solver
