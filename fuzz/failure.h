// SPDX-License-Identifier: GPL-2.0
/*
 * failure.h - what a failing fuzz input broke, as a value that minimizing
 * keeps fixed and crash de-duplication compares.
 */
#pragma once

#include "model/check/runner.h"

#include <optional>
#include <string>

namespace fc::fuzz {

struct Failure {
	enum class Kind : uint8_t { violation, divergence } kind = Kind::violation;
	Invariant invariant = Invariant::mapcount_le_refcount; /* for a violation */
	size_t step = 0;
	std::string point;    /* the visible point of a violation */
	std::string report;   /* several lines: the violation or the differences */

	/* "mapcount_le_refcount", or "divergence" */
	std::string name() const;
	/* The same invariant, or both a divergence. */
	bool same_as(const Failure &o) const
	{
		return kind == o.kind && (kind == Kind::divergence || invariant == o.invariant);
	}
};

/*
 * failure_of - the earliest failure @r recorded (a violation wins over a
 * divergence at the same step), or nullopt if nothing broke.
 */
std::optional<Failure> failure_of(const Runner &r);

} // namespace fc::fuzz
