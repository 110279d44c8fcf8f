// SPDX-License-Identifier: GPL-2.0
/*
 * commands.h - the RapidCheck stateful property (rapidcheck/state) over the
 * op alphabet.
 *
 * The model state is the reference model (its check() is the precondition
 * of every command, its snapshot what the generators read); the system under
 * test is a Runner, which runs each statement on both models, checks every
 * invariant at every visible point and compares the models after the step.
 * A command fails when the Runner reports a failed step, or when the
 * statement does not survive print → parse. RapidCheck shrinks a failing
 * sequence by dropping commands and regenerating the ones that no longer
 * apply from their own random seed.
 */
#pragma once

#include "model/check/runner.h"
#include "props/generators.h"
#include "props/hints.h"
#include "props/stats.h"
#include "props/verdict.h"

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <functional>
#include <memory>
#include <optional>

namespace fc::props {

/*
 * struct PropertyHooks - how whoever runs the property watches it. The
 * property reads the fields on every step, so the owner may change them
 * between test cases (a campaign stops collecting statistics once it
 * shrinks).
 */
struct PropertyHooks {
	/* Classify every step into these, if set. */
	GenStats *stats = nullptr;
	/* Classify steps to tag each test case with RC_CLASSIFY (without @stats too). */
	bool tag_cases = true;
	/* Count every statement run here, if set (shrinking included). */
	uint64_t *ops = nullptr;
	/*
	 * Does a failure count? If set and it says no (a mutant hunt's failure
	 * that the unmutated model shares), the test case ends as a success
	 * instead, so RapidCheck neither stops nor shrinks towards it.
	 */
	std::function<bool(const Trace &, const Verdict &)> counts;
	/* Called with the statements up to and including a failing one that counts. */
	std::function<void(const Trace &, const Verdict &)> on_failure;
	/* Called after every step, if set (progress reports inside long test cases). */
	std::function<void()> after_step;
	/*
	 * If set and true before a step (a stop was asked for, or the time
	 * budget is spent), the test case ends at once as a pass.
	 */
	std::function<bool()> stop;
};

/* The model state: immutable pieces shared between copies. */
struct PropModel {
	Config cfg;
	std::shared_ptr<const OpAlphabet> alphabet;
	std::shared_ptr<const ReferenceModel> ref;
	std::shared_ptr<const GenHints> hints;
};

/* The system under test: a Runner and the trace of what it ran. */
struct PropSut {
	PropSut(const Config &cfg, const PropertyHooks &hooks);

	Runner runner;
	Trace trace;
	const PropertyHooks &hooks;
	StepClassifier classifier;
	bool classifying() const { return hooks.stats || hooks.tag_cases; }

	Snapshot before;          /* reference snapshot before the next step, if classifying */
	GenStats case_stats;      /* this test case's statistics */
};

using PropCommand = rc::state::Command<PropModel, PropSut>;

/* One statement as a command. */
class OpCommand : public PropCommand {
public:
	explicit OpCommand(Op op) : op_(std::move(op)) {}

	/* Legal iff the reference model accepts the statement now. */
	void checkPreconditions(const PropModel &m) const override;
	void apply(PropModel &m) const override;
	/* Step the Runner; fail on a failed step or a statement that does not round-trip. */
	void run(const PropModel &m, PropSut &sut) const override;
	void show(std::ostream &os) const override;

	const Op &op() const { return op_; }

private:
	Op op_;
};

/*
 * gen_command - a command for the state @m: generate_op() over a StateView
 * of @m's reference model, from one 64-bit seed RapidCheck draws. Commands
 * do not shrink individually; RapidCheck shrinks the sequence.
 */
rc::Gen<std::shared_ptr<const PropCommand>> gen_command(const PropModel &m);

/* The initial model state for @cfg. */
PropModel initial_model(const Config &cfg, const OpAlphabet &alphabet);

/*
 * check_model_property - the property, to be called inside a RapidCheck
 * property (rc::check, RC_GTEST_PROP, a campaign): generates a command
 * sequence, runs it, and checks that the whole trace round-trips. Tags the
 * test case with the key events it showed (RC_CLASSIFY).
 */
void check_model_property(const Config &cfg, const OpAlphabet &alphabet,
			  const PropertyHooks &hooks = {});

} // namespace fc::props
