// SPDX-License-Identifier: GPL-2.0
/*
 * commands.cc - the stateful property: commands, their generator, and the
 * property body.
 */
#include "props/commands.h"

#include "props/counterexample.h"

#include <ostream>

namespace fc::props {

namespace {

/*
 * Report @v to the owner, then fail the test case with its text; or end it
 * as a success if the owner says this failure does not count.
 */
[[noreturn]] void fail_case(PropSut &sut, const Verdict &v)
{
	if (sut.hooks.counts && !sut.hooks.counts(sut.trace, v))
		RC_SUCCEED("failure not counted: " + v.text);
	if (sut.hooks.on_failure)
		sut.hooks.on_failure(sut.trace, v);
	RC_FAIL(v.text);
	__builtin_unreachable();
}

/* Does @op print and parse back as itself? */
bool statement_round_trips(const Op &op, std::string *why)
{
	Trace t;
	t.ops.push_back(op);
	return trace_round_trips(t, why);
}

} // namespace

PropSut::PropSut(const Config &cfg, const PropertyHooks &h)
	: runner(cfg), hooks(h), classifier(cfg.scope.pmd_pages())
{
	trace.config = trace_config(cfg);
	if (classifying())
		before = runner.reference().snapshot();
}

void OpCommand::checkPreconditions(const PropModel &m) const
{
	RC_PRE(!m.ref->check(op_));
}

void OpCommand::apply(PropModel &m) const
{
	std::optional<Snapshot> before;
	if (GenHints::needs_snapshot(op_))
		before = m.ref->snapshot();
	auto next = std::make_shared<ReferenceModel>(*m.ref);
	next->apply(op_);
	m.ref = std::move(next);
	auto hints = std::make_shared<GenHints>(*m.hints);
	hints->note(op_, before ? &*before : nullptr);
	m.hints = std::move(hints);
}

void OpCommand::run(const PropModel &, PropSut &sut) const
{
	if (sut.hooks.stop && sut.hooks.stop())
		RC_SUCCEED("stopped: interrupted or out of time");
	sut.trace.ops.push_back(op_);
	if (sut.hooks.ops)
		(*sut.hooks.ops)++;
	StepResult r = sut.runner.step(op_);
	const size_t step = sut.trace.ops.size() - 1;
	if (sut.hooks.after_step)
		sut.hooks.after_step();

	if (sut.classifying()) {
		Snapshot after = sut.runner.reference().snapshot();
		sut.case_stats.count_step(op_, sut.classifier.classify(op_, sut.before, after),
					  sut.before, after);
		sut.before = std::move(after);
	}

	if (r.status == StepStatus::rejected) {
		/* The model said legal, the Runner's reference says not: they drifted. */
		Verdict v;
		v.kind = Verdict::Kind::rejected;
		v.step = step;
		v.text = "step " + std::to_string(step + 1) + " '" + format_op(op_) +
			 "' rejected by the Runner: " +
			 (r.rejection ? r.rejection->message : std::string("?"));
		fail_case(sut, v);
	}
	if (r.status == StepStatus::failed)
		fail_case(sut, verdict_of(sut.runner));

	std::string why;
	if (!statement_round_trips(op_, &why)) {
		Verdict v;
		v.kind = Verdict::Kind::round_trip;
		v.step = step;
		v.text = "step " + std::to_string(step + 1) + ": " + why;
		fail_case(sut, v);
	}
}

void OpCommand::show(std::ostream &os) const
{
	os << format_op(op_);
}

rc::Gen<std::shared_ptr<const PropCommand>> gen_command(const PropModel &m)
{
	const Config cfg = m.cfg;
	const auto ref = m.ref;
	const auto alphabet = m.alphabet;
	const auto hints = m.hints;
	/* resize: the seed is drawn from the full 64-bit range at every size */
	return rc::gen::noShrink(rc::gen::map(
		rc::gen::resize(100, rc::gen::arbitrary<uint64_t>()),
		[=](uint64_t seed) -> std::shared_ptr<const PropCommand> {
			StateView view(cfg, ref->snapshot(), hints.get());
			Rng rng(seed);
			return std::make_shared<const OpCommand>(
				generate_op(view, *ref, *alphabet, rng));
		}));
}

PropModel initial_model(const Config &cfg, const OpAlphabet &alphabet)
{
	return PropModel{cfg, std::make_shared<const OpAlphabet>(alphabet),
			 std::make_shared<const ReferenceModel>(cfg),
			 std::make_shared<const GenHints>()};
}

void check_model_property(const Config &cfg, const OpAlphabet &alphabet,
			  const PropertyHooks &hooks)
{
	PropSut sut(cfg, hooks);
	rc::state::check(initial_model(cfg, alphabet), sut, gen_command);

	std::string why;
	if (!trace_round_trips(sut.trace, &why)) {
		Verdict v;
		v.kind = Verdict::Kind::round_trip;
		v.step = sut.trace.ops.size();
		v.text = "whole trace: " + why;
		fail_case(sut, v);
	}

	if (hooks.stats) {
		sut.case_stats.tests = 1;
		hooks.stats->merge(sut.case_stats);
	}
	if (hooks.tag_cases) {
		RC_CLASSIFY(sut.case_stats.count(Event::pmd_split) > 0, "pmd_split");
		RC_CLASSIFY(sut.case_stats.count(Event::partial_unmap) > 0, "partial_unmap");
		RC_CLASSIFY(sut.case_stats.count(Event::pinned_fork) > 0, "pinned_fork");
		RC_CLASSIFY(sut.case_stats.count(Event::large_cow_reuse) > 0, "large_cow_reuse");
	}
}

} // namespace fc::props
