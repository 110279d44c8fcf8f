// SPDX-License-Identifier: GPL-2.0
/*
 * step_check.cc - the query at every visible point of a transition.
 */
#include "solver/step_check.h"

#include "solver/formula.h"

#include <stdexcept>

namespace fc::solver {

const std::vector<OpKind> &query_alphabet(const Query &q, const std::vector<OpKind> &requested)
{
	const std::vector<OpKind> &kinds = requested.empty() ? anon_ops() : requested;
	for (const Goal &g : q.goals)
		if (g.kind == Goal::Kind::accounting &&
		    (alphabet_has(kinds, OpKind::swapout) || alphabet_has(kinds, OpKind::file_create)))
			throw std::invalid_argument(
				"the accounting query does not count the swap cache's or the page "
				"cache's references: not available with swapout or file in --ops");
	return kinds;
}

StepCheck check_step(const Query &q, const Transition &t, const SolverScope &sc)
{
	z3::context &c = t.post.ctx();
	StepCheck r(c);
	r.violated = c.bool_val(false);
	for (const SymVisiblePoint &vp : t.points) {
		SymTables tables(vp.state, sc);
		bool end = vp.where == "end of operation";
		z3::expr bad = mk_and(vp.guard, mk_not(query_holds(q, tables, sc, vp.settled, end)));
		r.point_bad.push_back(bad);
		r.violated = mk_or(r.violated, bad);
	}
	for (const SymPageReplaced &e : t.replaced) {
		z3::expr bad = mk_and(e.guard, mk_not(query_holds_replaced(q, e, sc)));
		r.event_bad.push_back(bad);
		r.violated = mk_or(r.violated, bad);
	}
	return r;
}

std::string first_broken_point(const Evaluator &ev, const StepCheck &sc, const Transition &t)
{
	for (size_t i = 0; i < sc.point_bad.size(); i++)
		if (eval_bool(ev, sc.point_bad[i]))
			return t.points[i].where;
	for (size_t i = 0; i < sc.event_bad.size(); i++)
		if (eval_bool(ev, sc.event_bad[i]))
			return "page replaced";
	return "";
}

} // namespace fc::solver
