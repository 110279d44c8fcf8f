// SPDX-License-Identifier: GPL-2.0
/*
 * encoding.cc - building, naming, comparing and decoding symbolic states.
 */
#include "solver/encoding.h"

#include "model/trace.h"
#include "solver/formula.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace fc::solver {

/* --- scope -------------------------------------------------------------- */

bool variant_encoded(Variant v)
{
	return v == Variant::v6_12 || v == Variant::unbatched;
}

SolverScope SolverScope::from_config(const Config &cfg, const SolverScope &bounds)
{
	SolverScope sc = bounds;
	const Scope &s = cfg.scope;

	if (!variant_encoded(cfg.variant))
		throw std::invalid_argument(
			"variant " + std::string(variant_name(cfg.variant)) +
			" is not modelled by the kernel model yet; the solver encodes v6_12 and unbatched");
	if (s.pmd_order < 2 || s.pmd_order > 4)
		throw std::invalid_argument("pmd_order=" + std::to_string(s.pmd_order) +
					    ": the solver encodes pmd_order 2..4");
	sc.pmd_order = s.pmd_order;
	sc.pte_max_order = s.pte_max_order();
	sc.pmd_faults = s.pmd_faults();
	if (s.max_procs < 1 || s.max_procs > 4)
		throw std::invalid_argument("procs=" + std::to_string(s.max_procs) +
					    ": the solver encodes 1..4 processes");
	sc.procs = s.max_procs;
	Va space = s.space_pages();
	if (space % sc.pmd_pages() || space > 64)
		throw std::invalid_argument("space=" + std::to_string(space) +
					    ": the solver needs a multiple of the PMD size (" +
					    std::to_string(sc.pmd_pages()) + " pages), at most 64");
	sc.space = static_cast<unsigned>(space);
	if (sc.folios < 1 || sc.folios > 32)
		throw std::invalid_argument("folios=" + std::to_string(sc.folios) + ": 1..32");
	if (sc.pins > 8 || sc.refs > 8)
		throw std::invalid_argument("pins/refs: at most 8 handles each");
	if (sc.queue < 1 || sc.queue > 8)
		throw std::invalid_argument("queue=" + std::to_string(sc.queue) + ": 1..8");
	if (sc.handle_pages < 1 || sc.handle_pages > sc.space)
		throw std::invalid_argument("pin_pages=" + std::to_string(sc.handle_pages) +
					    ": 1..space");
	if (sc.slots < 1 || sc.slots > 32)
		throw std::invalid_argument("slots=" + std::to_string(sc.slots) + ": 1..32");
	if (sc.files < 1 || sc.files > 4)
		throw std::invalid_argument("files=" + std::to_string(sc.files) + ": 1..4");
	return sc;
}

std::string SolverScope::describe() const
{
	std::ostringstream s;
	s << "pmd_order=" << pmd_order << " max_pte_order=" << pte_max_order
	  << (pmd_faults ? "" : " no_pmd_faults") << " procs=" << procs
	  << " space=" << space << " folios=" << folios << " pins=" << pins << " refs=" << refs
	  << " queue=" << queue << " pin_pages=" << handle_pages << " slots=" << slots << " files=" << files;
	return s.str();
}

/* --- the fields of a state ---------------------------------------------- */

namespace {

/* Visit every term of @s with its name, in a fixed order. */
template <typename State, typename Fn>
void for_each_field(State &s, Fn fn)
{
	fn("nr_folios", s.nr_folios);
	fn("nr_procs", s.nr_procs);
	fn("nr_pins", s.nr_pins);
	fn("nr_refs", s.nr_refs);
	fn("queue_len", s.queue_len);
	fn("nr_slots", s.nr_slots);
	fn("nr_files", s.nr_files);
	for (size_t k = 0; k < s.files.size(); k++) {
		std::string n = "file" + std::to_string(k) + ".";
		fn(n + "size", s.files[k].size);
		fn(n + "order", s.files[k].order);
		for (size_t x = 0; x < s.files[k].pages.size(); x++)
			fn(n + "page" + std::to_string(x), s.files[k].pages[x]);
	}
	for (size_t k = 0; k < s.slots.size(); k++) {
		fn("slot" + std::to_string(k) + ".count", s.slots[k].count);
		fn("slot" + std::to_string(k) + ".cache", s.slots[k].cache);
	}
	for (size_t k = 0; k < s.queue.size(); k++)
		fn("queue" + std::to_string(k), s.queue[k]);
	for (size_t i = 0; i < s.folios.size(); i++) {
		auto &f = s.folios[i];
		std::string n = "f" + std::to_string(i + 1) + ".";
		fn(n + "order", f.order);
		fn(n + "freed", f.freed);
		fn(n + "refcount", f.refcount);
		fn(n + "large_mapcount", f.large_mapcount);
		fn(n + "entire_mapcount", f.entire_mapcount);
		fn(n + "nr_pages_mapped", f.nr_pages_mapped);
		fn(n + "pincount", f.pincount);
		fn(n + "partially_mapped", f.partially_mapped);
		fn(n + "queued", f.queued);
		fn(n + "lazyfree", f.lazyfree);
		fn(n + "anon", f.anon);
		fn(n + "swapcache", f.swapcache);
		fn(n + "swap", f.swap);
		fn(n + "mapping", f.mapping);
		fn(n + "index", f.index);
		for (size_t j = 0; j < f.pages.size(); j++) {
			fn(n + "mapcount" + std::to_string(j), f.pages[j].mapcount);
			fn(n + "exclusive" + std::to_string(j), f.pages[j].exclusive);
		}
	}
	for (size_t p = 0; p < s.procs.size(); p++) {
		auto &pr = s.procs[p];
		std::string n = "p" + std::to_string(p) + ".";
		fn(n + "exited", pr.exited);
		fn(n + "has_pinned", pr.has_pinned);
		fn(n + "rss_anon", pr.rss_anon);
		fn(n + "rss_file", pr.rss_file);
		for (size_t a = 0; a < pr.vmas.size(); a++) {
			std::string m = n + "vma" + std::to_string(a) + ".";
			fn(m + "write", pr.vmas[a].write);
			fn(m + "shared", pr.vmas[a].shared);
			fn(m + "file", pr.vmas[a].file);
			fn(m + "pgoff", pr.vmas[a].pgoff);
			fn(m + "anon_vma", pr.vmas[a].anon_vma);
		}
		for (size_t a = 0; a < pr.ptes.size(); a++) {
			std::string m = n + "pte" + std::to_string(a) + ".";
			fn(m + "present", pr.ptes[a].present);
			fn(m + "folio", pr.ptes[a].folio);
			fn(m + "page", pr.ptes[a].page);
			fn(m + "writable", pr.ptes[a].writable);
			fn(m + "clean", pr.ptes[a].clean);
		}
		for (size_t b = 0; b < pr.pmds.size(); b++) {
			std::string m = n + "pmd" + std::to_string(b) + ".";
			fn(m + "present", pr.pmds[b].present);
			fn(m + "folio", pr.pmds[b].folio);
			fn(m + "writable", pr.pmds[b].writable);
			fn(m + "clean", pr.pmds[b].clean);
		}
		for (size_t a = 0; a < pr.swps.size(); a++) {
			std::string m = n + "swp" + std::to_string(a) + ".";
			fn(m + "present", pr.swps[a].present);
			fn(m + "slot", pr.swps[a].slot);
			fn(m + "exclusive", pr.swps[a].exclusive);
		}
	}
	auto handles = [&](auto &hs, const char *kind) {
		for (size_t h = 0; h < hs.size(); h++) {
			auto &hd = hs[h];
			std::string n = kind + std::to_string(h + 1) + ".";
			fn(n + "released", hd.released);
			fn(n + "proc", hd.proc);
			fn(n + "va", hd.va);
			fn(n + "nr", hd.nr);
			for (size_t k = 0; k < hd.folio.size(); k++) {
				fn(n + "folio" + std::to_string(k), hd.folio[k]);
				fn(n + "page" + std::to_string(k), hd.page[k]);
			}
		}
	};
	handles(s.pins, "pin");
	handles(s.refs, "ref");
}

SymHandle blank_handle(z3::context &c, const SolverScope &sc)
{
	SymHandle h(c);
	h.released = c.bool_val(false);
	h.proc = c.int_val(0);
	h.va = c.int_val(0);
	h.nr = c.int_val(0);
	h.folio.assign(sc.handle_pages, c.int_val(0));
	h.page.assign(sc.handle_pages, c.int_val(0));
	return h;
}

} // namespace

std::vector<z3::expr *> SymState::fields()
{
	std::vector<z3::expr *> v;
	for_each_field(*this, [&](const std::string &, z3::expr &e) { v.push_back(&e); });
	return v;
}

std::vector<const z3::expr *> SymState::fields() const
{
	std::vector<const z3::expr *> v;
	for_each_field(*this, [&](const std::string &, const z3::expr &e) { v.push_back(&e); });
	return v;
}

/* The blank folio: what folio_alloc() overwrites, and what a free slot holds. */
static SymFolio blank_folio(z3::context &c, const SolverScope &sc)
{
	SymFolio f(c);
	f.order = c.int_val(0);
	f.freed = c.bool_val(false);
	f.refcount = c.int_val(0);
	f.large_mapcount = c.int_val(0);
	f.entire_mapcount = c.int_val(0);
	f.nr_pages_mapped = c.int_val(0);
	f.pincount = c.int_val(0);
	f.partially_mapped = c.bool_val(false);
	f.queued = c.bool_val(false);
	f.lazyfree = c.bool_val(false);
	f.anon = c.bool_val(true);
	f.swapcache = c.bool_val(false);
	f.swap = c.int_val(0);
	f.mapping = c.int_val(0);
	f.index = c.int_val(0);
	for (unsigned j = 0; j < sc.pmd_pages(); j++) {
		SymPage pg(c);
		pg.mapcount = c.int_val(0);
		pg.exclusive = c.bool_val(false);
		f.pages.push_back(pg);
	}
	return f;
}

SymState initial_state(z3::context &c, const SolverScope &sc)
{
	SymState s(c);
	s.nr_folios = c.int_val(0);
	s.nr_procs = c.int_val(1);
	s.nr_pins = c.int_val(0);
	s.nr_refs = c.int_val(0);
	s.queue_len = c.int_val(0);
	s.nr_slots = c.int_val(0);
	s.nr_files = c.int_val(0);
	SymFile file(c);
	file.size = c.int_val(0);
	file.order = c.int_val(0);
	file.pages.assign(sc.space, c.int_val(0));
	s.files.assign(sc.files, file);
	s.queue.assign(sc.queue, c.int_val(0));
	SymSlot slot(c);
	slot.count = c.int_val(0);
	slot.cache = c.int_val(0);
	s.slots.assign(sc.slots, slot);
	s.folios.assign(sc.folios, blank_folio(c, sc));
	for (unsigned p = 0; p < sc.procs; p++) {
		SymProc pr(c);
		pr.exited = c.bool_val(false);
		pr.has_pinned = c.bool_val(false);
		pr.rss_anon = c.int_val(0);
		pr.rss_file = c.int_val(0);
		for (unsigned a = 0; a < sc.space; a++) {
			/* p0's one anonymous VMA covers the address space */
			SymVmaPage vma(c);
			vma.write = c.bool_val(true);
			vma.shared = c.bool_val(false);
			vma.file = c.int_val(0);
			vma.pgoff = c.int_val(a);
			vma.anon_vma = c.bool_val(false);
			pr.vmas.push_back(vma);
		}
		for (unsigned a = 0; a < sc.space; a++) {
			SymPte pte(c);
			pte.present = c.bool_val(false);
			pte.folio = c.int_val(0);
			pte.page = c.int_val(0);
			pte.writable = c.bool_val(false);
			pte.clean = c.bool_val(false);
			pr.ptes.push_back(pte);
		}
		for (unsigned b = 0; b < sc.blocks(); b++) {
			SymPmd pmd(c);
			pmd.present = c.bool_val(false);
			pmd.folio = c.int_val(0);
			pmd.writable = c.bool_val(false);
			pmd.clean = c.bool_val(false);
			pr.pmds.push_back(pmd);
		}
		for (unsigned a = 0; a < sc.space; a++) {
			SymSwp swp(c);
			swp.present = c.bool_val(false);
			swp.slot = c.int_val(0);
			swp.exclusive = c.bool_val(false);
			pr.swps.push_back(swp);
		}
		s.procs.push_back(pr);
	}
	s.pins.assign(sc.pins, blank_handle(c, sc));
	s.refs.assign(sc.refs, blank_handle(c, sc));
	return s;
}

SymState fresh_state(z3::context &c, const SolverScope &sc, const std::string &prefix)
{
	SymState s = initial_state(c, sc);
	for_each_field(s, [&](const std::string &name, z3::expr &e) {
		e = c.constant((prefix + "." + name).c_str(), e.get_sort());
	});
	return s;
}

z3::expr states_equal(const SymState &a, const SymState &b)
{
	auto fa = a.fields(), fb = b.fields();
	z3::expr r = a.ctx().bool_val(true);
	for (size_t i = 0; i < fa.size(); i++)
		r = mk_and(r, mk_eq(*fa[i], *fb[i]));
	return r;
}

std::vector<z3::expr> name_state(SymState &s, const std::string &prefix)
{
	std::vector<z3::expr> defs;
	z3::context &c = s.ctx();
	for_each_field(s, [&](const std::string &name, z3::expr &e) {
		if (is_literal(e) || e.is_const())
			return;
		z3::expr k = c.constant((prefix + "." + name).c_str(), e.get_sort());
		defs.push_back(k == e);
		e = k;
	});
	return defs;
}

SymState concrete_state(z3::context &c, const SolverScope &sc, const Snapshot &snap)
{
	SymState s = initial_state(c, sc);
	auto fail = [](const std::string &why) {
		throw std::invalid_argument("state outside the solver scope: " + why);
	};

	if (snap.folios.size() > sc.folios)
		fail(std::to_string(snap.folios.size()) + " folios");
	if (snap.procs.size() > sc.procs || snap.procs.empty())
		fail(std::to_string(snap.procs.size()) + " processes");
	if (snap.pins.size() > sc.pins || snap.refs.size() > sc.refs)
		fail("too many handles");
	if (snap.split_queue.size() > sc.queue)
		fail("split queue longer than " + std::to_string(sc.queue));

	s.nr_folios = c.int_val(static_cast<int64_t>(snap.folios.size()));
	s.nr_procs = c.int_val(static_cast<int64_t>(snap.procs.size()));
	s.nr_pins = c.int_val(static_cast<int64_t>(snap.pins.size()));
	s.nr_refs = c.int_val(static_cast<int64_t>(snap.refs.size()));
	s.queue_len = c.int_val(static_cast<int64_t>(snap.split_queue.size()));
	for (size_t k = 0; k < snap.split_queue.size(); k++)
		s.queue[k] = c.int_val(snap.split_queue[k]);

	for (size_t i = 0; i < snap.folios.size(); i++) {
		const FolioView &v = snap.folios[i];
		SymFolio &f = s.folios[i];
		bool large = v.order > 0;
		if (v.order > sc.pmd_order)
			fail(folio_name(v.id) + " of order " + std::to_string(v.order));
		f.order = c.int_val(v.order);
		f.freed = c.bool_val(v.freed);
		f.refcount = c.int_val(v.refcount);
		f.large_mapcount = c.int_val(large ? v.mapcount : 0);
		f.entire_mapcount = c.int_val(large ? v.entire_mapcount : 0);
		f.nr_pages_mapped = c.int_val(large ? v.nr_pages_mapped : 0);
		f.pincount = c.int_val(large ? v.pincount : 0);
		f.partially_mapped = c.bool_val(v.partially_mapped);
		f.queued = c.bool_val(v.queued);
		f.lazyfree = c.bool_val(v.lazyfree);
		f.anon = c.bool_val(v.anon);
		for (unsigned j = 0; j < v.nr_pages(); j++) {
			long entire = large ? v.entire_mapcount : 0;
			f.pages[j].mapcount = c.int_val(v.page_mapcount[j] - entire);
			f.pages[j].exclusive = c.bool_val(v.anon_exclusive[j]);
		}
	}

	for (size_t p = 0; p < snap.procs.size(); p++) {
		const ProcView &v = snap.procs[p];
		SymProc &pr = s.procs[p];
		pr.exited = c.bool_val(v.exited);
		pr.rss_anon = c.int_val(v.rss_anon);
		if (v.rss_file)
			fail("file pages");
		for (const auto &[va, pte] : v.ptes) {
			if (va >= sc.space)
				fail("a PTE outside the space");
			SymPte &e = pr.ptes[va];
			e.present = c.bool_val(true);
			e.folio = c.int_val(pte.folio);
			e.page = c.int_val(pte.page);
			e.writable = c.bool_val(pte.writable);
		}
		for (const auto &[va, pmd] : v.pmds) {
			if (va >= sc.space || va % sc.pmd_pages())
				fail("a PMD outside the space");
			SymPmd &e = pr.pmds[va / sc.pmd_pages()];
			e.present = c.bool_val(true);
			e.folio = c.int_val(pmd.folio);
			e.writable = c.bool_val(pmd.writable);
		}
		for (const auto &[va, swp] : v.swap) {
			if (va >= sc.space || swp.slot >= sc.slots)
				fail("a swap entry outside the space or the slots");
			SymSwp &e = pr.swps[va];
			e.present = c.bool_val(true);
			e.slot = c.int_val(static_cast<int64_t>(swp.slot));
			e.exclusive = c.bool_val(swp.exclusive);
		}
	}
	for (const HandleView &h : snap.pins)
		if (h.proc < sc.procs)
			s.procs[h.proc].has_pinned = c.bool_val(true);

	auto handles = [&](const std::vector<HandleView> &in, std::vector<SymHandle> &out) {
		for (size_t h = 0; h < in.size(); h++) {
			const HandleView &v = in[h];
			SymHandle &e = out[h];
			if (v.pages.empty() || v.pages.size() > sc.handle_pages)
				fail("a handle of " + std::to_string(v.pages.size()) + " pages");
			e.released = c.bool_val(v.released);
			e.proc = c.int_val(v.proc);
			e.va = c.int_val(static_cast<int64_t>(v.pages[0].va));
			e.nr = c.int_val(static_cast<int64_t>(v.pages.size()));
			for (size_t k = 0; k < v.pages.size(); k++) {
				if (v.pages[k].va != v.pages[0].va + k)
					fail("a handle over non-consecutive VAs");
				e.folio[k] = c.int_val(v.pages[k].folio);
				e.page[k] = c.int_val(v.pages[k].page);
			}
		}
	};
	handles(snap.pins, s.pins);
	handles(snap.refs, s.refs);
	return s;
}

/* --- observables -------------------------------------------------------- */

z3::expr folio_exists(const SymState &s, unsigned i)
{
	return mk_lt(s.ctx().int_val(i), s.nr_folios);
}

z3::expr folio_live(const SymState &s, unsigned i)
{
	return mk_and(folio_exists(s, i), mk_not(s.folios[i].freed));
}

z3::expr folio_large(const SymFolio &f)
{
	return mk_lt(f.order.ctx().int_val(0), f.order);
}

z3::expr page_exists(const SymFolio &f, unsigned j)
{
	unsigned need = 0;
	while ((1u << need) <= j)
		need++;
	return mk_le(f.order.ctx().int_val(need), f.order);
}

z3::expr folio_nr_pages(const SymFolio &f)
{
	z3::context &c = f.order.ctx();
	unsigned max_order = 0;
	while ((1u << max_order) < f.pages.size())
		max_order++;
	z3::expr r = c.int_val(1u << max_order);
	for (int k = static_cast<int>(max_order) - 1; k >= 0; k--)
		r = mk_ite(mk_eq(f.order, c.int_val(k)), c.int_val(1u << k), r);
	return r;
}

z3::expr obs_mapcount(const SymFolio &f)
{
	return mk_ite(folio_large(f), f.large_mapcount, f.pages[0].mapcount);
}

z3::expr obs_mapped(const SymFolio &f)
{
	return mk_lt(f.order.ctx().int_val(0), obs_mapcount(f));
}

z3::expr obs_entire_mapcount(const SymFolio &f)
{
	return mk_ite(folio_large(f), f.entire_mapcount, f.order.ctx().int_val(0));
}

z3::expr obs_page_mapcount(const SymFolio &f, unsigned j)
{
	return mk_add(f.pages[j].mapcount, obs_entire_mapcount(f));
}

z3::expr obs_nr_pages_mapped(const SymFolio &f)
{
	z3::context &c = f.order.ctx();
	return mk_ite(folio_large(f), f.nr_pages_mapped,
		      count_if(mk_le(c.int_val(1), f.pages[0].mapcount)));
}

z3::expr obs_pincount(const SymFolio &f)
{
	return mk_ite(folio_large(f), f.pincount, f.order.ctx().int_val(0));
}

z3::expr obs_maybe_pinned(const SymFolio &f)
{
	z3::context &c = f.order.ctx();
	return mk_ite(folio_large(f), mk_lt(c.int_val(0), f.pincount),
		      mk_le(c.int_val(kGupPinCountingBias), f.refcount));
}

z3::expr proc_live(const SymState &s, unsigned p)
{
	return mk_and(mk_lt(s.ctx().int_val(p), s.nr_procs), mk_not(s.procs[p].exited));
}

/* --- decoding ----------------------------------------------------------- */

Evaluator model_evaluator(const z3::model &m)
{
	return [m](const z3::expr &e) { return m.eval(e, true); };
}

Evaluator ground_evaluator()
{
	return [](const z3::expr &e) { return e.simplify(); };
}

int64_t eval_int(const Evaluator &ev, const z3::expr &e)
{
	z3::expr v = ev(e);
	if (auto x = numeral(v))
		return *x;
	throw std::logic_error("solver: a term did not evaluate to an integer: " + v.to_string());
}

bool eval_bool(const Evaluator &ev, const z3::expr &e)
{
	z3::expr v = ev(e);
	if (v.is_true())
		return true;
	if (v.is_false())
		return false;
	throw std::logic_error("solver: a term did not evaluate to a boolean: " + v.to_string());
}

Snapshot decode_snapshot(const Evaluator &ev, const SymState &s, const SolverScope &sc)
{
	Snapshot snap;
	int64_t nf = std::clamp<int64_t>(eval_int(ev, s.nr_folios), 0, sc.folios);
	for (int64_t i = 0; i < nf; i++) {
		const SymFolio &f = s.folios[i];
		FolioView v;
		v.id = static_cast<FolioId>(i + 1);
		v.order = static_cast<unsigned>(std::clamp<int64_t>(eval_int(ev, f.order), 0, sc.pmd_order));
		v.anon = eval_bool(ev, f.anon);
		v.freed = eval_bool(ev, f.freed);
		v.refcount = eval_int(ev, f.refcount);
		v.mapcount = eval_int(ev, obs_mapcount(f));
		v.entire_mapcount = eval_int(ev, obs_entire_mapcount(f));
		v.nr_pages_mapped = eval_int(ev, obs_nr_pages_mapped(f));
		v.pincount = eval_int(ev, obs_pincount(f));
		v.maybe_pinned = eval_bool(ev, obs_maybe_pinned(f));
		v.queued = eval_bool(ev, f.queued);
		v.partially_mapped = eval_bool(ev, f.partially_mapped);
		v.lazyfree = eval_bool(ev, f.lazyfree);
		for (unsigned j = 0; j < v.nr_pages(); j++) {
			v.page_mapcount.push_back(eval_int(ev, obs_page_mapcount(f, j)));
			v.anon_exclusive.push_back(eval_bool(ev, f.pages[j].exclusive));
		}
		snap.folios.push_back(std::move(v));
	}
	int64_t np = std::clamp<int64_t>(eval_int(ev, s.nr_procs), 0, sc.procs);
	for (int64_t p = 0; p < np; p++) {
		const SymProc &pr = s.procs[p];
		ProcView v;
		v.id = static_cast<ProcId>(p);
		v.exited = eval_bool(ev, pr.exited);
		for (unsigned a = 0; a < sc.space; a++) {
			const SymPte &e = pr.ptes[a];
			if (eval_bool(ev, e.present))
				v.ptes.emplace(a, PteView{static_cast<FolioId>(eval_int(ev, e.folio)),
							  static_cast<uint32_t>(eval_int(ev, e.page)),
							  eval_bool(ev, e.writable)});
		}
		for (unsigned b = 0; b < sc.blocks(); b++) {
			const SymPmd &e = pr.pmds[b];
			if (eval_bool(ev, e.present))
				v.pmds.emplace(Va{b} * sc.pmd_pages(),
					       PmdView{static_cast<FolioId>(eval_int(ev, e.folio)),
						       eval_bool(ev, e.writable)});
		}
		for (unsigned a = 0; a < sc.space; a++) {
			const SymSwp &e = pr.swps[a];
			if (eval_bool(ev, e.present))
				v.swap.emplace(a, SwapPteView{static_cast<uint64_t>(eval_int(ev, e.slot)),
							      eval_bool(ev, e.exclusive)});
		}
		v.rss_anon = eval_int(ev, pr.rss_anon);
		v.rss_file = eval_int(ev, pr.rss_file);
		snap.procs.push_back(std::move(v));
	}
	auto handles = [&](const std::vector<SymHandle> &in, const z3::expr &count,
			   std::vector<HandleView> &out) {
		int64_t n = std::clamp<int64_t>(eval_int(ev, count), 0, in.size());
		for (int64_t h = 0; h < n; h++) {
			const SymHandle &e = in[h];
			HandleView v;
			v.id = static_cast<HandleId>(h + 1);
			v.proc = static_cast<ProcId>(eval_int(ev, e.proc));
			v.released = eval_bool(ev, e.released);
			int64_t va = eval_int(ev, e.va);
			int64_t nr = std::clamp<int64_t>(eval_int(ev, e.nr), 0, e.folio.size());
			for (int64_t k = 0; k < nr; k++)
				v.pages.push_back({static_cast<Va>(va + k),
						   static_cast<FolioId>(eval_int(ev, e.folio[k])),
						   static_cast<uint32_t>(eval_int(ev, e.page[k]))});
			out.push_back(std::move(v));
		}
	};
	handles(s.pins, s.nr_pins, snap.pins);
	handles(s.refs, s.nr_refs, snap.refs);
	int64_t ql = std::clamp<int64_t>(eval_int(ev, s.queue_len), 0, sc.queue);
	for (int64_t k = 0; k < ql; k++)
		snap.split_queue.push_back(static_cast<FolioId>(eval_int(ev, s.queue[k])));
	return snap;
}

std::vector<bool> decode_has_pinned(const Evaluator &ev, const SymState &s)
{
	std::vector<bool> v;
	int64_t np = std::clamp<int64_t>(eval_int(ev, s.nr_procs), 0, s.procs.size());
	for (int64_t p = 0; p < np; p++)
		v.push_back(eval_bool(ev, s.procs[p].has_pinned));
	return v;
}

std::string describe_state(const Snapshot &snap, const std::vector<bool> &has_pinned)
{
	std::ostringstream o;
	for (const FolioView &f : snap.folios) {
		o << "  " << folio_name(f.id) << ": order " << f.order;
		if (!f.anon)
			o << " page-cache";
		if (f.freed)
			o << " freed";
		o << " refcount " << f.refcount << " mapcount " << f.mapcount << " entire "
		  << f.entire_mapcount << " nr_pages_mapped " << f.nr_pages_mapped << " pincount "
		  << f.pincount << (f.queued ? " queued" : "")
		  << (f.partially_mapped ? " partially_mapped" : "") << "; pages";
		for (unsigned j = 0; j < f.nr_pages(); j++)
			o << " " << j << ":" << f.page_mapcount[j] << (f.anon_exclusive[j] ? "x" : "");
		o << "\n";
	}
	for (const ProcView &p : snap.procs) {
		o << "  " << proc_name(p.id) << (p.exited ? " (exited)" : "") << ": rss_anon "
		  << p.rss_anon;
		if (p.rss_file)
			o << " rss_file " << p.rss_file;
		if (p.id < has_pinned.size() && has_pinned[p.id])
			o << " has_pinned";
		for (const auto &[va, pmd] : p.pmds)
			o << "; pmd " << va << "->" << folio_name(pmd.folio) << (pmd.writable ? " rw" : " ro");
		for (const auto &[va, pte] : p.ptes)
			o << "; " << va << "->" << page_name(pte.folio, pte.page)
			  << (pte.writable ? " rw" : " ro");
		for (const auto &[va, swp] : p.swap)
			o << "; " << va << "->swap slot " << swp.slot << (swp.exclusive ? " exclusive" : "");
		o << "\n";
	}
	auto handles = [&](const std::vector<HandleView> &hs, const char *kind) {
		for (const HandleView &h : hs) {
			o << "  " << kind << h.id << " of " << proc_name(h.proc)
			  << (h.released ? " (released)" : "") << ":";
			for (const auto &pg : h.pages)
				o << " " << pg.va << "->" << page_name(pg.folio, pg.page);
			o << "\n";
		}
	};
	handles(snap.pins, "pin");
	handles(snap.refs, "ref");
	o << "  split queue:";
	for (FolioId f : snap.split_queue)
		o << " " << folio_name(f);
	if (snap.split_queue.empty())
		o << " empty";
	o << "\n";
	return o.str();
}

} // namespace fc::solver
