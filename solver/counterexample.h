// SPDX-License-Identifier: GPL-2.0
/*
 * counterexample.h - a violation the solver found, as a trace `foliocheck
 * replay` runs, checked by replaying it before it is reported.
 */
#pragma once

#include "model/trace.h"
#include "solver/encoding.h"
#include "solver/query.h"

#include <string>
#include <vector>

namespace fc::solver {

struct Counterexample {
	Trace trace;            /* config line with the scope, then the statements */
	size_t step = 0;        /* 0-based statement where the solver says it breaks */
	std::string point;      /* the visible point, as the solver decoded it */
	bool confirmed = false; /* the replay broke the query at the same statement */
	std::string replay;     /* what the replay saw */
	std::string goal;       /* the goal that broke on replay */

	/* The file: a comment header (query, where, replay), then the trace. */
	std::string text(const Query &q) const;
};

/* The trace of @ops with a config line that reproduces @cfg's world and scope. */
Trace make_trace(const Config &cfg, const SolverScope &sc, const std::vector<Op> &ops);

/*
 * confirm_by_replay - run @cex.trace through fc::run_trace (every statement
 * legal, and for SPEC invariants the Runner's own report), and through the
 * kernel model with the query evaluated at every visible point it reports;
 * fill in confirmed / replay / goal.
 */
void confirm_by_replay(Counterexample &cex, const Query &q, const Config &cfg);

} // namespace fc::solver
