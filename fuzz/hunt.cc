// SPDX-License-Identifier: GPL-2.0
/*
 * hunt.cc - fuzz one mutant until the first failure (see hunt.h).
 */
#include "fuzz/hunt.h"

#include "fuzz/engine.h"
#include "fuzz/libfuzzer.h"
#include "fuzz/seed_corpus.h"
#include "fuzz/subprocess.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace fc::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
	return std::chrono::duration<double>(Clock::now() - t).count();
}

/* The first crash file in @dir, or "". */
std::string first_crash(const std::string &dir)
{
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(dir, ec)) {
		std::string n = e.path().filename().string();
		if (n.find("crash-") != std::string::npos && n.find(".tmp") == std::string::npos)
			return e.path().string();
	}
	return "";
}

/*
 * hunt_libfuzzer - @o.jobs libFuzzer processes on one corpus directory
 * (each reloads what the others add); the first crash file ends the hunt.
 * Returns the crash input, or empty if none came within the budget.
 */
std::vector<uint8_t> hunt_libfuzzer(const HuntOptions &o, const std::string &work,
				    const std::string &seeds, HuntResult *h)
{
	const std::string bin = (fs::path(o.fuzzer_dir) / "fuzz_differential").string();
	const std::string corpus = work + "/corpus", crashes = work + "/crashes";
	fs::create_directories(corpus);
	fs::create_directories(crashes);
	std::vector<Subprocess> workers(std::max(1u, o.jobs));
	std::vector<std::string> logs;
	for (unsigned i = 0; i < workers.size(); i++) {
		logs.push_back(work + "/worker" + std::to_string(i) + ".log");
		std::vector<std::string> args = {
			bin,
			"-seed=" + std::to_string(o.seed + i),
			"-max_total_time=" + std::to_string(static_cast<long>(std::ceil(o.seconds))),
			"-max_len=" + std::to_string(o.fc.max_len()),
			"-timeout=" + std::to_string(kLibFuzzerTimeout),
			kLibFuzzerScheduler,
			"-print_final_stats=1",
			"-artifact_prefix=" + crashes + "/worker" + std::to_string(i) + "-",
			"-dict=" + (fs::path(o.fuzzer_dir) / "fuzz_differential.dict").string(),
			corpus,
			seeds,
		};
		if (!workers[i].start(args, env_of(o.fc), logs.back(), &h->error))
			return {};
	}
	const auto t0 = Clock::now();
	std::string crash;
	for (;;) {
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		crash = first_crash(crashes);
		bool all_done = true;
		for (Subprocess &w : workers)
			all_done &= w.poll();
		if (!crash.empty() || all_done)
			break;
	}
	h->seconds = since(t0);
	/* The crashing worker prints its final stats as it dies: give it a second. */
	if (!crash.empty()) {
		unsigned i = static_cast<unsigned>(
			std::strtoul(fs::path(crash).filename().string().c_str() + 6, nullptr, 10));
		for (int t = 0; i < workers.size() && t < 50 && !workers[i].poll(); t++)
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	for (Subprocess &w : workers)
		w.stop(0);
	for (const std::string &log : logs) {
		LibFuzzerStats st;
		uint64_t final_execs = 0;
		LogTail tail(log);
		tail.read([&](std::string_view line) {
			parse_libfuzzer_line(line, &st);
			constexpr std::string_view key = "stat::number_of_executed_units:";
			if (line.rfind(key, 0) == 0)
				final_execs = std::strtoull(std::string(line.substr(key.size())).c_str(),
							    nullptr, 10);
		});
		h->execs += std::max(final_execs, st.execs);
	}
	if (crash.empty())
		return {};
	std::vector<uint8_t> bytes;
	std::string err;
	/* the file may still be being written by a dying worker: read until stable */
	for (int i = 0; i < 10; i++) {
		std::vector<uint8_t> again;
		if (read_bytes(crash, &again, &err) && again == bytes && !bytes.empty())
			break;
		bytes = std::move(again);
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return bytes;
}

std::vector<uint8_t> hunt_in_process(const HuntOptions &o, const std::vector<Seed> &seeds,
				     HuntResult *h)
{
	EngineOptions eo;
	eo.fc = o.fc;
	eo.jobs = std::max(1u, o.jobs);
	eo.seconds = o.seconds;
	eo.seed = o.seed;
	eo.stop_on_failure = true;
	for (const Seed &s : seeds)
		if (!s.bytes.empty())
			eo.seeds.push_back(s.bytes);
	EngineResult r = run_engine(eo);
	if (r.failures.empty()) {
		h->execs = r.status.execs;
		h->seconds = r.status.seconds;
		return {};
	}
	h->execs = r.failures.front().exec;
	h->seconds = r.failures.front().seconds;
	return r.failures.front().input;
}

} // namespace

HuntResult hunt_mutant(const HuntOptions &o)
{
	HuntResult h;
	const std::string mutant(mutant_name(o.fc.cfg.mutant));
	const std::string work = (fs::path(o.work_dir) / mutant).string();
	std::error_code ec;
	fs::remove_all(work, ec);
	fs::create_directories(work + "/seeds", ec);
	if (ec) {
		h.error = work + ": " + ec.message();
		return h;
	}
	std::vector<Seed> seeds = encode_seeds(find_traces(o.traces_dir, "mutants"), o.fc);
	size_t written = 0;
	if (!write_seeds(seeds, work + "/seeds", &written, &h.error))
		return h;

	bool lf = o.engine != EngineChoice::in_process;
	if (lf) {
		std::string err;
		if (!ensure_libfuzzer(o.fuzzer_dir, o.say, &err)) {
			if (o.engine == EngineChoice::libfuzzer) {
				h.error = err;
				return h;
			}
			lf = false;
		}
	}
	h.engine = lf ? "libFuzzer" : "in-process";
	std::vector<uint8_t> crash = lf ? hunt_libfuzzer(o, work, work + "/seeds", &h)
					: hunt_in_process(o, seeds, &h);
	if (!h.error.empty())
		return h;
	if (crash.empty()) {
		h.note = "no failure in " + std::to_string(h.execs) + " execs";
		return h;
	}
	std::optional<CrashTrace> t =
		trace_crash(crash, o.fc, o.minimize_seconds, "mutant hunt, " + h.engine);
	if (!t) {
		h.note = "a crash that does not reproduce in-process";
		return h;
	}
	h.killed = true;
	h.note = t->failure.kind == Failure::Kind::violation ? "violation " + t->failure.name()
							     : "divergence";
	h.trace_ops = t->trace.ops.size();
	h.trace_file = (fs::path(work) / crash_trace_name(*t)).string();
	if (!write_bytes(h.trace_file, t->text.data(), t->text.size(), &h.error))
		h.trace_file.clear();
	h.error.clear();
	return h;
}

} // namespace fc::fuzz
