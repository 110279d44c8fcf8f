// SPDX-License-Identifier: GPL-2.0
/*
 * observe.h - answer one SPEC observable from a Snapshot, the cost counters
 * and the violations seen so far.
 */
#pragma once

#include "model/snapshot.h"
#include "model/trace.h"

#include <array>
#include <optional>
#include <string>

namespace fc {

/* Violations seen so far in a run: per invariant, how many times. */
struct ViolationCounts {
	std::array<uint32_t, kNrInvariants> by_invariant{};
	uint32_t total() const;
};

/*
 * observe - the value of @obs, or an error message in @error (unknown or
 * exited process, unknown folio, page index out of range, a freed folio asked
 * anything but `freed` or `queued`).
 */
std::optional<Value> observe(const Snapshot &snap, const CostCounters &costs,
			     const ViolationCounts &violations, const Observable &obs,
			     std::string *error);

} // namespace fc
