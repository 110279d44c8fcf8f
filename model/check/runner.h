// SPDX-License-Identifier: GPL-2.0
/*
 * runner.h - run one operation sequence on both models, the way every engine
 * does: legality from the reference model, invariants on the kernel model at
 * every visible point, the differential comparison after every operation,
 * and `expect` statements.
 *
 * A Runner is a value: engines copy it to branch (the explorer) or keep one
 * per test case (RapidCheck, libFuzzer).
 */
#pragma once

#include "model/check/differential.h"
#include "model/check/incremental_invariants.h"
#include "model/check/invariants.h"
#include "model/check/observe.h"
#include "model/kernel/kernel_model.h"
#include "model/reference/reference_model.h"

#include <optional>
#include <string>
#include <vector>

namespace fc {

/* A broken invariant: where, and what the kernel model showed there. */
struct ViolationReport {
	Invariant invariant;
	size_t step;          /* 0-based index into the operation sequence */
	std::string point;    /* visible point inside the step */
	std::string detail;
};

/* Models disagreeing after a step. */
struct DivergenceReport {
	size_t step;
	std::vector<Difference> differences;
};

struct ExpectFailure {
	size_t step;
	std::string detail;   /* "expect refcount f1 == 16: got 15" */
};

enum class StepStatus : uint8_t {
	ok,        /* applied, nothing broke */
	rejected,  /* not legal here: nothing applied */
	failed,    /* applied, but an invariant broke, the models diverged or an expect failed */
};

struct StepResult {
	StepStatus status = StepStatus::ok;
	std::string note;                  /* outcome note from the kernel model */
	std::optional<Rejection> rejection;
};

struct RunnerOptions {
	/* Take a Snapshot and check invariants at every visible point (else only at ends). */
	bool check_visible_points = true;
	/* Compare the two models after every step. */
	bool differential = true;
	/*
	 * Inside a step, re-evaluate only the folios and processes changed
	 * since the last check (IncrementalInvariants), running the full
	 * check_invariants() at the step's first point, its first settled
	 * point, its end, and wherever the filter sees a failure; after it,
	 * compare only the folios either model changed (the reference
	 * model's view(), compare_models()). Reports are identical either
	 * way (tests/incremental_test.cc); off, every point walks the whole
	 * state and every step builds the reference Snapshot whole and
	 * compares every folio. FOLIOCHECK_FULL_CHECKS=1 in the environment
	 * turns it off in every Runner of every engine, for anyone who wants
	 * to rule the optimisation out.
	 */
	bool incremental_points = true;
	/*
	 * With incremental_points: keep the reference model's Snapshot from
	 * step to step (ReferenceModel::view()) once the world holds this many
	 * folios. Below that, building it whole after each step costs less
	 * than keeping it (the fuzz target's short inputs: a view per input);
	 * above, a step costs what it touches instead of what the world
	 * holds (bench/runner_bench). 0: from the first step (the tests).
	 */
	size_t keep_view_from_folios = 64;
};

class Runner : private KernelObserver {
public:
	Runner(const Config &cfg, RunnerOptions opts = {});
	Runner(const Runner &o);
	Runner &operator=(const Runner &o);
	~Runner() override;

	/* Check legality, apply to both models, check. */
	StepResult step(const Op &op);

	const Config &config() const { return cfg_; }
	const RunnerOptions &options() const { return opts_; }
	const ReferenceModel &reference() const { return ref_; }
	/*
	 * reference_snapshot - reference().snapshot(), without building it
	 * again: the reference model's view() (kept from step to step), or
	 * with incremental_points off one built whole after each step.
	 */
	const Snapshot &reference_snapshot() const;
	const KernelModel &kernel() const { return kernel_; }
	size_t steps() const { return step_; }

	bool failed() const;
	const std::vector<ViolationReport> &violations() const { return violations_; }
	const std::optional<DivergenceReport> &divergence() const { return divergence_; }
	const std::vector<ExpectFailure> &expect_failures() const { return expect_failures_; }
	const ViolationCounts &violation_counts() const { return counts_; }

	/*
	 * incremental_state_exact - what the visible-point checks rest on, for
	 * tests: the Snapshot the Runner keeps, brought up to date now, equals
	 * a fresh kernel snapshot() and the incremental tallies equal those
	 * built from it. False, with the reason in @why, if not.
	 */
	bool incremental_state_exact(std::string *why);

	/* Evaluate an observable against the kernel model's current state. */
	std::optional<Value> observe(const Observable &obs, std::string *error) const;

private:
	void on_visible_point(const KernelModel &km, const VisiblePoint &vp) override;
	void on_page_replaced(const KernelModel &km, const PageReplaced &r) override;
	void record(const std::vector<InvariantFailure> &fails, const char *point);
	bool refresh_seen();
	void check_point(bool settled, const char *point);
	void check_step_end();
	bool check_in_full(bool settled, const char *point);
	std::vector<Difference> compare_models();
	StepResult run_expect(const Op &op);

	Config cfg_;
	RunnerOptions opts_;
	ReferenceModel ref_;
	KernelModel kernel_;
	size_t step_ = 0;
	std::vector<ViolationReport> violations_;
	std::optional<DivergenceReport> divergence_;
	std::vector<ExpectFailure> expect_failures_;
	ViolationCounts counts_;
	/* invariants already reported in the current step (one report each) */
	std::array<bool, kNrInvariants> reported_this_step_{};
	/*
	 * The kernel model's Snapshot as last taken, brought up to date in
	 * place at every visible point (KernelModel::snapshot_update(), which
	 * says in @delta_ what changed, and @inc_ absorbs); a copy of the
	 * Runner takes both (with the flags below) and re-compares seen_ with
	 * every page table at its first point. @checked_ says it was last checked in step @step,
	 * settled or not: an unchanged Snapshot there needs no second
	 * evaluation, whose failures record() would drop as already reported.
	 * @full_any_ / @full_settled_: check_invariants() ran on the whole
	 * Snapshot at a point / a settled point of the current step, or the
	 * previous step ended with every invariant holding everywhere
	 * (@ended_clean_), which serves as both for the next step and lets
	 * the step's end be checked incrementally too (check_step_end()).
	 */
	Snapshot seen_;
	SnapshotDelta delta_;
	IncrementalInvariants inc_;
	bool full_any_ = false, full_settled_ = false, ended_clean_ = false;
	bool failed_in_step_ = false;  /* a point of this step saw an invariant fail */
	struct Checked {
		size_t step;
		bool settled;
	};
	std::optional<Checked> checked_;
	/*
	 * With incremental_points off: the reference model's Snapshot since
	 * its last apply, if built (refilled in place by snapshot_into()), as
	 * every step was compared before the reference model kept a view.
	 * Not copied with the Runner (rebuilt on demand).
	 */
	mutable Snapshot ref_full_;
	mutable bool ref_full_valid_ = false;
	/*
	 * What the comparison after a step needs to look only at folios that
	 * may differ (compare_models()): @compared_ says the last step applied
	 * was compared (and nothing was applied since), @differing_ lists the
	 * folios that differed then, @kernel_changed_ the folios whose kernel
	 * view changed since (SnapshotDelta::folios of every refresh_seen()).
	 * With the reference model's view_changes() that covers every folio
	 * either model changed since the last comparison; the others look as
	 * they did then, the same in both.
	 */
	bool compared_ = false;
	std::vector<FolioId> differing_;
	std::vector<FolioId> kernel_changed_;
	std::vector<FolioId> candidates_;  /* scratch */
};

/*
 * struct TraceRun - what running a whole trace gives: one StepResult per
 * statement run (stops after a rejection), and the Runner at the end.
 */
struct TraceRun {
	std::vector<StepResult> steps;
	std::optional<size_t> rejected_at;
	Runner runner;
};

/* Apply @trace's config lines to @base and run every statement. */
TraceRun run_trace(const Trace &trace, const Config &base, RunnerOptions opts = {});

} // namespace fc
