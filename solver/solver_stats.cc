// SPDX-License-Identifier: GPL-2.0
/*
 * solver_stats.cc - collecting Z3's statistics and enforcing the budget.
 */
#include "solver/solver_stats.h"

#include <algorithm>
#include <cstdio>

namespace fc::solver {

double seconds_since(std::chrono::steady_clock::time_point start)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

z3::solver make_solver(z3::context &c)
{
	/*
	 * solve-eqs may substitute a name only where it occurs at most 4
	 * times: substituting the named post-state of every step back into
	 * the next (unbounded) rebuilt the nested terms the names are there to
	 * avoid, and BMC of the full alphabet ran out of 24 GB at depth 3.
	 */
	z3::params sp(c);
	sp.set("solve_eqs_max_occs", 4u);
	z3::tactic t = z3::tactic(c, "simplify") & z3::tactic(c, "propagate-values") &
		       z3::with(z3::tactic(c, "solve-eqs"), sp) & z3::tactic(c, "elim-uncnstr") &
		       z3::tactic(c, "simplify") & z3::tactic(c, "smt");
	return t.mk_solver();
}

void SolverStats::add(const z3::solver &s)
{
	z3::stats st = s.statistics();
	for (unsigned i = 0; i < st.size(); i++) {
		std::string k = st.key(i);
		double v = st.is_uint(i) ? st.uint_value(i) : st.double_value(i);
		if (k == "conflicts")
			conflicts += static_cast<uint64_t>(v);
		else if (k == "decisions")
			decisions += static_cast<uint64_t>(v);
		else if (k == "propagations")
			propagations += static_cast<uint64_t>(v);
		else if (k == "max memory" || k == "memory")
			memory_mib = std::max(memory_mib, v);
	}
}

std::string SolverStats::summary() const
{
	char buf[320];
	std::snprintf(buf, sizeof(buf),
		      "time %.2f s (encoding %.2f s, solving %.2f s, %u solver check%s); z3: conflicts "
		      "%llu, decisions %llu, propagations %llu, memory %.1f MiB",
		      encode_seconds + solve_seconds, encode_seconds, solve_seconds, checks,
		      checks == 1 ? "" : "s", static_cast<unsigned long long>(conflicts),
		      static_cast<unsigned long long>(decisions),
		      static_cast<unsigned long long>(propagations), memory_mib);
	return buf;
}

Budget::Budget(double seconds) : seconds_(seconds), start_(std::chrono::steady_clock::now()) {}

double Budget::elapsed() const
{
	return seconds_since(start_);
}

bool Budget::exhausted() const
{
	return limited() && elapsed() >= seconds_;
}

void Budget::arm(z3::solver &s) const
{
	if (!limited())
		return;
	double left = std::max(0.001, seconds_ - elapsed());
	z3::params p(s.ctx());
	p.set("timeout", static_cast<unsigned>(std::min(left * 1000.0, 4.0e9)));
	s.set(p);
}

z3::check_result SolverStats::check(z3::solver &s, const Budget &budget)
{
	budget.arm(s);
	auto t = std::chrono::steady_clock::now();
	z3::check_result res = s.check();
	solve_seconds += seconds_since(t);
	checks++;
	add(s);
	return res;
}

} // namespace fc::solver
