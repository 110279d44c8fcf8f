// SPDX-License-Identifier: GPL-2.0
/*
 * standalone_main.cc - a main() for fuzz targets built without libFuzzer
 * (the ordinary g++ build), so the test suite exercises them on any
 * compiler.
 *
 *   TARGET [-runs=N] [-max_total_time=S] [-seed=S] [-max_len=L]
 *          [-artifact_prefix=P] [-foliocheck_KEY=V ...] [FILE|DIR ...]
 *
 * It replays every FILE and every file below every DIR, then, if -runs or
 * -max_total_time asks for it, runs that many mutated inputs: each a
 * replayed input (or an empty one) put through the target's
 * LLVMFuzzerCustomMutator if it has one, else through byte mutations. No
 * coverage feedback: this is a replay driver and a random tester, not a
 * fuzzer. As under libFuzzer, an input that makes the target crash is
 * written to <artifact_prefix>crash-<hash> and the process exits with 77.
 *
 * It also provides LLVMFuzzerMutate, which custom mutators call.
 */
#include "fuzz/mutator.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" __attribute__((weak)) size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
								size_t max_size, unsigned int seed);
extern "C" __attribute__((weak)) size_t
LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
			  uint8_t *out, size_t max_out_size, unsigned int seed);

namespace {

using fc::fuzz::Rng;

Rng g_rng(1);

/* The input being run, for the crash handler. */
const uint8_t *g_cur_data;
size_t g_cur_size;
char g_crash_path[4096];

uint64_t hash_bytes(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 1099511628211ull;
	}
	return h;
}

/*
 * on_crash - async-signal-safe: write the current input where the path was
 * prepared, say so, and exit with status 77 as libFuzzer does
 * (-error_exitcode), so scripts and CTest see the same thing either way.
 */
void on_crash(int sig)
{
	if (g_cur_data && g_crash_path[0]) {
		int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			ssize_t w = write(fd, g_cur_data, g_cur_size);
			(void)w;
			close(fd);
		}
		const char msg[] = "standalone: crashing input written to ";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		w = write(2, g_crash_path, strlen(g_crash_path));
		w = write(2, "\n", 1);
		(void)w;
	}
	_exit(77);
}

struct Options {
	uint64_t runs = 0;
	double max_total_time = 0;
	uint64_t seed = 1;
	size_t max_len = 4096;
	std::string artifact_prefix = "./";
	std::vector<std::string> paths;
};

void run_one(const std::vector<uint8_t> &in, const std::string &prefix)
{
	/* an empty vector's data() may be null; give the target a valid pointer */
	static const uint8_t empty = 0;
	g_cur_data = in.empty() ? &empty : in.data();
	g_cur_size = in.size();
	std::snprintf(g_crash_path, sizeof(g_crash_path), "%scrash-%016llx", prefix.c_str(),
		      static_cast<unsigned long long>(hash_bytes(in.data(), in.size())));
	LLVMFuzzerTestOneInput(g_cur_data, g_cur_size);
	g_cur_data = nullptr;
}

std::vector<uint8_t> read_file(const std::filesystem::path &p)
{
	std::ifstream f(p, std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

/* Files named on the command line, and the files in the directories named. */
std::vector<std::filesystem::path> input_files(const std::vector<std::string> &paths)
{
	std::vector<std::filesystem::path> files;
	for (const std::string &p : paths) {
		std::error_code ec;
		if (std::filesystem::is_directory(p, ec)) {
			std::vector<std::filesystem::path> in_dir;
			for (const auto &e : std::filesystem::recursive_directory_iterator(p, ec))
				if (e.is_regular_file())
					in_dir.push_back(e.path());
			std::sort(in_dir.begin(), in_dir.end());
			files.insert(files.end(), in_dir.begin(), in_dir.end());
		} else if (std::filesystem::is_regular_file(p, ec)) {
			files.push_back(p);
		} else {
			std::fprintf(stderr, "standalone: error: %s: no such file or directory\n",
				     p.c_str());
			std::exit(2);
		}
	}
	return files;
}

/* One mutated input from the pool. */
std::vector<uint8_t> next_input(const std::vector<std::vector<uint8_t>> &pool, size_t max_len)
{
	std::vector<uint8_t> in;
	if (!pool.empty() && !g_rng.chance(8))
		in = pool[g_rng.below(pool.size())];
	if (in.size() > max_len)
		in.resize(max_len);
	unsigned rounds = 1 + static_cast<unsigned>(g_rng.below(4));
	for (unsigned r = 0; r < rounds; r++) {
		if (LLVMFuzzerCustomCrossOver && pool.size() > 1 && g_rng.chance(8)) {
			const auto &other = pool[g_rng.below(pool.size())];
			std::vector<uint8_t> out(max_len);
			size_t n = LLVMFuzzerCustomCrossOver(in.data(), in.size(), other.data(),
							     other.size(), out.data(), max_len,
							     static_cast<unsigned>(g_rng.next()));
			out.resize(n);
			in = std::move(out);
			continue;
		}
		size_t size = in.size();
		in.resize(max_len);
		if (LLVMFuzzerCustomMutator)
			size = LLVMFuzzerCustomMutator(in.data(), size, max_len,
						       static_cast<unsigned>(g_rng.next()));
		else
			size = fc::fuzz::mutate_bytes(in.data(), size, max_len, g_rng);
		in.resize(size);
	}
	return in;
}

bool parse_flag(const char *arg, Options &o)
{
	auto val = [&](const char *name) -> const char * {
		size_t n = std::strlen(name);
		return std::strncmp(arg, name, n) == 0 ? arg + n : nullptr;
	};
	if (const char *v = val("-runs="))
		o.runs = std::strtoull(v, nullptr, 10);
	else if (const char *v = val("-max_total_time="))
		o.max_total_time = std::strtod(v, nullptr);
	else if (const char *v = val("-seed="))
		o.seed = std::strtoull(v, nullptr, 10);
	else if (const char *v = val("-max_len="))
		o.max_len = std::max<size_t>(1, std::strtoull(v, nullptr, 10));
	else if (const char *v = val("-artifact_prefix="))
		o.artifact_prefix = v;
	else
		return false;
	return true;
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	return fc::fuzz::mutate_bytes(data, size, max_size, g_rng);
}

int main(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			o.paths.push_back(argv[i]);
		else if (!parse_flag(argv[i], o) && std::strncmp(argv[i], "-foliocheck_", 12) != 0)
			std::fprintf(stderr, "standalone: ignoring flag %s\n", argv[i]);
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	g_rng = Rng(o.seed);
	signal(SIGABRT, on_crash);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGFPE, on_crash);
	signal(SIGILL, on_crash);

	using Clock = std::chrono::steady_clock;
	const auto start = Clock::now();
	std::vector<std::vector<uint8_t>> pool;
	for (const auto &f : input_files(o.paths)) {
		pool.push_back(read_file(f));
		run_one(pool.back(), o.artifact_prefix);
	}
	std::fprintf(stderr, "standalone: replayed %zu inputs\n", pool.size());

	uint64_t runs = 0;
	auto last = start;
	auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
	while ((o.runs && runs < o.runs) || (o.max_total_time > 0 && elapsed() < o.max_total_time)) {
		std::vector<uint8_t> in = next_input(pool, o.max_len);
		run_one(in, o.artifact_prefix);
		runs++;
		/* no feedback: keep some mutants around for variety */
		if (g_rng.chance(16)) {
			if (pool.size() < 4096)
				pool.push_back(std::move(in));
			else
				pool[g_rng.below(pool.size())] = std::move(in);
		}
		if (Clock::now() - last >= std::chrono::seconds(5)) {
			last = Clock::now();
			std::fprintf(stderr, "standalone: #%llu %.0f exec/s\n",
				     static_cast<unsigned long long>(runs), runs / elapsed());
		}
	}
	if (runs)
		std::fprintf(stderr, "standalone: ran %llu mutated inputs in %.1f s, no crash\n",
			     static_cast<unsigned long long>(runs), elapsed());
	return 0;
}
