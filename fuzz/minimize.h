// SPDX-License-Identifier: GPL-2.0
/*
 * minimize.h - make a failing fuzz input as small as it goes while it keeps
 * failing the same way (Failure::same_as: the same invariant, or a
 * divergence), by delta debugging its records.
 *
 * Working on records rather than on the trace has one advantage: a record
 * names processes, handles and ranges relative to the state, and any
 * record sequence decodes to a legal trace, so removing a statement never
 * leaves a later one dangling; it only makes it mean the nearest thing
 * that exists.
 */
#pragma once

#include "fuzz/input.h"

namespace fc::fuzz {

struct Minimized {
	std::vector<Record> records;  /* the smallest failing input found */
	DecodedInput run;             /* its run: the statements and the failure */
	uint64_t runs = 0;            /* candidate inputs run */
	bool failed = false;          /* false: the input did not fail at all */
};

/*
 * minimize_input - the smallest input within @seconds that fails like
 * @data does: cut after the failing record, drop records that decode to
 * nothing, remove chunks (ddmin), then simplify fields (fewer pages, lower
 * orders, no flags, the first process). Deterministic. Under a mutant, a
 * candidate must also not fail that way on the unmutated model
 * (baseline_fails_too), so the result still shows the mutant.
 */
Minimized minimize_input(const uint8_t *data, size_t size, const FuzzConfig &fc,
			 double seconds = 30);

} // namespace fc::fuzz
