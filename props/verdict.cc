// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.cc - reduce a Runner's reports to the first failure.
 */
#include "props/verdict.h"

namespace fc::props {

namespace {

/* At most this many differences are spelled out in a divergence line. */
constexpr size_t kMaxDifferencesShown = 4;

std::string describe_divergence(const DivergenceReport &d)
{
	std::string s = "models diverged after step " + std::to_string(d.step + 1) + ":";
	size_t shown = 0;
	for (const Difference &diff : d.differences) {
		if (shown++ == kMaxDifferencesShown) {
			s += " ... (" + std::to_string(d.differences.size()) + " in all)";
			break;
		}
		s += " " + diff.observable + " reference " + diff.reference + " kernel " +
		     diff.kernel + ";";
	}
	if (!s.empty() && s.back() == ';')
		s.pop_back();
	return s;
}

} // namespace

bool Verdict::same_failure(const Verdict &o) const
{
	if (kind != o.kind)
		return false;
	return kind != Kind::violation || invariant == o.invariant;
}

std::string Verdict::name() const
{
	switch (kind) {
	case Kind::pass:
		return "pass";
	case Kind::violation:
		return "violation " + std::string(invariant_name(invariant));
	case Kind::divergence:
		return "divergence";
	case Kind::expect:
		return "expect";
	case Kind::rejected:
		return "rejected";
	case Kind::round_trip:
		return "round trip";
	}
	return "?";
}

Verdict verdict_of(const Runner &r)
{
	Verdict v;
	/* Steps are 0-based; the text numbers them from 1, as the trace lines. */
	if (!r.violations().empty()) {
		const ViolationReport &vr = r.violations().front();
		v.kind = Verdict::Kind::violation;
		v.invariant = vr.invariant;
		v.step = vr.step;
		v.text = "invariant " + std::string(invariant_name(vr.invariant)) +
			 " broke at step " + std::to_string(vr.step + 1) + " (" + vr.point +
			 "): " + vr.detail;
	}
	if (r.divergence() && (v.kind == Verdict::Kind::pass || r.divergence()->step < v.step)) {
		v.kind = Verdict::Kind::divergence;
		v.step = r.divergence()->step;
		v.text = describe_divergence(*r.divergence());
	}
	if (!r.expect_failures().empty() &&
	    (v.kind == Verdict::Kind::pass || r.expect_failures().front().step < v.step)) {
		v.kind = Verdict::Kind::expect;
		v.step = r.expect_failures().front().step;
		v.text = "step " + std::to_string(v.step + 1) + ": " +
			 r.expect_failures().front().detail;
	}
	return v;
}

Verdict verdict_of(const TraceRun &run)
{
	Verdict v = verdict_of(run.runner);
	if (!v.failed() && run.rejected_at) {
		v.kind = Verdict::Kind::rejected;
		v.step = *run.rejected_at;
		const StepResult &s = run.steps.back();
		v.text = "step " + std::to_string(v.step + 1) + " rejected: " +
			 (s.rejection ? s.rejection->message : std::string("not legal"));
	}
	return v;
}

} // namespace fc::props
