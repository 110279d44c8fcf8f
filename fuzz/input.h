// SPDX-License-Identifier: GPL-2.0
/*
 * input.h - one fuzz input, start to end: decode its records and run them
 * on both models, and turn what ran into a trace anyone can replay.
 */
#pragma once

#include "fuzz/failure.h"
#include "fuzz/fuzz_config.h"
#include "fuzz/record.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fc::fuzz {

struct DecodedInput {
	std::vector<Op> ops;              /* the statements that ran */
	std::vector<size_t> op_records;   /* the record each came from */
	size_t records = 0;               /* records decoded */
	std::optional<Failure> failure;   /* stops decoding */
	/*
	 * Cheap coverage-like features of the run, if asked for: per statement
	 * its kind, the outcome note's shape and the cost counters it moved.
	 */
	std::vector<uint32_t> features;
};

/*
 * run_input - decode up to @fc.max_ops records of @data and run them on a
 * fresh Runner, stopping after the first failure. @with_features fills
 * DecodedInput::features (the in-process engine's feedback).
 */
DecodedInput run_input(const uint8_t *data, size_t size, const FuzzConfig &fc,
		       bool with_features = false);

/*
 * baseline_fails_too - for a campaign on a mutant: does the unmutated
 * kernel model fail @data the same way as @f (the same failure name, at
 * the same step or earlier)? Then the failure is not the mutant's doing
 * (the models have a bug of their own) and does not count as a kill.
 * False when @fc has no mutant. The reference model judges legality
 * whatever the mutant, so both runs decode the same statements.
 */
bool baseline_fails_too(const uint8_t *data, size_t size, const FuzzConfig &fc, const Failure &f);

/* The records of @data as a vector, at most @max_records of them. */
std::vector<Record> records_of(const uint8_t *data, size_t size, size_t max_records);
/* Records back to bytes. */
std::vector<uint8_t> bytes_of(const std::vector<Record> &records);

/* @ops with a config line that pins down @cfg: a trace `foliocheck replay` reruns exactly. */
Trace trace_of(const std::vector<Op> &ops, const Config &cfg);

/*
 * format_crash - what the fuzz target prints before it aborts: the failure
 * report and the decoded trace in the trace format, with a header comment.
 */
std::string format_crash(const DecodedInput &in, const Config &cfg);

} // namespace fc::fuzz
