// SPDX-License-Identifier: GPL-2.0
/*
 * runner_bench.cc - what one statement costs the Runner (both models, every
 * invariant at every visible point, the differential comparison) as the
 * world it runs in grows.
 *
 * A statement should cost what it touches. A fuzz input that reads a large
 * file into the page cache early on (`file` of 2,048 order-0 pages: 2,048
 * folios) makes every later statement of that input walk those folios
 * wherever a step is O(state) rather than O(touched): the reference
 * model's Snapshot and the differential comparison were, until they were
 * kept from step to step (ReferenceModel::view(); docs/fuzz.md, "Speed").
 *
 *   BM_StepsBesideFile/N   a fresh Runner, `file` of N order-0 pages, then
 *                          32 anonymous faults and munmaps that never touch
 *                          it: time per input, and CPU time per statement
 *                          after the file (`step_us`)
 *   BM_FileCreate/N        the `file` statement alone: N folios, each its
 *                          own visible point (filemap_add_folio)
 *
 * Run: ninja runner_bench && ./bench/runner_bench
 */
#include "model/check/runner.h"
#include "model/trace.h"

#include "bench/allocator.h"

#include <benchmark/benchmark.h>

#include <ctime>
#include <string>

namespace fc {
namespace {

Config bench_config()
{
	Config cfg;
	cfg.scope.pmd_order = 9;
	cfg.scope.max_order = 4;
	return cfg;
}

/* 32 statements on anonymous memory at 0x0-0xff: faults of orders 0-4, munmaps of a page. */
std::vector<Op> anon_statements()
{
	std::string text;
	for (unsigned i = 0; i < 16; i++) {
		const unsigned order = i % 5;
		const unsigned va = i * 16;
		text += "fault p0 " + std::to_string(va) + " anon order=" + std::to_string(order) + "\n";
		text += "munmap p0 " + std::to_string(va + 1) + "\n";
	}
	return parse_trace(text).ops;
}

/* This thread's CPU time in microseconds: a loaded machine stretches wall time, not this. */
double thread_cpu_us()
{
	timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

Op file_statement(uint64_t pages)
{
	return parse_trace("file file0 pages=" + std::to_string(pages) + " order=0\n").ops.at(0);
}

void BM_StepsBesideFile(benchmark::State &state)
{
	const uint64_t pages = static_cast<uint64_t>(state.range(0));
	const Config cfg = bench_config();
	const std::vector<Op> ops = anon_statements();
	const Op file = file_statement(pages ? pages : 1);
	double after_file = 0;
	for (auto _ : state) {
		Runner r(cfg);
		if (pages && r.step(file).status != StepStatus::ok)
			state.SkipWithError("file statement did not run");
		const double start = thread_cpu_us();
		for (const Op &op : ops)
			if (r.step(op).status != StepStatus::ok)
				state.SkipWithError(("did not run: " + format_op(op)).c_str());
		after_file += thread_cpu_us() - start;
	}
	state.counters["step_us"] =
		after_file / static_cast<double>(state.iterations() * ops.size());
	state.counters["folios"] = static_cast<double>(pages);
}
BENCHMARK(BM_StepsBesideFile)->Arg(0)->Arg(256)->Arg(2048)->Unit(benchmark::kMicrosecond);

void BM_FileCreate(benchmark::State &state)
{
	const uint64_t pages = static_cast<uint64_t>(state.range(0));
	const Config cfg = bench_config();
	const Op file = file_statement(pages);
	for (auto _ : state) {
		Runner r(cfg);
		if (r.step(file).status != StepStatus::ok)
			state.SkipWithError("file statement did not run");
	}
	state.counters["folios/s"] = benchmark::Counter(
		static_cast<double>(state.iterations() * pages), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FileCreate)->Arg(256)->Arg(2048)->Unit(benchmark::kMicrosecond);

} // namespace
} // namespace fc

/* every run names the malloc it measured (bench/allocator.h) */
static const bool allocator_named = fc::bench::add_allocator_context();

BENCHMARK_MAIN();
