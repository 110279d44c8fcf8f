// SPDX-License-Identifier: GPL-2.0
/*
 * counterexample.cc - traces from solver models, confirmed by replay.
 */
#include "solver/counterexample.h"

#include "model/check/runner.h"

#include <cstring>

namespace fc::solver {

Trace make_trace(const Config &cfg, const SolverScope &sc, const std::vector<Op> &ops)
{
	Trace t;
	t.config.variant = cfg.variant;
	t.config.arch = cfg.arch;
	t.config.mutant = cfg.mutant;
	t.config.pmd_order = sc.pmd_order;
	if (cfg.scope.max_order != Scope{}.max_order)
		t.config.max_order = cfg.scope.max_order;
	t.config.space = sc.space;
	t.ops = ops;
	return t;
}

namespace {

/* Evaluates the query where the kernel model's observer is called. */
class Watcher : public KernelObserver {
public:
	Watcher(const Query &q, const Config &cfg) : q_(q), cfg_(cfg) {}

	size_t step = 0;
	bool failed = false;
	size_t failed_step = 0;
	std::string point, goal, detail;

	void on_visible_point(const KernelModel &km, const VisiblePoint &vp) override
	{
		if (failed)
			return;
		bool end = std::strcmp(vp.where, "end of operation") == 0;
		if (!query_holds_concrete(q_, km.snapshot(), cfg_, vp.settled, end, &goal, &detail))
			fail(vp.where);
	}

	void on_page_replaced(const KernelModel &km, const PageReplaced &r) override
	{
		if (!failed && !query_holds_replaced_concrete(q_, km.snapshot(), r, &goal, &detail))
			fail("page replaced");
	}

private:
	void fail(const std::string &where)
	{
		failed = true;
		failed_step = step;
		point = where;
	}

	const Query &q_;
	const Config &cfg_;
};

} // namespace

void confirm_by_replay(Counterexample &cex, const Query &q, const Config &cfg)
{
	(void)cfg;
	const Config world = cex.trace.config.apply(Config{});
	TraceRun run = run_trace(cex.trace, Config{});
	if (run.rejected_at) {
		const StepResult &r = run.steps.back();
		cex.confirmed = false;
		cex.replay = "statement " + std::to_string(*run.rejected_at + 1) + " (" +
			     format_op(cex.trace.ops[*run.rejected_at]) + ") was rejected: " +
			     (r.rejection ? r.rejection->message : std::string("?"));
		return;
	}

	ReferenceModel ref(world);
	KernelModel km(world);
	Watcher w(q, world);
	km.set_observer(&w);
	for (size_t i = 0; i < cex.trace.ops.size() && !w.failed; i++) {
		w.step = i;
		km.apply(cex.trace.ops[i]);
		ref.apply(cex.trace.ops[i]);
	}
	if (!w.failed) {
		cex.confirmed = false;
		cex.replay = "the query held at every visible point of the replay";
		return;
	}
	cex.goal = w.goal;
	cex.confirmed = w.failed_step == cex.step;
	cex.replay = w.goal + " broke at statement " + std::to_string(w.failed_step + 1) + " (" +
		     format_op(cex.trace.ops[w.failed_step]) + "), visible point \"" + w.point +
		     "\": " + w.detail;
	for (const ViolationReport &v : run.runner.violations())
		if (invariant_name(v.invariant) == w.goal) {
			cex.replay += "; fc::run_trace reports " + std::string(invariant_name(v.invariant)) +
				      " at statement " + std::to_string(v.step + 1) + " (\"" + v.point + "\")";
			break;
		}
	if (run.runner.divergence())
		cex.replay += "; the models also diverge at statement " +
			      std::to_string(run.runner.divergence()->step + 1);
}

std::string Counterexample::text(const Query &q) const
{
	std::string s = "# foliocheck query " + q.text + ": violated\n";
	s += "# " + q.describe() + "\n";
	if (step < trace.ops.size())
		s += "# breaks at statement " + std::to_string(step + 1) + " (" +
		     format_op(trace.ops[step]) + "), visible point \"" + point + "\"\n";
	s += "# replay: " + std::string(confirmed ? "confirmed: " : "NOT confirmed: ") + replay + "\n";
	s += format_trace(trace);
	if (confirmed)
		if (std::optional<Invariant> inv = parse_invariant(goal))
			s += "expect violation " + goal + " == 1\n";
	return s;
}

} // namespace fc::solver
