// SPDX-License-Identifier: GPL-2.0
/*
 * mutator.h - the structure-aware mutator behind LLVMFuzzerCustomMutator
 * and LLVMFuzzerCustomCrossOver, also used by the in-process engine.
 *
 * It works on whole records (record.h), so the framing never shifts: it
 * inserts a statement (a fresh one or one of the interesting records),
 * deletes, duplicates or swaps statements, retargets one (another process,
 * another range, another handle or folio), changes one field (kind, size,
 * flags), or lets a byte mutator loose on one record's bytes. The output is
 * always a whole number of records no longer than the maximum size.
 */
#pragma once

#include "fuzz/record.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fc::fuzz {

/*
 * A byte-level mutator in LLVMFuzzerMutate's shape: mutate @size bytes of
 * @data in place, at most @max_size, return the new size.
 */
using ByteMutator = size_t (*)(uint8_t *data, size_t size, size_t max_size);

/* A small deterministic generator (splitmix64): the mutator's only randomness. */
class Rng {
public:
	explicit Rng(uint64_t seed) : s_(seed) {}
	uint64_t next();
	/* uniform in [0, n); n > 0 */
	uint64_t below(uint64_t n) { return next() % n; }
	bool chance(unsigned one_in) { return below(one_in) == 0; }

private:
	uint64_t s_;
};

/*
 * mutate_input - one structure-aware mutation of the @size-byte input in
 * @data (room for @max_size bytes), seeded by @seed. @bytes may be null
 * (then the built-in byte mutator is used). Returns the new size.
 */
size_t mutate_input(uint8_t *data, size_t size, size_t max_size, uint64_t seed,
		    ByteMutator bytes);

/*
 * cross_over - splice records of @a and @b into @out (room for @max_out
 * bytes): a prefix of one and a suffix of the other, or the records of both
 * interleaved. Returns the size written.
 */
size_t cross_over(const uint8_t *a, size_t a_size, const uint8_t *b, size_t b_size,
		  uint8_t *out, size_t max_out, uint64_t seed);

/* The built-in byte mutator: flip, set, add to, or copy bytes. */
size_t mutate_bytes(uint8_t *data, size_t size, size_t max_size, Rng &rng);

/* A random record, biased towards hot ranges and small sizes. */
Record random_record(Rng &rng);

/*
 * struct NamedRecord - one of the interesting records: a statement shape
 * that moves the accounting (a large fault, a PMD fault, a fork, a pin of a
 * whole folio, a partial zap, ...). They are the dictionary (fuzz/dict).
 */
struct NamedRecord {
	const char *name;
	Record record;
};
const std::vector<NamedRecord> &interesting_records();

/* The dictionary file's text: one libFuzzer dictionary entry per interesting record. */
std::string format_dictionary();

} // namespace fc::fuzz
