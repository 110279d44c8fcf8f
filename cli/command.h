// SPDX-License-Identifier: GPL-2.0
/*
 * command.h - how a subcommand of `foliocheck` plugs into the command line.
 *
 * Each cli/cmd_*.cc file registers its subcommand with FOLIOCHECK_COMMAND;
 * main.cc adds every registered command to the CLI11 app. An engine that can
 * hunt mutants registers a MutantHunter, which `foliocheck mutants --engine
 * NAME` runs over the catalogue.
 *
 * Exit status: a command returns normally for 0 and throws ExitStatus for
 * anything else (1: a check failed, 2: bad input).
 */
#pragma once

#include "model/types.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fc::cli {

struct ExitStatus {
	int code;
};

using CommandSetup = void (*)(CLI::App &app);

struct CommandRegistrar {
	CommandRegistrar(const char *name, CommandSetup setup);
};

#define FOLIOCHECK_COMMAND(name, setup) \
	static ::fc::cli::CommandRegistrar foliocheck_command_##name(#name, setup)

/* Registered commands, in name order. */
std::vector<std::pair<std::string, CommandSetup>> registered_commands();

/*
 * struct ConfigFlags - the scope flags every engine takes (SPEC: "Every engine
 * takes the same scope flags"): --variant --arch --mutant --pmd-order
 * --max-order --procs --space --prefault. to_config() turns them into a Config, with a
 * clean error (ExitStatus{2}) for unknown names.
 */
struct ConfigFlags {
	std::string variant = "v6_12";
	std::string arch = "gather";
	std::string mutant = "none";
	unsigned pmd_order = 9;
	unsigned max_order = 4;
	unsigned procs = 4;
	uint64_t space = 0;
	std::string prefault = "young";

	Config to_config() const;
};

/* Adds the scope flags to @cmd, bound to @flags. */
void add_config_flags(CLI::App *cmd, ConfigFlags &flags);

/* What one engine found when it hunted one mutant. */
struct MutantHunt {
	bool killed = false;
	uint64_t tests = 0;        /* test cases / execs / states until the kill (or in all) */
	double seconds = 0;
	size_t trace_ops = 0;      /* length of the (shrunk) counterexample */
	std::string trace_file;    /* where the counterexample was written, or "" */
	std::string note;          /* invariant or divergence that killed it */
};

/* Hunt the mutant in @cfg.mutant within @budget_seconds, reproducibly from @seed. */
using MutantHunter = MutantHunt (*)(const Config &cfg, double budget_seconds, uint64_t seed);

struct MutantHunterRegistrar {
	MutantHunterRegistrar(const char *engine, MutantHunter hunter);
};

#define FOLIOCHECK_MUTANT_HUNTER(engine, hunter) \
	static ::fc::cli::MutantHunterRegistrar foliocheck_hunter_##engine(#engine, hunter)

/* The hunter registered for @engine, or nullptr. */
MutantHunter find_mutant_hunter(const std::string &engine);
std::vector<std::string> mutant_hunter_engines();

} // namespace fc::cli
