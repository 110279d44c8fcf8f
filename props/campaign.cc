// SPDX-License-Identifier: GPL-2.0
/*
 * campaign.cc - batches of RapidCheck runs of the stateful property, with a
 * listener for progress and hooks that keep the failing trace.
 */
#include "props/campaign.h"

#include "props/commands.h"
#include "props/minimize.h"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace fc::props {

namespace {

using Clock = std::chrono::steady_clock;

/* Failures that do not count kept as examples: enough to report, few to copy. */
constexpr size_t kMaxUncountedExamples = 4;

double seconds_between(Clock::time_point a, Clock::time_point b)
{
	return std::chrono::duration<double>(b - a).count();
}

Clock::time_point after_seconds(Clock::time_point t, double s)
{
	return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

/*
 * struct CampaignState - what the property, the hooks and the listener share
 * while a campaign runs.
 */
struct CampaignState {
	explicit CampaignState(const CampaignOptions &o) : opts(o), start(Clock::now()) {}

	const CampaignOptions &opts;
	Clock::time_point start;
	PropertyHooks hooks;
	GenStats stats;
	uint64_t ops = 0;
	uint64_t tests_run = 0;

	/* after the first failure: RapidCheck is shrinking */
	bool shrinking = false;
	Clock::time_point shrink_deadline;
	size_t generated_ops = 0;
	uint64_t ops_at_failure = 0;
	double seconds_at_failure = 0;
	Trace last_failure;       /* the last failing case seen: the shrunk one, at the end */
	Verdict last_verdict;
	uint64_t uncounted = 0;
	std::vector<std::pair<Trace, Verdict>> uncounted_examples;

	CampaignProgress progress;
	Clock::time_point last_report = Clock::now();

	bool stop_requested() const { return opts.stop && *opts.stop; }

	bool time_spent() const
	{
		return opts.seconds > 0 && seconds_between(start, Clock::now()) >= opts.seconds;
	}

	bool budget_spent() const
	{
		if (stop_requested())
			return true;
		if (opts.tests && tests_run >= opts.tests)
			return true;
		return time_spent();
	}

	/*
	 * Should the test case in progress end now? On a stop request; and
	 * when the time is up, unless shrinking (which has its own budget): a
	 * test case at pmd_order 9 may run for minutes.
	 */
	bool stop_case() const { return stop_requested() || (!shrinking && time_spent()); }

	void on_failure(const Trace &t, const Verdict &v)
	{
		if (!shrinking) {
			shrinking = true;
			shrink_deadline = after_seconds(Clock::now(), opts.shrink_seconds);
			generated_ops = t.ops.size();
			ops_at_failure = ops;
			seconds_at_failure = seconds_between(start, Clock::now());
			hooks.stats = nullptr; /* shrinking is not generation */
		}
		last_failure = t;
		last_verdict = v;
	}

	void report(bool force)
	{
		if (!opts.progress)
			return;
		Clock::time_point now = Clock::now();
		if (!force && seconds_between(last_report, now) < opts.progress_interval)
			return;
		last_report = now;
		progress.tests = tests_run;
		progress.ops = ops;
		progress.elapsed = seconds_between(start, now);
		progress.shrinking = shrinking;
		opts.progress(progress);
	}
};

/* Thrown out of RapidCheck's shrink loop when the shrinking budget is spent (or on a stop). */
struct ShrinkBudgetSpent {};

/*
 * Progress from RapidCheck's side: cases finished and shrinks tried. It
 * also ends shrinking at its budget: RapidCheck has no way to stop a shrink
 * loop, and once the property passes every candidate the loop still builds
 * each remaining one, so the listener throws instead (the last failing
 * case is already kept by the hooks).
 */
class ProgressListener : public rc::detail::TestListener {
public:
	explicit ProgressListener(CampaignState &st) : st_(st) {}

	void onTestCaseFinished(const rc::detail::CaseDescription &) override { st_.report(false); }

	void onShrinkTried(const rc::detail::CaseDescription &, bool accepted) override
	{
		st_.progress.shrinks_tried++;
		if (accepted)
			st_.progress.shrinks_accepted++;
		st_.report(false);
		if (st_.shrinking &&
		    (Clock::now() >= st_.shrink_deadline || st_.stop_requested()))
			throw ShrinkBudgetSpent{};
	}

	void onTestFinished(const rc::detail::TestMetadata &, const rc::detail::TestResult &) override
	{
	}

private:
	CampaignState &st_;
};

std::string rerun_command(const CampaignOptions &o, uint64_t seed, uint64_t tests)
{
	std::ostringstream s;
	s << "foliocheck check --seed " << seed << " --tests " << tests << " --variant "
	  << variant_name(o.cfg.variant) << " --arch " << arch_name(o.cfg.arch) << " --mutant "
	  << mutant_name(o.cfg.mutant) << " --pmd-order " << o.cfg.scope.pmd_order
	  << " --max-order " << o.cfg.scope.max_order << " --procs " << o.cfg.scope.max_procs;
	if (o.cfg.scope.space)
		s << " --space " << o.cfg.scope.space;
	if (o.cfg.prefault != Config{}.prefault)
		s << " --prefault " << prefault_name(o.cfg.prefault);
	if (o.max_ops != CampaignOptions{}.max_ops)
		s << " --max-ops " << o.max_ops;
	if (!(o.alphabet == OpAlphabet::standard()))
		s << " --ops " << o.alphabet.to_string();
	return s.str();
}

std::string describe(const rc::detail::TestResult &r)
{
	std::ostringstream s;
	rc::detail::printResultMessage(r, s);
	return s.str();
}

/*
 * load_rapidcheck_configuration - RapidCheck loads its global configuration
 * (RC_PARAMS) on first use and announces it on stderr, seed included. A
 * campaign passes its own TestParams, so that line would name a seed the
 * campaign does not use: load the configuration once with stderr silenced.
 * A malformed RC_PARAMS (RapidCheck would exit on it) is returned as an
 * error instead.
 */
std::string load_rapidcheck_configuration()
{
	if (const char *env = std::getenv("RC_PARAMS")) {
		try {
			rc::detail::configFromString(env);
		} catch (const rc::detail::ConfigurationException &e) {
			return std::string("RC_PARAMS: ") + e.what();
		}
	}
	static bool loaded = false;
	if (loaded)
		return "";
	loaded = true;
	std::fflush(stderr);
	int saved = dup(STDERR_FILENO);
	int null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	rc::detail::configuration();
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (null >= 0)
		close(null);
	if (saved >= 0)
		close(saved);
	return "";
}

} // namespace

uint64_t batch_seed(uint64_t seed, uint64_t k)
{
	if (k == 0)
		return seed;
	/* splitmix64 of seed + k: batches far apart in RapidCheck's seed space */
	uint64_t z = seed + k * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

CampaignResult run_campaign(const CampaignOptions &opts)
{
	CampaignState st(opts);
	st.hooks.stats = opts.collect_stats ? &st.stats : nullptr;
	st.hooks.tag_cases = false;
	st.hooks.ops = &st.ops;
	st.hooks.stop = [&st]() { return st.stop_case(); };
	st.hooks.after_step = [&st]() { st.report(false); };
	st.hooks.on_failure = [&st](const Trace &t, const Verdict &v) { st.on_failure(t, v); };
	if (opts.counts)
		st.hooks.counts = [&st](const Trace &t, const Verdict &v) {
			if (st.opts.counts(t, v))
				return true;
			if (!st.shrinking) {
				st.uncounted++;
				if (st.uncounted_examples.size() < kMaxUncountedExamples)
					st.uncounted_examples.push_back({t, v});
			}
			return false;
		};

	auto property = [&st]() {
		if (st.shrinking) {
			if (Clock::now() >= st.shrink_deadline || st.stop_requested())
				return; /* out of shrinking time: this shrink "passes" */
		} else {
			if (st.budget_spent())
				return; /* past the budget: the rest of the batch is empty */
			st.tests_run++;
		}
		try {
			check_model_property(st.opts.cfg, st.opts.alphabet, st.hooks);
		} catch (...) {
			/* a case cut short by a stop or the time budget did not run */
			if (!st.shrinking && st.stop_case())
				st.tests_run--;
			throw;
		}
	};

	CampaignResult res;
	res.error = load_rapidcheck_configuration();
	if (!res.error.empty())
		return res;
	ProgressListener listener(st);
	std::optional<rc::detail::FailureResult> failure;
	bool shrink_stopped = false;
	uint64_t failing_seed = 0, failing_batch_tests = 0;
	uint64_t batch_tests_started = 0; /* test cases of the batches started */

	for (uint64_t k = 0; !st.budget_spent(); k++) {
		if (!opts.tests && opts.seconds <= 0 && k > 0)
			break; /* neither limit: one batch */
		uint64_t n = kBatchTests;
		if (opts.tests)
			n = std::min(n, opts.tests - st.tests_run);
		batch_tests_started += n;
		rc::detail::TestParams params;
		params.seed = batch_seed(opts.seed, k);
		params.maxSuccess = static_cast<int>(n);
		params.maxSize = opts.max_ops;
		params.maxDiscardRatio = 10;
		rc::detail::TestMetadata md;
		md.id = "foliocheck-check";
		md.description = "differential check and invariants";
		std::optional<rc::detail::TestResult> r;
		try {
			r = rc::detail::checkProperty(rc::detail::toProperty(property), md, params,
						      listener);
		} catch (const ShrinkBudgetSpent &) {
			shrink_stopped = true;
			failing_seed = params.seed;
			failing_batch_tests = n;
			break;
		}
		if (r->is<rc::detail::FailureResult>()) {
			failure = r->get<rc::detail::FailureResult>();
			failing_seed = params.seed;
			failing_batch_tests = n;
			break;
		}
		if (!r->is<rc::detail::SuccessResult>()) {
			res.error = describe(*r);
			break;
		}
	}
	st.report(true);

	res.stats = st.stats;
	res.uncounted = st.uncounted;
	res.uncounted_examples = st.uncounted_examples;
	res.interrupted = st.stop_requested();
	if ((!failure && !shrink_stopped) || !st.shrinking) {
		if (failure)
			res.error = "RapidCheck reported a failure the property did not: " +
				    failure->description;
		/* every batch so far in full: what ran, and the rest of an interrupted one */
		res.rerun = rerun_command(opts, opts.seed, batch_tests_started);
		res.tests = st.tests_run;
		res.ops = st.ops;
		res.seconds = res.total_seconds = seconds_between(st.start, Clock::now());
		return res;
	}

	res.failed = true;
	res.tests = st.tests_run;
	res.ops = st.ops_at_failure;
	res.seconds = st.seconds_at_failure;

	Counterexample &c = res.counterexample;
	c.trace = st.last_failure;
	c.verdict = st.last_verdict;
	c.seed = failing_seed;
	c.size = failure ? failure->reproduce.size : -1; /* -1: shrinking was stopped */
	c.batch_tests = failing_batch_tests;
	c.generated_ops = st.generated_ops;
	c.shrunk_ops = st.last_failure.ops.size();
	c.rerun = rerun_command(opts, failing_seed, failing_batch_tests);
	res.rerun = c.rerun;
	if (c.verdict.kind != Verdict::Kind::round_trip && opts.minimize_seconds > 0 &&
	    !st.stop_requested()) {
		MinimizeResult m = minimize_trace(c.trace, opts.cfg, opts.minimize_seconds,
						  opts.stop);
		if (m.verdict.failed()) {
			c.trace = std::move(m.trace);
			c.verdict = m.verdict;
		}
	}
	res.total_seconds = seconds_between(st.start, Clock::now());
	return res;
}

} // namespace fc::props
