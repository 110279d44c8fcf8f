// SPDX-License-Identifier: GPL-2.0
/*
 * crash.h - a crashing fuzz input made readable: minimized (minimize.h) and
 * written as a trace whose header names the invariant, the step and the
 * visible point, so `foliocheck replay` reproduces it.
 */
#pragma once

#include "fuzz/minimize.h"

#include <optional>
#include <string>
#include <vector>

namespace fc::fuzz {

struct CrashTrace {
	Failure failure;         /* of the minimized trace */
	Trace trace;             /* minimized, with its config line */
	std::string text;        /* the trace file: header comment, config, statements */
	size_t original_ops = 0; /* statements before minimizing */
	uint64_t runs = 0;       /* candidate runs minimizing took */
	std::vector<uint8_t> input; /* the minimized input */
};

/*
 * trace_crash - minimize @input under @fc within @seconds and format it.
 * @origin says where it came from (a crash file, a campaign) for the
 * header. nullopt if the input does not fail under @fc.
 */
std::optional<CrashTrace> trace_crash(const std::vector<uint8_t> &input, const FuzzConfig &fc,
				      double seconds, const std::string &origin);

/* "<failure name>-<hash of the trace>.trace": one file per distinct minimized trace. */
std::string crash_trace_name(const CrashTrace &c);

} // namespace fc::fuzz
