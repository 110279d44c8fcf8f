// SPDX-License-Identifier: GPL-2.0
/*
 * seed_corpus.h - the fuzz seed corpus: every trace of the corpus
 * directory (every *.trace below corpus/), encoded for one campaign's configuration.
 *
 * The campaign's configuration decides what an input means, so seeds are
 * encoded under it, not under the trace's own config lines; a statement
 * that is not legal or not expressible there is left out (encoder.h).
 */
#pragma once

#include "fuzz/fuzz_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fc::fuzz {

/*
 * find_traces - every *.trace file under @dir, recursively, sorted. With
 * @skip_dir non-empty, files in a directory of that name are left out (the
 * mutant hunt leaves out corpus/mutants/, the answers to its questions).
 */
std::vector<std::string> find_traces(const std::string &dir, const std::string &skip_dir = "");

struct Seed {
	std::string trace;    /* the trace file */
	std::string name;     /* file name in the seed corpus: <dir>-<stem> */
	std::vector<uint8_t> bytes;
	size_t encoded = 0;   /* statements encoded */
	size_t dropped = 0;   /* statements left out */
	std::string error;    /* the trace did not parse: the message */
};

/* encode_seeds - one Seed per trace; a trace that does not parse keeps its error. */
std::vector<Seed> encode_seeds(const std::vector<std::string> &traces, const FuzzConfig &fc);

/*
 * write_seeds - write every seed that has at least one record into @dir
 * (created if needed). Returns the number written; false and @err if the
 * directory cannot be written.
 */
bool write_seeds(const std::vector<Seed> &seeds, const std::string &dir, size_t *written,
		 std::string *err);

/* Read a whole file; false and @err if it cannot be read. */
bool read_bytes(const std::string &path, std::vector<uint8_t> *out, std::string *err);
/* Write a whole file atomically (temp file and rename); false and @err on failure. */
bool write_bytes(const std::string &path, const void *data, size_t size, std::string *err);

} // namespace fc::fuzz
