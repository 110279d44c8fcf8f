// SPDX-License-Identifier: GPL-2.0
/*
 * engine.cc - the in-process fuzzing engine (see engine.h).
 */
#include "fuzz/engine.h"

#include "fuzz/mutator.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

namespace fc::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

/* Largest corpus kept in memory; beyond it a new input replaces a random one. */
constexpr size_t kMaxCorpus = 8192;

/*
 * struct Shared - what the workers share: the corpus, the features seen,
 * the failures, the counters. One lock; a run takes far longer than it is
 * held.
 */
struct Shared {
	explicit Shared(const EngineOptions &opts) : o(opts) {}

	const EngineOptions &o;
	Clock::time_point start = Clock::now();
	std::mutex lock;
	std::vector<std::vector<uint8_t>> corpus;
	std::unordered_set<uint32_t> features;
	std::set<std::string> failure_names;
	std::vector<EngineFailure> failures;
	std::atomic<uint64_t> execs{0};
	std::atomic<bool> stop{false};

	double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }

	EngineStatus status()
	{
		std::lock_guard<std::mutex> g(lock);
		return {execs.load(), elapsed(), corpus.size(), features.size(), failures.size()};
	}

	/* File the run of @in: a new failure, or new features. */
	void file(std::vector<uint8_t> &&in, DecodedInput &&run, uint64_t exec, Rng &rng)
	{
		/* fuzzing a mutant: a failure the unmutated model shares is not a find */
		if (run.failure && baseline_fails_too(in.data(), in.size(), o.fc, *run.failure))
			run.failure.reset();
		std::lock_guard<std::mutex> g(lock);
		if (run.failure) {
			if (failure_names.insert(run.failure->name()).second)
				failures.push_back({std::move(in), std::move(run), exec, elapsed()});
			if (o.stop_on_failure)
				stop = true;
			return;
		}
		bool fresh = false;
		for (uint32_t f : run.features)
			fresh |= features.insert(f).second;
		if (!fresh)
			return;
		if (corpus.size() < kMaxCorpus)
			corpus.push_back(std::move(in));
		else
			corpus[rng.below(corpus.size())] = std::move(in);
	}

	/* The next input for a worker: a mutated corpus entry, or a fresh one. */
	std::vector<uint8_t> next_input(Rng &rng)
	{
		const size_t max_len = o.fc.max_len();
		std::vector<uint8_t> in, other;
		{
			std::lock_guard<std::mutex> g(lock);
			if (!corpus.empty() && !rng.chance(16)) {
				in = corpus[rng.below(corpus.size())];
				if (rng.chance(8))
					other = corpus[rng.below(corpus.size())];
			}
		}
		if (!other.empty()) {
			std::vector<uint8_t> out(max_len);
			out.resize(cross_over(in.data(), in.size(), other.data(), other.size(),
					      out.data(), max_len, rng.next()));
			return out;
		}
		unsigned rounds = 1 + static_cast<unsigned>(rng.below(4));
		for (unsigned r = 0; r < rounds; r++) {
			size_t size = std::min(in.size(), max_len);
			in.resize(max_len);
			in.resize(mutate_input(in.data(), size, max_len, rng.next(), nullptr));
		}
		return in;
	}

	bool done()
	{
		if (stop)
			return true;
		if (o.max_execs && execs >= o.max_execs)
			return true;
		if (o.seconds > 0 && elapsed() >= o.seconds)
			return true;
		return false;
	}
};

void worker(Shared &s, unsigned id)
{
	Rng rng(s.o.seed * 0x9e3779b97f4a7c15ull + id);
	/* the seeds first, split among the workers */
	for (size_t i = id; i < s.o.seeds.size() && !s.done(); i += s.o.jobs) {
		std::vector<uint8_t> in = s.o.seeds[i];
		DecodedInput run = run_input(in.data(), in.size(), s.o.fc, true);
		uint64_t exec = ++s.execs;
		s.file(std::move(in), std::move(run), exec, rng);
	}
	while (!s.done()) {
		std::vector<uint8_t> in = s.next_input(rng);
		DecodedInput run = run_input(in.data(), in.size(), s.o.fc, true);
		uint64_t exec = ++s.execs;
		s.file(std::move(in), std::move(run), exec, rng);
	}
}

} // namespace

EngineResult run_engine(const EngineOptions &o)
{
	Shared s(o);
	std::vector<std::thread> threads;
	unsigned jobs = std::max(1u, o.jobs);
	for (unsigned i = 0; i < jobs; i++)
		threads.emplace_back(worker, std::ref(s), i);

	/* The calling thread reports status and watches for a stop request. */
	auto next_status = Clock::now() + std::chrono::duration<double>(o.status_interval);
	while (!s.done()) {
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		if (o.should_stop && o.should_stop())
			s.stop = true;
		if (o.status && Clock::now() >= next_status) {
			next_status += std::chrono::duration<double>(o.status_interval);
			o.status(s.status());
		}
	}
	for (std::thread &t : threads)
		t.join();

	EngineResult r;
	r.status = s.status();
	r.failures = std::move(s.failures);
	r.corpus = std::move(s.corpus);
	return r;
}

} // namespace fc::fuzz
