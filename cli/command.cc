// SPDX-License-Identifier: GPL-2.0
/*
 * command.cc - the registries behind FOLIOCHECK_COMMAND and
 * FOLIOCHECK_MUTANT_HUNTER, and the scope flags every engine shares.
 *
 * Registrars run during static initialisation, in whatever order the linker
 * chose, so each registry is a function-local static (constructed on first
 * use) and every listing is sorted by name.
 */
#include "cli/command.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace fc::cli {

namespace {

std::map<std::string, CommandSetup> &command_registry()
{
	static std::map<std::string, CommandSetup> commands;
	return commands;
}

std::map<std::string, MutantHunter> &hunter_registry()
{
	static std::map<std::string, MutantHunter> hunters;
	return hunters;
}

/* The names a parse_*() accepts, for "unknown X 'y' (known: ...)" errors. */
template <typename T, typename NameFn>
std::string known_names(const std::vector<T> &values, NameFn name)
{
	std::string s;
	for (const T &v : values) {
		if (!s.empty())
			s += ", ";
		s += name(v);
	}
	return s;
}

[[noreturn]] void bad_flag(const std::string &msg)
{
	std::fprintf(stderr, "foliocheck: error: %s\n", msg.c_str());
	throw ExitStatus{2};
}

} // namespace

CommandRegistrar::CommandRegistrar(const char *name, CommandSetup setup)
{
	command_registry()[name] = setup;
}

std::vector<std::pair<std::string, CommandSetup>> registered_commands()
{
	const auto &reg = command_registry();
	return {reg.begin(), reg.end()};
}

MutantHunterRegistrar::MutantHunterRegistrar(const char *engine, MutantHunter hunter)
{
	hunter_registry()[engine] = hunter;
}

MutantHunter find_mutant_hunter(const std::string &engine)
{
	const auto &reg = hunter_registry();
	auto it = reg.find(engine);
	return it == reg.end() ? nullptr : it->second;
}

std::vector<std::string> mutant_hunter_engines()
{
	std::vector<std::string> names;
	for (const auto &[name, hunter] : hunter_registry())
		names.push_back(name);
	return names;
}

/*
 * to_config - the flags as a Config. Unknown names and impossible scopes are
 * bad input (exit 2). --max-order is the largest folio order (SPEC), clamped
 * to --pmd-order: the largest folio is the PMD-mapped THP, so a small
 * --pmd-order alone scales the whole world down, PMD THPs included.
 */
Config ConfigFlags::to_config() const
{
	Config cfg;

	auto v = parse_variant(variant);
	if (!v)
		bad_flag("unknown variant '" + variant + "' (known: " +
			 known_names(std::vector<Variant>{Variant::v6_8, Variant::v6_12,
							  Variant::mm_id, Variant::tuple,
							  Variant::unbatched},
				     [](Variant x) { return std::string(variant_name(x)); }) +
			 ")");
	if (v && !variant_is_modelled(*v))
		bad_flag("variant '" + variant +
			 "' is named by SPEC but not modelled yet (modelled: v6_12, unbatched)");
	auto a = parse_arch(arch);
	if (!a)
		bad_flag("unknown arch '" + arch + "' (known: gather, no_gather)");
	auto pf = parse_prefault(prefault);
	if (!pf)
		bad_flag("unknown prefault '" + prefault + "' (known: young, old)");
	auto m = parse_mutant(mutant);
	if (!m) {
		std::vector<Mutant> all{Mutant::none};
		for (const MutantInfo &mi : mutant_catalogue())
			all.push_back(mi.mutant);
		bad_flag("unknown mutant '" + mutant + "' (known: " +
			 known_names(all, [](Mutant x) { return std::string(mutant_name(x)); }) +
			 ")");
	}
	if (pmd_order < 1 || pmd_order > 12)
		bad_flag("--pmd-order must be between 1 and 12, not " + std::to_string(pmd_order));
	if (procs < 1)
		bad_flag("--procs must be at least 1");

	cfg.variant = *v;
	cfg.arch = *a;
	cfg.mutant = *m;
	cfg.scope.pmd_order = pmd_order;
	cfg.scope.max_order = std::min(max_order, pmd_order);
	cfg.scope.max_procs = procs;
	cfg.scope.space = space;
	cfg.prefault = *pf;
	return cfg;
}

void add_config_flags(CLI::App *cmd, ConfigFlags &flags)
{
	const char *group = "Scope";
	cmd->add_option("--variant", flags.variant,
			"accounting variant: v6_12 or unbatched (SPEC also names v6_8, mm_id, tuple: not modelled yet)")
		->capture_default_str()
		->group(group);
	cmd->add_option("--arch", flags.arch, "gather or no_gather (MMU_GATHER_NO_GATHER)")
		->capture_default_str()
		->group(group);
	cmd->add_option("--mutant", flags.mutant,
			"a deliberately wrong kernel model ('foliocheck mutants --list')")
		->capture_default_str()
		->group(group);
	cmd->add_option("--pmd-order", flags.pmd_order, "pages per PMD = 1 << N")
		->capture_default_str()
		->group(group);
	cmd->add_option("--max-order", flags.max_order,
			"largest folio order (SPEC): PTE-mapped faults take orders up to min(K, "
			"--pmd-order - 1), and PMD-mapped THPs (order --pmd-order) come only when "
			"K >= --pmd-order: none in the stock scope, --max-order 9 adds them")
		->capture_default_str()
		->group(group);
	cmd->add_option("--procs", flags.procs, "processes alive at once (generators)")
		->capture_default_str()
		->group(group);
	cmd->add_option("--space", flags.space, "address-space size in pages (0: 4 PMDs)")
		->capture_default_str()
		->group(group);
	cmd->add_option("--prefault", flags.prefault,
			"young or old: PTEs fault-around prefaults (arch_wants_old_prefaulted_pte())")
		->capture_default_str()
		->group(group);
}

} // namespace fc::cli
