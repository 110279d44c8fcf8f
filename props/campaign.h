// SPDX-License-Identifier: GPL-2.0
/*
 * campaign.h - run the stateful property programmatically: a seed, a number
 * of tests and/or a time budget, progress reports, and on failure the
 * shrunk and minimized counterexample.
 *
 * RapidCheck runs a property for a fixed number of test cases, growing the
 * size (here: up to @max_ops statements) over them. A campaign runs it in
 * batches of at most kBatchTests cases, batch k with seed batch_seed(seed,
 * k), until the test count or the time budget is reached or a case fails.
 * Batch 0's seed is the campaign seed, so `--seed S --tests N` with the
 * failing batch's seed and size reruns exactly the failing batch. Cases that
 * start after the budget is spent return at once; shrinking gets its own
 * budget.
 */
#pragma once

#include "props/counterexample.h"
#include "props/generators.h"
#include "props/stats.h"
#include "props/verdict.h"

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace fc::props {

inline constexpr uint64_t kBatchTests = 100;

struct CampaignProgress {
	uint64_t tests = 0;      /* test cases finished */
	uint64_t ops = 0;        /* statements run (shrinking included) */
	double elapsed = 0;      /* seconds since the start */
	bool shrinking = false;
	uint64_t shrinks_tried = 0;
	uint64_t shrinks_accepted = 0;
};

struct CampaignOptions {
	Config cfg;
	uint64_t seed = 0;
	uint64_t tests = 0;       /* stop after this many test cases; 0: no limit */
	double seconds = 0;       /* stop after this long (the case in progress ends, uncounted); 0: no limit */
	int max_ops = 100;        /* RapidCheck maxSize: a case runs up to max_ops + 1 statements */
	OpAlphabet alphabet = OpAlphabet::standard();
	double shrink_seconds = 60;   /* RapidCheck shrinking budget after a failure */
	double minimize_seconds = 20; /* minimize_trace() budget after shrinking */
	bool collect_stats = true;
	/* Which failures count (PropertyHooks::counts); unset: all of them. */
	std::function<bool(const Trace &, const Verdict &)> counts;
	/* Called at most every @progress_interval seconds, if set. */
	std::function<void(const CampaignProgress &)> progress;
	double progress_interval = 2;
	/*
	 * If set, polled at every step: once non-zero (a SIGINT handler sets
	 * it) the campaign stops as if its budget were spent, the test case in
	 * progress ends as a pass (not counted), and shrinking and minimizing
	 * stop with the best trace so far. CampaignResult::interrupted says so.
	 */
	const volatile std::sig_atomic_t *stop = nullptr;
};

struct CampaignResult {
	bool failed = false;
	uint64_t tests = 0;          /* test cases run (passing ones, plus the failing one) */
	uint64_t ops = 0;            /* statements run before the failure (or in all) */
	double seconds = 0;          /* until the failure was found (or in all) */
	double total_seconds = 0;    /* including shrinking and minimizing */
	GenStats stats;              /* over the passing test cases */
	Counterexample counterexample; /* if failed */
	uint64_t uncounted = 0;      /* failures @counts said do not count */
	std::vector<std::pair<Trace, Verdict>> uncounted_examples; /* the first few, unshrunk */
	std::string error;           /* RapidCheck gave up or errored; "" otherwise */
	bool interrupted = false;    /* CampaignOptions::stop ended it */
	/*
	 * `foliocheck check` command line that reruns what ran: on a failure,
	 * the failing batch; else the whole campaign, as many whole batches as
	 * it started (an interrupted batch is rerun in full).
	 */
	std::string rerun;
};

/* The seed of batch @k of a campaign seeded @seed (batch 0: @seed itself). */
uint64_t batch_seed(uint64_t seed, uint64_t k);

/* run_campaign - run the property under @opts; see the top of this file. */
CampaignResult run_campaign(const CampaignOptions &opts);

} // namespace fc::props
