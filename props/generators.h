// SPDX-License-Identifier: GPL-2.0
/*
 * generators.h - biased generators of legal operations, one entry per
 * statement of the op alphabet.
 *
 * Each generator reads the current state (a StateView of the reference
 * model) and aims where large-folio accounting bugs live: folios of every
 * order up to max_order and PMD folios, ranges that end one page before, on
 * and one page after a folio or mapping boundary, pins taken before forks,
 * writes on both sides of a fork, and unmap/refault patterns that leave a
 * folio mapped non-contiguously. Whatever a generator builds, the reference
 * model's check() decides whether it is legal; a rejected candidate is never
 * returned.
 *
 * Adding an operation to the alphabet is one entry in op_generators(). The
 * standard alphabet lists every SPEC statement: one the models do not
 * implement yet is rejected by check() like any illegal candidate, so the
 * generators pick statements up as the models learn them.
 */
#pragma once

#include "model/reference/reference_model.h"
#include "props/rng.h"
#include "props/state_view.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc::props {

struct OpGenerator {
	const char *name;  /* as `--ops` spells it */
	OpKind kind;
	unsigned weight;   /* default relative frequency */
	bool in_default;   /* in the standard alphabet */
	/*
	 * build - a candidate operation for the state, or nullopt when the
	 * state offers none of this kind (no live pin to unpin, no PMD to
	 * split). The candidate may still be illegal; check() filters it.
	 */
	std::optional<Op> (*build)(const StateView &v, Rng &rng);
	/*
	 * boost - if set, a factor (>= 1) on the weight in this state: for a
	 * rare state a statement of this kind turns into a bug trigger (a
	 * pinned folio back from swap, for swapout).
	 */
	unsigned (*boost)(const StateView &v) = nullptr;
};

/* The whole alphabet, in a fixed order. */
const std::vector<OpGenerator> &op_generators();

/*
 * class OpAlphabet - which generators run and how often: a weight per entry
 * of op_generators(), 0 meaning "never".
 */
class OpAlphabet {
public:
	/* The entries marked in_default, at their default weights. */
	static OpAlphabet standard();
	/* Every entry at its default weight. */
	static OpAlphabet all();
	/*
	 * parse - "default" (standard()), "all", "anon" (the anonymous-memory
	 * statements: no files, swap, MADV_FREE, mremap, mprotect), or a
	 * comma-separated list of entries, each `name` (default weight) or
	 * `name=W`. On error returns nullopt and says which entry is wrong in
	 * @error.
	 */
	static std::optional<OpAlphabet> parse(std::string_view list, std::string *error);

	unsigned weight(size_t i) const { return i < weights_.size() ? weights_[i] : 0; }
	const std::vector<unsigned> &weights() const { return weights_; }
	bool empty() const;
	/* "fault=20,fault_pmd=8,…": the enabled entries, parse() reads it back. */
	std::string to_string() const;
	bool operator==(const OpAlphabet &) const = default;

private:
	std::vector<unsigned> weights_;
};

/* Candidates a generator may build before generate_op() gives up on it. */
inline constexpr int kMaxCandidates = 12;

/*
 * generate_op - one operation @ref accepts in its current state (@v is its
 * view): a generator is chosen by weight among the enabled ones, and its
 * candidates are filtered by ReferenceModel::check(). When no candidate
 * passes, the result is `shrink`, which is always legal.
 */
Op generate_op(const StateView &v, const ReferenceModel &ref, const OpAlphabet &alphabet,
	       Rng &rng);

} // namespace fc::props
