// SPDX-License-Identifier: GPL-2.0
/*
 * failure.cc - the failure a Runner recorded, named and reported.
 */
#include "fuzz/failure.h"

#include <cstdio>

namespace fc::fuzz {

std::string Failure::name() const
{
	return kind == Kind::divergence ? "divergence" : std::string(invariant_name(invariant));
}

/* "invariant X broke at step N (point): detail", plus the other invariants of that step. */
static Failure violation_failure(const Runner &r)
{
	const ViolationReport &v = r.violations().front();
	Failure f;
	f.kind = Failure::Kind::violation;
	f.invariant = v.invariant;
	f.step = v.step;
	f.point = v.point;
	for (const ViolationReport &w : r.violations()) {
		if (w.step != v.step)
			break;
		f.report += "invariant " + std::string(invariant_name(w.invariant)) +
			    " broke at step " + std::to_string(w.step + 1) + " (" + w.point +
			    "): " + w.detail + "\n";
	}
	return f;
}

/* The differing observables side by side: reference | kernel. */
static Failure divergence_failure(const DivergenceReport &d)
{
	Failure f;
	f.kind = Failure::Kind::divergence;
	f.step = d.step;
	f.point = "after the step";
	f.report = "models diverged after step " + std::to_string(d.step + 1) + ":\n";
	f.report += "  observable                    reference          kernel\n";
	for (const Difference &diff : d.differences) {
		char line[256];
		std::snprintf(line, sizeof(line), "  %-29s %-18s %s\n", diff.observable.c_str(),
			      diff.reference.c_str(), diff.kernel.c_str());
		f.report += line;
	}
	return f;
}

std::optional<Failure> failure_of(const Runner &r)
{
	const bool has_v = !r.violations().empty();
	const bool has_d = r.divergence().has_value();
	if (has_v && (!has_d || r.violations().front().step <= r.divergence()->step))
		return violation_failure(r);
	if (has_d)
		return divergence_failure(*r.divergence());
	return std::nullopt;
}

} // namespace fc::fuzz
