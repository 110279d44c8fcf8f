// SPDX-License-Identifier: GPL-2.0
/*
 * counterexample.h - a failing operation sequence as SPEC trace text that
 * `foliocheck replay` reproduces: a `config` line carrying everything the
 * run depended on, a comment header saying what broke and how to get the
 * same run again, then the statements.
 */
#pragma once

#include "model/trace.h"
#include "props/verdict.h"

#include <cstdint>
#include <string>

namespace fc::props {

/*
 * trace_config - the `config` settings that make a trace replay under @cfg:
 * variant, arch, mutant and pmd_order always; max_order and space only where
 * they differ from the defaults (legality of a fault depends on them), and
 * prefault when it is `old` (young or old PTEs are observed).
 */
ConfigOverrides trace_config(const Config &cfg);

struct Counterexample {
	Trace trace;              /* config line and statements */
	Verdict verdict;          /* how it fails */
	uint64_t seed = 0;        /* the RapidCheck seed of the failing batch */
	int size = 0;             /* and the size of the failing test case (-1: unknown) */
	uint64_t batch_tests = 0; /* test cases in that batch (`--tests`) */
	size_t generated_ops = 0; /* length of the test case before shrinking */
	size_t shrunk_ops = 0;    /* after RapidCheck's shrinking, before minimizing */
	std::string rerun;        /* the command line that reruns the failing batch, or "" */
};

/*
 * format_counterexample - the trace file text: a `#` header (verdict, seed,
 * size, the lengths, the command that reruns the batch) and
 * format_trace() of the trace. parse_trace() reads it back unchanged.
 */
std::string format_counterexample(const Counterexample &c);

/* write_text_file - write @text to @path; on failure says why in @error. */
bool write_text_file(const std::string &path, const std::string &text, std::string *error);

/*
 * trace_round_trips - does parse_trace(format_trace(@t)) give @t back (same
 * config, same statements)? If not, says which statement differs in @why.
 */
bool trace_round_trips(const Trace &t, std::string *why);

} // namespace fc::props
