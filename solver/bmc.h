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
 *
 * With a concrete prefix of N statements, the first N steps are not left to
 * the solver: every statement of the alphabet's domain is run on literal
 * terms (the same encoding, evaluated), from the initial world and then
 * from every distinct state reached, breadth first, the query evaluated at
 * every visible point; the unrolling then starts, symbolically, from each
 * distinct state at depth N. The answer means the same (every sequence of
 * up to K statements is covered, the first violation found is a shortest
 * one) and the formulas stay those of a shallow unrolling: a step from a
 * concrete state is small, a step from a symbolic one is not.
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
	unsigned concrete_prefix = 0;    /* statements enumerated concretely first */
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
	/* With a concrete prefix: distinct states first reached at depth 1, 2, ... */
	std::vector<size_t> prefix_states;
	size_t prefix_statements = 0;         /* statements run concretely */
};

BmcResult bounded_model_check(const Config &cfg, const SolverScope &sc, const Query &q,
			      const BmcOptions &o);

} // namespace fc::solver
