// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_mutants.cc - `foliocheck mutants`: the mutant catalogue, and how well
 * an engine kills it. A mutant is a deliberately wrong kernel model; an
 * engine that lets one survive has a blind spot.
 *
 * Also the `corpus` MutantHunter: the hand-written traces in corpus/mutants/
 * that demonstrate each mutant being caught.
 */
#include "cli/command.h"
#include "model/check/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fc::cli {

namespace {

namespace fs = std::filesystem;

struct MutantsFlags {
	ConfigFlags config;
	bool list = false;
	std::string engine;
	double seconds = 10;
	uint64_t seed = 1;
	std::string only;
};

/* The config a catalogue mutant needs ("arch=no_gather"), applied over @cfg. */
Config with_needs(Config cfg, const MutantInfo &mi)
{
	cfg.mutant = mi.mutant;
	if (!mi.needs.empty())
		cfg = parse_trace("config " + std::string(mi.needs), "<mutant catalogue>")
			      .config.apply(cfg);
	return cfg;
}

void list_mutants()
{
	size_t w = 0;
	for (const MutantInfo &mi : mutant_catalogue())
		w = std::max(w, mi.name.size());
	for (const MutantInfo &mi : mutant_catalogue()) {
		std::string line = std::string(mi.name) + std::string(w - mi.name.size() + 2, ' ') +
				   std::string(mi.breaks);
		if (!mi.needs.empty())
			line += " (needs " + std::string(mi.needs) + ")";
		std::printf("%s\n", line.c_str());
	}
}

std::string engines_list()
{
	std::string s;
	for (const std::string &e : mutant_hunter_engines())
		s += (s.empty() ? "" : ", ") + e;
	return s;
}

void print_table(const std::vector<std::vector<std::string>> &rows)
{
	std::vector<size_t> w;
	for (const auto &r : rows)
		for (size_t c = 0; c < r.size(); c++) {
			if (w.size() <= c)
				w.push_back(0);
			w[c] = std::max(w[c], r[c].size());
		}
	for (size_t i = 0; i < rows.size(); i++) {
		std::string line;
		for (size_t c = 0; c < rows[i].size(); c++) {
			line += rows[i][c];
			if (c + 1 < rows[i].size())
				line += std::string(w[c] - rows[i][c].size(), ' ') + " | ";
		}
		std::printf("%s\n", line.c_str());
		if (i == 0) {
			std::string rule;
			for (size_t c = 0; c < w.size(); c++)
				rule += std::string(w[c], '-') + (c + 1 < w.size() ? "-+-" : "");
			std::printf("%s\n", rule.c_str());
		}
	}
}

void hunt_mutants(const CLI::App &cmd, const MutantsFlags &f)
{
	if (f.list) {
		list_mutants();
		return;
	}
	if (f.engine.empty()) {
		std::fprintf(stderr, "foliocheck mutants: error: give --list or --engine E "
				     "(engines: %s)\n",
			     engines_list().c_str());
		throw ExitStatus{2};
	}
	MutantHunter hunter = find_mutant_hunter(f.engine);
	if (!hunter) {
		std::fprintf(stderr, "foliocheck mutants: error: no engine '%s' (engines: %s)\n",
			     f.engine.c_str(), engines_list().c_str());
		throw ExitStatus{2};
	}
	if (cmd.get_option("--mutant")->count()) {
		std::fprintf(stderr, "foliocheck mutants: error: the mutant comes from the "
				     "catalogue; use --only NAME\n");
		throw ExitStatus{2};
	}
	if (!f.only.empty() && !parse_mutant(f.only)) {
		std::fprintf(stderr, "foliocheck mutants: error: no mutant '%s' (see --list)\n",
			     f.only.c_str());
		throw ExitStatus{2};
	}
	const Config base = f.config.to_config();

	std::vector<std::vector<std::string>> rows{
		{"mutant", "result", "tests", "seconds", "trace ops", "note / trace file"}};
	unsigned survived = 0, hunted = 0;
	for (const MutantInfo &mi : mutant_catalogue()) {
		if (!f.only.empty() && mi.name != f.only)
			continue;
		hunted++;
		std::fprintf(stderr, "mutants: %s: hunting %s ...\n", f.engine.c_str(),
			     std::string(mi.name).c_str());
		MutantHunt h = hunter(with_needs(base, mi), f.seconds, f.seed);
		survived += !h.killed;
		char secs[32];
		std::snprintf(secs, sizeof(secs), "%.2f", h.seconds);
		std::string note = h.note;
		if (!h.trace_file.empty())
			note += (note.empty() ? "" : " / ") + h.trace_file;
		rows.push_back({std::string(mi.name), h.killed ? "killed" : "survived",
				std::to_string(h.tests), secs,
				h.killed ? std::to_string(h.trace_ops) : "-", note});
	}
	print_table(rows);
	std::printf("%s: %u of %u mutants killed\n", f.engine.c_str(), hunted - survived, hunted);
	if (survived)
		throw ExitStatus{1};
}

/* ------------------------------------------------- the corpus engine -- */

/*
 * corpus_dir - where corpus/ is: $FOLIOCHECK_CORPUS if set, else the source
 * tree the binary was built from, else ./corpus.
 */
fs::path corpus_dir()
{
	if (const char *env = std::getenv("FOLIOCHECK_CORPUS"))
		return env;
#ifdef FOLIOCHECK_SOURCE_DIR
	if (fs::is_directory(fs::path(FOLIOCHECK_SOURCE_DIR) / "corpus"))
		return fs::path(FOLIOCHECK_SOURCE_DIR) / "corpus";
#endif
	return "corpus";
}

/* The first failure a run reports, for the note column. */
std::string first_failure(const Runner &r)
{
	if (!r.violations().empty())
		return std::string(invariant_name(r.violations().front().invariant)) + " at step " +
		       std::to_string(r.violations().front().step + 1);
	if (r.divergence() && !r.divergence()->differences.empty())
		return "divergence at step " + std::to_string(r.divergence()->step + 1) + ": " +
		       r.divergence()->differences.front().observable;
	if (!r.expect_failures().empty())
		return r.expect_failures().front().detail;
	return "";
}

/*
 * hunt_with_corpus - replay every trace of corpus/mutants/ whose config names
 * the mutant; killed if one fails as `foliocheck replay` would fail it
 * (exit 1: an expect, an invariant, a divergence). A trace that is rejected
 * or does not parse kills nothing.
 */
MutantHunt hunt_with_corpus(const Config &cfg, double budget_seconds, uint64_t seed)
{
	const auto t0 = std::chrono::steady_clock::now();
	MutantHunt h;
	std::vector<fs::path> traces;
	std::error_code ec;
	for (const auto &e : fs::directory_iterator(corpus_dir() / "mutants", ec))
		if (e.path().extension() == ".trace")
			traces.push_back(e.path());
	std::sort(traces.begin(), traces.end());

	std::string skipped;
	for (const fs::path &p : traces) {
		Trace t;
		try {
			t = parse_trace_file(p.string());
		} catch (const TraceError &) {
			continue;
		}
		if (t.config.mutant != cfg.mutant)
			continue;
		h.tests++;
		TraceRun run = run_trace(t, cfg);
		if (run.rejected_at) {
			skipped = p.filename().string() + " rejected at step " +
				  std::to_string(*run.rejected_at + 1);
			continue;
		}
		if (run.runner.failed()) {
			h.killed = true;
			h.trace_ops = t.ops.size();
			h.trace_file = p.string();
			h.note = first_failure(run.runner);
			break;
		}
	}
	if (!h.killed)
		h.note = h.tests ? (skipped.empty() ? "every trace naming it passes" : skipped)
				 : "no trace in " + (corpus_dir() / "mutants").string() +
					   " names it";
	h.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	return h;
}

void setup_mutants(CLI::App &app)
{
	static MutantsFlags flags;
	CLI::App *cmd = app.add_subcommand(
		"mutants",
		"The mutant catalogue (--list), or hunt every mutant with one engine "
		"(--engine E) and tabulate which it killed. Exit 1 if one survived.");
	cmd->add_flag("--list", flags.list, "list the catalogue: name, what it breaks, the config it needs");
	cmd->add_option("--engine", flags.engine, "engine to hunt with: " + engines_list());
	cmd->add_option("--seconds", flags.seconds, "budget per mutant")->capture_default_str();
	cmd->add_option("--seed", flags.seed, "seed, for engines that draw")->capture_default_str();
	cmd->add_option("--only", flags.only, "hunt this mutant only");
	add_config_flags(cmd, flags.config);
	cmd->callback([cmd] { hunt_mutants(*cmd, flags); });
}

} // namespace

FOLIOCHECK_COMMAND(mutants, setup_mutants);
FOLIOCHECK_MUTANT_HUNTER(corpus, hunt_with_corpus);

} // namespace fc::cli
