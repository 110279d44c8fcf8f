// SPDX-License-Identifier: GPL-2.0
/*
 * invariants.cc - SPEC's invariants (model/check/invariants.cc, clause by
 * clause) and the strengthening invariants, as formulas.
 */
#include "solver/invariants.h"

#include "solver/formula.h"

namespace fc::solver {

namespace {

z3::expr fid_is(const z3::expr &fid, unsigned i)
{
	return mk_eq(fid, fid.ctx().int_val(i + 1));
}

/* folio_test_anon() of the folio @fid names (true for no folio). */
z3::expr fid_anon(const SymState &s, const z3::expr &fid)
{
	z3::expr a = s.ctx().bool_val(true);
	for (unsigned i = 0; i < s.folios.size(); i++)
		a = mk_ite(fid_is(fid, i), s.folios[i].anon, a);
	return a;
}

/* lo <= @x < @hi_excl */
z3::expr in_range(const z3::expr &x, int64_t lo, const z3::expr &hi_excl)
{
	return mk_and(mk_le(x.ctx().int_val(lo), x), mk_lt(x, hi_excl));
}

/* @fid names a live folio whose pages include @page (when given). */
z3::expr names_live_page(const SymState &s, const z3::expr &fid, const z3::expr *page)
{
	z3::expr r = s.ctx().bool_val(false);
	for (unsigned i = 0; i < s.folios.size(); i++) {
		z3::expr ok = mk_and(fid_is(fid, i), folio_live(s, i));
		if (page)
			ok = mk_and(ok, in_range(*page, 0, folio_nr_pages(s.folios[i])));
		r = mk_or(r, ok);
	}
	return r;
}

} // namespace

SymTables::SymTables(const SymState &s, const SolverScope &sc)
	: s_(s), sc_(sc), pte_(sc.folios, std::vector<std::optional<z3::expr>>(sc.pmd_pages())),
	  pmd_(sc.folios), anywhere_(sc.folios), handle_refs_(sc.folios), pinned_(sc.folios),
	  on_queue_(sc.folios)
{
}

/* Tables::pte: PTEs mapping (folio, page) when the page is known. */
const z3::expr &SymTables::pte(unsigned i, unsigned j)
{
	if (!pte_[i][j]) {
		z3::context &c = s_.ctx();
		std::vector<z3::expr> terms;
		for (const SymProc &p : s_.procs)
			for (const SymPte &e : p.ptes)
				terms.push_back(count_if(mk_and(mk_and(e.present, fid_is(e.folio, i)),
								mk_eq(e.page, c.int_val(j)))));
		z3::expr known = mk_and(folio_exists(s_, i), page_exists(s_.folios[i], j));
		pte_[i][j] = mk_ite(known, sum_of(c, terms), c.int_val(0));
	}
	return *pte_[i][j];
}

const z3::expr &SymTables::pmd(unsigned i)
{
	if (!pmd_[i]) {
		z3::context &c = s_.ctx();
		std::vector<z3::expr> terms;
		for (const SymProc &p : s_.procs)
			for (const SymPmd &e : p.pmds)
				terms.push_back(count_if(mk_and(e.present, fid_is(e.folio, i))));
		pmd_[i] = mk_ite(folio_exists(s_, i), sum_of(c, terms), c.int_val(0));
	}
	return *pmd_[i];
}

/* where_folio_mapped(): any PTE (of any page) or PMD. */
const z3::expr &SymTables::mapped_anywhere(unsigned i)
{
	if (!anywhere_[i]) {
		z3::context &c = s_.ctx();
		std::vector<z3::expr> terms;
		for (const SymProc &p : s_.procs) {
			for (const SymPte &e : p.ptes)
				terms.push_back(mk_and(e.present, fid_is(e.folio, i)));
			for (const SymPmd &e : p.pmds)
				terms.push_back(mk_and(e.present, fid_is(e.folio, i)));
		}
		anywhere_[i] = any_of(c, terms);
	}
	return *anywhere_[i];
}

/* Tables::handle_refs: a pin of an order-0 folio is GUP_PIN_COUNTING_BIAS references. */
const z3::expr &SymTables::handle_refs(unsigned i)
{
	if (!handle_refs_[i]) {
		z3::context &c = s_.ctx();
		const SymFolio &f = s_.folios[i];
		z3::expr pin_weight = mk_ite(mk_eq(f.order, c.int_val(0)),
					     c.int_val(kGupPinCountingBias), c.int_val(1));
		std::vector<z3::expr> terms;
		auto add = [&](const std::vector<SymHandle> &hs, const z3::expr &count,
			       const z3::expr &weight) {
			for (unsigned h = 0; h < hs.size(); h++) {
				z3::expr live = mk_and(mk_lt(c.int_val(h), count), mk_not(hs[h].released));
				for (unsigned k = 0; k < hs[h].folio.size(); k++) {
					z3::expr held = mk_and(mk_and(live, mk_lt(c.int_val(k), hs[h].nr)),
							       fid_is(hs[h].folio[k], i));
					terms.push_back(mk_ite(held, weight, c.int_val(0)));
				}
			}
		};
		add(s_.pins, s_.nr_pins, pin_weight);
		add(s_.refs, s_.nr_refs, c.int_val(1));
		handle_refs_[i] = mk_ite(folio_exists(s_, i), sum_of(c, terms), c.int_val(0));
	}
	return *handle_refs_[i];
}

const z3::expr &SymTables::pinned_pages(unsigned i)
{
	if (!pinned_[i]) {
		z3::context &c = s_.ctx();
		std::vector<z3::expr> terms;
		for (unsigned h = 0; h < s_.pins.size(); h++) {
			const SymHandle &e = s_.pins[h];
			z3::expr live = mk_and(mk_lt(c.int_val(h), s_.nr_pins), mk_not(e.released));
			for (unsigned k = 0; k < e.folio.size(); k++)
				terms.push_back(count_if(mk_and(mk_and(live, mk_lt(c.int_val(k), e.nr)),
								fid_is(e.folio[k], i))));
		}
		pinned_[i] = sum_of(c, terms);
	}
	return *pinned_[i];
}

const z3::expr &SymTables::on_queue(unsigned i)
{
	if (!on_queue_[i]) {
		z3::context &c = s_.ctx();
		std::vector<z3::expr> terms;
		for (unsigned k = 0; k < s_.queue.size(); k++)
			terms.push_back(mk_and(mk_lt(c.int_val(k), s_.queue_len), fid_is(s_.queue[k], i)));
		on_queue_[i] = any_of(c, terms);
	}
	return *on_queue_[i];
}

z3::expr SymTables::mappings(unsigned i)
{
	std::vector<z3::expr> terms{pmd(i)};
	for (unsigned j = 0; j < sc_.pmd_pages(); j++)
		terms.push_back(pte(i, j));
	return sum_of(s_.ctx(), terms);
}

z3::expr SymTables::held_refs(unsigned i)
{
	const SymFolio &f = s_.folios[i];
	z3::context &c = s_.ctx();
	z3::expr cache = mk_ite(mk_ne(f.mapping, c.int_val(0)), folio_nr_pages(f), c.int_val(0));
	return mk_add(mk_add(mappings(i), handle_refs(i)), cache);
}

z3::expr SymTables::page_mapped(unsigned i, unsigned j)
{
	z3::context &c = s_.ctx();
	return mk_or(mk_lt(c.int_val(0), pmd(i)), mk_lt(c.int_val(0), pte(i, j)));
}

namespace {

/* For every folio slot @slot_in(s, i) admits: @fn(i). */
z3::expr for_folios(SymTables &t, z3::expr (*slot_in)(const SymState &, unsigned),
		    const std::function<z3::expr(unsigned)> &fn)
{
	const SymState &s = t.state();
	z3::expr r = s.ctx().bool_val(true);
	for (unsigned i = 0; i < s.folios.size(); i++)
		r = mk_and(r, mk_implies(slot_in(s, i), fn(i)));
	return r;
}

/* For every live folio slot (allocated, not freed): @fn(i). */
z3::expr for_live_folios(SymTables &t, const std::function<z3::expr(unsigned)> &fn)
{
	return for_folios(t, folio_live, fn);
}

/*
 * For every folio slot allocated, freed ones included: @fn(i). A count that
 * holds for live folios holds for freed ones too, at 0: the last put frees
 * a folio no mapping or pin names (freed_is_unreferenced), and the free
 * leaves the counters as they are. Stated so, the fact needs no case on
 * which put of a zap's flush freed the folio.
 */
z3::expr for_existing_folios(SymTables &t, const std::function<z3::expr(unsigned)> &fn)
{
	return for_folios(t, folio_exists, fn);
}

} // namespace

z3::expr refcount_accounts_gathered(SymTables &t, const std::vector<z3::expr> &gathered)
{
	const SymState &s = t.state();
	z3::expr r = s.ctx().bool_val(true);
	for (unsigned i = 0; i < s.folios.size(); i++) {
		z3::expr refs = mk_add(t.held_refs(i), gathered[i]);
		z3::expr live = folio_live(s, i);
		r = mk_and(r, mk_implies(folio_exists(s, i),
					 mk_and(mk_eq(live, mk_lt(s.ctx().int_val(0), refs)),
						mk_implies(live, mk_eq(s.folios[i].refcount, refs)))));
	}
	return r;
}

namespace {

z3::expr mapcount_le_refcount(SymTables &t)
{
	return for_live_folios(t, [&](unsigned i) {
		const SymFolio &f = t.state().folios[i];
		return mk_le(obs_mapcount(f), f.refcount);
	});
}

z3::expr pincount_le_refcount(SymTables &t)
{
	return for_live_folios(t, [&](unsigned i) {
		const SymFolio &f = t.state().folios[i];
		return mk_implies(folio_large(f), mk_le(f.pincount, f.refcount));
	});
}

z3::expr no_use_after_free(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(true);
	for (unsigned i = 0; i < s.folios.size(); i++) {
		const SymFolio &f = s.folios[i];
		z3::expr alive = mk_and(mk_not(f.freed), mk_lt(c.int_val(0), f.refcount));
		z3::expr unreferenced =
			mk_and(mk_and(mk_not(t.mapped_anywhere(i)), mk_eq(obs_mapcount(f), c.int_val(0))),
			       mk_and(mk_eq(t.handle_refs(i), c.int_val(0)),
				      mk_and(mk_not(f.queued), mk_not(t.on_queue(i)))));
		z3::expr ok = mk_and(mk_le(c.int_val(0), f.refcount), mk_or(alive, unreferenced));
		r = mk_and(r, mk_implies(folio_exists(s, i), ok));
	}
	return r;
}

/* counters_match_tables; @exact: refcount equal to the holders, pincount too. */
z3::expr counters_match(SymTables &t, bool exact)
{
	return for_live_folios(t, [&](unsigned i) {
		const SymFolio &f = t.state().folios[i];
		z3::context &c = f.order.ctx();
		unsigned nb = static_cast<unsigned>(f.pages.size());
		z3::expr mappings = t.mappings(i);
		std::vector<z3::expr> nr_mapped;
		z3::expr pages_ok = c.bool_val(true);
		for (unsigned j = 0; j < nb; j++) {
			nr_mapped.push_back(count_if(mk_lt(c.int_val(0), t.pte(i, j))));
			pages_ok = mk_and(pages_ok,
					  mk_implies(page_exists(f, j),
						     mk_eq(obs_page_mapcount(f, j), mk_add(t.pte(i, j), t.pmd(i)))));
		}
		z3::expr held = mk_add(mappings, t.handle_refs(i));
		z3::expr r = mk_and(mk_eq(obs_mapcount(f), mappings),
				    mk_eq(obs_entire_mapcount(f), t.pmd(i)));
		r = mk_and(r, mk_eq(obs_nr_pages_mapped(f), sum_of(c, nr_mapped)));
		r = mk_and(r, pages_ok);
		if (!exact)
			return mk_and(r, mk_le(held, f.refcount));
		r = mk_and(r, mk_eq(held, f.refcount));
		return mk_and(r, mk_eq(obs_pincount(f),
				       mk_ite(folio_large(f), t.pinned_pages(i), c.int_val(0))));
	});
}

/* Folio slot and page of a (folio id, page) pair: the implications per slot and page. */
template <typename Fn>
z3::expr for_page_of(const SymState &s, const z3::expr &fid, const z3::expr &page, Fn fn)
{
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(true);
	for (unsigned i = 0; i < s.folios.size(); i++) {
		z3::expr is = fid_is(fid, i);
		if (is.is_false())
			continue;
		for (unsigned j = 0; j < s.folios[i].pages.size(); j++) {
			z3::expr here = mk_and(is, mk_eq(page, c.int_val(j)));
			if (!here.is_false())
				r = mk_and(r, mk_implies(here, fn(i, j)));
		}
	}
	return r;
}

z3::expr writable_implies_exclusive(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(true);
	for (const SymProc &p : s.procs) {
		for (const SymPte &e : p.ptes) {
			z3::expr w = mk_and(e.present, e.writable);
			if (w.is_false())
				continue;
			r = mk_and(r, mk_implies(w, for_page_of(s, e.folio, e.page, [&](unsigned i, unsigned j) {
				const SymFolio &f = s.folios[i];
				return mk_implies(mk_and(mk_and(folio_live(s, i), f.anon), page_exists(f, j)),
						  f.pages[j].exclusive);
			})));
		}
		for (const SymPmd &e : p.pmds) {
			z3::expr w = mk_and(e.present, e.writable);
			if (w.is_false())
				continue;
			for (unsigned i = 0; i < s.folios.size(); i++)
				r = mk_and(r, mk_implies(mk_and(mk_and(w, fid_is(e.folio, i)),
								mk_and(folio_live(s, i), s.folios[i].anon)),
							 s.folios[i].pages[0].exclusive));
		}
	}
	return r;
}

z3::expr exclusive_single_mm(SymTables &t)
{
	return for_live_folios(t, [&](unsigned i) {
		const SymFolio &f = t.state().folios[i];
		z3::context &c = f.order.ctx();
		z3::expr r = c.bool_val(true);
		for (unsigned j = 0; j < f.pages.size(); j++)
			r = mk_and(r, mk_implies(mk_and(page_exists(f, j), f.pages[j].exclusive),
						 mk_le(mk_add(t.pte(i, j), t.pmd(i)), c.int_val(1))));
		return mk_implies(f.anon, r);
	});
}

z3::expr pinned_anon_exclusive(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(true);
	for (unsigned h = 0; h < s.pins.size(); h++) {
		const SymHandle &e = s.pins[h];
		z3::expr live = mk_and(mk_lt(c.int_val(h), s.nr_pins), mk_not(e.released));
		for (unsigned k = 0; k < e.folio.size(); k++) {
			z3::expr held = mk_and(live, mk_lt(c.int_val(k), e.nr));
			if (held.is_false())
				continue;
			r = mk_and(r, mk_implies(held, for_page_of(s, e.folio[k], e.page[k], [&](unsigned i,
												 unsigned j) {
				const SymFolio &f = s.folios[i];
				z3::expr applies = mk_and(mk_and(mk_and(folio_live(s, i), f.anon),
								 page_exists(f, j)),
							  t.page_mapped(i, j));
				z3::expr bit = mk_ite(mk_lt(c.int_val(0), t.pte(i, j)), f.pages[j].exclusive,
						      f.pages[0].exclusive);
				return mk_implies(applies, bit);
			})));
		}
	}
	return r;
}

z3::expr partially_mapped_queued(SymTables &t)
{
	return for_live_folios(t, [&](unsigned i) {
		const SymFolio &f = t.state().folios[i];
		z3::context &c = f.order.ctx();
		std::vector<z3::expr> mapped;
		for (unsigned j = 0; j < f.pages.size(); j++)
			mapped.push_back(count_if(mk_and(page_exists(f, j), t.page_mapped(i, j))));
		z3::expr m = sum_of(c, mapped);
		z3::expr partially = mk_and(mk_lt(c.int_val(0), m), mk_lt(m, folio_nr_pages(f)));
		z3::expr applies = mk_and(mk_and(f.anon, mk_le(c.int_val(2), f.order)), mk_not(f.queued));
		return mk_implies(applies, mk_not(partially));
	});
}

z3::expr rss_consistent(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(true);
	for (const SymProc &p : s.procs) {
		std::vector<z3::expr> pages, file_pages;
		for (const SymPte &e : p.ptes) {
			z3::expr is_anon = fid_anon(s, e.folio);
			pages.push_back(count_if(mk_and(e.present, is_anon)));
			file_pages.push_back(count_if(mk_and(e.present, mk_not(is_anon))));
		}
		unsigned nb = p.pmds.empty() ? 1 : static_cast<unsigned>(p.ptes.size() / p.pmds.size());
		for (const SymPmd &e : p.pmds)
			pages.push_back(mk_ite(e.present, c.int_val(nb), c.int_val(0)));
		r = mk_and(r, mk_eq(p.rss_anon, sum_of(c, pages)));
		r = mk_and(r, mk_eq(p.rss_file, sum_of(c, file_pages)));
	}
	return r;
}

} // namespace

z3::expr invariant_holds(Invariant inv, SymTables &t, bool settled)
{
	z3::context &c = t.state().ctx();
	switch (inv) {
	case Invariant::mapcount_le_refcount:
		return mapcount_le_refcount(t);
	case Invariant::pincount_le_refcount:
		return pincount_le_refcount(t);
	case Invariant::no_use_after_free:
		return no_use_after_free(t);
	case Invariant::counters_match_tables:
		return settled ? counters_match(t, false) : c.bool_val(true);
	case Invariant::writable_implies_exclusive:
		return writable_implies_exclusive(t);
	case Invariant::exclusive_single_mm:
		return exclusive_single_mm(t);
	case Invariant::pinned_anon_exclusive:
		return pinned_anon_exclusive(t);
	case Invariant::pin_stays_mapped:
		/* an event, not a state predicate: page_replaced_ok() */
		return c.bool_val(true);
	case Invariant::partially_mapped_queued:
		return settled ? partially_mapped_queued(t) : c.bool_val(true);
	case Invariant::rss_consistent:
		return settled ? rss_consistent(t) : c.bool_val(true);
	default:
		return c.bool_val(true);
	}
}

z3::expr page_replaced_ok(const SymPageReplaced &r, const SolverScope &sc)
{
	const SymState &s = r.state;
	z3::context &c = s.ctx();
	z3::expr held = c.bool_val(false);
	for (unsigned h = 0; h < s.pins.size(); h++) {
		const SymHandle &e = s.pins[h];
		z3::expr live = mk_and(mk_and(mk_lt(c.int_val(h), s.nr_pins), mk_not(e.released)),
				       mk_eq(e.proc, c.int_val(r.proc)));
		for (unsigned k = 0; k < e.folio.size(); k++) {
			z3::expr at = mk_and(mk_lt(c.int_val(k), e.nr),
					     mk_eq(mk_add(e.va, c.int_val(k)),
						   c.int_val(static_cast<int64_t>(r.va))));
			held = mk_or(held, mk_and(mk_and(live, at), mk_and(mk_eq(e.folio[k], r.folio),
									     mk_eq(e.page[k], r.page))));
		}
	}
	(void)sc;
	/* a page-cache page under a short-term pin may be COWed away (check_page_replaced()) */
	return mk_or(mk_not(fid_anon(s, r.folio)), mk_not(held));
}

z3::expr accounting_holds(SymTables &t)
{
	return counters_match(t, true);
}

/* slot_pmd_order - the pmd_order a state's folio slots were built for (1 << it pages each). */
static unsigned slot_pmd_order(const SymState &s)
{
	const unsigned nb = static_cast<unsigned>(s.folios[0].pages.size());
	unsigned pmd_order = 0;
	while ((1u << pmd_order) < nb)
		pmd_order++;
	return pmd_order;
}

NamedFormula scope_bounds(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	const unsigned nf = static_cast<unsigned>(s.folios.size());
	const unsigned procs = static_cast<unsigned>(s.procs.size());
	const unsigned pmd_order = slot_pmd_order(s);
	auto iv = [&](int64_t v) { return c.int_val(v); };
	z3::expr r = mk_and(mk_and(mk_le(iv(0), s.nr_folios), mk_le(s.nr_folios, iv(nf))),
			    mk_and(mk_le(iv(1), s.nr_procs), mk_le(s.nr_procs, iv(procs))));
	r = mk_and(r, mk_and(mk_le(iv(0), s.nr_pins), mk_le(s.nr_pins, iv(s.pins.size()))));
	r = mk_and(r, mk_and(mk_le(iv(0), s.nr_refs), mk_le(s.nr_refs, iv(s.refs.size()))));
	r = mk_and(r, mk_and(mk_le(iv(0), s.queue_len), mk_le(s.queue_len, iv(s.queue.size()))));
	for (unsigned i = 0; i < nf; i++)
		r = mk_and(r, mk_implies(folio_exists(s, i),
					 mk_and(mk_le(iv(0), s.folios[i].order),
						mk_le(s.folios[i].order, iv(pmd_order)))));
	return {"scope_bounds", "id counters within the scope; folio orders in 0..pmd_order", r};
}

NamedFormula queue_well_formed(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	const unsigned nf = static_cast<unsigned>(s.folios.size());
	auto iv = [&](int64_t v) { return c.int_val(v); };
	z3::expr r = c.bool_val(true);
	for (unsigned k = 0; k < s.queue.size(); k++) {
		z3::expr entry = c.bool_val(false);
		for (unsigned i = 0; i < nf; i++)
			entry = mk_or(entry, mk_and(mk_and(fid_is(s.queue[k], i), folio_live(s, i)),
						    mk_and(mk_le(iv(2), s.folios[i].order),
							   s.folios[i].queued)));
		for (unsigned m = k + 1; m < s.queue.size(); m++)
			entry = mk_and(entry, mk_implies(mk_lt(iv(m), s.queue_len),
							 mk_ne(s.queue[k], s.queue[m])));
		r = mk_and(r, mk_ite(mk_lt(iv(k), s.queue_len), entry, mk_eq(s.queue[k], iv(0))));
	}
	for (unsigned i = 0; i < nf; i++) {
		const SymFolio &f = s.folios[i];
		r = mk_and(r, mk_implies(folio_exists(s, i),
					 mk_and(mk_implies(f.queued, t.on_queue(i)),
						mk_implies(f.partially_mapped, f.queued))));
	}
	return {"queue_well_formed",
		"the split queue holds distinct live folios of order >= 2, exactly those "
		"flagged queued; partially_mapped implies queued",
		r};
}

/*
 * mapcounts_count_mappings - what the rmap counters say, against the page
 * tables they count.
 */
NamedFormula mapcounts_count_mappings(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	const unsigned nb = static_cast<unsigned>(s.folios[0].pages.size());
	auto iv = [&](int64_t v) { return c.int_val(v); };
	return {"mapcounts_count_mappings",
	       "per page _mapcount + 1 = PTEs mapping it; _entire_mapcount + 1 = PMDs; "
	       "_large_mapcount + 1 = their sum; _nr_pages_mapped = pages with a PTE; an "
	       "order-0 folio has none of the large-folio counters and no PMD; for every "
	       "folio allocated, freed ones included",
	       for_existing_folios(t, [&](unsigned i) {
		       const SymFolio &f = s.folios[i];
		       std::vector<z3::expr> sum{f.entire_mapcount}, npm;
		       z3::expr pages = c.bool_val(true);
		       for (unsigned j = 0; j < nb; j++) {
			       z3::expr ex = page_exists(f, j);
			       pages = mk_and(pages, mk_implies(ex, mk_eq(f.pages[j].mapcount, t.pte(i, j))));
			       sum.push_back(mk_ite(ex, f.pages[j].mapcount, iv(0)));
			       npm.push_back(count_if(mk_and(ex, mk_lt(iv(0), f.pages[j].mapcount))));
		       }
		       z3::expr large = mk_and(mk_eq(f.entire_mapcount, t.pmd(i)),
					       mk_and(mk_eq(f.large_mapcount, sum_of(c, sum)),
						      mk_eq(f.nr_pages_mapped, sum_of(c, npm))));
		       z3::expr small = mk_and(mk_and(mk_eq(f.entire_mapcount, iv(0)),
						      mk_eq(f.large_mapcount, iv(0))),
					       mk_and(mk_and(mk_eq(f.nr_pages_mapped, iv(0)),
							     mk_eq(f.pincount, iv(0))),
						      mk_eq(t.pmd(i), iv(0))));
		       return mk_and(pages, mk_ite(folio_large(f), large, small));
	       })};
}

NamedFormula tables_well_formed(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	const unsigned nf = static_cast<unsigned>(s.folios.size());
	const unsigned nb = static_cast<unsigned>(s.folios[0].pages.size());
	const z3::expr pmd_order = c.int_val(slot_pmd_order(s));
	z3::expr r = c.bool_val(true);
	for (unsigned p = 0; p < s.procs.size(); p++) {
		const SymProc &pr = s.procs[p];
		z3::expr live = proc_live(s, p);
		for (const SymPte &e : pr.ptes)
			r = mk_and(r, mk_implies(e.present,
						 mk_and(live, names_live_page(s, e.folio, &e.page))));
		for (unsigned b = 0; b < pr.pmds.size(); b++) {
			const SymPmd &e = pr.pmds[b];
			z3::expr names = c.bool_val(false);
			for (unsigned i = 0; i < nf; i++)
				names = mk_or(names, mk_and(mk_and(fid_is(e.folio, i), folio_live(s, i)),
							    mk_eq(s.folios[i].order, pmd_order)));
			z3::expr ok = mk_and(live, names);
			for (unsigned a = b * nb; a < (b + 1) * nb; a++)
				ok = mk_and(ok, mk_not(pr.ptes[a].present));
			r = mk_and(r, mk_implies(e.present, ok));
		}
	}
	return {"tables_well_formed",
		"every PTE of a live process maps an existing page of a live folio; every PMD "
		"maps a live pmd_order folio and no PTE lies under it; processes not created "
		"or exited map nothing",
		r};
}

std::vector<NamedFormula> strengthening(SymTables &t)
{
	const SymState &s = t.state();
	z3::context &c = s.ctx();
	const unsigned nf = static_cast<unsigned>(s.folios.size());
	const unsigned nb = static_cast<unsigned>(s.folios[0].pages.size());
	const unsigned procs = static_cast<unsigned>(s.procs.size());
	const unsigned space = static_cast<unsigned>(s.procs[0].ptes.size());
	const unsigned pmd_order = slot_pmd_order(s);
	auto iv = [&](int64_t v) { return c.int_val(v); };
	std::vector<NamedFormula> out;

	out.push_back(scope_bounds(t));
	/*
	 * pages_beyond_order_clear: a folio slot holds 1 << pmd_order pages;
	 * those past the folio's own nr_pages are never touched by the kernel
	 * functions (folio_alloc() clears them, split_folio() leaves them
	 * cleared), so a freed folio's are still clear. Without this a
	 * pre-state with a stray _mapcount past the end of an order-0 folio
	 * broke freed_is_unreferenced on the put that frees the folio.
	 */
	{
		z3::expr r = c.bool_val(true);
		for (unsigned i = 0; i < nf; i++) {
			const SymFolio &f = s.folios[i];
			for (unsigned j = 1; j < nb; j++)
				r = mk_and(r, mk_implies(mk_and(folio_exists(s, i), mk_not(page_exists(f, j))),
							 mk_and(mk_eq(f.pages[j].mapcount, iv(0)),
								mk_not(f.pages[j].exclusive))));
		}
		out.push_back({"pages_beyond_order_clear",
			       "pages of a folio slot past the folio's nr_pages have _mapcount + 1 = 0 "
			       "and no PageAnonExclusive",
			       r});
	}
	out.push_back(tables_well_formed(t));
	/*
	 * page_cache_well_formed: the files created so far hold, index by
	 * index, live page-cache folios of the file's order that name the
	 * file and their first index back; a file VMA maps a created file
	 * within its size.
	 */
	{
		const unsigned nfiles = static_cast<unsigned>(s.files.size());
		z3::expr r = mk_and(mk_le(iv(0), s.nr_files), mk_le(s.nr_files, iv(nfiles)));
		for (unsigned n = 0; n < nfiles; n++) {
			const SymFile &file = s.files[n];
			z3::expr created = mk_lt(iv(n), s.nr_files);
			z3::expr ok = mk_and(in_range(file.size, 1, iv(space + 1)), in_range(file.order, 0, iv(pmd_order)));
			for (unsigned x = 0; x < space; x++) {
				z3::expr entry = c.bool_val(false);
				for (unsigned i = 0; i < nf; i++) {
					const SymFolio &f = s.folios[i];
					z3::expr here = mk_and(mk_and(fid_is(file.pages[x], i), folio_live(s, i)),
							       mk_eq(f.mapping, iv(n + 1)));
					here = mk_and(here, mk_and(mk_eq(f.order, file.order), mk_not(f.anon)));
					here = mk_and(here, in_range(iv(x), 0, mk_add(f.index, folio_nr_pages(f))));
					entry = mk_or(entry, mk_and(here, mk_le(f.index, iv(x))));
				}
				ok = mk_and(ok, mk_ite(mk_lt(iv(x), file.size), entry,
						       mk_eq(file.pages[x], iv(0))));
			}
			z3::expr blank = mk_eq(file.size, iv(0));
			for (unsigned x = 0; x < space; x++)
				blank = mk_and(blank, mk_eq(file.pages[x], iv(0)));
			r = mk_and(r, mk_ite(created, ok, blank));
		}
		for (unsigned i = 0; i < nf; i++) {
			const SymFolio &f = s.folios[i];
			z3::expr named = c.bool_val(false);
			for (unsigned n = 0; n < nfiles; n++) {
				z3::expr back = mk_le(mk_add(f.index, folio_nr_pages(f)), s.files[n].size);
				for (unsigned x = 0; x < space; x++)
					back = mk_and(back, mk_implies(in_range(iv(x), 0, mk_add(f.index,
											 folio_nr_pages(f))),
								       mk_implies(mk_le(f.index, iv(x)),
										  fid_is(s.files[n].pages[x], i))));
				named = mk_or(named, mk_and(mk_eq(f.mapping, iv(n + 1)), back));
			}
			z3::expr ok = mk_ite(mk_eq(f.mapping, iv(0)), mk_eq(f.index, iv(0)),
					     mk_and(mk_and(mk_le(iv(0), f.index), mk_not(f.anon)), named));
			r = mk_and(r, mk_implies(folio_live(s, i), ok));
		}
		for (unsigned p = 0; p < procs; p++)
			for (unsigned a = 0; a < space; a++) {
				const SymVmaPage &v = s.procs[p].vmas[a];
				z3::expr size = iv(0);
				for (unsigned n = 0; n < nfiles; n++)
					size = mk_ite(mk_eq(v.file, iv(n + 1)), s.files[n].size, size);
				z3::expr file_vma = mk_and(mk_and(in_range(v.file, 1, mk_add(s.nr_files, iv(1))),
								  in_range(v.pgoff, 0, size)),
							   mk_not(mk_eq(v.file, iv(0))));
				r = mk_and(r, mk_or(mk_and(mk_eq(v.file, iv(0)), mk_not(v.shared)), file_vma));
				r = mk_and(r, mk_implies(mk_eq(v.file, iv(0)), mk_not(v.anon_vma)));
			}
		out.push_back({"page_cache_well_formed",
			       "each created file holds, per index below its size, a live page-cache "
			       "folio of its order naming the file and its first index back (none past "
			       "it, none in a file not created); a file VMA maps a created file within its size, an anonymous one is "
			       "private without a kept anon_vma",
			       r});
	}
	/* handles_well_formed */
	{
		z3::expr r = c.bool_val(true);
		auto handles = [&](const std::vector<SymHandle> &hs, const z3::expr &count) {
			for (unsigned h = 0; h < hs.size(); h++) {
				const SymHandle &e = hs[h];
				z3::expr shape = mk_and(in_range(e.nr, 1, iv(e.folio.size() + 1)),
							in_range(e.proc, 0, s.nr_procs));
				shape = mk_and(shape, mk_and(mk_le(iv(0), e.va),
							     mk_le(mk_add(e.va, e.nr), iv(space))));
				z3::expr entries = c.bool_val(true);
				for (unsigned k = 0; k < e.folio.size(); k++)
					entries = mk_and(entries, mk_implies(mk_lt(iv(k), e.nr),
									     names_live_page(s, e.folio[k], &e.page[k])));
				r = mk_and(r, mk_implies(mk_lt(iv(h), count),
							 mk_and(shape, mk_implies(mk_not(e.released), entries))));
			}
		};
		handles(s.pins, s.nr_pins);
		handles(s.refs, s.nr_refs);
		out.push_back({"handles_well_formed",
			       "every live pin and reference holds existing pages of live folios", r});
	}
	out.push_back(queue_well_formed(t));
	/* refcount_accounts_holders */
	out.push_back({"refcount_accounts_holders",
		       "refcount = PTEs + PMDs + live pin pages (1024 each on order 0) + live ref "
		       "pages + the page cache's nr_pages for a page-cache folio, and > 0, for every "
		       "live folio",
		       for_live_folios(t, [&](unsigned i) {
			       const SymFolio &f = s.folios[i];
			       return mk_and(mk_eq(f.refcount, t.held_refs(i)), mk_lt(iv(0), f.refcount));
		       })});
	out.push_back(mapcounts_count_mappings(t));
	/* pincount_counts_pins */
	out.push_back({"pincount_counts_pins",
		       "_pincount of a large folio = pages of it held by live pins (0 once freed)",
		       for_existing_folios(t, [&](unsigned i) {
			       const SymFolio &f = s.folios[i];
			       return mk_implies(folio_large(f), mk_eq(f.pincount, t.pinned_pages(i)));
		       })});
	/* freed_is_unreferenced */
	{
		z3::expr r = c.bool_val(true);
		for (unsigned i = 0; i < nf; i++) {
			const SymFolio &f = s.folios[i];
			z3::expr clean = mk_and(mk_and(mk_eq(f.refcount, iv(0)), mk_not(t.mapped_anywhere(i))),
						mk_and(mk_eq(t.handle_refs(i), iv(0)),
						       mk_and(mk_not(f.queued), mk_not(f.partially_mapped))));
			clean = mk_and(clean, mk_and(mk_and(mk_eq(f.large_mapcount, iv(0)),
							    mk_eq(f.entire_mapcount, iv(0))),
						     mk_and(mk_eq(f.nr_pages_mapped, iv(0)),
							    mk_eq(f.pincount, iv(0)))));
			for (const SymPage &pg : f.pages)
				clean = mk_and(clean, mk_and(mk_eq(pg.mapcount, iv(0)), mk_not(pg.exclusive)));
			r = mk_and(r, mk_implies(mk_and(folio_exists(s, i), f.freed), clean));
		}
		out.push_back({"freed_is_unreferenced",
			       "a freed folio has refcount 0, all counters 0, no mapping, no live handle "
			       "page and no queue entry",
			       r});
	}
	/* rss_counts_pages */
	out.push_back({"rss_counts_pages", "MM_ANONPAGES = PTEs + 2^pmd_order per PMD",
		       rss_consistent(t)});
	return out;
}

} // namespace fc::solver
