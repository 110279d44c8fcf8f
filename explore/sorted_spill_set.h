// SPDX-License-Identifier: GPL-2.0
/*
 * sorted_spill_set.h - the fingerprints of the deepest level of a search,
 * counted without a hash table: appended to a buffer, sorted and
 * deduplicated when it fills, written to disk as a sorted run, and counted
 * by merging the runs at the end.
 *
 * The deepest level is never expanded, so its states need no lookup while
 * the search runs: only their number is wanted. In the default scope it is
 * also nineteen twentieths of all states, and a hash table for them is what
 * would not fit in memory at depth 8 (docs/explore.md): a run of sorted
 * 64-bit words on disk costs 8 bytes per entry and no RAM.
 *
 * Once 16 runs are on disk they are merged into one, so the disk holds
 * each distinct fingerprint about once (8 bytes) however many runs saw it.
 *
 * One thread at a time (the explorer's merge thread).
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fc::explore {

class SortedSpillSet {
public:
	/*
	 * @dir: where the runs go (a private directory is made inside it when
	 * the first run is written, and removed with its runs by the
	 * destructor); @buffer_entries: fingerprints held in memory before a
	 * run is written.
	 */
	SortedSpillSet(std::string dir, size_t buffer_entries);
	~SortedSpillSet();
	SortedSpillSet(const SortedSpillSet &) = delete;
	SortedSpillSet &operator=(const SortedSpillSet &) = delete;

	void add(uint64_t fp);
	/* Fingerprints added so far, duplicates included. */
	uint64_t added() const { return added_; }
	/*
	 * count_distinct - how many distinct fingerprints were added: sorts the
	 * buffer and, if runs were written, merges them all. Throws
	 * std::runtime_error when a run cannot be written or read back.
	 */
	uint64_t count_distinct();

	/* Runs written from the buffer so far (on disk at once: at most 16). */
	size_t runs() const { return written_runs_; }
	/* Runs merged into one so far. */
	size_t compactions() const { return compactions_; }
	/* Bytes written as runs (duplicates across runs included). */
	uint64_t spilled_bytes() const { return spilled_bytes_; }
	/* The most bytes the runs occupied at once (a merge's output not counted). */
	uint64_t peak_disk_bytes() const { return peak_disk_bytes_; }
	/*
	 * save_to - keep what was added in @dir (a directory that exists): the
	 * sorted buffer and a link to (or copy of) every run, and the counts.
	 * The set goes on as before. restore_from() on a fresh set takes it back.
	 */
	void save_to(const std::string &dir);
	void restore_from(const std::string &dir);

	/* Bytes of RAM the buffer holds. */
	size_t memory_bytes() const { return buffer_.capacity() * sizeof(uint64_t); }

private:
	void sort_buffer();
	void make_private_dir();
	void write_run();
	void compact_runs();
	uint64_t merge_runs(FILE *out, const std::string &out_path);

	std::string dir_, private_dir_;
	size_t buffer_entries_;
	std::vector<uint64_t> buffer_;
	std::vector<std::string> runs_;
	uint64_t added_ = 0;
	uint64_t spilled_bytes_ = 0;
	uint64_t disk_bytes_ = 0, peak_disk_bytes_ = 0;
	size_t next_run_ = 0, written_runs_ = 0, compactions_ = 0;
};

} // namespace fc::explore
