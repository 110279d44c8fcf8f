// SPDX-License-Identifier: GPL-2.0
/*
 * engine.h - the in-process fuzzing engine: for machines without clang's
 * libFuzzer, for the mutant hunt's fallback and for the test suite.
 *
 * Worker threads (one Runner each) take inputs from a shared corpus, put
 * them through the structure-aware mutator (mutator.h), or make fresh ones,
 * and run them (input.h). Its feedback is not coverage but the features
 * DecodedInput collects: statement kinds, outcome-note shapes and the cost
 * counters each statement moved; an input showing a new feature joins the
 * corpus. A failing input is kept, one per failure name.
 */
#pragma once

#include "fuzz/input.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace fc::fuzz {

struct EngineStatus {
	uint64_t execs = 0;
	double seconds = 0;
	size_t corpus = 0;
	size_t features = 0;
	size_t failures = 0;   /* distinct failure names found */
};

struct EngineFailure {
	std::vector<uint8_t> input;
	DecodedInput run;
	uint64_t exec = 0;     /* the execution that found it (1-based, across workers) */
	double seconds = 0;
};

struct EngineOptions {
	FuzzConfig fc;
	std::vector<std::vector<uint8_t>> seeds;
	unsigned jobs = 1;
	double seconds = 10;       /* stop after this long (0: no time limit) */
	uint64_t max_execs = 0;    /* stop after this many runs (0: no limit) */
	uint64_t seed = 1;
	bool stop_on_failure = true;
	double status_interval = 10;
	std::function<void(const EngineStatus &)> status;  /* every status_interval seconds */
	std::function<bool()> should_stop;                 /* polled; true ends the run */
};

struct EngineResult {
	EngineStatus status;
	std::vector<EngineFailure> failures;
	std::vector<std::vector<uint8_t>> corpus;  /* the seeds and what feedback kept */
};

/* run_engine - fuzz until a limit, a failure (if asked) or should_stop(). */
EngineResult run_engine(const EngineOptions &o);

} // namespace fc::fuzz
