// SPDX-License-Identifier: GPL-2.0
/*
 * sym_huge_memory.cc - model/kernel/huge_memory.cc on symbolic state:
 * mm/huge_memory.c as of v6.12 (PMD-mapped THPs, folio split, the deferred
 * split queue and its shrinker).
 */
#include "solver/sym_kernel.h"

#include <utility>

namespace fc::solver {

/*
 * deferred_split_folio - order <= 1 is ignored; flag partially mapped if
 * asked, append to the queue tail if not on it.
 */
void SymKernel::deferred_split_folio(const z3::expr &g, unsigned i, bool partially_mapped)
{
	SymFolio &f = s.folios[i];
	z3::expr gq = mk_and(g, mk_lt(num(1), f.order));
	if (gq.is_false())
		return;
	if (partially_mapped)
		assign(f.partially_mapped, gq, T());
	z3::expr push = mk_and(gq, mk_not(f.queued));
	assign(f.queued, push, T());
	split_queue_push(push, num(i + 1));
}

/* __folio_unqueue_deferred_split(): off the queue, PG_partially_mapped cleared. */
void SymKernel::folio_unqueue_deferred_split(const z3::expr &g, unsigned i)
{
	SymFolio &f = s.folios[i];
	z3::expr gq = mk_and(mk_and(g, mk_lt(num(1), f.order)), f.queued);
	if (gq.is_false())
		return;
	assign(f.queued, gq, F());
	assign(f.partially_mapped, gq, F());
	split_queue_remove(gq, num(i + 1));
}

/* list_add_tail(): a queue longer than the scope's leaves the scope. */
void SymKernel::split_queue_push(const z3::expr &g, const z3::expr &fid)
{
	if (g.is_false())
		return;
	leave_scope(mk_and(g, mk_le(num(sc.queue), s.queue_len)));
	for (unsigned k = 0; k < sc.queue; k++)
		assign(s.queue[k], mk_and(g, mk_eq(s.queue_len, num(k))), fid);
	assign(s.queue_len, g, mk_add(s.queue_len, num(1)));
}

/* list_del_init(): the entries behind it move up; absent: nothing. */
void SymKernel::split_queue_remove(const z3::expr &g, const z3::expr &fid)
{
	if (g.is_false())
		return;
	std::vector<z3::expr> old = s.queue;
	z3::expr found = F();
	for (unsigned k = 0; k < sc.queue; k++) {
		found = mk_or(found, mk_and(mk_lt(num(k), s.queue_len), mk_eq(old[k], fid)));
		z3::expr next = k + 1 < sc.queue ? old[k + 1] : num(0);
		assign(s.queue[k], mk_and(g, found), next);
	}
	assign(s.queue_len, mk_and(g, found), mk_sub(s.queue_len, num(1)));
}

/*
 * do_huge_pmd_anonymous_page - a new pmd_order folio mapped writable by one
 * PMD, head AnonExclusive, queued (not partially mapped) for the shrinker.
 */
void SymKernel::do_huge_pmd_anonymous_page(const z3::expr &g, ProcId p, unsigned b)
{
	if (g.is_false())
		return;
	z3::expr fid = folio_alloc(g, num(sc.pmd_order));
	folio_add_new_anon_rmap(g, fid, true);
	set_pmd(g, p, b, fid, T(), F());
	assign(s.procs[p].rss_anon, g, mk_add(s.procs[p].rss_anon, num(nb())));
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) { deferred_split_folio(gi, i, false); });
}

/*
 * split_huge_pmd_locked - __split_huge_pmd_locked(): one reference per PTE,
 * the PTE mappings added (RMAP_EXCLUSIVE iff the head was AnonExclusive),
 * the PMD's write bit inherited, then the PMD mapping removed.
 *
 * Mutant split_pmd_drops_exclusive: RMAP_EXCLUSIVE is never passed.
 */
void SymKernel::split_huge_pmd_locked(const z3::expr &g, ProcId p, unsigned b)
{
	if (g.is_false())
		return;
	SymPmd pmd = s.procs[p].pmds[b];
	z3::expr fid = pmd.folio;
	z3::expr head_exclusive = select(fid, [](const SymFolio &f) { return f.pages[0].exclusive; });
	z3::expr exclusive = mutant(Mutant::split_pmd_drops_exclusive) ? F() : head_exclusive;
	Va haddr = Va{b} * nb();

	folio_ref_add(g, fid, num(nb() - 1));
	/* the references run ahead of the PTEs here: no gather lemma at this point */
	const SymMmuGather *gather = std::exchange(gathering, nullptr);
	visible(g, "__split_huge_pmd_locked: folio_ref_add");
	gathering = gather;
	/* unbatched: one call per page, the same counters at the end */
	folio_add_anon_rmap_ptes(g, fid, num(0), num(nb()), exclusive);
	clear_pmd(g, p, b);
	for (unsigned i = 0; i < nb(); i++)
		set_pte(g, p, haddr + i, fid, num(i), pmd.writable, pmd.clean);
	folio_remove_rmap_pmd(g, fid);
	visible(g, "__split_huge_pmd_locked: folio_remove_rmap_pmd", true);
}

/*
 * do_huge_pmd_wp_page - reuse the PMD when the head is AnonExclusive or
 * ours is the only reference, else split it (the caller retries at PTE
 * level). Returns the reuse condition.
 */
z3::expr SymKernel::do_huge_pmd_wp_page(const z3::expr &g, ProcId p, Va va,
					const z3::expr &unshare)
{
	unsigned b = static_cast<unsigned>(va / nb());
	z3::expr fid = s.procs[p].pmds[b].folio;
	z3::expr exclusive = select(fid, [](const SymFolio &f) { return f.pages[0].exclusive; });
	z3::expr refcount = select(fid, [](const SymFolio &f) { return f.refcount; });

	z3::expr split = mk_and(g, mk_and(mk_not(exclusive), mk_ne(refcount, num(1))));
	z3::expr reuse = mk_and(g, mk_not(split));
	set_page_exclusive(reuse, fid, num(0), T());
	split_huge_pmd_locked(split, p, b);
	assign(s.procs[p].pmds[b].writable, mk_and(reuse, mk_not(unshare)), T());
	return reuse;
}

/*
 * copy_huge_pmd - fork of one PMD: shared read-only, or on -EBUSY (pinned,
 * exclusive head) the source PMD is split and the caller copies PTEs.
 */
z3::expr SymKernel::copy_huge_pmd(const z3::expr &g, ProcId src, ProcId dst, unsigned b)
{
	if (g.is_false())
		return F();
	z3::expr fid = s.procs[src].pmds[b].folio;
	z3::expr clean = s.procs[src].pmds[b].clean;

	folio_get(g, fid);
	visible(g, "copy_huge_pmd: folio_get");
	z3::expr fail = folio_try_dup_anon_rmap_pmd(g, fid, src);
	folio_put(fail, fid);
	split_huge_pmd_locked(fail, src, b);

	z3::expr ok = mk_and(g, mk_not(fail));
	z3::expr nr = select(fid, [&](const SymFolio &f) { return folio_nr_pages(f); });
	assign(s.procs[dst].rss_anon, ok, mk_add(s.procs[dst].rss_anon, nr));
	assign(s.procs[src].pmds[b].writable, ok, F());
	set_pmd(ok, dst, b, fid, F(), clean);
	visible(ok, "copy_huge_pmd: PMD copied");
	return fail;
}

/* zap_huge_pmd - clear, remove the rmap, account, hand to the mmu_gather. */
void SymKernel::zap_huge_pmd(const z3::expr &g, ProcId p, unsigned b, SymMmuGather &tlb)
{
	if (g.is_false())
		return;
	z3::expr fid = s.procs[p].pmds[b].folio;

	clear_pmd(g, p, b);
	folio_remove_rmap_pmd(g, fid);
	z3::expr nr = select(fid, [&](const SymFolio &f) { return folio_nr_pages(f); });
	assign(s.procs[p].rss_anon, g, mk_sub(s.procs[p].rss_anon, nr));
	/* gathered (no CPU sees the gather): the point below sees it held */
	if (!no_gather())
		tlb.pending.push_back({g, fid, num(1)});
	visible(g, "zap_huge_pmd: folio_remove_rmap_pmd", true);
	if (no_gather()) {
		folio_put(g, fid);
		visible(g, "zap_huge_pmd: __tlb_remove_page (no_gather)", true);
	}
}

/*
 * split_folio - split_huge_page_to_list_to_order(folio, NULL, 0) with the
 * caller's reference held (huge_memory.cc has the step-by-step comment):
 * can_split_folio(), unmap_folio() into migration entries (each process in
 * order: its PMDs, then its PTEs), freeze and dequeue, the tails allocated in
 * page order, remap_page(), the tails' references dropped.
 */
z3::expr SymKernel::split_folio(const z3::expr &g, const z3::expr &fid)
{
	if (g.is_false())
		return F();
	z3::expr large = select(fid, [](const SymFolio &f) { return folio_large(f); });
	z3::expr refcount = select(fid, [](const SymFolio &f) { return f.refcount; });
	z3::expr mapcount = select(fid, [](const SymFolio &f) { return obs_mapcount(f); });
	/* can_split_folio(): the page cache's or the swap cache's references are expected too */
	z3::expr file = select(fid, [](const SymFolio &f) { return mk_not(f.anon); });
	z3::expr extra = select(fid, [](const SymFolio &f) {
		return mk_ite(mk_or(f.swapcache, mk_not(f.anon)), folio_nr_pages(f),
			      f.order.ctx().int_val(0));
	});
	z3::expr gs = mk_and(mk_and(g, large), mk_eq(refcount, mk_add(mapcount, mk_add(num(1), extra))));
	if (gs.is_false())
		return F();

	std::vector<SymMigrationEntry> entries;
	for (ProcId p = 0; p < sc.procs; p++) {
		for (unsigned b = 0; b < sc.blocks(); b++) {
			SymPmd pmd = s.procs[p].pmds[b];
			z3::expr gp = mk_and(gs, mk_and(pmd.present, mk_eq(pmd.folio, fid)));
			if (gp.is_false())
				continue;
			z3::expr exclusive = page_exclusive(fid, num(0));
			folio_try_share_anon_rmap(mk_and(gp, exclusive), fid, num(0));
			for (unsigned i = 0; i < nb(); i++)
				entries.push_back({gp, p, Va{b} * nb() + i, num(i), pmd.writable, exclusive,
						   pmd.clean});
			clear_pmd(gp, p, b);
			folio_remove_rmap_pmd(gp, fid);
			folio_put(gp, fid);
			visible(gp, "unmap_folio: PMD replaced by migration entries");
		}
		for (Va a = 0; a < sc.space; a++) {
			SymPte pte = s.procs[p].ptes[a];
			z3::expr gpte = mk_and(gs, mk_and(pte.present, mk_eq(pte.folio, fid)));
			if (gpte.is_false())
				continue;
			/* a page-cache folio's PTEs are unmapped and stay so (try_to_unmap_one()) */
			z3::expr gf = mk_and(gpte, file);
			clear_pte(gf, p, a);
			assign(s.procs[p].rss_file, gf, mk_sub(s.procs[p].rss_file, num(1)));
			folio_remove_rmap_ptes(gf, fid, pte.page, num(1));
			folio_put(gf, fid);
			visible(gf, "try_to_unmap_one: page-cache PTE unmapped", true);

			z3::expr gp = mk_and(gpte, mk_not(file));
			z3::expr exclusive = page_exclusive(fid, pte.page);
			folio_try_share_anon_rmap(mk_and(gp, exclusive), fid, pte.page);
			entries.push_back({gp, p, a, pte.page, pte.writable, exclusive, pte.clean});
			clear_pte(gp, p, a);
			folio_remove_rmap_ptes(gp, fid, pte.page, num(1));
			folio_put(gp, fid);
			visible(gp, "try_to_migrate_one: PTE replaced by a migration entry");
		}
	}

	/* folio_ref_freeze() and the dequeue, under split_queue_lock */
	for_folio(gs, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr on_list = mk_and(gi, f.queued);
		assign(f.queued, on_list, F());
		split_queue_remove(on_list, num(i + 1));
		assign(f.partially_mapped, gi, F());
	});

	/* __split_huge_page(): page j >= 1 becomes folio first_tail + j - 1 */
	z3::expr nr = select(fid, [&](const SymFolio &f) { return folio_nr_pages(f); });
	std::vector<z3::expr> exclusive_bits;
	for (unsigned j = 0; j < nb(); j++)
		exclusive_bits.push_back(page_exclusive(fid, num(j)));
	/* PG_swapbacked is copied to the tails */
	z3::expr lazyfree = select(fid, [](const SymFolio &f) { return f.lazyfree; });
	/* a page-cache folio's tails stay in the page cache, each with its reference */
	z3::expr mapping = select(fid, [](const SymFolio &f) { return f.mapping; });
	z3::expr index = select(fid, [](const SymFolio &f) { return f.index; });
	z3::expr refs = mk_ite(file, num(2), num(1));  /* page_ref_unfreeze(page, 1 + ...) */
	z3::expr before_tails = s.nr_folios;
	for (unsigned j = 1; j < nb(); j++) {
		z3::expr gj = mk_and(gs, mk_lt(num(j), nr));
		z3::expr tid = folio_alloc(gj, num(0));
		for_folio(gj, tid, [&](unsigned i, const z3::expr &gi) {
			SymFolio &t = s.folios[i];
			assign(t.anon, gi, mk_not(file));
			assign(t.mapping, gi, mapping);
			assign(t.index, gi, mk_ite(file, mk_add(index, num(j)), num(0)));
			assign(t.refcount, gi, refs);
			assign(t.pages[0].exclusive, gi, exclusive_bits[j]);
			assign(t.lazyfree, gi, lazyfree);
		});
		/* the tail's own reference, which free_page_and_swap_cache() drops below */
		own_ref_taken(gj, tid);
		for (unsigned n = 0; n < sc.files; n++)
			for (unsigned x = 0; x < sc.space; x++) {
				z3::expr at = mk_and(mk_eq(mapping, num(n + 1)),
						     mk_eq(mk_add(index, num(j)), num(x)));
				assign(s.files[n].pages[x], mk_and(mk_and(gj, file), at), tid);
			}
	}
	for_folio(gs, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &h = s.folios[i];
		assign(h.order, gi, num(0));
		assign(h.refcount, gi, refs);  /* folio_ref_unfreeze(folio, 1 + ...) */
		assign(h.entire_mapcount, gi, num(0));
		assign(h.large_mapcount, gi, num(0));
		assign(h.nr_pages_mapped, gi, num(0));
		assign(h.pincount, gi, num(0));
		for (unsigned j = 1; j < nb(); j++) {
			assign(h.pages[j].mapcount, gi, num(0));
			assign(h.pages[j].exclusive, gi, F());
		}
	});
	/* no CPU sees the frozen folios: the unfrozen ones, none mapped yet */
	lemma_point(gs, "__split_huge_page: folios unfrozen");

	/* remap_page() -> remove_migration_ptes() */
	for (const SymMigrationEntry &e : entries) {
		z3::expr target = mk_ite(mk_eq(e.page, num(0)), fid, mk_add(before_tails, e.page));
		folio_get(e.guard, target);
		folio_add_anon_rmap_ptes(e.guard, target, num(0), num(1), e.exclusive);
		set_pte(e.guard, e.proc, e.va, target, num(0), e.writable, e.clean);
		visible(e.guard, "remove_migration_pte: PTE restored");
	}

	/* free_page_and_swap_cache() of every tail */
	for (unsigned j = 1; j < nb(); j++) {
		z3::expr gj = mk_and(gs, mk_lt(num(j), nr));
		folio_put(gj, mk_add(before_tails, num(j)));
		own_ref_dropped(gj, mk_add(before_tails, num(j)));
		visible(gj, "__split_huge_page: tail reference dropped");
	}
	return gs;
}

/*
 * deferred_split_scan - the shrinker over the whole queue, FIFO: references
 * taken, the queue emptied onto a private list; partially mapped folios are
 * split (kept on failure), the others dequeued; the kept ones are spliced
 * back at the tail.
 */
void SymKernel::deferred_split_scan(const z3::expr &g)
{
	z3::expr gne = mk_and(g, mk_lt(num(0), s.queue_len));
	if (gne.is_false())
		return;

	std::vector<z3::expr> list = s.queue, taken;
	for (unsigned k = 0; k < sc.queue; k++) {
		z3::expr queued = mk_and(gne, mk_lt(num(k), s.queue_len));
		z3::expr alive = mk_lt(num(0), select(list[k], [](const SymFolio &f) { return f.refcount; }));
		z3::expr take = mk_and(queued, alive);
		folio_get(take, list[k]);
		own_ref_taken(take, list[k]);
		/* We lost race with folio_put() */
		for_folio(mk_and(queued, mk_not(alive)), list[k], [&](unsigned i, const z3::expr &gi) {
			assign(s.folios[i].queued, gi, F());
			assign(s.folios[i].partially_mapped, gi, F());
		});
		taken.push_back(take);
	}
	for (unsigned k = 0; k < sc.queue; k++)
		assign(s.queue[k], gne, num(0));
	assign(s.queue_len, gne, num(0));
	queue_detached = true;
	visible(gne, "deferred_split_scan: references taken");

	std::vector<z3::expr> kept;
	for (unsigned k = 0; k < sc.queue; k++) {
		z3::expr gk = taken[k];
		z3::expr partially =
			select(list[k], [](const SymFolio &f) { return f.partially_mapped; });
		z3::expr try_split = mk_and(gk, partially);
		z3::expr split = split_folio(try_split, list[k]);
		kept.push_back(mk_and(try_split, mk_not(split)));
		for_folio(mk_and(gk, mk_not(partially)), list[k], [&](unsigned i, const z3::expr &gi) {
			assign(s.folios[i].queued, gi, F());
		});
		folio_put(gk, list[k]);
		own_ref_dropped(gk, list[k]);
		visible(gk, "deferred_split_scan: reference dropped");
	}
	/* list_splice_tail() */
	for (unsigned k = 0; k < sc.queue; k++)
		split_queue_push(kept[k], list[k]);
	queue_detached = false;
}

} // namespace fc::solver
