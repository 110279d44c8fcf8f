// SPDX-License-Identifier: GPL-2.0
/*
 * sym_kernel.cc - the symbolic machine's helpers and the refcount
 * primitives of kernel_model.cc (folio_alloc(), folio_ref_add(),
 * folio_put_refs(), free_folio()).
 */
#include "solver/sym_kernel.h"

#include <utility>

namespace fc::solver {

SymKernel::SymKernel(const Config &cfg_, const SolverScope &sc_, const SymState &pre)
	: c(pre.ctx()), cfg(cfg_), sc(sc_), s(pre), out_of_scope(pre.ctx().bool_val(false))
{
}

void SymKernel::visible(const z3::expr &g, const char *where, bool settled)
{
	if (g.is_false())
		return;
	points.push_back(SymVisiblePoint{g, where, settled, s, {}, queue_detached, ++*point_clock});
	if (gathering || !own_refs.empty())
		points.back().gathered = in_flight_refs();
}

void SymKernel::lemma_point(const z3::expr &g, const char *where)
{
	if (!record_gather || g.is_false())
		return;
	lemma_points.push_back(
		SymVisiblePoint{g, where, true, s, in_flight_refs(), queue_detached, ++*point_clock});
}

std::vector<z3::expr> SymKernel::in_flight_refs() const
{
	std::vector<SymMmuGather::Pending> all = own_refs;
	if (gathering)
		all.insert(all.end(), gathering->pending.begin(), gathering->pending.end());
	return gathered_refs(all, 0);
}

void SymKernel::own_ref_taken(const z3::expr &g, const z3::expr &fid)
{
	if (record_gather && !g.is_false())
		own_refs.push_back({g, fid, num(1)});
}

void SymKernel::own_ref_dropped(const z3::expr &g, const z3::expr &fid)
{
	if (record_gather && !g.is_false())
		own_refs.push_back({g, fid, num(-1)});
}

std::vector<z3::expr> SymKernel::gathered_refs(const std::vector<SymMmuGather::Pending> &pending,
					       size_t from) const
{
	std::vector<z3::expr> out;
	for (unsigned i = 0; i < s.folios.size(); i++) {
		z3::expr held = num(0);
		for (size_t k = from; k < pending.size(); k++)
			held = mk_add(held, mk_ite(mk_and(pending[k].guard, is_folio(pending[k].folio, i)),
						   pending[k].nr, num(0)));
		out.push_back(held);
	}
	return out;
}

void SymKernel::page_replaced(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
			      const z3::expr &page)
{
	if (g.is_false())
		return;
	replaced.push_back(SymPageReplaced{g, p, va, folio, page, s});
}

void SymKernel::leave_scope(const z3::expr &g)
{
	out_of_scope = mk_or(out_of_scope, g);
}

void SymKernel::branch(const std::vector<z3::expr> &guards,
		       const std::function<void(size_t, SymKernel &)> &fn)
{
	const SymState base = s;
	const std::vector<const z3::expr *> base_fields = base.fields();
	std::vector<z3::expr> merged;
	for (const z3::expr *f : base_fields)
		merged.push_back(*f);

	/* Later paths are folded in first so the first path is the outermost ite. */
	std::vector<SymKernel> subs;
	std::vector<size_t> taken;
	for (size_t i = 0; i < guards.size(); i++) {
		if (guards[i].is_false())
			continue;
		subs.emplace_back(cfg, sc, base);
		subs.back().record_gather = record_gather;
		subs.back().gathering = gathering;
		subs.back().own_refs = own_refs;
		subs.back().queue_detached = queue_detached;
		subs.back().point_clock = point_clock;
		fn(i, subs.back());
		taken.push_back(i);
	}
	for (size_t n = subs.size(); n-- > 0;) {
		const z3::expr &g = guards[taken[n]];
		std::vector<const z3::expr *> f = std::as_const(subs[n].s).fields();
		for (size_t k = 0; k < f.size(); k++)
			if (!z3::eq(*f[k], *base_fields[k]))
				merged[k] = mk_ite(g, *f[k], merged[k]);
	}
	std::vector<z3::expr *> out = s.fields();
	for (size_t k = 0; k < out.size(); k++)
		*out[k] = merged[k];
	const size_t inherited = own_refs.size();
	for (size_t n = 0; n < subs.size(); n++) {
		const z3::expr &g = guards[taken[n]];
		for (SymVisiblePoint &vp : subs[n].points) {
			vp.guard = mk_and(g, vp.guard);
			if (!vp.guard.is_false())
				points.push_back(std::move(vp));
		}
		for (SymVisiblePoint &lp : subs[n].lemma_points) {
			lp.guard = mk_and(g, lp.guard);
			if (!lp.guard.is_false())
				lemma_points.push_back(std::move(lp));
		}
		for (SymPageReplaced &r : subs[n].replaced) {
			r.guard = mk_and(g, r.guard);
			if (!r.guard.is_false())
				replaced.push_back(std::move(r));
		}
		leave_scope(mk_and(g, subs[n].out_of_scope));
		/* references a path took or dropped and still counts at its end */
		for (size_t k = inherited; k < subs[n].own_refs.size(); k++) {
			SymMmuGather::Pending e = subs[n].own_refs[k];
			e.guard = mk_and(g, e.guard);
			own_refs.push_back(e);
		}
	}
}

z3::expr SymKernel::is_folio(const z3::expr &fid, unsigned i) const
{
	return mk_eq(fid, num(i + 1));
}

z3::expr SymKernel::select(const z3::expr &fid,
			   const std::function<z3::expr(const SymFolio &)> &get) const
{
	if (auto id = numeral(fid)) {
		if (*id >= 1 && *id <= static_cast<int64_t>(sc.folios))
			return get(s.folios[*id - 1]);
	}
	z3::expr r = get(s.folios.back());
	for (int i = static_cast<int>(sc.folios) - 2; i >= 0; i--)
		r = mk_ite(is_folio(fid, i), get(s.folios[i]), r);
	return r;
}

void SymKernel::for_folio(const z3::expr &g, const z3::expr &fid,
			  const std::function<void(unsigned, const z3::expr &)> &fn)
{
	if (g.is_false())
		return;
	for (unsigned i = 0; i < sc.folios; i++) {
		z3::expr gi = mk_and(g, is_folio(fid, i));
		if (!gi.is_false())
			fn(i, gi);
	}
}

z3::expr SymKernel::page_exclusive(const z3::expr &fid, const z3::expr &page) const
{
	return select(fid, [&](const SymFolio &f) {
		z3::expr r = f.pages.back().exclusive;
		for (int j = static_cast<int>(nb()) - 2; j >= 0; j--)
			r = mk_ite(mk_eq(page, num(j)), f.pages[j].exclusive, r);
		return r;
	});
}

void SymKernel::set_page_exclusive(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				   const z3::expr &v)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		for (unsigned j = 0; j < nb(); j++)
			assign(s.folios[i].pages[j].exclusive, mk_and(gi, mk_eq(page, num(j))), v);
	});
}

z3::expr SymKernel::in_pages(unsigned j, const z3::expr &first, const z3::expr &nr) const
{
	z3::expr jj = num(j);
	return mk_and(mk_le(first, jj), mk_lt(jj, mk_add(first, nr)));
}

void SymKernel::set_pte(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
			const z3::expr &page, const z3::expr &writable)
{
	set_pte(g, p, va, folio, page, writable, F());
}

void SymKernel::set_pte(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
			const z3::expr &page, const z3::expr &writable, const z3::expr &clean)
{
	SymPte &e = s.procs[p].ptes[va];
	assign(e.present, g, T());
	assign(e.folio, g, folio);
	assign(e.page, g, page);
	assign(e.writable, g, writable);
	assign(e.clean, g, clean);
}

void SymKernel::clear_pte(const z3::expr &g, ProcId p, Va va)
{
	SymPte &e = s.procs[p].ptes[va];
	assign(e.present, g, F());
	assign(e.folio, g, num(0));
	assign(e.page, g, num(0));
	assign(e.writable, g, F());
	assign(e.clean, g, F());
}

void SymKernel::set_pmd(const z3::expr &g, ProcId p, unsigned b, const z3::expr &folio,
			const z3::expr &writable, const z3::expr &clean)
{
	SymPmd &e = s.procs[p].pmds[b];
	assign(e.present, g, T());
	assign(e.folio, g, folio);
	assign(e.writable, g, writable);
	assign(e.clean, g, clean);
}

/* The guards are copied: a caller may pass the entry's own present bit. */
void SymKernel::set_swp(const z3::expr &guard, ProcId p, Va va, const z3::expr &slot,
			const z3::expr &exclusive)
{
	const z3::expr g = guard;
	SymSwp &e = s.procs[p].swps[va];
	assign(e.present, g, T());
	assign(e.slot, g, slot);
	assign(e.exclusive, g, exclusive);
}

void SymKernel::clear_swp(const z3::expr &guard, ProcId p, Va va)
{
	const z3::expr g = guard;
	SymSwp &e = s.procs[p].swps[va];
	assign(e.present, g, F());
	assign(e.slot, g, num(0));
	assign(e.exclusive, g, F());
}

void SymKernel::clear_pmd(const z3::expr &g, ProcId p, unsigned b)
{
	SymPmd &e = s.procs[p].pmds[b];
	assign(e.present, g, F());
	assign(e.folio, g, num(0));
	assign(e.writable, g, F());
	assign(e.clean, g, F());
}

/* What follow_page() finds at @va: the PMD covering it, else the PTE. */
SymMapping SymKernel::mapping_at(ProcId p, Va va) const
{
	const SymPmd &pmd = s.procs[p].pmds[va / nb()];
	const SymPte &pte = s.procs[p].ptes[va];
	Va haddr = va - va % nb();
	return SymMapping{mk_or(pmd.present, pte.present), pmd.present,
			  mk_ite(pmd.present, pmd.folio, pte.folio),
			  mk_ite(pmd.present, num(static_cast<int64_t>(va - haddr)), pte.page),
			  mk_ite(pmd.present, pmd.writable, pte.writable)};
}

SymKernel::BlockRange SymKernel::block_range(const z3::expr &g, unsigned b, const z3::expr &start,
					     const z3::expr &end) const
{
	z3::expr bs = num(static_cast<int64_t>(Va{b} * nb()));
	z3::expr be = num(static_cast<int64_t>(Va{b + 1} * nb()));
	return BlockRange{mk_and(g, mk_and(mk_lt(start, be), mk_lt(bs, end))),
			  mk_and(mk_le(start, bs), mk_le(be, end)),
			  mk_ite(mk_lt(start, bs), bs, start), mk_ite(mk_lt(be, end), be, end)};
}

/*
 * folio_alloc - a new folio with one reference, counters and flags reset;
 * it takes the next id. Past the scope's last id the path leaves the scope.
 */
z3::expr SymKernel::folio_alloc(const z3::expr &g, const z3::expr &order)
{
	if (g.is_false())
		return num(0);
	leave_scope(mk_and(g, mk_le(num(sc.folios), s.nr_folios)));
	for (unsigned i = 0; i < sc.folios; i++) {
		z3::expr gi = mk_and(g, mk_eq(s.nr_folios, num(i)));
		if (gi.is_false())
			continue;
		SymFolio &f = s.folios[i];
		assign(f.order, gi, order);
		assign(f.freed, gi, F());
		assign(f.refcount, gi, num(1));
		assign(f.large_mapcount, gi, num(0));
		assign(f.entire_mapcount, gi, num(0));
		assign(f.nr_pages_mapped, gi, num(0));
		assign(f.pincount, gi, num(0));
		assign(f.partially_mapped, gi, F());
		assign(f.queued, gi, F());
		assign(f.lazyfree, gi, F());
		/* a fresh struct folio (KFolio's defaults): an inductive pre-state's free slot is junk */
		assign(f.anon, gi, T());
		assign(f.swapcache, gi, F());
		assign(f.swap, gi, num(0));
		assign(f.mapping, gi, num(0));
		assign(f.index, gi, num(0));
		for (SymPage &pg : f.pages) {
			assign(pg.mapcount, gi, num(0));
			assign(pg.exclusive, gi, F());
		}
	}
	z3::expr id = mk_add(s.nr_folios, num(1));
	assign(s.nr_folios, g, id);
	return id;
}

void SymKernel::folio_get(const z3::expr &g, const z3::expr &fid)
{
	folio_ref_add(g, fid, num(1));
}

void SymKernel::folio_ref_add(const z3::expr &g, const z3::expr &fid, const z3::expr &nr)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		assign(s.folios[i].refcount, gi, mk_add(s.folios[i].refcount, nr));
	});
}

/* folio_ref_sub(): never frees; callers know another reference remains. */
void SymKernel::folio_ref_sub(const z3::expr &g, const z3::expr &fid, const z3::expr &nr)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) {
		assign(s.folios[i].refcount, gi, mk_sub(s.folios[i].refcount, nr));
	});
}

/* folio_put_refs() -> __folio_put() when the count reaches zero. */
void SymKernel::folio_put_refs(const z3::expr &g, const z3::expr &fid, const z3::expr &nr)
{
	for_folio(g, fid, [&](unsigned i, const z3::expr &gi) { folio_put_refs_slot(gi, i, nr); });
}

void SymKernel::folio_put_refs_slot(const z3::expr &g, unsigned i, const z3::expr &nr)
{
	SymFolio &f = s.folios[i];
	z3::expr left = mk_sub(f.refcount, nr);
	assign(f.refcount, g, left);
	free_folio(mk_and(g, mk_eq(left, num(0))), i);
}

void SymKernel::folio_put(const z3::expr &g, const z3::expr &fid)
{
	folio_put_refs(g, fid, num(1));
}

/*
 * free_folio - __folio_put(): off the deferred split queue, page flags
 * reset; the counters stay as they are (no_use_after_free looks at them).
 */
void SymKernel::free_folio(const z3::expr &g, unsigned i)
{
	if (g.is_false())
		return;
	folio_unqueue_deferred_split(g, i);
	SymFolio &f = s.folios[i];
	assign(f.freed, g, T());
	for (SymPage &pg : f.pages)
		assign(pg.exclusive, g, F());
}

} // namespace fc::solver
