// SPDX-License-Identifier: GPL-2.0
/*
 * main.cc - the `foliocheck` command: one CLI11 app with every registered
 * subcommand (cli/command.h).
 *
 * Exit status, for every subcommand: 0 all checks held, 1 a check failed
 * (a violation, a divergence, a failed expect, a surviving mutant), 2 bad
 * input (unreadable or malformed trace, unknown name, bad flag), 3 an
 * internal error (an exception no command expected: a bug in foliocheck),
 * 130 interrupted by Ctrl-C (long runs save their work first: check, fuzz,
 * explore).
 */
#include "cli/command.h"

#include <cstdio>
#include <exception>

int main(int argc, char **argv)
{
	CLI::App app{"foliocheck: model checker and differential fuzzer for the Linux kernel's "
		     "large-folio accounting (refcount, mapcounts, PageAnonExclusive, pins, "
		     "deferred split queue)",
		     "foliocheck"};
	app.require_subcommand(1);
	app.footer("Exit status: 0 every check held, 1 a check failed, 2 bad input, 3 internal error, "
		   "130 interrupted (Ctrl-C; long runs save their work first).");
	for (const auto &[name, setup] : fc::cli::registered_commands())
		setup(app);

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		/* --help and --version are "errors" with exit code 0. */
		int code = app.exit(e);
		return code == 0 ? 0 : 2;
	} catch (const fc::cli::ExitStatus &s) {
		return s.code;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "foliocheck: internal error: %s\n", e.what());
		return 3;
	}
	return 0;
}
