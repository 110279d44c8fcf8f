// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_fuzz.cc - `foliocheck fuzz`: overnight libFuzzer campaigns over both
 * models (fuzz/campaign.h), crash minimization into corpus/regressions/,
 * and the fuzz input <-> trace converter. Also the fuzz MutantHunter for
 * `foliocheck mutants --engine fuzz`.
 */
#include "cli/command.h"
#include "fuzz/campaign.h"
#include "fuzz/crash.h"
#include "fuzz/encoder.h"
#include "fuzz/hunt.h"
#include "fuzz/paths.h"
#include "fuzz/seed_corpus.h"
#include "props/hunt.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fc::cli {

namespace {

using fuzz::CampaignOptions;
using fuzz::EngineChoice;
using fuzz::FuzzTarget;

struct FuzzFlags {
	ConfigFlags config;
	std::string target = "differential";
	unsigned jobs = 1;
	std::string time = "0";
	std::string corpus;
	std::string crashes;
	std::string traces;
	std::string engine = "auto";
	std::string fuzzer_dir;
	uint64_t seed = 0;
	size_t max_ops = fuzz::FuzzConfig{}.max_ops;
	std::string check = "every";
	double status_interval = 10;
	double minimize_seconds = 30;
	bool no_merge = false;
	std::string minimize;
	std::string to_trace;
	std::string to_bytes;
	std::string out;
	CLI::App *cmd = nullptr;
};

volatile std::sig_atomic_t g_interrupts = 0;

/* The first Ctrl-C asks the campaign to wind down, the third gives up at once. */
void on_sigint(int)
{
	g_interrupts = g_interrupts + 1;
	if (g_interrupts >= 3)
		_exit(130);
}

[[noreturn]] void bad_input(const std::string &msg)
{
	std::fprintf(stderr, "foliocheck fuzz: error: %s\n", msg.c_str());
	throw ExitStatus{2};
}

/* "8h", "30m", "90s", "1h30m", "45" (seconds) -> seconds; 0 is "no limit". */
double parse_duration(const std::string &s)
{
	double total = 0, num = 0;
	bool have_num = false, any = false;
	double frac = 0;
	for (char c : s) {
		if (c >= '0' && c <= '9') {
			if (frac > 0) {
				num += (c - '0') * frac;
				frac /= 10;
			} else {
				num = num * 10 + (c - '0');
			}
			have_num = true;
		} else if (c == '.' && have_num && frac == 0) {
			frac = 0.1;
		} else if ((c == 'h' || c == 'm' || c == 's' || c == 'd') && have_num) {
			total += num * (c == 'd' ? 86400 : c == 'h' ? 3600 : c == 'm' ? 60 : 1);
			num = 0;
			frac = 0;
			have_num = false;
			any = true;
		} else {
			bad_input("--time " + s + ": expected a duration like 8h, 30m, 90s or 1h30m");
		}
	}
	if (have_num)
		total += num;
	else if (!any)
		bad_input("--time " + s + ": expected a duration like 8h, 30m, 90s or 1h30m");
	return total;
}

/*
 * The campaign's model config: the scope flags, plus what the mutant needs
 * (arch=no_gather, prefault=old) where the command line did not say
 * otherwise, and the fuzz settings.
 */
fuzz::FuzzConfig fuzz_config(const FuzzFlags &f)
{
	fuzz::FuzzConfig fc;
	fc.cfg = f.config.to_config();
	for (const MutantInfo &m : mutant_catalogue()) {
		if (m.mutant != fc.cfg.mutant || m.needs.empty())
			continue;
		ConfigOverrides needs = parse_trace("config " + std::string(m.needs)).config;
		auto given = [&](const char *flag) { return f.cmd && f.cmd->count(flag); };
		if (needs.arch && given("--arch"))
			needs.arch.reset();
		if (needs.prefault && given("--prefault"))
			needs.prefault.reset();
		if (needs.empty()) {
			std::fprintf(stderr, "foliocheck fuzz: note: mutant %s needs %s\n",
				     std::string(m.name).c_str(), std::string(m.needs).c_str());
			continue;
		}
		fc.cfg = needs.apply(fc.cfg);
		std::fprintf(stderr, "foliocheck fuzz: mutant %s: using %s\n",
			     std::string(m.name).c_str(), std::string(m.needs).c_str());
	}
	if (f.max_ops < 1 || f.max_ops > 4096)
		bad_input("--max-ops must be between 1 and 4096");
	fc.max_ops = f.max_ops;
	if (f.check != "every" && f.check != "ends")
		bad_input("--check must be every or ends");
	fc.runner.check_visible_points = f.check == "every";
	return fc;
}

void say(const std::string &s)
{
	std::fprintf(stderr, "%s\n", s.c_str());
	std::fflush(stderr);
}

/* --minimize CRASH: a crash input (or a failing trace) to a trace in corpus/regressions/. */
void run_minimize(const FuzzFlags &f)
{
	fuzz::FuzzConfig fc = fuzz_config(f);
	std::vector<uint8_t> bytes;
	std::string err;
	if (fs::path(f.minimize).extension() == ".trace") {
		try {
			Trace t = parse_trace_file(f.minimize);
			fc.cfg = t.config.apply(fc.cfg);
			bytes = fuzz::encode_trace(t, fc).bytes;
		} catch (const TraceError &e) {
			bad_input(e.what());
		}
	} else if (!fuzz::read_bytes(f.minimize, &bytes, &err)) {
		bad_input(err);
	}
	std::optional<fuzz::CrashTrace> t =
		fuzz::trace_crash(bytes, fc, f.minimize_seconds, f.minimize);
	if (!t) {
		std::printf("fuzz: %s does not fail under %s (give the campaign's scope flags)\n",
			    f.minimize.c_str(), fuzz::campaign_name(fc.cfg).c_str());
		throw ExitStatus{1};
	}
	/* the source tree's corpus/regressions/, wherever foliocheck runs from */
	std::string dir = f.out.empty() ? (fs::path(fuzz::corpus_dir()) / "regressions").string()
					: f.out;
	std::error_code ec;
	fs::create_directories(dir, ec);
	std::string path = (fs::path(dir) / fuzz::crash_trace_name(*t)).string();
	if (!fuzz::write_bytes(path, t->text.data(), t->text.size(), &err))
		bad_input(err);
	std::printf("%s", t->text.c_str());
	std::printf("fuzz: %s: %zu -> %zu statements, written to %s (foliocheck replay %s)\n",
		    t->failure.name().c_str(), t->original_ops, t->trace.ops.size(), path.c_str(),
		    path.c_str());
}

/* --to-trace INPUT / --to-bytes TRACE: the converter, both ways. */
void run_convert(const FuzzFlags &f)
{
	fuzz::FuzzConfig fc = fuzz_config(f);
	std::string err;
	if (!f.to_trace.empty()) {
		std::vector<uint8_t> bytes;
		if (!fuzz::read_bytes(f.to_trace, &bytes, &err))
			bad_input(err);
		fuzz::DecodedInput in = fuzz::run_input(bytes.data(), bytes.size(), fc);
		std::string text = "# decoded from " + f.to_trace + " (" +
				   std::to_string(in.records) + " records)\n";
		if (in.failure)
			text += "# fails: " + in.failure->name() + " at step " +
				std::to_string(in.failure->step + 1) + "\n";
		text += format_trace(fuzz::trace_of(in.ops, fc.cfg));
		if (f.out.empty())
			std::printf("%s", text.c_str());
		else if (!fuzz::write_bytes(f.out, text.data(), text.size(), &err))
			bad_input(err);
		return;
	}
	if (f.out.empty())
		bad_input("--to-bytes needs --out FILE");
	fuzz::EncodedTrace e;
	try {
		Trace t = parse_trace_file(f.to_bytes);
		e = fuzz::encode_trace(t, fc);
	} catch (const TraceError &ex) {
		bad_input(ex.what());
	}
	if (!fuzz::write_bytes(f.out, e.bytes.data(), e.bytes.size(), &err))
		bad_input(err);
	std::printf("fuzz: %zu statements encoded into %s", e.encoded, f.out.c_str());
	if (e.dropped)
		std::printf(", %zu left out (first: %s)", e.dropped, e.first_drop.c_str());
	std::printf("\n");
}

void print_result(const fuzz::CampaignResult &r, const CampaignOptions &o)
{
	size_t fresh = 0;
	for (const auto &c : r.crashes)
		fresh += c.fresh;
	std::printf("fuzz: %s campaign %s after %.0f s: %llu execs, corpus %zu inputs, "
		    "%zu distinct crashes (%zu new)\n",
		    r.engine.c_str(), r.interrupted ? "interrupted" : "done", r.seconds,
		    static_cast<unsigned long long>(r.execs), r.corpus, r.crashes.size(), fresh);
	for (const auto &c : r.crashes) {
		std::string where = c.trace_file.empty()
					    ? (fs::path(o.crash_dir) / c.input).string()
					    : (fs::path(o.crash_dir) / c.trace_file).string();
		std::printf("  %-28s %s (%zu statements)%s\n", c.name.c_str(), where.c_str(),
			    c.trace_ops, c.fresh ? "  [new]" : "");
	}
	if (!r.crashes.empty())
		std::printf("replay one with: foliocheck replay FILE; keep it as a regression with: "
			    "foliocheck fuzz --minimize %s/CRASH-FILE\n",
			    o.crash_dir.c_str());
}

void run_fuzz(FuzzFlags &f)
{
	if (!f.minimize.empty())
		return run_minimize(f);
	if (!f.to_trace.empty() || !f.to_bytes.empty())
		return run_convert(f);

	CampaignOptions o;
	o.fc = fuzz_config(f);
	if (f.target == "differential")
		o.target = FuzzTarget::differential;
	else if (f.target == "trace_parser" || f.target == "parser")
		o.target = FuzzTarget::trace_parser;
	else
		bad_input("--target must be differential or trace_parser");
	if (f.engine == "auto")
		o.engine = EngineChoice::automatic;
	else if (f.engine == "libfuzzer")
		o.engine = EngineChoice::libfuzzer;
	else if (f.engine == "in-process")
		o.engine = EngineChoice::in_process;
	else
		bad_input("--engine must be auto, libfuzzer or in-process");
	if (f.jobs < 1)
		bad_input("--jobs must be at least 1");
	o.jobs = f.jobs;
	o.seconds = parse_duration(f.time);
	o.seed = f.seed;
	const std::string name = o.target == FuzzTarget::differential
					 ? fuzz::campaign_name(o.fc.cfg)
					 : std::string("trace_parser");
	o.corpus_dir = f.corpus.empty() ? "fuzz-corpus/" + name : f.corpus;
	o.crash_dir = f.crashes.empty() ? "fuzz-crashes/" + name : f.crashes;
	o.traces_dir = f.traces.empty() ? fuzz::corpus_dir() : f.traces;
	o.fuzzer_dir = f.fuzzer_dir.empty() ? fuzz::libfuzzer_dir() : f.fuzzer_dir;
	o.status_interval = std::clamp(f.status_interval, 0.5, 10.0);
	o.minimize_seconds = f.minimize_seconds;
	o.merge = !f.no_merge;
	o.say = say;
	o.interrupted = &g_interrupts;

	struct sigaction sa = {}, old_int = {}, old_term = {};
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fuzz::CampaignResult r = fuzz::run_campaign(o);
	sigaction(SIGINT, &old_int, nullptr);
	sigaction(SIGTERM, &old_term, nullptr);

	if (!r.error.empty())
		bad_input(r.error);
	print_result(r, o);
	if (!r.crashes.empty())
		throw ExitStatus{1};
}

void setup_fuzz(CLI::App &app)
{
	static FuzzFlags flags;
	CLI::App *cmd = app.add_subcommand(
		"fuzz", "Differential fuzzing with libFuzzer: both models, every invariant at every "
			"visible point; resumable campaigns, crashes minimized into traces");
	flags.cmd = cmd;
	add_config_flags(cmd, flags.config);
	cmd->add_option("--target", flags.target, "differential or trace_parser")
		->capture_default_str();
	cmd->add_option("--jobs", flags.jobs, "libFuzzer fork-mode jobs (cores)")
		->capture_default_str();
	cmd->add_option("--time", flags.time,
			"How long: 8h, 30m, 90s, 1h30m (default: until Ctrl-C)");
	cmd->add_option("--corpus", flags.corpus,
			"Corpus directory, resumed from (default fuzz-corpus/VARIANT-ARCH-MUTANT)");
	cmd->add_option("--crashes", flags.crashes,
			"Crash directory (default fuzz-crashes/VARIANT-ARCH-MUTANT)");
	cmd->add_option("--traces", flags.traces,
			"Trace corpus the seeds come from (default: the source tree's corpus/)");
	cmd->add_option("--engine", flags.engine,
			"auto (libFuzzer if clang is there), libfuzzer, in-process")
		->capture_default_str();
	cmd->add_option("--fuzzer-dir", flags.fuzzer_dir,
			"Where the clang-built fuzzers are (built there by fuzz/build.sh on "
			"first use; default BUILD/fuzz-clang)");
	cmd->add_option("--seed", flags.seed, "libFuzzer -seed (0: its own)");
	cmd->add_option("--max-ops", flags.max_ops, "Statements per input")
		->capture_default_str();
	cmd->add_option("--check", flags.check,
			"every: invariants at every visible point; ends: after each statement")
		->capture_default_str();
	cmd->add_option("--status-interval", flags.status_interval,
			"Seconds between status lines (at most 10)")
		->capture_default_str();
	cmd->add_option("--minimize-seconds", flags.minimize_seconds,
			"Budget for minimizing each crash")
		->capture_default_str();
	cmd->add_flag("--no-merge", flags.no_merge, "Do not merge the corpus at the end");
	cmd->add_option("--minimize", flags.minimize,
			"Minimize a crash input (or failing trace) into a trace in "
			"corpus/regressions/ (or --out DIR), then exit");
	cmd->add_option("--to-trace", flags.to_trace,
			"Decode a fuzz input into a trace (to stdout or --out FILE), then exit");
	cmd->add_option("--to-bytes", flags.to_bytes,
			"Encode a trace into a fuzz input at --out FILE, then exit");
	cmd->add_option("--out", flags.out, "Output of --minimize (a directory) or of a conversion");
	cmd->callback([] { run_fuzz(flags); });
}

/*
 * hunt - the fuzz MutantHunter: libFuzzer (or the in-process engine) on two
 * cores from the seed corpus without corpus/mutants/, until the first
 * failure or @budget_seconds; in props' hunt scope when given the stock one,
 * whose largest order leaves out the PMD THPs some mutants live in.
 */
MutantHunt hunt(const Config &cfg, double budget_seconds, uint64_t seed)
{
	fuzz::HuntOptions o;
	o.fc.cfg = cfg;
	if (cfg.scope.is_stock())
		o.fc.cfg.scope = props::hunt_scope();
	for (const MutantInfo &m : mutant_catalogue())
		if (m.mutant == cfg.mutant && !m.needs.empty())
			o.fc.cfg = parse_trace("config " + std::string(m.needs)).config.apply(o.fc.cfg);
	o.seconds = budget_seconds > 0 ? budget_seconds : 60;
	o.seed = seed ? seed : 1;
	o.jobs = 2;
	o.traces_dir = fuzz::corpus_dir();
	o.fuzzer_dir = fuzz::libfuzzer_dir();
	o.work_dir = (fs::temp_directory_path() / "foliocheck-fuzz-hunt").string();
	o.say = say;
	if (const char *e = std::getenv("FOLIOCHECK_FUZZ_ENGINE"))
		o.engine = std::string(e) == "in-process" ? EngineChoice::in_process
			   : std::string(e) == "libfuzzer" ? EngineChoice::libfuzzer
							   : EngineChoice::automatic;
	fuzz::HuntResult r = fuzz::hunt_mutant(o);
	MutantHunt h;
	h.killed = r.killed;
	h.tests = r.execs;
	h.seconds = r.seconds;
	h.trace_ops = r.trace_ops;
	h.trace_file = r.trace_file;
	h.note = r.error.empty() ? r.note + " (" + r.engine + ")" : "error: " + r.error;
	return h;
}

} // namespace

FOLIOCHECK_COMMAND(fuzz, setup_fuzz);
FOLIOCHECK_MUTANT_HUNTER(fuzz, hunt);

} // namespace fc::cli
