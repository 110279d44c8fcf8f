// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_bench.cc - executions per second of the differential fuzz target:
 * what LLVMFuzzerTestOneInput does per input (decode the records, run both
 * models with every invariant at every visible point, compare), on one
 * core, without libFuzzer's or a sanitizer's overhead.
 *
 * The inputs are what a campaign feeds it: the seed corpus (corpus/ encoded
 * for the scope) and inputs grown from it by the structure-aware mutator,
 * a fixed pool so every run measures the same work.
 *
 *   BM_FuzzExecs_default      largest order 4, pmd_order 9, up to 32 statements:
 *                             PTE-mapped folios of orders 0-4, no PMD THP
 *   BM_FuzzExecs_order9       order-9 PTE-mapped folios (pmd_order 10, max_order 9)
 *   BM_FuzzExecs_thp          512-page PMD THPs and PTE-mapped folios up to
 *                             order 8 (pmd_order 9, max_order 9: --max-order 9)
 *   BM_FuzzExecs_..._ends     the same with invariants checked only at the end
 *                             of each statement (check=ends): what the visible
 *                             points cost
 *   BM_FuzzExecs_..._long     inputs as long as libFuzzer runs them: the
 *                             pool above runs ~4.3 statements per exec,
 *                             while libFuzzer (-max_len=192, from the seeds)
 *                             runs 20.6 records and 14.8 statements per exec
 *                             in its first 8,000 (29 % of them a full 32
 *                             records), and the models' cost per statement
 *                             grows with the state the earlier ones built.
 *                             Each input is grown by the same mutator until
 *                             it decodes to a number of statements drawn
 *                             from 1 to max_ops (16.5 on average; coverage
 *                             feedback keeps inputs whose records do
 *                             something, so records that decode to nothing
 *                             are dropped on the way)
 *   BM_FuzzCostTail_...       each short-pool input timed alone: median,
 *                             99th percentile, the costliest tenth's share
 *                             of the time and the rest's execs/s
 *
 * Run: ninja fuzz_bench && ./bench/fuzz_bench
 */
#include "fuzz/decoder.h"
#include "fuzz/input.h"
#include "fuzz/mutator.h"
#include "fuzz/paths.h"
#include "fuzz/seed_corpus.h"

#include "bench/allocator.h"

#include <benchmark/benchmark.h>
#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

namespace {

using namespace fc::fuzz;

/*
 * Inputs per pool. An input's cost is heavy-tailed (a shrink of an order-9
 * folio costs a thousand ordinary statements), so the figure is a sample
 * mean over the pool: with 512 inputs, pools from six RNG seeds gave
 * 19,000-35,000 execs/s at the default scope and 11,500-21,400 with order
 * 9, and adding one trace to corpus/ moved them as much. 8,192 short
 * inputs keep four seeds within 27,300-28,800 and 17,500-19,400. The
 * grown pools cost ~15 times as much per input to build and to run: 2,048
 * of them, with a longer MinTime so that each is run at least twice.
 */
constexpr size_t kPool = 8192;
constexpr size_t kLongPool = 2048;

/*
 * grow - mutate @in until it decodes to @want statements: grow it to @want
 * records by the mutator's own moves (they insert more than they delete),
 * keep the records that became statements, and again until it does (32
 * rounds at most).
 */
void grow(std::vector<uint8_t> &in, size_t want, const FuzzConfig &fc, Rng &rng)
{
	const size_t max_len = fc.max_len();
	for (unsigned round = 0; round < 32; round++) {
		for (unsigned m = 0; record_count(in.size()) < want && m < 1000; m++) {
			size_t size = std::min(in.size(), max_len);
			in.resize(max_len);
			in.resize(mutate_input(in.data(), size, max_len, rng.next(), nullptr));
		}
		in.resize(std::min(record_count(in.size()), want) * kRecordSize);
		Session s(fc.cfg, fc.runner);
		for (size_t i = 0; i < record_count(in.size()); i++)
			if (s.feed(load_record(in.data() + i * kRecordSize)) == Fed::failed)
				break;
		if (s.ops().size() >= want || s.runner().failed())
			return;
		std::vector<uint8_t> kept;
		for (size_t r : s.op_records())
			kept.insert(kept.end(), in.begin() + r * kRecordSize,
				    in.begin() + (r + 1) * kRecordSize);
		in = std::move(kept);
	}
}

std::vector<std::vector<uint8_t>> make_pool(const FuzzConfig &fc, bool grown)
{
	std::vector<std::vector<uint8_t>> seeds;
	for (const Seed &s : encode_seeds(find_traces(corpus_dir()), fc))
		if (!s.bytes.empty())
			seeds.push_back(s.bytes);
	if (seeds.empty())
		seeds.push_back({});
	std::vector<std::vector<uint8_t>> pool;
	Rng rng(2024);
	const size_t max_len = fc.max_len();
	for (size_t i = 0, n = grown ? kLongPool : kPool; i < n; i++) {
		/* a seed put through 1-16 mutations, as a campaign's corpus grows */
		std::vector<uint8_t> in = seeds[i % seeds.size()];
		for (uint64_t m = 1 + rng.below(16); m; m--) {
			size_t size = std::min(in.size(), max_len);
			in.resize(max_len);
			in.resize(mutate_input(in.data(), size, max_len, rng.next(), nullptr));
		}
		if (grown)
			grow(in, 1 + rng.below(fc.max_ops), fc, rng);
		pool.push_back(std::move(in));
	}
	return pool;
}

/* One execution, exactly as fuzz_differential.cc runs an input. */
size_t execute(const std::vector<uint8_t> &in, const FuzzConfig &fc)
{
	Session s(fc.cfg, fc.runner);
	size_t n = std::min(record_count(in.size()), fc.max_ops);
	for (size_t i = 0; i < n; i++)
		if (s.feed(load_record(in.data() + i * kRecordSize)) == Fed::failed)
			break;
	return s.ops().size();
}

void run(benchmark::State &state, unsigned pmd_order, unsigned max_order, bool every_point,
	 bool grown = false)
{
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = pmd_order;
	fc.cfg.scope.max_order = max_order;
	fc.runner.check_visible_points = every_point;
	static std::map<std::tuple<unsigned, unsigned, bool>, std::vector<std::vector<uint8_t>>> pools;
	auto &pool = pools[{pmd_order, max_order, grown}];
	if (pool.empty())
		pool = make_pool(fc, grown);
	size_t i = 0, ops = 0;
	for (auto _ : state) {
		ops += execute(pool[i], fc);
		i = (i + 1) % pool.size();
	}
	state.counters["execs/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
						       benchmark::Counter::kIsRate);
	state.counters["ops/exec"] = static_cast<double>(ops) / static_cast<double>(state.iterations());
	size_t records = 0;
	for (const auto &in : pool)
		records += std::min(record_count(in.size()), fc.max_ops);
	state.counters["records/input"] =
		static_cast<double>(records) / static_cast<double>(pool.size());
}

/*
 * cost_tail - where the pool's mean goes: each input of the short pool timed
 * alone (the best of 3 runs), reported as the median and 99th percentile
 * cost, the share of all time the costliest 10 % of inputs take, and the
 * execs/s of the other 90 %. The mean that run() measures is dominated by
 * a few inputs that build a 512-page folio and walk it page by page.
 */
void cost_tail(benchmark::State &state, unsigned pmd_order, unsigned max_order)
{
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = pmd_order;
	fc.cfg.scope.max_order = max_order;
	const std::vector<std::vector<uint8_t>> pool = make_pool(fc, false);
	std::vector<double> us;
	for (auto _ : state) {
		us.clear();
		for (const auto &in : pool) {
			double best = 1e30;
			for (int k = 0; k < 3; k++) {
				auto start = std::chrono::steady_clock::now();
				execute(in, fc);
				std::chrono::duration<double, std::micro> took =
					std::chrono::steady_clock::now() - start;
				best = std::min(best, took.count());
			}
			us.push_back(best);
		}
	}
	std::sort(us.begin(), us.end());
	const size_t n = us.size(), heavy = n / 10;
	double total = 0, light = 0;
	for (size_t i = 0; i < n; i++) {
		total += us[i];
		if (i < n - heavy)
			light += us[i];
	}
	state.counters["median_us"] = us[n / 2];
	state.counters["p99_us"] = us[n * 99 / 100];
	state.counters["mean_us"] = total / static_cast<double>(n);
	state.counters["top10%_share"] = (total - light) / total;
	state.counters["rest_execs/s"] = 1e6 * static_cast<double>(n - heavy) / light;
}

void BM_FuzzCostTail_default(benchmark::State &s) { cost_tail(s, 9, 4); }
void BM_FuzzCostTail_order9(benchmark::State &s) { cost_tail(s, 10, 9); }

void BM_FuzzExecs_default(benchmark::State &s) { run(s, 9, 4, true); }
void BM_FuzzExecs_default_ends(benchmark::State &s) { run(s, 9, 4, false); }
void BM_FuzzExecs_order9(benchmark::State &s) { run(s, 10, 9, true); }
void BM_FuzzExecs_order9_ends(benchmark::State &s) { run(s, 10, 9, false); }
void BM_FuzzExecs_thp(benchmark::State &s) { run(s, 9, 9, true); }
void BM_FuzzExecs_default_long(benchmark::State &s) { run(s, 9, 4, true, true); }
void BM_FuzzExecs_order9_long(benchmark::State &s) { run(s, 10, 9, true, true); }
void BM_FuzzExecs_thp_long(benchmark::State &s) { run(s, 9, 9, true, true); }

BENCHMARK(BM_FuzzExecs_default)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_FuzzExecs_default_ends)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_FuzzExecs_order9)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_FuzzExecs_order9_ends)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_FuzzExecs_default_long)->Unit(benchmark::kMicrosecond)->MinTime(6);
BENCHMARK(BM_FuzzExecs_order9_long)->Unit(benchmark::kMicrosecond)->MinTime(6);
BENCHMARK(BM_FuzzExecs_thp)->Unit(benchmark::kMicrosecond)->MinTime(3);
BENCHMARK(BM_FuzzExecs_thp_long)->Unit(benchmark::kMicrosecond)->MinTime(6);
BENCHMARK(BM_FuzzCostTail_default)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_FuzzCostTail_order9)->Unit(benchmark::kMillisecond)->Iterations(1);

} // namespace

/* every run names the malloc it measured (bench/allocator.h) */
static const bool allocator_named = fc::bench::add_allocator_context();

BENCHMARK_MAIN();
