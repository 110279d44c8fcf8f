// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config.cc - fuzz campaign configuration from the environment and
 * -foliocheck_* flags.
 */
#include "fuzz/fuzz_config.h"

#include "fuzz/record.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace fc::fuzz {

namespace {

/* Keys a trace's config line understands; the trace parser checks them. */
constexpr std::string_view kModelKeys[] = {
	"variant", "arch", "mutant", "prefault", "pmd_order", "max_order", "procs", "space",
};
constexpr size_t kMaxOpsLimit = 4096;

std::string upper(std::string_view s)
{
	std::string u(s);
	for (char &c : u)
		c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
	return u;
}

} // namespace

size_t FuzzConfig::max_len() const
{
	return max_ops * kRecordSize;
}

const std::vector<std::string_view> &fuzz_config_keys()
{
	static const std::vector<std::string_view> keys = [] {
		std::vector<std::string_view> k(std::begin(kModelKeys), std::end(kModelKeys));
		k.push_back("max_ops");
		k.push_back("check");
		return k;
	}();
	return keys;
}

bool FuzzConfigBuilder::set(std::string_view key, std::string_view value, std::string *err)
{
	const auto &keys = fuzz_config_keys();
	if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
		*err = "unknown foliocheck fuzz setting '" + std::string(key) + "'";
		return false;
	}
	settings_.emplace_back(std::string(key), std::string(value));
	return true;
}

bool FuzzConfigBuilder::add_env(std::string *err)
{
	for (std::string_view key : fuzz_config_keys()) {
		const char *v = std::getenv(("FOLIOCHECK_" + upper(key)).c_str());
		if (v && *v && !set(key, v, err))
			return false;
	}
	return true;
}

bool FuzzConfigBuilder::add_flag(std::string_view arg, std::string *err)
{
	err->clear();
	constexpr std::string_view prefix = "-foliocheck_";
	if (arg.substr(0, prefix.size()) != prefix)
		return false;
	arg.remove_prefix(prefix.size());
	size_t eq = arg.find('=');
	if (eq == std::string_view::npos) {
		*err = "-foliocheck_" + std::string(arg) + ": expected -foliocheck_KEY=VALUE";
		return false;
	}
	return set(arg.substr(0, eq), arg.substr(eq + 1), err);
}

bool FuzzConfigBuilder::build(const FuzzConfig &base, FuzzConfig *out, std::string *err) const
{
	FuzzConfig fc = base;
	for (const auto &[key, value] : settings_) {
		if (key == "max_ops") {
			size_t n = 0;
			auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
			if (ec != std::errc() || p != value.data() + value.size() || n == 0 ||
			    n > kMaxOpsLimit) {
				*err = "max_ops=" + value + ": expected a number from 1 to " +
				       std::to_string(kMaxOpsLimit);
				return false;
			}
			fc.max_ops = n;
		} else if (key == "check") {
			if (value != "every" && value != "ends") {
				*err = "check=" + value + ": expected every or ends";
				return false;
			}
			fc.runner.check_visible_points = value == "every";
		}
	}
	/*
	 * The model keys go through the trace parser as one config line: same
	 * names, same ranges, same messages as `config` in a trace. A key set
	 * twice is an error there, so keep only the last of each.
	 */
	std::string dedup = "config";
	for (std::string_view key : kModelKeys) {
		for (auto it = settings_.rbegin(); it != settings_.rend(); ++it) {
			if (it->first == key) {
				dedup += " " + it->first + "=" + it->second;
				break;
			}
		}
	}
	if (dedup != "config") {
		try {
			fc.cfg = parse_trace(dedup, "foliocheck fuzz settings").config.apply(fc.cfg);
		} catch (const TraceError &e) {
			*err = e.message() + " (in: " + dedup.substr(7) + ")";
			return false;
		}
	}
	*out = fc;
	return true;
}

ConfigOverrides overrides_of(const Config &cfg)
{
	ConfigOverrides o;
	const Config dflt;
	o.variant = cfg.variant;
	o.arch = cfg.arch;
	if (cfg.mutant != Mutant::none)
		o.mutant = cfg.mutant;
	if (cfg.prefault != dflt.prefault)
		o.prefault = cfg.prefault;
	if (cfg.scope.pmd_order != dflt.scope.pmd_order)
		o.pmd_order = cfg.scope.pmd_order;
	if (cfg.scope.max_order != dflt.scope.max_order)
		o.max_order = cfg.scope.max_order;
	if (cfg.scope.max_procs != dflt.scope.max_procs)
		o.max_procs = cfg.scope.max_procs;
	if (cfg.scope.space != dflt.scope.space)
		o.space = cfg.scope.space;
	return o;
}

std::vector<std::string> env_of(const FuzzConfig &fc)
{
	const Config &c = fc.cfg;
	return {
		"FOLIOCHECK_VARIANT=" + std::string(variant_name(c.variant)),
		"FOLIOCHECK_ARCH=" + std::string(arch_name(c.arch)),
		"FOLIOCHECK_MUTANT=" + std::string(mutant_name(c.mutant)),
		"FOLIOCHECK_PREFAULT=" + std::string(prefault_name(c.prefault)),
		"FOLIOCHECK_PMD_ORDER=" + std::to_string(c.scope.pmd_order),
		"FOLIOCHECK_MAX_ORDER=" + std::to_string(c.scope.max_order),
		"FOLIOCHECK_PROCS=" + std::to_string(c.scope.max_procs),
		"FOLIOCHECK_SPACE=" + std::to_string(c.scope.space),
		"FOLIOCHECK_MAX_OPS=" + std::to_string(fc.max_ops),
		std::string("FOLIOCHECK_CHECK=") + (fc.runner.check_visible_points ? "every" : "ends"),
	};
}

std::string campaign_name(const Config &cfg)
{
	std::string name = std::string(variant_name(cfg.variant)) + "-" +
			   std::string(arch_name(cfg.arch)) + "-" +
			   std::string(mutant_name(cfg.mutant));
	/* prefault=old means other inputs mean other runs: a corpus of its own */
	if (cfg.prefault != Config{}.prefault)
		name += "-prefault_" + std::string(prefault_name(cfg.prefault));
	const Scope dflt;
	const Scope &sc = cfg.scope;
	if (sc.pmd_order != dflt.pmd_order || sc.max_order != dflt.max_order ||
	    sc.max_procs != dflt.max_procs || sc.space != dflt.space)
		name += "-pmd" + std::to_string(sc.pmd_order) + "-order" +
			std::to_string(sc.max_order) + "-procs" + std::to_string(sc.max_procs) +
			"-space" + std::to_string(sc.space);
	return name;
}

} // namespace fc::fuzz
