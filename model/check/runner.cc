// SPDX-License-Identifier: GPL-2.0
/*
 * runner.cc - one operation sequence on both models, checked the way every
 * engine checks it.
 *
 * A step: the reference model judges legality (nothing is applied to either
 * model when it says no); the kernel model runs the statement with the Runner
 * as its observer, so every visible point inside it is checked against the
 * invariants; the reference model runs it; the settled end state is checked
 * once more and the two models are compared.
 */
#include "model/check/runner.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace fc {

Runner::Runner(const Config &cfg, RunnerOptions opts)
	: cfg_(cfg), opts_(opts), ref_(cfg), kernel_(cfg), inc_(cfg)
{
	if (const char *full = std::getenv("FOLIOCHECK_FULL_CHECKS"); full && std::strcmp(full, "0"))
		opts_.incremental_points = false;
	kernel_.set_observer(this);
}

/*
 * A copy behaves as the original would from here: it takes the original's
 * seen_ and incremental tallies (a consistent pair) and its check state
 * along with both models. The copied kernel model's page tables log every
 * entry as changed, so the copy's first visible point compares seen_ with
 * all of them; that finds no difference where there is none, and allocates
 * nothing. The kernel model does not copy its observer: point the copy's at
 * the copy.
 */
Runner::Runner(const Runner &o)
	: KernelObserver(), cfg_(o.cfg_), opts_(o.opts_), ref_(o.ref_), kernel_(o.kernel_),
	  step_(o.step_), violations_(o.violations_), divergence_(o.divergence_),
	  expect_failures_(o.expect_failures_), counts_(o.counts_),
	  reported_this_step_(o.reported_this_step_), seen_(o.seen_), inc_(o.inc_),
	  full_any_(o.full_any_), full_settled_(o.full_settled_), ended_clean_(o.ended_clean_),
	  failed_in_step_(o.failed_in_step_), checked_(o.checked_)
{
	/* the copied reference model has no view: its first comparison looks at every folio */
	kernel_.set_observer(this);
}

/*
 * Assignment is a copy that reuses this Runner's storage: the explorer
 * assigns each parent to one scratch Runner per successor, and every
 * vector, page table and Snapshot buffer here is already the right size.
 * ref_full_ keeps its buffers for the next refill.
 */
Runner &Runner::operator=(const Runner &o)
{
	if (this == &o)
		return *this;
	cfg_ = o.cfg_;
	opts_ = o.opts_;
	ref_ = o.ref_;
	kernel_ = o.kernel_;
	step_ = o.step_;
	violations_ = o.violations_;
	divergence_ = o.divergence_;
	expect_failures_ = o.expect_failures_;
	counts_ = o.counts_;
	reported_this_step_ = o.reported_this_step_;
	seen_ = o.seen_;
	inc_ = o.inc_;
	full_any_ = o.full_any_;
	full_settled_ = o.full_settled_;
	ended_clean_ = o.ended_clean_;
	failed_in_step_ = o.failed_in_step_;
	checked_ = o.checked_;
	ref_full_valid_ = false;
	compared_ = false;
	kernel_.set_observer(this);
	return *this;
}

Runner::~Runner() = default;

bool Runner::failed() const
{
	return !violations_.empty() || divergence_.has_value() || !expect_failures_.empty();
}

const Snapshot &Runner::reference_snapshot() const
{
	if (opts_.incremental_points &&
	    (ref_.has_view() || seen_.folios.size() >= opts_.keep_view_from_folios))
		return ref_.view();
	if (!ref_full_valid_) {
		ref_.snapshot_into(ref_full_);
		ref_full_valid_ = true;
	}
	return ref_full_;
}

std::optional<Value> Runner::observe(const Observable &obs, std::string *error) const
{
	return fc::observe(kernel_.snapshot(), kernel_.costs(), counts_, obs, error);
}

/*
 * record - file the failures seen at @point, each invariant at most once per
 * step: the first visible point where it broke is the one worth reading.
 */
void Runner::record(const std::vector<InvariantFailure> &fails, const char *point)
{
	for (const InvariantFailure &f : fails) {
		unsigned i = static_cast<unsigned>(f.invariant);
		if (reported_this_step_[i])
			continue;
		reported_this_step_[i] = true;
		counts_.by_invariant[i]++;
		violations_.push_back({f.invariant, step_, point, f.detail});
	}
}

/* refresh_seen - bring seen_ and the incremental tallies up to date; true if seen_ changed. */
bool Runner::refresh_seen()
{
	const bool changed = kernel_.snapshot_update(seen_, delta_);
	inc_.absorb(seen_, delta_);
	if (ref_.has_view()) /* else the next comparison looks at every folio */
		kernel_changed_.insert(kernel_changed_.end(), delta_.folios.begin(),
				       delta_.folios.end());
	return changed;
}

bool Runner::incremental_state_exact(std::string *why)
{
	refresh_seen();
	if (!(seen_ == kernel_.snapshot())) {
		*why = "the kept Snapshot differs from snapshot()";
		return false;
	}
	return inc_.tallies_match(seen_, why);
}

/*
 * check_point - the invariants of a (@settled) point on seen_: in full where
 * the step has not had a full check of this kind yet, else only where the
 * incremental filter sees a touched folio or process fail (and then in full,
 * for the exact report).
 */
void Runner::check_point(bool settled, const char *point)
{
	if (!opts_.incremental_points || !(settled ? full_settled_ : full_any_)) {
		failed_in_step_ |= !check_in_full(settled, point);
		full_any_ = true;
		full_settled_ |= settled;
		return;
	}
	if (inc_.touched_fail(seen_, settled)) {
		failed_in_step_ = true;
		check_in_full(settled, point);
	}
}

/* check_in_full - check_invariants() on all of seen_, recorded; true if nothing failed. */
bool Runner::check_in_full(bool settled, const char *point)
{
	const std::vector<InvariantFailure> fails = check_invariants(seen_, cfg_, settled);
	record(fails, point);
	inc_.mark_checked(settled);
	return fails.empty();
}

/*
 * check_step_end - every invariant on the settled end state. In full unless
 * the step began with every invariant holding everywhere and no point of it
 * saw one fail: then only a touched folio or process can fail now, and
 * ended_clean_ stays exact for the next step.
 */
void Runner::check_step_end()
{
	if (opts_.incremental_points && ended_clean_ && !failed_in_step_ &&
	    !inc_.touched_fail(seen_, true)) {
		inc_.mark_checked(true);
		return;
	}
	ended_clean_ = check_in_full(true, "end of operation");
}

/*
 * on_visible_point - another CPU looks at the kernel model. The kernel
 * model's own "end of operation" point is skipped: step() checks that state
 * itself once both models have run, and one Snapshot serves that check and
 * the differential comparison.
 */
void Runner::on_visible_point(const KernelModel &, const VisiblePoint &vp)
{
	if (!opts_.check_visible_points || std::strcmp(vp.where, "end of operation") == 0)
		return;
	const bool changed = refresh_seen();
	/*
	 * The same state, already checked in this step with at least these
	 * invariants (the unsettled ones are a subset of the settled ones):
	 * every failure it could show is reported already.
	 */
	if (!changed && checked_ && checked_->step == step_ && (checked_->settled || !vp.settled))
		return;
	check_point(vp.settled, vp.where);
	checked_ = Checked{step_, vp.settled};
}

/* on_page_replaced - a COW or unshare fault replaced a page: pin_stays_mapped. */
void Runner::on_page_replaced(const KernelModel &, const PageReplaced &r)
{
	if (refresh_seen())
		checked_.reset(); /* seen_ no longer holds the state last checked */
	record(check_page_replaced(seen_, r), "page replaced");
}

/*
 * compare_models - the differential comparison after a step: the reference
 * model's Snapshot against seen_. When the last step was compared too, only
 * the folios that may differ are looked at: those the reference model's
 * view changed, those seen_ changed, and those that differed last time
 * (diff_snapshots_of()); otherwise, or with incremental_points off, every
 * folio.
 */
std::vector<Difference> Runner::compare_models()
{
	const Snapshot &ref = reference_snapshot();
	const std::vector<FolioId> *ref_changed =
		opts_.incremental_points ? ref_.view_changes() : nullptr;
	std::vector<Difference> diffs;
	if (ref_changed && compared_) {
		candidates_.assign(ref_changed->begin(), ref_changed->end());
		candidates_.insert(candidates_.end(), kernel_changed_.begin(), kernel_changed_.end());
		candidates_.insert(candidates_.end(), differing_.begin(), differing_.end());
		std::sort(candidates_.begin(), candidates_.end());
		candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
		diffs = diff_snapshots_of(ref, seen_, &candidates_, &differing_);
	} else {
		diffs = diff_snapshots_of(ref, seen_, nullptr, &differing_);
	}
	kernel_changed_.clear();
	compared_ = true;
	return diffs;
}

/*
 * run_expect - judge an `expect` against the kernel model. An observable that
 * names nothing (unknown folio, exited process, a freed folio asked a count)
 * is bad input: a Rejection, like any illegal statement.
 */
StepResult Runner::run_expect(const Op &op)
{
	StepResult res;
	std::string error;
	std::optional<Value> got = observe(op.obs, &error);
	if (!got) {
		res.status = StepStatus::rejected;
		res.rejection = Rejection{"expect " + format_observable(op.obs) + ": " + error, 0};
		return res;
	}
	if (!compare_values(*got, op.cmp, op.value)) {
		expect_failures_.push_back({step_, format_op(op) + ": got " + format_value(*got)});
		res.status = StepStatus::failed;
		res.note = "expect failed: got " + format_value(*got);
	} else {
		res.note = "holds: " + format_value(*got);
	}
	step_++;
	return res;
}

StepResult Runner::step(const Op &op)
{
	if (op.kind == OpKind::expect)
		return run_expect(op);

	StepResult res;
	if (std::optional<Rejection> why = ref_.check(op)) {
		res.status = StepStatus::rejected;
		res.rejection = std::move(why);
		return res;
	}

	/*
	 * Past a divergence the reference model may accept a statement naming
	 * what only it has (a folio a mutant never allocated): run it on
	 * neither model, so both stay as they were, and say why. With the
	 * differential comparison off the divergence went unseen, but the
	 * kernel model still cannot run it.
	 */
	if (std::string missing = kernel_.missing_name(op); !missing.empty()) {
		res.status = StepStatus::failed;
		res.note = "not run on either model: " + missing +
			   (divergence_ ? " (the models diverged after step " +
						  std::to_string(divergence_->step + 1) + ")"
					: std::string(" (the models have diverged; the differential "
						      "comparison is off)"));
		step_++;
		return res;
	}

	reported_this_step_.fill(false);
	/*
	 * Each step reports again what still fails (counts are per step): the
	 * first points need a full check unless nothing failed at the end of
	 * the last step, when only what this step touches can fail.
	 */
	full_any_ = full_settled_ = ended_clean_;
	failed_in_step_ = false;
	const size_t before = violations_.size();
	res.note = kernel_.apply(op);
	ref_.apply(op);
	ref_full_valid_ = false;

	refresh_seen();
	check_step_end();
	checked_ = Checked{step_, true};

	bool diverged = false;
	if (opts_.differential) {
		std::vector<Difference> diffs = compare_models();
		if (!diffs.empty()) {
			diverged = true;
			if (!divergence_)
				divergence_ = DivergenceReport{step_, std::move(diffs)};
		}
	} else {
		compared_ = false;
		kernel_changed_.clear();
	}
	if (violations_.size() != before || diverged)
		res.status = StepStatus::failed;
	step_++;
	return res;
}

/*
 * run_trace - @trace's config lines over @base, every statement in order,
 * stopping after the first one the reference model rejects.
 */
TraceRun run_trace(const Trace &trace, const Config &base, RunnerOptions opts)
{
	TraceRun run{{}, std::nullopt, Runner(trace.config.apply(base), opts)};
	for (size_t i = 0; i < trace.ops.size(); i++) {
		run.steps.push_back(run.runner.step(trace.ops[i]));
		if (run.steps.back().status == StepStatus::rejected) {
			run.rejected_at = i;
			break;
		}
	}
	return run;
}

} // namespace fc
