// SPDX-License-Identifier: GPL-2.0
/*
 * hunt.h - the fuzzer as a mutant hunter (`foliocheck mutants --engine
 * fuzz`): fuzz a mutated kernel model from the seed corpus until the first
 * failure or the budget runs out, then minimize the failure into a trace.
 *
 * The seeds are the trace corpus minus corpus/mutants/, the directory of
 * traces written to catch each mutant: finding a mutant from its own trace
 * would prove nothing about the fuzzer.
 *
 * With clang, `jobs` libFuzzer processes run side by side on one shared
 * corpus and the first crash ends the hunt; without it, the in-process
 * engine on `jobs` threads.
 */
#pragma once

#include "fuzz/campaign.h"

#include <string>

namespace fc::fuzz {

struct HuntOptions {
	FuzzConfig fc;             /* its cfg.mutant is the mutant hunted */
	double seconds = 60;
	uint64_t seed = 1;
	unsigned jobs = 2;
	EngineChoice engine = EngineChoice::automatic;
	std::string traces_dir;    /* the trace corpus (seeds) */
	std::string fuzzer_dir;    /* the libFuzzer binaries */
	std::string work_dir;      /* scratch: corpus, crash files, logs */
	double minimize_seconds = 20;
	std::function<void(const std::string &)> say;
};

struct HuntResult {
	bool killed = false;
	std::string engine;        /* "libFuzzer" or "in-process" */
	uint64_t execs = 0;        /* until the kill, or in all */
	double seconds = 0;        /* until the kill, or in all */
	size_t trace_ops = 0;
	std::string trace_file;    /* the minimized trace, or "" */
	std::string note;          /* the failure name, or why nothing was found */
	std::string error;         /* set: the hunt could not run */
};

HuntResult hunt_mutant(const HuntOptions &o);

} // namespace fc::fuzz
