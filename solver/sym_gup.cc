// SPDX-License-Identifier: GPL-2.0
/*
 * sym_gup.cc - model/kernel/gup.cc on symbolic state: mm/gup.c as of v6.12
 * (FOLL_PIN and FOLL_GET references, the unshare fault, unpinning).
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/*
 * try_grab_folio - FOLL_GET: @refs references. FOLL_PIN: a large folio
 * gets @refs references and @refs on _pincount, an order-0 folio @refs *
 * GUP_PIN_COUNTING_BIAS references.
 */
void SymKernel::try_grab_folio(const z3::expr &g, const z3::expr &fid, const z3::expr &refs,
			       bool pin)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		if (!pin) {
			assign(f.refcount, gi, mk_add(f.refcount, refs));
			return;
		}
		z3::expr large = folio_large(f);
		z3::expr added = mk_ite(large, refs, mk_mul(refs, kGupPinCountingBias));
		assign(f.refcount, gi, mk_add(f.refcount, added));
		assign(f.pincount, mk_and(gi, large), mk_add(f.pincount, refs));
	});
}

/*
 * gup_put_folio - undo try_grab_folio().
 *
 * Mutant unpin_once_per_folio: a pinned run drops one reference, not @refs.
 */
void SymKernel::gup_put_folio(const z3::expr &g, const z3::expr &fid, const z3::expr &refs,
			      bool pin)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		SymFolio &f = s.folios[i];
		z3::expr put = refs;
		if (pin) {
			z3::expr large = folio_large(f);
			assign(f.pincount, mk_and(gi, large), mk_sub(f.pincount, refs));
			put = mk_ite(large, refs, mk_mul(refs, kGupPinCountingBias));
			if (mutant(Mutant::unpin_once_per_folio))
				put = mk_ite(large, num(1), num(kGupPinCountingBias));
		}
		folio_put_refs_slot(gi, i, put);
	});
}

/*
 * handle_entries - the (folio, page) the walk finds at @va + k, for each k
 * of the scope's largest handle: the pages array GUP fills in.
 */
std::vector<std::pair<z3::expr, z3::expr>> SymKernel::handle_entries(ProcId p,
								      const z3::expr &va) const
{
	std::vector<std::pair<z3::expr, z3::expr>> entries;
	for (unsigned k = 0; k < sc.handle_pages; k++) {
		z3::expr folio = num(0), page = num(0);
		for (Va a = k; a < sc.space; a++) {
			SymMapping m = mapping_at(p, a);
			z3::expr here = mk_eq(va, num(static_cast<int64_t>(a - k)));
			folio = mk_ite(here, m.folio, folio);
			page = mk_ite(here, m.page, page);
		}
		entries.emplace_back(folio, page);
	}
	return entries;
}

/*
 * for_each_folio_run - for_each_folio_run() over the first @nr of @folios:
 * @fn(starts, k, len) for every k, @starts being "a run of @len consecutive
 * entries of folio @folios[k] starts at k" (every entry its own run when
 * unbatched). GUP's grab and release walk the pages array this way.
 */
void SymKernel::for_each_folio_run(
	const z3::expr &g, const std::vector<z3::expr> &folios, const z3::expr &nr,
	const std::function<void(const z3::expr &, unsigned, const z3::expr &)> &fn)
{
	unsigned n = static_cast<unsigned>(folios.size());
	for (unsigned k = 0; k < n; k++) {
		z3::expr starts = mk_and(g, mk_lt(num(k), nr));
		if (k > 0 && !unbatched())
			starts = mk_and(starts, mk_ne(folios[k], folios[k - 1]));
		if (starts.is_false())
			continue;
		z3::expr len = num(1);
		if (!unbatched()) {
			z3::expr go_on = T();
			for (unsigned m = k + 1; m < n; m++) {
				go_on = mk_and(go_on,
					       mk_and(mk_lt(num(m), nr), mk_eq(folios[m], folios[k])));
				len = mk_add(len, count_if(go_on));
			}
		}
		fn(starts, k, len);
	}
}

/*
 * grab_runs - one try_grab_folio() per folio run of the pages array, a
 * visible point after each.
 */
void SymKernel::grab_runs(const z3::expr &g,
			  const std::vector<std::pair<z3::expr, z3::expr>> &entries,
			  const z3::expr &nr, bool pin)
{
	std::vector<z3::expr> folios;
	for (const auto &e : entries)
		folios.push_back(e.first);
	for_each_folio_run(g, folios, nr, [&](const z3::expr &starts, unsigned k, const z3::expr &len) {
		try_grab_folio(starts, folios[k], len, pin);
		visible(starts, pin ? "try_grab_folio(FOLL_PIN)" : "try_grab_folio(FOLL_GET)", true);
	});
}

/* record_handle - the next handle id of @slots holds the pages array. */
void SymKernel::record_handle(const z3::expr &g, std::vector<SymHandle> &slots, z3::expr &count,
			      ProcId p, const z3::expr &va, const z3::expr &nr,
			      const std::vector<std::pair<z3::expr, z3::expr>> &entries)
{
	leave_scope(mk_and(g, mk_le(num(static_cast<int64_t>(slots.size())), count)));
	for (unsigned h = 0; h < slots.size(); h++) {
		z3::expr gh = mk_and(g, mk_eq(count, num(h)));
		if (gh.is_false())
			continue;
		SymHandle &e = slots[h];
		assign(e.released, gh, F());
		assign(e.proc, gh, num(p));
		assign(e.va, gh, va);
		assign(e.nr, gh, nr);
		for (unsigned k = 0; k < entries.size(); k++) {
			z3::expr in = mk_lt(num(k), nr);
			assign(e.folio[k], gh, mk_ite(in, entries[k].first, num(0)));
			assign(e.page[k], gh, mk_ite(in, entries[k].second, num(0)));
		}
	}
	assign(count, g, mk_add(count, num(1)));
}

/*
 * faultin_swap_entry - follow_page_pte() finds a swap PTE: faultin_page()
 * runs do_swap_page() (a write fault for FOLL_WRITE) and the lookup is
 * retried on the page it mapped.
 */
void SymKernel::faultin_swap_entry(const z3::expr &g, ProcId p, Va va, const z3::expr &write)
{
	do_swap_page(mk_and(g, s.procs[p].swps[va].present), p, va, write);
}

/*
 * pin_user_pages - MMF_HAS_PINNED set; per VA in order, a swap PTE is
 * faulted in, a write pin of a read-only mapping takes the write fault, a
 * pin of an anon page that is not AnonExclusive the unshare fault (the PMD's
 * head page decides for a PMD), and so does a FOLL_LONGTERM pin without
 * FOLL_WRITE of a page-cache page in a private mapping; then the
 * references per folio run; the pages array becomes the handle.
 *
 * Mutant pin_skips_unshare: never unshare an anon page.
 */
void SymKernel::pin_user_pages(const z3::expr &g, ProcId p, const z3::expr &va,
			       const z3::expr &nr, const z3::expr &write, const z3::expr &longterm)
{
	if (g.is_false())
		return;
	assign(s.procs[p].has_pinned, g, T());

	for (Va a = 0; a < sc.space; a++) {
		z3::expr in = mk_and(g, in_pages(static_cast<unsigned>(a), va, nr));
		if (in.is_false())
			continue;
		faultin_swap_entry(in, p, a, write);
		SymMapping m = mapping_at(p, a);
		z3::expr exclusive = page_exclusive(m.folio, mk_ite(m.by_pmd, num(0), m.page));
		z3::expr anon = select(m.folio, [](const SymFolio &f) { return f.anon; });
		z3::expr write_fault = mk_and(in, mk_and(write, mk_not(m.writable)));
		z3::expr other = mk_and(in, mk_not(write_fault));
		z3::expr unshare_anon = mutant(Mutant::pin_skips_unshare)
						? F()
						: mk_and(mk_and(other, anon), mk_not(exclusive));
		z3::expr unshare_file = mk_and(mk_and(other, mk_not(anon)),
					       mk_and(longterm, mk_not(s.procs[p].vmas[a].shared)));
		z3::expr unshare = mk_or(unshare_anon, unshare_file);
		handle_write_fault(mk_or(write_fault, unshare), p, a, unshare);
		/* follow_page_pte(): FOLL_WRITE | FOLL_TOUCH dirties the folio */
		pte_mkdirty(mk_and(in, write), p, a);
	}

	auto entries = handle_entries(p, va);
	grab_runs(g, entries, nr, true);
	record_handle(g, s.pins, s.nr_pins, p, va, nr, entries);
}

/* get_user_pages - FOLL_GET: swap PTEs faulted in, no unshare, references per folio run. */
void SymKernel::get_user_pages(const z3::expr &g, ProcId p, const z3::expr &va, const z3::expr &nr)
{
	if (g.is_false())
		return;
	for (Va a = 0; a < sc.space; a++) {
		z3::expr in = mk_and(g, in_pages(static_cast<unsigned>(a), va, nr));
		faultin_swap_entry(in, p, a, F());
	}
	auto entries = handle_entries(p, va);
	grab_runs(g, entries, nr, false);
	record_handle(g, s.refs, s.nr_refs, p, va, nr, entries);
}

/* release_handle - unpin_user_pages() / put_user_pages() of handle @id. */
void SymKernel::release_handle(const z3::expr &g, std::vector<SymHandle> &slots,
			       const z3::expr &id, bool pin)
{
	for (unsigned h = 0; h < slots.size(); h++) {
		z3::expr gh = mk_and(g, mk_eq(id, num(h + 1)));
		if (gh.is_false())
			continue;
		assign(slots[h].released, gh, T());
		const SymHandle e = slots[h];
		for_each_folio_run(gh, e.folio, e.nr,
				   [&](const z3::expr &starts, unsigned k, const z3::expr &len) {
					   gup_put_folio(starts, e.folio[k], len, pin);
					   visible(starts,
						   pin ? "unpin_user_pages: gup_put_folio" : "put_page",
						   true);
				   });
	}
}

void SymKernel::unpin_user_pages(const z3::expr &g, const z3::expr &id)
{
	release_handle(g, s.pins, id, true);
}

void SymKernel::put_user_pages(const z3::expr &g, const z3::expr &id)
{
	release_handle(g, s.refs, id, false);
}

} // namespace fc::solver
