// SPDX-License-Identifier: GPL-2.0
/*
 * step_check.h - what a query demands of one transition: at every visible
 * point the transition reaches (and every page-replaced event, for
 * pin_stays_mapped), the query holds — the Runner's checking, as a formula.
 */
#pragma once

#include "solver/query.h"
#include "solver/transitions.h"

#include <string>
#include <vector>

namespace fc::solver {

struct StepCheck {
	z3::expr violated;                 /* some point or event of the transition breaks the query */
	std::vector<z3::expr> point_bad;   /* per visible point: reached and broken */
	std::vector<z3::expr> event_bad;   /* per page-replaced event */
	explicit StepCheck(z3::context &c) : violated(c) {}
};

StepCheck check_step(const Query &q, const Transition &t, const SolverScope &sc);

/* Where a model breaks the query in @t: the visible point's name, or "page replaced". */
std::string first_broken_point(const Evaluator &ev, const StepCheck &sc, const Transition &t);

} // namespace fc::solver
