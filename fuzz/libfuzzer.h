// SPDX-License-Identifier: GPL-2.0
/*
 * libfuzzer.h - the clang-built libFuzzer binaries as foliocheck drives
 * them: finding (and on first use building) them, and reading their
 * progress from what they print.
 */
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace fc::fuzz {

/*
 * ensure_libfuzzer - make sure @dir holds fuzz_differential and
 * fuzz_trace_parser built by build.sh from the current sources: build them
 * if they are missing or older than a source file under model/ or fuzz/
 * (checked once per process per @dir). @say gets one line before a build
 * starts. False and @err if clang++ is
 * not there or the build fails (its log is named in @err), or if
 * *@interrupted (a SIGINT counter) becomes non-zero during the build,
 * which is then stopped: a Ctrl-C must not wait minutes for clang.
 */
bool ensure_libfuzzer(const std::string &dir, const std::function<void(const std::string &)> &say,
		      std::string *err, const volatile std::sig_atomic_t *interrupted = nullptr);

/* Is a clang++ able to build them on PATH? */
bool have_clang();

/* What a libFuzzer status line says; fields it did not print stay as they were. */
/* libFuzzer's -timeout for campaigns and hunts, in seconds (campaign.cc says why). */
inline constexpr int kLibFuzzerTimeout = 120;

/*
 * libFuzzer's input scheduler for campaigns and hunts: the older vanilla
 * one, not entropic. On this target entropic's per-feature bookkeeping is
 * half of libFuzzer's time (docs/fuzz.md), and measured from empty corpora
 * (one process, 60 s per run) the vanilla scheduler found every catalogue
 * mutant at least as often and, on the hard ones, sooner: 39 of 40 runs
 * against 36 of 40, median 1.6 s against 4.4 s (swapout_ignores_pin 7/8
 * against 5/8); on the five easy ones it was faster in 97 of 150 paired
 * seeds (docs/fuzz.md, "Scheduler").
 */
inline constexpr const char *kLibFuzzerScheduler = "-entropic=0";

struct LibFuzzerStats {
	uint64_t execs = 0;
	uint64_t exec_per_s = 0;
	uint64_t cov = 0;
	uint64_t ft = 0;
	uint64_t corpus = 0;
	uint64_t crashes = 0;  /* fork mode: oom/timeout/crash counted */
	bool fork_mode = false; /* a fork-mode line was seen: job output is not ours */
};

/*
 * parse_libfuzzer_line - fold one line of libFuzzer output into @s:
 * "#123 NEW cov: 10 ft: 20 corp: 5/90b exec/s: 1000 ..." (a single
 * process) or "#123: cov: 10 ft: 20 corp: 5 exec/s 1000
 * oom/timeout/crash: 0/0/1 ..." (fork mode: no colon after exec/s). Once a
 * fork-mode line was seen, single-process lines (a job's log, which
 * libFuzzer copies into its own when the job crashed) are not folded in.
 * False if the line is neither or not folded in.
 */
bool parse_libfuzzer_line(std::string_view line, LibFuzzerStats *s);

/*
 * class LogTail - reads what a child appended to its log since the last
 * call, line by line.
 */
class LogTail {
public:
	explicit LogTail(std::string path) : path_(std::move(path)) {}
	/* Calls @line for every complete new line. */
	void read(const std::function<void(std::string_view)> &line);

private:
	std::string path_;
	uint64_t offset_ = 0;
	std::string partial_;
};

} // namespace fc::fuzz
