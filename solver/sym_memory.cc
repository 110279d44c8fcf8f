// SPDX-License-Identifier: GPL-2.0
/*
 * sym_memory.cc - model/kernel/memory.cc on symbolic state: mm/memory.c as
 * of v6.12 (anonymous and write faults, fork's copy_present_ptes(), the
 * batched zap and its mmu_gather).
 *
 * The kernel model's loops over present PTEs ("the next PTE at or after
 * addr", "skip the batch just handled") become loops over every VA of the
 * range, each under the condition that the walk reaches it.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/*
 * do_anonymous_page - a new folio of order @order at @va: nr references
 * (folio_ref_add(nr - 1) after the allocation's one), mapped exclusive and
 * writable by nr PTEs.
 */
void SymKernel::do_anonymous_page(const z3::expr &g, ProcId p, Va va, unsigned order)
{
	if (g.is_false())
		return;
	z3::expr fid = folio_alloc(g, num(order));
	unsigned nr = 1u << order;

	if (nr > 1)
		folio_ref_add(g, fid, num(nr - 1));
	assign(s.procs[p].rss_anon, g, mk_add(s.procs[p].rss_anon, num(nr)));
	folio_add_new_anon_rmap(g, fid, false);
	for (unsigned i = 0; i < nr; i++)
		set_pte(g, p, va + i, fid, num(i), T());
}

/*
 * handle_write_fault - a write (or, when @unshare holds, a GUP unshare)
 * fault at @va: do_swap_page() on a swap PTE; do_huge_pmd_wp_page() on a
 * read-only PMD, falling back to the PTE level after it split the PMD; if
 * nothing is mapped, a new anon page, or in a file VMA do_shared_fault()
 * (the page-cache page, writable) or do_cow_fault(); do_wp_page() on a
 * read-only PTE. Writable mappings need nothing.
 */
void SymKernel::handle_write_fault(const z3::expr &gin, ProcId p, Va va, const z3::expr &unshare)
{
	if (gin.is_false())
		return;
	z3::expr swapped = mk_and(mk_and(gin, mk_not(unshare)), s.procs[p].swps[va].present);
	do_swap_page(swapped, p, va, T());
	const z3::expr g = mk_and(gin, mk_not(swapped));
	SymPmd pmd = s.procs[p].pmds[va / nb()];
	z3::expr on_pmd = mk_and(g, pmd.present);
	z3::expr reused = do_huge_pmd_wp_page(mk_and(on_pmd, mk_not(pmd.writable)), p, va, unshare);
	z3::expr pte_level = mk_and(mk_and(g, mk_not(mk_and(on_pmd, pmd.writable))), mk_not(reused));

	SymPte pte = s.procs[p].ptes[va];
	z3::expr none = mk_and(pte_level, mk_not(pte.present));
	z3::expr read_only = mk_and(pte_level, mk_and(pte.present, mk_not(pte.writable)));
	const SymVmaPage vma = s.procs[p].vmas[va];
	z3::expr file = mk_ne(vma.file, num(0));
	do_read_fault(mk_and(mk_and(none, file), vma.shared), p, va);
	do_cow_fault(mk_and(mk_and(none, file), mk_not(vma.shared)), p, va);
	do_anonymous_page(mk_and(none, mk_not(file)), p, va, 0);
	do_wp_page(read_only, p, va, unshare);
}

/* pte_mkdirty - the write went through the PMD or the PTE at @va. */
void SymKernel::pte_mkdirty(const z3::expr &g, ProcId p, Va va)
{
	SymPmd &pmd = s.procs[p].pmds[va / nb()];
	SymPte &pte = s.procs[p].ptes[va];
	const z3::expr on_pmd = pmd.present, on_pte = pte.present;
	assign(pmd.clean, mk_and(g, on_pmd), F());
	assign(pte.clean, mk_and(g, mk_and(mk_not(on_pmd), on_pte)), F());
}

/*
 * wp_can_reuse_anon_folio - never a large folio (v6.12); an order-0 folio
 * only if ours is the only reference besides the swap cache's, which is
 * dropped first if no swap PTE needs it (folio_free_swap()).
 *
 * Mutant cow_reuse_shared: any order-0 folio.
 */
z3::expr SymKernel::wp_can_reuse_anon_folio(const z3::expr &g, const z3::expr &fid)
{
	z3::expr small = select(fid, [](const SymFolio &f) { return mk_not(folio_large(f)); });
	if (mutant(Mutant::cow_reuse_shared))
		return small;
	z3::expr cache = select(fid, [](const SymFolio &f) { return f.swapcache; });
	z3::expr refcount = select(fid, [](const SymFolio &f) { return f.refcount; });
	z3::expr may = mk_and(small, mk_le(refcount, mk_add(num(1), count_if(cache))));
	folio_free_swap(mk_and(mk_and(g, may), cache), fid);
	refcount = select(fid, [](const SymFolio &f) { return f.refcount; });
	return mk_and(may, mk_eq(refcount, num(1)));
}

/*
 * do_wp_page - in a shared mapping the PTE becomes writable on a write
 * (wp_page_shared()); in a private one an anon page that is AnonExclusive or
 * that wp_can_reuse_anon_folio() allows is reused (a write makes the PTE
 * writable, an unshare does not); everything else, page-cache pages
 * included, is copied.
 */
void SymKernel::do_wp_page(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare)
{
	if (g.is_false())
		return;
	SymPte pte = s.procs[p].ptes[va];
	const z3::expr shared = s.procs[p].vmas[va].shared;
	assign(s.procs[p].ptes[va].writable, mk_and(mk_and(g, shared), mk_not(unshare)), T());

	z3::expr priv = mk_and(g, mk_not(shared));
	z3::expr anon = mk_and(priv, select(pte.folio, [](const SymFolio &f) { return f.anon; }));
	z3::expr exclusive = page_exclusive(pte.folio, pte.page);
	z3::expr reuse = mk_and(anon, mk_or(exclusive, wp_can_reuse_anon_folio(
						       mk_and(anon, mk_not(exclusive)), pte.folio)));

	set_page_exclusive(reuse, pte.folio, pte.page, T());
	assign(s.procs[p].ptes[va].writable, mk_and(reuse, mk_not(unshare)), T());
	wp_page_copy(mk_and(priv, mk_not(reuse)), p, va, unshare);
}

/*
 * wp_page_copy - COW: a reference on the old folio, anon_vma_prepare(), a
 * new exclusive order-0 folio mapped at @va (a page-cache page's RSS moves
 * to MM_ANONPAGES), the old page's rmap removed, two references dropped.
 */
void SymKernel::wp_page_copy(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare)
{
	if (g.is_false())
		return;
	SymPte old = s.procs[p].ptes[va];

	folio_get(g, old.folio);
	visible(g, "wp_page_copy: folio_get on the old folio");
	anon_vma_prepare(g, p, va);
	z3::expr nid = folio_alloc(g, num(0));
	z3::expr from_file =
		mk_and(g, select(old.folio, [](const SymFolio &f) { return mk_not(f.anon); }));
	SymProc &pr = s.procs[p];
	assign(pr.rss_file, from_file, mk_sub(pr.rss_file, num(1)));
	assign(pr.rss_anon, from_file, mk_add(pr.rss_anon, num(1)));
	folio_add_new_anon_rmap(g, nid, false);
	set_pte(g, p, va, nid, num(0), mk_not(unshare));
	page_replaced(g, p, va, old.folio, old.page);

	folio_remove_rmap_ptes(g, old.folio, old.page, num(1));
	visible(g, "wp_page_copy: folio_remove_rmap_pte on the old page", true);
	folio_put(g, old.folio);
	visible(g, "wp_page_copy: old PTE's reference dropped", true);
	free_swap_cache(g, old.folio);
	folio_put(g, old.folio);
}

/*
 * folio_pte_batch - how many PTEs from @va (below @end and inside the PTE
 * table) map consecutive pages of the folio @va maps, if it is large and the
 * variant batches; else 1. Writability is ignored.
 */
z3::expr SymKernel::folio_pte_batch(ProcId p, Va va, const z3::expr &end) const
{
	if (unbatched())
		return num(1);
	return __folio_pte_batch(p, va, end);
}

z3::expr SymKernel::__folio_pte_batch(ProcId p, Va va, const z3::expr &end) const
{
	const SymPte &first = s.procs[p].ptes[va];
	z3::expr large = select(first.folio, [](const SymFolio &f) { return folio_large(f); });
	z3::expr nr_pages = select(first.folio, [&](const SymFolio &f) { return folio_nr_pages(f); });
	Va table_end = va - va % nb() + nb();

	z3::expr go_on = T();
	std::vector<z3::expr> more;
	for (Va a = va + 1; a < table_end; a++) {
		const SymPte &pte = s.procs[p].ptes[a];
		z3::expr m = num(static_cast<int64_t>(a - va));
		go_on = mk_and(go_on, mk_and(mk_lt(num(static_cast<int64_t>(a)), end),
					     mk_lt(mk_add(first.page, m), nr_pages)));
		go_on = mk_and(go_on, mk_and(pte.present, mk_and(mk_eq(pte.folio, first.folio),
								mk_eq(pte.page, mk_add(first.page, m)))));
		more.push_back(count_if(go_on));
	}
	return mk_ite(large, mk_add(num(1), sum_of(c, more)), num(1));
}

/*
 * copy_page_range - fork: each PMD block in VA order, copy_huge_pmd() for a
 * PMD (copy_pte_range() after it split one), copy_pte_range() otherwise.
 * The kernel walks VMA by VMA, skipping those that need no copy; a PMD
 * never straddles a VMA, and copy_pte_range() follows the VMAs inside a
 * block.
 */
void SymKernel::copy_page_range(const z3::expr &g, ProcId src, ProcId dst)
{
	if (g.is_false())
		return;
	for (unsigned b = 0; b < sc.blocks(); b++) {
		z3::expr had_pmd = s.procs[src].pmds[b].present;
		z3::expr fail = copy_huge_pmd(mk_and(g, had_pmd), src, dst, b);
		lemma_point(mk_and(g, had_pmd), "copy_huge_pmd: done");
		copy_pte_range(mk_and(g, mk_or(mk_not(had_pmd), fail)), src, dst, b);
	}
	visible(g, "copy_page_range: done", true);
}

/*
 * copy_pte_range - block @b, one kernel copy_pte_range() call per VMA that
 * vma_needs_copy() (@chunk: the part of the block in one VMA): first
 * copy_nonpresent_pte() for each swap PTE of the chunk, then
 * copy_present_ptes() for each present PTE, batches ending with the chunk;
 * the child's rss is added at the end of each chunk.
 * From each VA the walk reaches (@cursor: the batch before it ended there):
 *  - a page-cache folio: folio_ref_add(nr), folio_dup_file_rmap_ptes();
 *  - a large anon folio, batched: folio_ref_add(nr) and share the batch; if
 *    that fails (-EAGAIN: pinned, some page exclusive), undo and take the
 *    VA alone with a preallocated folio;
 *  - alone (order 0, unbatched, or after the failed batch): folio_get() and
 *    share the page; if that fails without a preallocated folio, allocate
 *    one and retry; with one, copy_present_page() gives the child a copy.
 * Shared PTEs become read-only on both sides.
 */
void SymKernel::copy_pte_range(const z3::expr &g, ProcId src, ProcId dst, unsigned b)
{
	if (g.is_false())
		return;
	Va start = Va{b} * nb(), end = start + nb();
	z3::expr cursor = num(static_cast<int64_t>(start));
	z3::expr rss_anon = num(0), rss_file = num(0);
	SymProc &child = s.procs[dst];
	auto add_rss = [&](const z3::expr &when) {
		assign(child.rss_anon, when, mk_add(child.rss_anon, rss_anon));
		assign(child.rss_file, when, mk_add(child.rss_file, rss_file));
	};

	for (Va a = start; a < end; a++) {
		z3::expr copied = mk_and(g, vma_needs_copy(src, a));
		z3::expr vend = end_in_vma(src, a, num(static_cast<int64_t>(end)));
		/* a VMA starts inside the block: the previous call's rss, then this chunk's swap PTEs */
		z3::expr chunk = a == start ? copied : mk_and(copied, mk_not(vma_linked(src, a - 1)));
		if (a != start) {
			z3::expr ended = mk_and(g, mk_not(vma_linked(src, a - 1)));
			add_rss(ended);
			rss_anon = mk_ite(ended, num(0), rss_anon);
			rss_file = mk_ite(ended, num(0), rss_file);
		}
		/* copy_nonpresent_pte(): both share the slot, neither entry exclusive any more */
		for (Va x = a; x < end; x++) {
			const SymSwp from = s.procs[src].swps[x];
			z3::expr gs = mk_and(mk_and(chunk, from.present),
					     mk_lt(num(static_cast<int64_t>(x)), vend));
			if (gs.is_false())
				continue;
			swap_duplicate(gs, from.slot);
			assign(s.procs[src].swps[x].exclusive, gs, F());
			set_swp(gs, dst, x, from.slot, F());
		}

		SymPte pte = s.procs[src].ptes[a];
		z3::expr reached = mk_and(mk_and(copied, pte.present),
					  mk_le(cursor, num(static_cast<int64_t>(a))));
		if (reached.is_false())
			continue;
		z3::expr fid = pte.folio, page = pte.page;
		z3::expr anon = select(fid, [](const SymFolio &f) { return f.anon; });
		z3::expr large = select(fid, [](const SymFolio &f) { return folio_large(f); });
		z3::expr nr = folio_pte_batch(src, a, vend);

		/* a page-cache folio: no exclusive pages, nothing can fail */
		z3::expr file = mk_and(reached, mk_not(anon));
		folio_ref_add(file, fid, nr);
		folio_dup_file_rmap_ptes(file, fid, page, nr);
		visible(file, "copy_present_ptes: folio_dup_file_rmap_ptes");

		z3::expr in_anon = mk_and(reached, anon);
		z3::expr batched = unbatched() ? F() : mk_and(in_anon, large);
		folio_ref_add(batched, fid, nr);
		visible(batched, "copy_present_ptes: folio_ref_add");
		z3::expr batch_fail = folio_try_dup_anon_rmap_ptes(batched, fid, page, nr, src);
		folio_ref_sub(batch_fail, fid, nr);
		z3::expr batch_ok = mk_and(batched, mk_not(batch_fail));

		/* alone: first attempt (no preallocated folio unless the batch failed) */
		z3::expr alone = mk_and(in_anon, mk_not(batched));
		z3::expr single = mk_or(alone, batch_fail);
		folio_get(single, fid);
		visible(single, "copy_present_ptes: folio_get");
		z3::expr fail1 = folio_try_dup_anon_rmap_ptes(single, fid, page, num(1), src);
		folio_put(fail1, fid);
		/* folio_prealloc() and retry */
		z3::expr retry = mk_and(alone, fail1);
		folio_get(retry, fid);
		visible(retry, "copy_present_ptes: folio_get");
		z3::expr fail2 = folio_try_dup_anon_rmap_ptes(retry, fid, page, num(1), src);
		folio_put(fail2, fid);

		/* copy_present_page(): the child gets its own page, writable as the VMA is */
		z3::expr copy = mk_or(mk_and(batch_fail, fail1), fail2);
		z3::expr nid = folio_alloc(copy, num(0));
		folio_add_new_anon_rmap(copy, nid, false);
		set_pte(copy, dst, a, nid, num(0), s.procs[src].vmas[a].write);
		rss_anon = mk_add(rss_anon, count_if(copy));
		visible(copy, "copy_present_page: child copy mapped");

		/* __copy_present_ptes(): wrprotect both sides */
		z3::expr shared_anon = mk_or(batch_ok, mk_or(mk_and(single, mk_not(fail1)),
							     mk_and(retry, mk_not(fail2))));
		z3::expr shared = mk_or(file, shared_anon);
		z3::expr shared_nr = mk_ite(mk_or(file, batch_ok), nr, num(1));
		for (Va x = a; x < end; x++) {
			z3::expr in = mk_and(shared, mk_lt(num(static_cast<int64_t>(x - a)), shared_nr));
			if (in.is_false())
				continue;
			SymPte from = s.procs[src].ptes[x];
			assign(s.procs[src].ptes[x].writable, in, F());
			set_pte(in, dst, x, from.folio, from.page, F(), from.clean);
		}
		rss_anon = mk_add(rss_anon, mk_ite(shared_anon, shared_nr, num(0)));
		rss_file = mk_add(rss_file, mk_ite(file, shared_nr, num(0)));
		visible(shared, "copy_present_ptes: PTEs copied");

		cursor = mk_ite(reached, mk_add(num(static_cast<int64_t>(a)), shared_nr), cursor);
		lemma_point(g, "copy_pte_range: a VA copied");
	}
	add_rss(g);
}

/*
 * zap_page_range - zap_page_range_single() of [@start, @end): per PMD block,
 * zap_huge_pmd() for a PMD wholly inside, __split_huge_pmd() for one partly
 * inside, then zap_pte_range(); tlb_finish_mmu() drops the gathered
 * references.
 */
void SymKernel::zap_page_range(const z3::expr &g, ProcId p, const z3::expr &start,
			       const z3::expr &end)
{
	if (g.is_false())
		return;
	SymMmuGather tlb;
	/* with no_gather the references go at once: nothing to state */
	const bool record = record_gather && !no_gather();
	if (record)
		gathering = &tlb;

	for (unsigned b = 0; b < sc.blocks(); b++) {
		BlockRange r = block_range(g, b, start, end);
		if (r.overlap.is_false())
			continue;
		z3::expr had_pmd = s.procs[p].pmds[b].present;
		zap_huge_pmd(mk_and(r.overlap, mk_and(had_pmd, r.whole)), p, b, tlb);
		split_huge_pmd_locked(mk_and(r.overlap, mk_and(had_pmd, mk_not(r.whole))), p, b);
		zap_pte_range(mk_and(r.overlap, mk_not(mk_and(had_pmd, r.whole))), p, b, r.lo, r.hi,
			      tlb);
	}

	visible(g, "tlb_finish_mmu: before the flush", true);
	gathering = nullptr;
	z3::expr flushed = F();
	for (size_t k = 0; k < tlb.pending.size(); k++) {
		const SymMmuGather::Pending &e = tlb.pending[k];
		free_swap_cache(e.guard, e.folio);
		folio_put_refs(e.guard, e.folio, e.nr);
		flushed = mk_or(flushed, e.guard);
		if (record)
			lemma_points.push_back(SymVisiblePoint{g, "tlb_finish_mmu: folio_put_refs", true, s,
								gathered_refs(tlb.pending, k + 1), queue_detached,
								++*point_clock});
	}
	visible(flushed, "tlb_finish_mmu: after the flush", true);
}

/*
 * zap_pte_range - in VA order, zap_nonpresent_pte() for every swap PTE and
 * zap_present_ptes() for every present PTE of block @b in [@lo, @hi), one
 * batch at a time (a zapped batch is no longer present, so the walk's next
 * VA is the next present one). The kernel calls it once per VMA the range
 * meets in the block: batches end with the VMA, and the rss is subtracted
 * at the end of each call.
 */
void SymKernel::zap_pte_range(const z3::expr &g, ProcId p, unsigned b, const z3::expr &lo,
			      const z3::expr &hi, SymMmuGather &tlb)
{
	if (g.is_false())
		return;
	Va start = Va{b} * nb(), end = start + nb();
	z3::expr rss_anon = num(0), rss_file = num(0);
	SymProc &pr = s.procs[p];
	auto sub_rss = [&](const z3::expr &when) {
		assign(pr.rss_anon, when, mk_sub(pr.rss_anon, rss_anon));
		assign(pr.rss_file, when, mk_sub(pr.rss_file, rss_file));
	};

	for (Va a = start; a < end; a++) {
		z3::expr va = num(static_cast<int64_t>(a));
		z3::expr in = mk_and(g, mk_and(mk_le(lo, va), mk_lt(va, hi)));
		if (a != start) {
			z3::expr next_vma = mk_and(mk_and(in, mk_lt(lo, va)), mk_not(vma_linked(p, a - 1)));
			sub_rss(next_vma);
			rss_anon = mk_ite(next_vma, num(0), rss_anon);
			rss_file = mk_ite(next_vma, num(0), rss_file);
		}
		zap_nonpresent_pte(mk_and(in, pr.swps[a].present), p, a);
		z3::expr reached = mk_and(in, pr.ptes[a].present);
		if (reached.is_false())
			continue;
		z3::expr nr = folio_pte_batch(p, a, end_in_vma(p, a, hi));
		z3::expr anon = select(pr.ptes[a].folio, [](const SymFolio &f) { return f.anon; });
		rss_anon = mk_add(rss_anon, mk_ite(mk_and(reached, anon), nr, num(0)));
		rss_file = mk_add(rss_file, mk_ite(mk_and(reached, mk_not(anon)), nr, num(0)));
		zap_present_ptes(reached, p, a, nr, tlb);
	}
	sub_rss(g);
}

/*
 * zap_present_ptes - zap_present_folio_ptes() (v6.12): clear the batch's
 * PTEs, remove its rmap, then the references: dropped at once with
 * MMU_GATHER_NO_GATHER, else gathered for the flush.
 *
 * Mutants zap_no_folio_get / zap_refs_before_rmap: the seed-000 v1
 * try_zap_anon_pte_range() for a large folio: a reference per page inside
 * the loop, the rmap after it, without / with the folio_get()/folio_put()
 * bracket.
 */
void SymKernel::zap_present_ptes(const z3::expr &g, ProcId p, Va va, const z3::expr &nr,
				 SymMmuGather &tlb)
{
	SymPte first = s.procs[p].ptes[va];
	z3::expr fid = first.folio;
	Va end = va - va % nb() + nb();
	z3::expr rest = g;

	if (mutant(Mutant::zap_no_folio_get) || mutant(Mutant::zap_refs_before_rmap)) {
		bool bracket = mutant(Mutant::zap_refs_before_rmap);
		z3::expr large = select(fid, [](const SymFolio &f) { return folio_large(f); });
		z3::expr gs = mk_and(g, large);
		rest = mk_and(g, mk_not(large));

		if (bracket)
			folio_get(gs, fid);
		for (Va a = va; a < end; a++) {
			z3::expr ga = mk_and(gs, mk_lt(num(static_cast<int64_t>(a - va)), nr));
			if (ga.is_false())
				continue;
			clear_pte(ga, p, a);
			if (no_gather()) {
				folio_put(ga, fid);
				visible(ga, "try_zap_anon_pte_range: __tlb_remove_page (no_gather)");
			} else {
				tlb.pending.push_back({ga, fid, num(1)});
			}
		}
		folio_remove_rmap_ptes(gs, fid, first.page, nr);
		visible(gs, "try_zap_anon_pte_range: folio_remove_rmap_range");
		if (bracket) {
			folio_put(gs, fid);
			visible(gs, "try_zap_anon_pte_range: folio_put");
		}
	}

	if (rest.is_false())
		return;
	for (Va a = va; a < end; a++)
		clear_pte(mk_and(rest, mk_lt(num(static_cast<int64_t>(a - va)), nr)), p, a);
	folio_remove_rmap_ptes(rest, fid, first.page, nr);
	/* gathered (no CPU sees the gather): the point below sees it held */
	if (!no_gather())
		tlb.pending.push_back({rest, fid, nr});
	visible(rest, "zap_present_folio_ptes: folio_remove_rmap_ptes");
	if (no_gather()) {
		free_swap_cache(rest, fid);
		folio_put_refs(rest, fid, nr);
		visible(rest, "zap_present_folio_ptes: __tlb_remove_folio_pages (no_gather)");
	}
}

} // namespace fc::solver
