// SPDX-License-Identifier: GPL-2.0
/*
 * proof_cache.h - induction steps already proved, kept across runs.
 *
 * The step of one statement is one question: are the assumptions on the
 * pre-state (the query, the strengthening invariants, the statement
 * enabled) satisfiable together with a bad post-state (the query broken at
 * a visible point, or a strengthening invariant broken at the end)? Its
 * answer is a property of that formula alone. A step proved once is proved
 * for every later run that asks the same formula, whatever the build, the
 * timeout or the order of the questions: the same query, scope, bounds,
 * strengthening invariants, alphabet and encoding give the same formula,
 * and anything else gives another.
 *
 * So `foliocheck query --induct --proof-cache FILE` writes a line per step
 * proved as soon as it is proved, and skips a step whose formula FILE
 * already names. A run cut short by --timeout or Ctrl-C loses nothing it
 * proved, and the steps that take hours (exit, munmap, fork) can be proved
 * one run at a time (--statement) and put together by a last run.
 *
 * The file is text, a line per step, "#" comments (a last line without
 * its newline, left by a run killed while writing it, is dropped):
 *
 *   proved KEY SECONDS STATEMENT
 *
 * KEY is step_key() of the formula (32 hex digits, 128 bits), SECONDS what
 * the proof took, STATEMENT the concrete statement as format_op() prints
 * it (for the reader; the key alone decides).
 */
#pragma once

#include <z3++.h>

#include <cstdio>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fc::solver {

/*
 * step_key - a 128-bit hash, as 32 hex digits, of the SMT-LIB text of
 * @facts and @bad asserted together: the question a step asks.
 */
std::string step_key(const std::vector<z3::expr> &facts, const z3::expr &bad);

class ProofCache {
public:
	/*
	 * open - read the steps @path records, creating the file if it does
	 * not exist; later record()s append to it. Nothing, with the reason
	 * in @err ("FILE:LINE:COL: expected ..."), if it cannot be read or
	 * written or a line is malformed.
	 */
	static std::optional<ProofCache> open(const std::string &path, std::string *err);

	ProofCache(ProofCache &&o) noexcept;
	ProofCache &operator=(ProofCache &&o) noexcept;
	ProofCache(const ProofCache &) = delete;
	~ProofCache();

	/* The statement a step proved under @key was recorded for, if any. */
	const std::string *proved(const std::string &key) const;
	/* record - append a proved step and flush it to disk; false with @err on an I/O error. */
	bool record(const std::string &key, const std::string &statement, double seconds,
		    std::string *err);
	size_t size() const { return proved_.size(); }
	/* open() found a last line without its newline (a run killed while recording) and dropped it. */
	bool dropped_torn_line() const { return dropped_torn_line_; }
	const std::string &path() const { return path_; }

private:
	ProofCache(std::string path, FILE *out) : path_(std::move(path)), out_(out) {}

	std::string path_;
	FILE *out_ = nullptr;
	std::unordered_map<std::string, std::string> proved_;  /* key -> statement */
	bool dropped_torn_line_ = false;
};

} // namespace fc::solver
