// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint.h - a search saved at a batch boundary, to be resumed.
 *
 * A long exploration (depth 8 of the default scope runs overnight) must not
 * lose its work to a Ctrl-C, a --seconds bound or a killed machine. The
 * explorer saves, every --checkpoint-every seconds and when it stops short,
 * everything its loop carries from one batch to the next: the level being
 * expanded and how many of its states were merged, the counters, the
 * visited set, the search tree and the deepest level's sorted runs. Since
 * batches are merged in frontier order, a resumed search visits the same
 * states in the same order as one that was never stopped, and ends with the
 * same counts.
 *
 * The directory holds `meta` (text: what the search is, so that a resume
 * with other flags is refused, and where it was), `visited.bin`,
 * `tree.bin`, and `last/` while the deepest level is being expanded. A new
 * checkpoint is written beside the old one and renamed over it, so a crash
 * while saving leaves the previous one whole.
 */
#pragma once

#include "explore/explorer.h"
#include "explore/fingerprint_set.h"
#include "explore/sorted_spill_set.h"
#include "explore/state_tree.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fc::explore {

/* Where a search was, between two batches. */
struct SearchPoint {
	unsigned level = 0;              /* the level being expanded */
	uint64_t level_expanded = 0;     /* its states merged so far */
	uint64_t next_level_count = 0;   /* new states of the next level merged so far */
	uint64_t found = 0, rejected = 0;
	std::vector<uint64_t> distinct_per_depth; /* levels 0..level */
	double seconds = 0, cpu_seconds = 0;      /* spent before, in every run */
	bool has_last = false;           /* last/ was saved: the deepest level was being expanded */
};

/*
 * search_identity - what must be the same to resume: the config, depth,
 * alphabet, symmetry, Runner options and how the deepest level is counted.
 */
std::string search_identity(const ExploreOptions &o);

/* save_checkpoint - write @p and the search's state to @dir (replacing it). */
void save_checkpoint(const std::string &dir, const std::string &identity, const SearchPoint &p,
		     const FingerprintSet &visited, const StateTree &tree, SortedSpillSet *last);

/*
 * load_checkpoint - read @dir back into @visited, @tree and, if it has the
 * deepest level's runs (SearchPoint::has_last) and @last is not null, @last. Throws std::invalid_argument when @dir
 * holds no checkpoint, a damaged one, or one of another search (the message
 * says which line differs).
 */
SearchPoint load_checkpoint(const std::string &dir, const std::string &identity,
			    FingerprintSet &visited, StateTree &tree, SortedSpillSet *last);

/* has_checkpoint - @dir holds a checkpoint's meta file. */
bool has_checkpoint(const std::string &dir);

/* remove_checkpoint - delete the files a checkpoint wrote in @dir, then @dir if empty. */
void remove_checkpoint(const std::string &dir);

} // namespace fc::explore
