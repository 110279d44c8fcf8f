// SPDX-License-Identifier: GPL-2.0
/*
 * minimize.h - make a failing trace as small as it goes after RapidCheck's
 * shrinking.
 *
 * RapidCheck shrinks a command sequence by removing commands and
 * regenerating those that no longer apply, which can leave a regenerated
 * statement or a wide range behind. This pass works on the trace itself:
 * it cuts everything after the failing step, removes chunks of statements
 * (renaming the processes, folios and handles that later statements name so
 * they keep meaning the same objects), then simplifies what is left (fewer
 * pages, lower orders, plain pins). Every candidate must be legal from start
 * to end and fail the same way (Verdict::same_failure).
 */
#pragma once

#include "model/trace.h"
#include "props/verdict.h"

#include <csignal>
#include <cstdint>

namespace fc::props {

struct MinimizeResult {
	Trace trace;
	Verdict verdict;    /* of the result */
	uint64_t runs = 0;  /* candidate traces run */
};

/*
 * minimize_trace - the smallest trace found within @seconds that fails like
 * @t does. @base is the configuration @t's config lines apply to. If @t does
 * not fail at all, it is returned unchanged with its verdict. If @stop is
 * set and becomes non-zero (a signal handler), the best trace so far is
 * returned at once.
 */
MinimizeResult minimize_trace(const Trace &t, const Config &base, double seconds,
			      const volatile std::sig_atomic_t *stop = nullptr);

} // namespace fc::props
