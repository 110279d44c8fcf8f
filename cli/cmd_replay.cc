// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_replay.cc - `foliocheck replay TRACE`: run a trace on both models and
 * show, step by step, what changed in the kernel model, every expect, every
 * broken invariant and where the models disagree.
 *
 * Every engine reports a counterexample as a trace; this is the command that
 * reproduces it, so its exit status is the verdict: 0 every check held, 1 an
 * expect failed, an invariant broke or the models diverged, 2 bad input.
 */
#include "cli/command.h"
#include "cli/report.h"

#include <cstdio>

namespace fc::cli {

namespace {

struct ReplayFlags {
	ConfigFlags config;
	std::string trace;
	bool json = false;
	bool quiet = false;
};

/*
 * override_notes - a flag given on the command line that the trace's config
 * lines set to something else: the trace wins (it is the counterexample as
 * found), and the user is told.
 */
std::vector<std::string> override_notes(const CLI::App &cmd, const ConfigOverrides &t,
					const Config &flags)
{
	std::vector<std::string> notes;
	auto given = [&](const char *flag) { return cmd.get_option(flag)->count() > 0; };
	auto note = [&](const char *key, const std::string &trace_value, const char *flag,
			const std::string &flag_value) {
		if (given(flag) && trace_value != flag_value)
			notes.push_back("the trace sets " + std::string(key) + "=" + trace_value +
					", which overrides " + flag + " " + flag_value);
	};
	if (t.variant)
		note("variant", std::string(variant_name(*t.variant)), "--variant",
		     std::string(variant_name(flags.variant)));
	if (t.arch)
		note("arch", std::string(arch_name(*t.arch)), "--arch",
		     std::string(arch_name(flags.arch)));
	if (t.mutant)
		note("mutant", std::string(mutant_name(*t.mutant)), "--mutant",
		     std::string(mutant_name(flags.mutant)));
	if (t.pmd_order)
		note("pmd_order", std::to_string(*t.pmd_order), "--pmd-order",
		     std::to_string(flags.scope.pmd_order));
	if (t.max_order)
		note("max_order", std::to_string(*t.max_order), "--max-order",
		     std::to_string(flags.scope.max_order));
	if (t.max_procs)
		note("max_procs", std::to_string(*t.max_procs), "--procs",
		     std::to_string(flags.scope.max_procs));
	if (t.space)
		note("space", std::to_string(*t.space), "--space", std::to_string(flags.scope.space));
	return notes;
}

void finish(const ReplayReport &rep, const ReplayFlags &f)
{
	if (f.json)
		print_report_json(rep, stdout);
	else
		print_report(rep, stdout, f.quiet);
	std::fflush(stdout);
	if (rep.error)
		std::fprintf(stderr, "%s\n", rep.error->rendered.c_str());
	if (int code = rep.exit_code())
		throw ExitStatus{code};
}

void run_replay(const CLI::App &cmd, const ReplayFlags &f)
{
	const Config base = f.config.to_config();
	Trace trace;
	try {
		trace = parse_trace_file(f.trace);
	} catch (const TraceError &e) {
		ReplayReport rep = replay_error(e);
		rep.config = base;
		if (f.json)
			print_report_json(rep, stdout);
		std::fflush(stdout);
		std::fprintf(stderr, "%s\n", e.what());
		throw ExitStatus{2};
	}

	ReplayReport rep = replay_trace(f.trace, trace, trace.config.apply(base));
	rep.notes = override_notes(cmd, trace.config, base);
	finish(rep, f);
}

void setup_replay(CLI::App &app)
{
	static ReplayFlags flags;
	CLI::App *cmd = app.add_subcommand(
		"replay",
		"Run a trace on both models: print each step's changes, expects, invariant "
		"violations and divergences, then a folio summary. Exit 0 if every check "
		"held, 1 if one failed, 2 on bad input.");
	cmd->add_option("TRACE", flags.trace, "trace file (format: SPEC.md, docs/semantics.md)")
		->required();
	add_config_flags(cmd, flags.config);
	cmd->add_flag("--json", flags.json, "print one JSON object instead of text");
	cmd->add_flag("--quiet", flags.quiet,
		      "print only failing steps and the result line");
	cmd->footer("Precedence: the trace's `config key=value` lines override the scope flags "
		    "(a trace is a counterexample as it was found). A flag given explicitly that "
		    "the trace sets to a different value is overridden, and a note says so.");
	cmd->callback([cmd] { run_replay(*cmd, flags); });
}

} // namespace

FOLIOCHECK_COMMAND(replay, setup_replay);

} // namespace fc::cli
