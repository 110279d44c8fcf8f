// SPDX-License-Identifier: GPL-2.0
/*
 * decoder.h - turn operation records (record.h) into legal statements and
 * run them, one record at a time, against a Runner.
 *
 * The record's fields name things relative to the current state: the n-th
 * live process, the n-th live pin, a range a recent fault mapped. The
 * decoder normalizes what it can without asking (aligns a fault's VA to its
 * order, clamps a range to the address space, gives fork the next process
 * number) and leaves the final word to ReferenceModel::check() by way of
 * Runner::step(): a rejected statement is repaired once, deterministically
 * (a smaller fault, a one-page pin), and otherwise the record is skipped.
 * So every byte string decodes to a sequence of statements the reference
 * model accepts, and nothing rejected is ever half-applied.
 */
#pragma once

#include "fuzz/record.h"
#include "model/check/runner.h"

#include <optional>
#include <string>
#include <vector>

namespace fc::fuzz {

/* A range a statement mapped: what "hot" where-fields point into. */
struct HotRange {
	Va va = 0;
	uint64_t pages = 1;
};

/*
 * class Decoder - the state a record is interpreted against, beyond what the
 * Runner holds: which processes live, which handles are live, which files
 * exist, which ranges were mapped recently. It is updated only from
 * statements the Runner applied.
 */
class Decoder {
public:
	explicit Decoder(const Config &cfg);

	/*
	 * propose - the statement record @r asks for, or nullopt when it
	 * names nothing that exists (no live process, no live pin, ...).
	 * @runner is consulted only for the live folios of split/swapout.
	 */
	std::optional<Op> propose(const Record &r, const Runner &runner) const;

	/* repair - the one fallback for a rejected @op, or nullopt. */
	std::optional<Op> repair(const Op &op) const;

	/* applied - @op ran on the Runner: update processes, handles, hot ranges. */
	void applied(const Op &op);

	/*
	 * swapped_out - a swapout left swap entries at @where (where the folio
	 * was mapped): a hot range, so a swapin can name it.
	 */
	void swapped_out(HotRange where) { add_hot(where.va, where.pages); }

	/* The VA a where field names (before any alignment). */
	Va va_of(uint16_t where) const;

	const std::vector<ProcId> &live_procs() const { return procs_; }
	const std::vector<HandleId> &live_pins() const { return pins_; }
	const std::vector<HandleId> &live_refs() const { return refs_; }
	const std::vector<HotRange> &hot() const { return hot_; }
	const std::vector<std::string> &files() const { return files_; }
	ProcId next_proc() const { return next_proc_; }

private:
	Va space() const { return cfg_.scope.space_pages(); }
	uint64_t clamp_pages(Va va, uint64_t pages) const;
	Va mremap_target(const Record &r, Va va) const;
	void add_hot(Va va, uint64_t pages);

	Config cfg_;
	std::vector<ProcId> procs_{0};  /* live, in number order */
	ProcId next_proc_ = 1;
	std::vector<HandleId> pins_;    /* live, in number order */
	std::vector<HandleId> refs_;
	HandleId next_pin_ = 1;
	HandleId next_ref_ = 1;
	std::vector<HotRange> hot_;     /* newest first, at most kHotRanges */
	std::vector<std::string> files_;/* created, in order */
};

/* The outcome of feeding one record. */
enum class Fed : uint8_t {
	skipped,  /* nothing legal came of it */
	applied,  /* a statement ran and nothing broke */
	failed,   /* a statement ran and an invariant broke or the models diverged */
};

/*
 * class Session - a Runner and its Decoder, plus the statements applied so
 * far: the decoded trace. A value: the encoder copies it to try a record.
 */
class Session {
public:
	Session(const Config &cfg, RunnerOptions opts = {});

	/* feed - decode @r, run it; Fed::failed stops being useful after the first. */
	Fed feed(const Record &r);

	const Runner &runner() const { return runner_; }
	const Decoder &decoder() const { return decoder_; }
	/* The statements applied, one per record that was not skipped. */
	const std::vector<Op> &ops() const { return ops_; }
	/* For each statement, the index of the record it came from. */
	const std::vector<size_t> &op_records() const { return op_records_; }
	size_t records() const { return records_; }
	/* The outcome note of the last statement that ran ("copied to f5"). */
	const std::string &last_note() const { return last_note_; }

private:
	bool try_op(const Op &op);

	Runner runner_;
	Decoder decoder_;
	std::vector<Op> ops_;
	std::vector<size_t> op_records_;
	size_t records_ = 0;
	std::string last_note_;
};

} // namespace fc::fuzz
