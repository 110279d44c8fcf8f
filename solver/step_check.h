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

/*
 * query_alphabet - the statements @q is asked over: @requested, or
 * anon_ops() when empty. Throws std::invalid_argument when @q cannot be
 * answered over them: the exact accounting derives references from page
 * tables and handles, and the swap cache's and the page cache's are in no
 * Snapshot, so with swapout or file every folio a cache keeps would read
 * as a leak (a false violation, found while hunting swapout_ignores_pin).
 */
const std::vector<OpKind> &query_alphabet(const Query &q, const std::vector<OpKind> &requested);

/* Where a model breaks the query in @t: the visible point's name, or "page replaced". */
std::string first_broken_point(const Evaluator &ev, const StepCheck &sc, const Transition &t);

} // namespace fc::solver
