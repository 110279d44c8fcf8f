// SPDX-License-Identifier: GPL-2.0
/*
 * query.cc - evaluating a Query: one evaluator, two value domains (Z3 terms
 * over a symbolic state, integers over a Snapshot), so the solver and the
 * replay agree on what an expression means.
 */
#include "solver/query.h"

#include "model/check/invariants.h"
#include "model/trace.h"
#include "solver/formula.h"
#include "solver/query_parser.h"

#include <functional>
#include <map>

namespace fc::solver {

std::string_view sort_name(Sort s)
{
	switch (s) {
	case Sort::boolean:
		return "boolean";
	case Sort::integer:
		return "integer";
	case Sort::folio:
		return "folio";
	case Sort::page:
		return "page";
	case Sort::process:
		return "process";
	}
	return "?";
}

std::string Goal::name() const
{
	switch (kind) {
	case Kind::invariant:
		return std::string(invariant_name(invariant));
	case Kind::accounting:
		return "accounting";
	case Kind::expression:
		return "expression";
	}
	return "?";
}

std::optional<Query::At> parse_at(std::string_view s)
{
	if (s == "all" || s == "every_point")
		return Query::At::every_point;
	if (s == "settled")
		return Query::At::settled;
	if (s == "end")
		return Query::At::end;
	return std::nullopt;
}

std::string_view at_name(Query::At at)
{
	switch (at) {
	case Query::At::every_point:
		return "every visible point";
	case Query::At::settled:
		return "every settled visible point";
	case Query::At::end:
		return "the end of every statement";
	}
	return "?";
}

std::string Query::describe() const
{
	if (goals.size() == 1) {
		const Goal &g = goals[0];
		if (g.kind == Goal::Kind::invariant)
			return "SPEC invariant " + g.name() + " at every visible point" +
			       (g.invariant == Invariant::pin_stays_mapped ? " (page-replaced events)" : "");
		if (g.kind == Goal::Kind::accounting)
			return "accounting: the kernel's counters equal what the holders imply, at the "
			       "end of every statement";
		return "expression " + text + " at " + std::string(at_name(at));
	}
	std::string s;
	for (const Goal &g : goals)
		s += (s.empty() ? "" : ", ") + g.name();
	return "every one of: " + s;
}

bool Query::watches_page_replaced() const
{
	for (const Goal &g : goals)
		if (g.kind == Goal::Kind::invariant && g.invariant == Invariant::pin_stays_mapped)
			return true;
	return false;
}

Query all_invariants_query(bool accounting)
{
	Query q;
	q.text = accounting ? "all+accounting" : "all";
	for (unsigned i = 0; i < kNrInvariants; i++) {
		Goal g;
		g.kind = Goal::Kind::invariant;
		g.invariant = static_cast<Invariant>(i);
		q.goals.push_back(g);
	}
	if (accounting) {
		Goal g;
		g.kind = Goal::Kind::accounting;
		q.goals.push_back(g);
	}
	return q;
}

namespace {

/* The symbolic value domain: Z3 terms over a SymState. */
struct SymDomain {
	using V = z3::expr;
	const SymState &s;
	const SolverScope &sc;

	V lit(int64_t v) const { return s.ctx().int_val(v); }
	V boolean(bool v) const { return s.ctx().bool_val(v); }
	V to_int(const V &b) const { return count_if(b); }
	V op_not(const V &a) const { return mk_not(a); }
	V op_neg(const V &a) const { return mk_sub(lit(0), a); }
	V op_and(const V &a, const V &b) const { return mk_and(a, b); }
	V op_or(const V &a, const V &b) const { return mk_or(a, b); }
	V op_eq(const V &a, const V &b) const { return mk_eq(a, b); }
	V op_lt(const V &a, const V &b) const { return mk_lt(a, b); }
	V op_le(const V &a, const V &b) const { return mk_le(a, b); }
	V op_add(const V &a, const V &b) const { return mk_add(a, b); }
	V op_sub(const V &a, const V &b) const { return mk_sub(a, b); }

	unsigned folios() const { return sc.folios; }
	unsigned procs() const { return sc.procs; }
	unsigned max_pages() const { return sc.pmd_pages(); }
	V folio_live(unsigned i) const { return fc::solver::folio_live(s, i); }
	V folio_known(unsigned i) const { return folio_exists(s, i); }
	V proc_live(unsigned p) const { return fc::solver::proc_live(s, p); }
	V proc_known(unsigned p) const { return mk_lt(lit(p), s.nr_procs); }
	V page_exists(unsigned i, unsigned j) const { return fc::solver::page_exists(s.folios[i], j); }

	V folio_obs(const std::string &name, unsigned i) const
	{
		const SymFolio &f = s.folios[i];
		if (name == "refcount")
			return f.refcount;
		if (name == "mapcount")
			return obs_mapcount(f);
		if (name == "entire_mapcount")
			return obs_entire_mapcount(f);
		if (name == "nr_pages_mapped")
			return obs_nr_pages_mapped(f);
		if (name == "pincount")
			return obs_pincount(f);
		if (name == "order")
			return f.order;
		if (name == "nr_pages")
			return folio_nr_pages(f);
		if (name == "maybe_pinned")
			return obs_maybe_pinned(f);
		if (name == "queued")
			return f.queued;
		if (name == "partially_mapped")
			return f.partially_mapped;
		if (name == "freed")
			return f.freed;
		return lit(0);
	}
	V page_obs(const std::string &name, unsigned i, unsigned j) const
	{
		const SymFolio &f = s.folios[i];
		if (name == "page_mapcount")
			return obs_page_mapcount(f, j);
		return f.pages[j].exclusive;
	}
	V proc_obs(const std::string &name, unsigned p) const
	{
		if (name == "rss_file")
			return s.procs[p].rss_file;
		return s.procs[p].rss_anon;
	}
	V select(const V &c, const V &a, const V &b) const { return mk_ite(c, a, b); }
};

/* The concrete value domain: integers (booleans 0/1) over a Snapshot. */
struct SnapDomain {
	using V = int64_t;
	const Snapshot &snap;
	unsigned max_pages_;

	V lit(int64_t v) const { return v; }
	V boolean(bool v) const { return v; }
	V to_int(const V &b) const { return b; }
	V op_not(const V &a) const { return !a; }
	V op_neg(const V &a) const { return -a; }
	V op_and(const V &a, const V &b) const { return a && b; }
	V op_or(const V &a, const V &b) const { return a || b; }
	V op_eq(const V &a, const V &b) const { return a == b; }
	V op_lt(const V &a, const V &b) const { return a < b; }
	V op_le(const V &a, const V &b) const { return a <= b; }
	V op_add(const V &a, const V &b) const { return a + b; }
	V op_sub(const V &a, const V &b) const { return a - b; }

	unsigned folios() const { return static_cast<unsigned>(snap.folios.size()); }
	unsigned procs() const { return static_cast<unsigned>(snap.procs.size()); }
	unsigned max_pages() const { return max_pages_; }
	V folio_live(unsigned i) const { return i < snap.folios.size() && !snap.folios[i].freed; }
	V folio_known(unsigned i) const { return i < snap.folios.size(); }
	V proc_live(unsigned p) const { return p < snap.procs.size() && !snap.procs[p].exited; }
	V proc_known(unsigned p) const { return p < snap.procs.size(); }
	V page_exists(unsigned i, unsigned j) const
	{
		return i < snap.folios.size() && j < snap.folios[i].nr_pages();
	}

	V folio_obs(const std::string &name, unsigned i) const
	{
		if (i >= snap.folios.size())
			return 0;
		const FolioView &f = snap.folios[i];
		if (name == "refcount")
			return f.refcount;
		if (name == "mapcount")
			return f.mapcount;
		if (name == "entire_mapcount")
			return f.entire_mapcount;
		if (name == "nr_pages_mapped")
			return f.nr_pages_mapped;
		if (name == "pincount")
			return f.pincount;
		if (name == "order")
			return f.order;
		if (name == "nr_pages")
			return f.nr_pages();
		if (name == "maybe_pinned")
			return f.maybe_pinned;
		if (name == "queued")
			return f.queued;
		if (name == "partially_mapped")
			return f.partially_mapped;
		if (name == "freed")
			return f.freed;
		return 0;
	}
	V page_obs(const std::string &name, unsigned i, unsigned j) const
	{
		if (!page_exists(i, j))
			return 0;
		const FolioView &f = snap.folios[i];
		if (name == "page_mapcount")
			return f.page_mapcount[j];
		return f.anon_exclusive[j];
	}
	V proc_obs(const std::string &name, unsigned p) const
	{
		if (p >= snap.procs.size())
			return 0;
		return name == "rss_file" ? snap.procs[p].rss_file : snap.procs[p].rss_anon;
	}
	V select(const V &c, const V &a, const V &b) const { return c ? a : b; }
};

/*
 * struct Evaluate - an expression's value in a domain. Variables are bound to
 * indices: folio slot (0-based), page, process.
 */
template <typename D>
struct Evaluate {
	using V = typename D::V;
	const D &d;
	std::map<std::string, unsigned> env;

	/* The folio slot an argument names, and whether it is a constant. */
	unsigned folio_index(const QueryExpr &a, bool *constant) const
	{
		*constant = a.kind == QueryExpr::Kind::folio_const;
		if (*constant) {
			if (a.value < 1 || a.value > static_cast<int64_t>(d.folios()))
				return UINT32_MAX;
			return static_cast<unsigned>(a.value - 1);
		}
		return env.at(a.name);
	}

	unsigned page_index(const QueryExpr &a) const
	{
		if (a.kind == QueryExpr::Kind::literal)
			return static_cast<unsigned>(a.value);
		return env.at(a.name);
	}

	/* Default of an observable of something that does not exist: 0 / false. */
	V none(const QueryExpr &e) const
	{
		return e.sort == Sort::boolean ? d.boolean(false) : d.lit(0);
	}

	V observable(const QueryExpr &e)
	{
		const QueryExpr &a0 = *e.args[0];
		if (a0.sort == Sort::process) {
			unsigned p = a0.kind == QueryExpr::Kind::proc_const ? static_cast<unsigned>(a0.value)
									     : env.at(a0.name);
			if (p >= d.procs())
				return none(e);
			V v = d.proc_obs(e.name, p);
			return a0.kind == QueryExpr::Kind::proc_const ? d.select(d.proc_known(p), v, none(e))
								     : v;
		}
		bool constant;
		unsigned i = folio_index(a0, &constant);
		if (i == UINT32_MAX)
			return none(e);
		V v = none(e);
		if (e.args.size() == 2) {
			unsigned j = page_index(*e.args[1]);
			if (j >= d.max_pages())
				return none(e);
			v = d.select(d.page_exists(i, j), d.page_obs(e.name, i, j), none(e));
		} else {
			v = d.folio_obs(e.name, i);
		}
		return constant ? d.select(d.folio_known(i), v, none(e)) : v;
	}

	/* The folios a page variable @var indexes inside @e: (folio argument) list. */
	void page_uses(const QueryExpr &e, const std::string &var, std::vector<const QueryExpr *> &out)
	{
		if (e.kind == QueryExpr::Kind::observable && e.args.size() == 2 &&
		    e.args[1]->kind == QueryExpr::Kind::var && e.args[1]->name == var)
			out.push_back(e.args[0].get());
		if (e.kind == QueryExpr::Kind::quantifier)
			for (const std::string &v : e.vars)
				if (v == var)
					return; /* shadowed */
		for (const auto &a : e.args)
			page_uses(*a, var, out);
	}

	V quantifier(const QueryExpr &e, size_t k)
	{
		if (k == e.vars.size())
			return eval(*e.args[0]);
		bool forall = e.name == "forall";
		const std::string &var = e.vars[k];
		std::vector<std::pair<unsigned, V>> domain;
		switch (e.var_sorts[k]) {
		case Sort::folio:
			for (unsigned i = 0; i < d.folios(); i++)
				domain.emplace_back(i, d.folio_live(i));
			break;
		case Sort::process:
			for (unsigned p = 0; p < d.procs(); p++)
				domain.emplace_back(p, d.proc_live(p));
			break;
		case Sort::page: {
			std::vector<const QueryExpr *> uses;
			page_uses(*e.args[0], var, uses);
			for (unsigned j = 0; j < d.max_pages(); j++) {
				V guard = d.boolean(true);
				for (const QueryExpr *f : uses) {
					bool constant;
					unsigned i = folio_index(*f, &constant);
					guard = d.op_and(guard, i == UINT32_MAX ? d.boolean(false)
										: d.page_exists(i, j));
				}
				domain.emplace_back(j, guard);
			}
			break;
		}
		default:
			break;
		}
		auto saved = env.find(var) != env.end() ? std::optional<unsigned>(env[var]) : std::nullopt;
		V r = d.boolean(forall);
		for (auto &[index, guard] : domain) {
			env[var] = index;
			V body = quantifier(e, k + 1);
			r = forall ? d.op_and(r, d.op_or(d.op_not(guard), body))
				   : d.op_or(r, d.op_and(guard, body));
		}
		if (saved)
			env[var] = *saved;
		else
			env.erase(var);
		return r;
	}

	V as_int(const QueryExpr &e)
	{
		V v = eval(e);
		return e.sort == Sort::boolean ? d.to_int(v) : v;
	}

	V eval(const QueryExpr &e)
	{
		switch (e.kind) {
		case QueryExpr::Kind::literal:
			return e.sort == Sort::boolean ? d.boolean(e.value != 0) : d.lit(e.value);
		case QueryExpr::Kind::var:
			return d.lit(env.at(e.name));
		case QueryExpr::Kind::folio_const:
		case QueryExpr::Kind::proc_const:
			return d.lit(e.value);
		case QueryExpr::Kind::observable:
			return observable(e);
		case QueryExpr::Kind::unary:
			return e.name == "!" ? d.op_not(eval(*e.args[0])) : d.op_neg(as_int(*e.args[0]));
		case QueryExpr::Kind::quantifier:
			return quantifier(e, 0);
		case QueryExpr::Kind::binary:
			break;
		}
		const QueryExpr &l = *e.args[0], &r = *e.args[1];
		const std::string &op = e.name;
		if (op == "&&")
			return d.op_and(eval(l), eval(r));
		if (op == "||")
			return d.op_or(eval(l), eval(r));
		if (op == "->")
			return d.op_or(d.op_not(eval(l)), eval(r));
		if ((op == "==" || op == "!=") && l.sort == Sort::boolean && r.sort == Sort::boolean) {
			V eq = d.op_eq(eval(l), eval(r));
			return op == "==" ? eq : d.op_not(eq);
		}
		V a = as_int(l), b = as_int(r);
		if (op == "==")
			return d.op_eq(a, b);
		if (op == "!=")
			return d.op_not(d.op_eq(a, b));
		if (op == "<")
			return d.op_lt(a, b);
		if (op == "<=")
			return d.op_le(a, b);
		if (op == ">")
			return d.op_lt(b, a);
		if (op == ">=")
			return d.op_le(b, a);
		if (op == "+")
			return d.op_add(a, b);
		return d.op_sub(a, b);
	}
};

/* Folio constants beyond the scope cannot be encoded: say so at their column. */
void check_constants(const QueryExpr &e, const SolverScope &sc)
{
	if (e.kind == QueryExpr::Kind::folio_const && e.value > static_cast<int64_t>(sc.folios))
		throw QueryError(e.col, "f" + std::to_string(e.value) + " is outside the scope's " +
						std::to_string(sc.folios) + " folios (--folios)");
	if (e.kind == QueryExpr::Kind::proc_const && e.value >= static_cast<int64_t>(sc.procs))
		throw QueryError(e.col, "p" + std::to_string(e.value) + " is outside the scope's " +
						std::to_string(sc.procs) + " processes (--procs)");
	if (e.kind == QueryExpr::Kind::literal && e.sort == Sort::integer && e.value < 0)
		return;
	for (const auto &a : e.args)
		check_constants(*a, sc);
}

/* Whether an expression goal is checked at this point. */
bool expression_applies(Query::At at, bool settled, bool end)
{
	switch (at) {
	case Query::At::every_point:
		return true;
	case Query::At::settled:
		return settled;
	case Query::At::end:
		return end;
	}
	return true;
}

/* Exact accounting on a Snapshot: the first difference, or "". */
std::string accounting_difference(const Snapshot &snap)
{
	size_t n = snap.folios.size();
	std::vector<std::vector<long>> pte(n);
	std::vector<long> pmd(n, 0), held(n, 0), pinned(n, 0);
	for (size_t i = 0; i < n; i++)
		pte[i].assign(snap.folios[i].nr_pages(), 0);
	for (const ProcView &p : snap.procs) {
		for (const auto &[va, e] : p.ptes)
			if (e.folio >= 1 && e.folio <= n && e.page < pte[e.folio - 1].size())
				pte[e.folio - 1][e.page]++;
		for (const auto &[va, e] : p.pmds)
			if (e.folio >= 1 && e.folio <= n)
				pmd[e.folio - 1]++;
	}
	for (const HandleView &h : snap.pins)
		if (!h.released)
			for (const auto &pg : h.pages)
				if (pg.folio >= 1 && pg.folio <= n) {
					held[pg.folio - 1] += snap.folios[pg.folio - 1].order == 0
								      ? kGupPinCountingBias : 1;
					pinned[pg.folio - 1]++;
				}
	for (const HandleView &h : snap.refs)
		if (!h.released)
			for (const auto &pg : h.pages)
				if (pg.folio >= 1 && pg.folio <= n)
					held[pg.folio - 1]++;
	for (size_t i = 0; i < n; i++) {
		const FolioView &f = snap.folios[i];
		if (f.freed)
			continue;
		long mappings = pmd[i], nr_mapped = 0;
		for (long c : pte[i]) {
			mappings += c;
			nr_mapped += c > 0;
		}
		std::string name = folio_name(f.id);
		auto say = [&](const std::string &what, long stored, long implied) {
			return what + " " + name + " " + std::to_string(stored) + ", the holders imply " +
			       std::to_string(implied);
		};
		if (f.refcount != mappings + held[i])
			return say("refcount", f.refcount, mappings + held[i]);
		if (f.mapcount != mappings)
			return say("mapcount", f.mapcount, mappings);
		if (f.entire_mapcount != pmd[i])
			return say("entire_mapcount", f.entire_mapcount, pmd[i]);
		if (f.nr_pages_mapped != nr_mapped)
			return say("nr_pages_mapped", f.nr_pages_mapped, nr_mapped);
		if (f.pincount != (f.order ? pinned[i] : 0))
			return say("pincount", f.pincount, f.order ? pinned[i] : 0);
		for (size_t j = 0; j < pte[i].size(); j++)
			if (f.page_mapcount[j] != pte[i][j] + pmd[i])
				return say("page_mapcount of page " + std::to_string(j) + " of", f.page_mapcount[j],
					   pte[i][j] + pmd[i]);
	}
	return "";
}

} // namespace

z3::expr query_holds(const Query &q, SymTables &t, const SolverScope &sc, bool settled, bool end)
{
	const SymState &s = t.state();
	z3::expr r = s.ctx().bool_val(true);
	for (const Goal &g : q.goals) {
		switch (g.kind) {
		case Goal::Kind::invariant:
			r = mk_and(r, invariant_holds(g.invariant, t, settled));
			break;
		case Goal::Kind::accounting:
			/*
			 * The Runner's differential check: after each statement
			 * only. Mid-statement a settled point can still have
			 * references the holders do not show yet (try_grab_folio()
			 * before the handle is recorded).
			 */
			if (end)
				r = mk_and(r, accounting_holds(t));
			break;
		case Goal::Kind::expression: {
			if (!expression_applies(q.at, settled, end))
				break;
			check_constants(*g.expr, sc);
			SymDomain d{s, sc};
			Evaluate<SymDomain> ev{d, {}};
			r = mk_and(r, ev.eval(*g.expr));
			break;
		}
		}
	}
	return r;
}

z3::expr query_holds_replaced(const Query &q, const SymPageReplaced &r, const SolverScope &sc)
{
	if (!q.watches_page_replaced())
		return r.state.ctx().bool_val(true);
	return page_replaced_ok(r, sc);
}

bool query_holds_concrete(const Query &q, const Snapshot &snap, const Config &cfg, bool settled,
			  bool end, std::string *failed, std::string *detail)
{
	std::vector<InvariantFailure> fails;
	bool checked = false;
	for (const Goal &g : q.goals) {
		switch (g.kind) {
		case Goal::Kind::invariant:
			if (!checked) {
				fails = check_invariants(snap, cfg, settled);
				checked = true;
			}
			for (const InvariantFailure &f : fails)
				if (f.invariant == g.invariant) {
					*failed = g.name();
					*detail = f.detail;
					return false;
				}
			break;
		case Goal::Kind::accounting:
			if (end) {
				std::string diff = accounting_difference(snap);
				if (!diff.empty()) {
					*failed = g.name();
					*detail = diff;
					return false;
				}
			}
			break;
		case Goal::Kind::expression: {
			if (!expression_applies(q.at, settled, end))
				break;
			SnapDomain d{snap, cfg.scope.pmd_pages() > 0 ? static_cast<unsigned>(cfg.scope.pmd_pages()) : 1u};
			Evaluate<SnapDomain> ev{d, {}};
			if (!ev.eval(*g.expr)) {
				*failed = "expression";
				*detail = q.text + " is false";
				return false;
			}
			break;
		}
		}
	}
	return true;
}

bool query_holds_replaced_concrete(const Query &q, const Snapshot &snap, const PageReplaced &r,
				   std::string *failed, std::string *detail)
{
	if (!q.watches_page_replaced())
		return true;
	std::vector<InvariantFailure> fails = check_page_replaced(snap, r);
	if (fails.empty())
		return true;
	*failed = std::string(invariant_name(Invariant::pin_stays_mapped));
	*detail = fails[0].detail;
	return false;
}

} // namespace fc::solver
