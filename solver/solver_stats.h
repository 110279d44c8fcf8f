// SPDX-License-Identifier: GPL-2.0
/*
 * solver_stats.h - time and Z3 statistics for every answer, and the time
 * budget (--timeout) the solver calls share.
 */
#pragma once

#include <z3++.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace fc::solver {

class Budget;

struct SolverStats {
	double encode_seconds = 0;  /* building terms */
	double solve_seconds = 0;   /* inside solver.check() */
	unsigned checks = 0;
	uint64_t conflicts = 0;
	uint64_t decisions = 0;
	uint64_t propagations = 0;
	double memory_mib = 0;      /* Z3's peak ("max memory") */
	uint64_t terms = 0;         /* assertions' DAG size, roughly */

	/* Add a solver's cumulative statistics (call once per solver object). */
	void add(const z3::solver &s);
	/*
	 * check - @s.check() within what is left of @budget, counted: its time
	 * goes to solve_seconds, @s's statistics are added (so call it once per
	 * solver object, as add()).
	 */
	z3::check_result check(z3::solver &s, const Budget &budget);
	/* "time 1.23 s (encoding 0.40 s, solving 0.83 s, 3 checks); z3: conflicts ..." */
	std::string summary() const;
};

/*
 * class Budget - the --timeout shared by all solver calls of one answer.
 * 0 seconds: no limit.
 */
class Budget {
public:
	explicit Budget(double seconds);
	double elapsed() const;
	bool limited() const { return seconds_ > 0; }
	bool exhausted() const;
	/* Set the remaining time as @s's timeout (at least 1 ms). */
	void arm(z3::solver &s) const;

private:
	double seconds_;
	std::chrono::steady_clock::time_point start_;
};

/*
 * make_solver - the solver every check uses: Z3's preprocessing (simplify,
 * propagate-values, solve-eqs, elim-uncnstr) before the SMT core, as a
 * non-incremental tactic solver. The encoding names every state field and
 * pins most of them by equalities; solve-eqs substitutes them away and
 * elim-uncnstr drops what the question does not constrain, which the
 * incremental SMT core does not do (it was 5-8x slower on the BMC and
 * inductive checks: docs/solver.md, "Results").
 */
z3::solver make_solver(z3::context &c);

/* Wall-clock seconds since @start. */
double seconds_since(std::chrono::steady_clock::time_point start);

} // namespace fc::solver
