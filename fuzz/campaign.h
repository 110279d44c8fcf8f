// SPDX-License-Identifier: GPL-2.0
/*
 * campaign.h - an overnight fuzz campaign, as `foliocheck fuzz` runs it.
 *
 * With libFuzzer (clang): the target in fork mode over N cores, its corpus
 * in a directory that survives the run (re-running resumes from it) and its
 * crashes in another. A status line goes out at least every status
 * interval; a SIGINT (or the time limit) stops libFuzzer, a libFuzzer that
 * dies is restarted on the same corpus. At the end the corpus is merged
 * and minimized (-merge=1, swapped in only when complete) and every crash
 * file not seen before becomes a minimized trace (crash.h) in the crash
 * directory, one per distinct trace, the invariant in its name.
 *
 * Without clang: the in-process engine (engine.h) on N threads, with the
 * same directories, status line and crash traces.
 */
#pragma once

#include "fuzz/crash.h"
#include "fuzz/fuzz_config.h"

#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace fc::fuzz {

enum class FuzzTarget : uint8_t { differential, trace_parser };
enum class EngineChoice : uint8_t { automatic, libfuzzer, in_process };

struct CampaignOptions {
	FuzzConfig fc;
	FuzzTarget target = FuzzTarget::differential;
	EngineChoice engine = EngineChoice::automatic;
	unsigned jobs = 1;
	double seconds = 0;            /* 0: until interrupted */
	uint64_t seed = 0;             /* 0: libFuzzer's own choice / time-based */
	std::string corpus_dir;        /* the resumable corpus */
	std::string crash_dir;         /* crash inputs, their traces, the log */
	std::string traces_dir;        /* the trace corpus the seeds come from */
	std::string fuzzer_dir;        /* the libFuzzer binaries */
	double status_interval = 10;
	double minimize_seconds = 30;  /* per crash */
	bool merge = true;             /* merge and minimize the corpus at the end */
	std::function<void(const std::string &)> say;    /* status lines and messages */
	const volatile std::sig_atomic_t *interrupted = nullptr; /* set on SIGINT */
};

/* One crash turned into a trace (or, for the parser target, just its file). */
struct CampaignCrash {
	std::string input;       /* the crash file */
	std::string trace_file;  /* the minimized trace written, or "" */
	std::string name;        /* failure name: the invariant, "divergence", or "crash" */
	size_t trace_ops = 0;
	bool fresh = false;      /* first seen in this run */
};

struct CampaignResult {
	std::string engine;      /* "libFuzzer" or "in-process" */
	uint64_t execs = 0;
	double seconds = 0;
	size_t corpus = 0;
	std::vector<CampaignCrash> crashes;  /* every distinct crash in the crash directory */
	bool interrupted = false;
	std::string error;       /* set: the campaign could not run */
};

CampaignResult run_campaign(const CampaignOptions &o);

/*
 * trace_crashes - every crash-* file in @crash_dir not listed in its index
 * (crashes.index) becomes a minimized trace there; returns every distinct
 * crash, old and new. Used at the end of a campaign and by itself.
 */
std::vector<CampaignCrash> trace_crashes(const std::string &crash_dir, const FuzzConfig &fc,
					 FuzzTarget target, double minimize_seconds,
					 const std::function<void(const std::string &)> &say);

/* "fuzz: 0:01:20  execs 1234567 (15432/s)  cov 1234 ft 5678  corpus 456  crashes 2" */
std::string format_status(double seconds, uint64_t execs, uint64_t exec_per_s, uint64_t cov,
			  uint64_t ft, uint64_t corpus, uint64_t crashes, const char *cov_name);

} // namespace fc::fuzz
