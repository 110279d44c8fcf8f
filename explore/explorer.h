// SPDX-License-Identifier: GPL-2.0
/*
 * explorer.h - breadth-first explicit-state exploration of a scope, in the
 * manner of TLC or SPIN, on foliocheck's own models.
 *
 * From the initial state (p0 alone, nothing mapped) every statement of the
 * alphabet (alphabet.h) that ReferenceModel::check() accepts is run on a copy
 * of the state's Runner, which checks every invariant at every visible point
 * and compares the two models after the step. The successor's canonical form
 * (canonical.h) is fingerprinted, or its path if an opt-in statement that
 * changes state no Snapshot shows ran on the way (history.h); a new
 * fingerprint is a new distinct state, to be expanded at the next depth
 * unless the depth bound is reached.
 *
 * Parallelism and determinism: a level's frontier is expanded in batches;
 * inside a batch, chunks of consecutive states are expanded by any of the
 * threads (looking the visited set up read-only), then the successors are
 * merged into the visited set and the next level on one thread, in frontier
 * order. The set of states visited, the distinct-state count and the
 * counterexample are therefore the same for every thread count and every
 * run; only a time or memory bound can make them vary.
 *
 * The first failing step, in frontier order, of the first level that has one
 * is a shortest counterexample: every shorter sequence of the alphabet was
 * run and checked before it.
 */
#pragma once

#include "explore/alphabet.h"
#include "explore/canonical.h"
#include "model/check/runner.h"
#include "model/trace.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fc::explore {

/* The default small scope of `foliocheck explore` (issue 7). */
Config default_explore_config();
inline constexpr unsigned kDefaultDepth = 8;

struct ExploreProgress {
	unsigned depth = 0;        /* the level being expanded */
	uint64_t expanded = 0;     /* of its frontier, states expanded so far */
	uint64_t frontier = 0;     /* states in that level */
	uint64_t found = 0;        /* transitions run (successor states found) */
	uint64_t distinct = 0;     /* distinct states so far */
	double seconds = 0;
	double distinct_per_second = 0;  /* per wall-clock second */
	double cpu_seconds = 0;          /* CPU time of all threads so far */
	uint64_t rss_bytes = 0;
	/* deepest level: fingerprints added so far, duplicates included (not in distinct yet) */
	uint64_t last_level_pending = 0;
};

struct ExploreOptions {
	Config cfg = default_explore_config();
	unsigned depth = kDefaultDepth;  /* longest statement sequence */
	unsigned threads = 1;
	uint64_t max_states = 0;         /* stop at this many distinct states; 0: none */
	uint64_t max_mem_bytes = 0;      /* stop when RSS exceeds this; 0: none */
	double seconds = 0;              /* stop after this long; 0: none */
	/* stop as soon as this reads true (a SIGINT handler raises it); may be null */
	const std::atomic<bool> *interrupt = nullptr;
	uint32_t families = fam_anon;    /* the alphabet (alphabet.h); opt-in families too */
	CanonicalOptions canonical;
	RunnerOptions runner;
	double progress_interval = 5;    /* seconds between on_progress calls */
	std::function<void(const ExploreProgress &)> on_progress;
	size_t batch_states = 1024;      /* frontier states per parallel batch */
	/*
	 * The deepest level is counted by sorting (sorted_spill_set.h) instead
	 * of being inserted into the visited set: this many fingerprints are
	 * held in memory (8 bytes each) before a sorted run is written to
	 * @spill_dir (the system's temporary directory if empty). 0: the
	 * deepest level goes into the visited set like the others, as it
	 * always does with --max-states (which needs the count as it grows).
	 */
	size_t last_level_buffer = size_t{1} << 26;
	std::string spill_dir;
	/*
	 * Save the search to this directory (checkpoint.h) every
	 * @checkpoint_interval seconds and when a bound or an interrupt stops
	 * it short; a search that ends removes it. Empty: no checkpoints.
	 * With @resume, start from the checkpoint there instead of from the
	 * initial state (same flags required).
	 */
	std::string checkpoint_dir;
	double checkpoint_interval = 600;
	bool resume = false;
	/*
	 * Called with the Runner of every successor whose fingerprint the
	 * visited set did not hold when its chunk looked (so a state reached
	 * twice in one batch is reported twice), from the worker threads; may
	 * be empty. Tests use it to see which states a search visits.
	 */
	std::function<void(const Runner &)> on_successor;
};

/* A failing step: the shortest trace to it and what broke. */
struct Counterexample {
	Trace trace;          /* config line with the whole scope + the statements */
	size_t step = 0;      /* 0-based index of the failing statement */
	std::vector<ViolationReport> violations;
	std::optional<DivergenceReport> divergence;
	std::string error;    /* the models threw: the message */
	bool replayed = false; /* run_trace(trace) fails at the same step */

	/* One line: "violation mapcount_le_refcount at step 2 (point): detail". */
	std::string headline() const;
};

enum class StopReason : uint8_t {
	depth_bound,     /* every level up to the depth bound explored */
	space_exhausted, /* no new states before the depth bound: all reachable visited */
	counterexample,
	max_states,
	max_mem,
	seconds,
	interrupted,     /* ExploreOptions::interrupt was raised (Ctrl-C) */
};

struct ExploreResult {
	StopReason stop = StopReason::depth_bound;
	unsigned depth_bound = 0;
	/* Every state reachable in at most this many statements was visited. */
	unsigned depth_exhausted = 0;
	/* When a bound stopped a level: states of level depth_exhausted expanded, of how many. */
	uint64_t partial_expanded = 0;
	uint64_t partial_frontier = 0;

	uint64_t distinct = 0;           /* distinct states visited */
	uint64_t found = 0;              /* transitions run */
	uint64_t rejected = 0;           /* alphabet instances check() refused */
	uint64_t replayed = 0;           /* statements replayed to rebuild states */
	/*
	 * New distinct states per depth (index 0: the initial state). A level
	 * cut by a bound counts what was merged; a level cut by a
	 * counterexample is not listed.
	 */
	std::vector<uint64_t> distinct_per_depth;
	double seconds = 0;              /* wall clock */
	double cpu_seconds = 0;          /* user + system, all threads */
	uint64_t peak_rss_bytes = 0;
	uint64_t visited_set_bytes = 0;
	uint64_t tree_bytes = 0;
	/* The deepest level, when counted by sorting: runs written, bytes on disk. */
	size_t spill_runs = 0;
	uint64_t spilled_bytes = 0;
	uint64_t peak_disk_bytes = 0;
	uint64_t last_level_buffer_bytes = 0;
	double collision_probability = 0;
	size_t max_group_size = 1;
	unsigned threads = 1;
	bool resumed = false;            /* started from a checkpoint */
	bool checkpoint_saved = false;   /* stopped short and saved: resume with --resume */
	std::optional<Counterexample> counterexample;

	/* What was and was not covered, in one sentence. */
	std::string coverage() const;
};

/*
 * mutant_families - the alphabet a hunt for @m uses: the default (anon)
 * one, plus the opt-in families whose statements run the mutant's wrong
 * code (swapout/swapin, the file, MADV_FREE). Only those: states below an
 * opt-in statement are keyed by their path (history.h), so every extra
 * family multiplies the states to visit.
 */
uint32_t mutant_families(Mutant m);

/* Run the search. Throws std::invalid_argument for a scope it cannot explore. */
ExploreResult explore(const ExploreOptions &opts);

/* The config overrides that make a trace replay in @cfg regardless of flags. */
ConfigOverrides full_overrides(const Config &cfg);

} // namespace fc::explore
