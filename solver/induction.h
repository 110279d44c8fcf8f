// SPDX-License-Identifier: GPL-2.0
/*
 * induction.h - is the query inductive: does every statement, from any
 * state satisfying the query and the strengthening invariants, keep the
 * query at every visible point and the strengthening invariants at its end?
 *
 * Per statement kind, with a fully symbolic pre-state and statement:
 *   base:  the initial world satisfies the strengthening invariants;
 *   step:  S(pre) and Q(pre) and the statement legal and in scope
 *          imply Q at every visible point and S(post).
 * S is the conjunction of strengthening() (invariants.h). If every kind
 * passes, Q holds at every visible point of every execution inside the scope,
 * of any length. A failing kind is reported with the statement and the
 * pre-state the solver chose, and which of Q or S broke.
 */
#pragma once

#include "solver/bmc.h"
#include "solver/invariants.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fc::solver {

struct InductionOptions {
	double timeout_seconds = 0;
	std::vector<OpKind> kinds;   /* empty: anon_ops(), the default alphabet */
	bool strengthen = true;      /* assume the strengthening invariants */
	/* Called after each statement kind is answered, with its seconds. */
	std::function<void(OpKind, double)> on_kind;
};

struct InductionResult {
	Verdict verdict = Verdict::unknown;   /* inductive, not_inductive or unknown */
	/* what was assumed: (name, statement) of each strengthening invariant */
	std::vector<std::pair<std::string, std::string>> strengthening;
	bool base_ok = false;
	std::string base_failure;             /* a strengthening invariant false initially */
	/* not inductive: */
	std::optional<Op> op;                 /* the breaking statement */
	Snapshot pre;                         /* the pre-state the solver chose */
	std::vector<bool> pre_has_pinned;
	std::string broken;                   /* "the query at <point>" or a strengthening name */
	std::string reason;                   /* why unknown */
	std::vector<std::pair<OpKind, double>> seconds_per_kind;
	SolverStats stats;
};

InductionResult prove_inductive(const Config &cfg, const SolverScope &sc, const Query &q,
				const InductionOptions &o);

} // namespace fc::solver
