// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.h - what went wrong in a run, as one comparable value: the first
 * broken invariant or the first divergence of the models (or a failed
 * `expect`), with the step and a one-line description.
 *
 * Shrinking and minimizing keep a counterexample failing *the same way*:
 * Verdict::same_failure() is that test.
 */
#pragma once

#include "model/check/runner.h"

#include <string>

namespace fc::props {

struct Verdict {
	enum class Kind : uint8_t {
		pass,       /* nothing broke */
		violation,  /* an invariant broke at a visible point */
		divergence, /* the models disagree after a step */
		expect,     /* an `expect` statement did not hold */
		rejected,   /* a statement was not legal (a trace, not a model, is wrong) */
		round_trip, /* printing and parsing a statement did not give it back */
	};
	Kind kind = Kind::pass;
	Invariant invariant = Invariant::mapcount_le_refcount; /* for violation */
	size_t step = 0;
	std::string text;  /* one line: "invariant X broke at step 3 (point): detail" */

	bool failed() const { return kind != Kind::pass && kind != Kind::rejected; }
	/* Same kind, and for a violation the same invariant. */
	bool same_failure(const Verdict &o) const;
	/* "violation mapcount_le_refcount", "divergence", ... */
	std::string name() const;
};

/* The earliest failure @r saw (a violation wins over a divergence at the same step). */
Verdict verdict_of(const Runner &r);
/* The verdict of a whole trace run; a rejected statement gives Kind::rejected. */
Verdict verdict_of(const TraceRun &run);

} // namespace fc::props
