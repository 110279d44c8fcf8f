// SPDX-License-Identifier: GPL-2.0
/*
 * bmc.h - bounded model checking: can the query break within K statements?
 *
 * The transition relation is unrolled from the initial world (p0, nothing
 * mapped), one symbolic statement per step, each legal and inside the scope;
 * after each step the solver is asked whether some visible point of that
 * step breaks the query. The first depth that can is the shortest
 * counterexample, decoded into a trace and replayed through the models
 * before it is reported. Each step's post-state is named by fresh constants
 * so the terms of step k do not nest those of all earlier steps.
 */
#pragma once

#include "solver/counterexample.h"
#include "solver/query.h"
#include "solver/solver_stats.h"

#include <functional>
#include <optional>
#include <vector>

namespace fc::solver {

enum class Verdict : uint8_t { holds, violated, inductive, not_inductive, unknown };
std::string_view verdict_name(Verdict v);

struct BmcOptions {
	unsigned steps = 6;
	double timeout_seconds = 0;      /* 0: none */
	std::vector<OpKind> kinds;       /* empty: anon_ops(), the default alphabet */
	/* Called after each depth is answered: depth (statements), its seconds. */
	std::function<void(unsigned, double)> on_depth;
};

struct BmcResult {
	Verdict verdict = Verdict::unknown;   /* holds, violated or unknown */
	unsigned depth = 0;                   /* statements for which it holds (all of them if holds) */
	std::optional<Counterexample> cex;
	std::string reason;                   /* why unknown */
	SolverStats stats;
	std::vector<double> seconds_per_depth;
};

BmcResult bounded_model_check(const Config &cfg, const SolverScope &sc, const Query &q,
			      const BmcOptions &o);

} // namespace fc::solver
