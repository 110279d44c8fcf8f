// SPDX-License-Identifier: GPL-2.0
/*
 * explore_bench.cc - how fast the explorer finds distinct states, and what
 * bounds it.
 *
 * BM_Explore reports distinct states per second (per thread) on the default
 * small scope. The other benchmarks take one transition apart: each distinct
 * state costs (found / distinct) transitions, and each transition is a
 * Runner copy, a step of both models with a Snapshot and the invariants at
 * every visible point, the differential comparison, and one snapshot plus
 * the canonical form for the fingerprint (BM_StateFingerprint; the
 * kernel model's Snapshot alone, since the differential comparison found the
 * two equal); the visited-set insert is noise beside them.
 *
 * BM_ExploreAll runs the whole alphabet (the opt-in issue-6 families too):
 * states below an opt-in statement are keyed by their path, so nearly every
 * transition is a new distinct state and no canonical form is computed.
 */
#include "explore/alphabet.h"
#include "explore/canonical.h"
#include "explore/explorer.h"
#include "explore/fingerprint_set.h"
#include "explore/history.h"
#include "model/check/runner.h"

#include "bench/allocator.h"

#include <benchmark/benchmark.h>

#include <random>

namespace fc::explore {
namespace {

/* A state in the middle of the default scope: a THP, a COW-shared page, a pin. */
Runner mid_state(RunnerOptions ro = {})
{
	Runner r(default_explore_config(), ro);
	Trace t = parse_trace("fault p0 0 anon order=2 pmd\n"
			      "fault p0 4 anon order=1\n"
			      "fault p0 6 anon order=0\n"
			      "fork p0 p1\n"
			      "pin p0 4 pages=2\n"
			      "split_pmd p1 0\n");
	for (const Op &op : t.ops)
		r.step(op);
	return r;
}

/* Explore with @o once per iteration; report the rates. */
void measure_explore(benchmark::State &state, const ExploreOptions &o)
{
	uint64_t distinct = 0, found = 0;
	double cpu = 0;
	for (auto _ : state) {
		ExploreResult r = explore(o);
		distinct += r.distinct;
		found += r.found;
		cpu += r.cpu_seconds;
	}
	/* wall-clock rates, and per CPU second of all threads (the per-core rate) */
	state.counters["distinct/s"] = benchmark::Counter(double(distinct), benchmark::Counter::kIsRate);
	state.counters["distinct/cpu_s"] = double(distinct) / cpu;
	state.counters["transitions/cpu_s"] = double(found) / cpu;
	state.counters["transitions/state"] = double(found) / double(distinct);
}

void BM_Explore(benchmark::State &state)
{
	ExploreOptions o;
	o.depth = static_cast<unsigned>(state.range(0));
	o.threads = static_cast<unsigned>(state.range(1));
	o.runner.check_visible_points = state.range(2) != 0;
	measure_explore(state, o);
}
/* args: depth, threads, check at visible points */
BENCHMARK(BM_Explore)->Args({4, 1, 1})->Args({4, 2, 1})->Args({4, 1, 0})
	->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExploreAll(benchmark::State &state)
{
	ExploreOptions o;
	o.depth = static_cast<unsigned>(state.range(0));
	o.families = fam_all;
	measure_explore(state, o);
}
BENCHMARK(BM_ExploreAll)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

/* One transition: copy the Runner, step, as the explorer does per successor. */
void BM_TransitionStep(benchmark::State &state)
{
	RunnerOptions ro;
	ro.check_visible_points = state.range(0) != 0;
	Runner base = mid_state(ro);
	Op op = parse_trace("munmap p0 0 pages=8\n").ops[0];
	for (auto _ : state) {
		Runner child = base;
		benchmark::DoNotOptimize(child.step(op));
	}
}
BENCHMARK(BM_TransitionStep)->Arg(1)->Arg(0);

void BM_RunnerCopy(benchmark::State &state)
{
	Runner base = mid_state();
	for (auto _ : state) {
		Runner child = base;
		benchmark::DoNotOptimize(child);
	}
}
BENCHMARK(BM_RunnerCopy);

void BM_Snapshots(benchmark::State &state)
{
	Runner base = mid_state();
	for (auto _ : state) {
		Snapshot r = base.reference().snapshot();
		Snapshot k = base.kernel().snapshot();
		benchmark::DoNotOptimize(r);
		benchmark::DoNotOptimize(k);
	}
}
BENCHMARK(BM_Snapshots);

void BM_Fingerprint(benchmark::State &state)
{
	Runner base = mid_state();
	Snapshot r = base.reference().snapshot();
	Snapshot k = base.kernel().snapshot();
	Canonicalizer c(default_explore_config());
	for (auto _ : state)
		benchmark::DoNotOptimize(c.fingerprint(r, k));
}
BENCHMARK(BM_Fingerprint);

/* What the explorer computes per clean successor: one Snapshot, the form, the hash. */
void BM_StateFingerprint(benchmark::State &state)
{
	Runner base = mid_state();
	Canonicalizer c(default_explore_config());
	for (auto _ : state)
		benchmark::DoNotOptimize(state_fingerprint(c, base, PathKey{}, true));
}
BENCHMARK(BM_StateFingerprint);

void BM_Candidates(benchmark::State &state)
{
	Runner base = mid_state();
	Snapshot r = base.reference().snapshot();
	Alphabet a(default_explore_config());
	std::vector<Op> ops;
	size_t legal = 0;
	for (auto _ : state) {
		ops.clear();
		a.candidates(r, ops);
		for (const Op &op : ops)
			legal += !base.reference().check(op);
	}
	benchmark::DoNotOptimize(legal);
	state.counters["instances"] = double(ops.size());
}
BENCHMARK(BM_Candidates);

void BM_FingerprintSetInsert(benchmark::State &state)
{
	std::mt19937_64 rng(1);
	FingerprintSet s;
	for (auto _ : state)
		benchmark::DoNotOptimize(s.insert(rng()));
}
BENCHMARK(BM_FingerprintSetInsert);

} // namespace
} // namespace fc::explore

/* every run names the malloc it measured (bench/allocator.h) */
static const bool allocator_named = fc::bench::add_allocator_context();

BENCHMARK_MAIN();
