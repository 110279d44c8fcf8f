// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config.h - the configuration of a fuzz campaign, so one fuzz binary
 * serves every campaign: the model config (variant, arch, mutant, scope)
 * and how much of an input to decode.
 *
 * It comes from the environment (FOLIOCHECK_VARIANT=mm_id ...) and from
 * libFuzzer-style flags (-foliocheck_variant=mm_id ...), flags winning:
 *
 *   variant arch mutant prefault pmd_order max_order procs space
 *                     the keys of a trace's `config` line, with its meaning
 *                     and its checks (they are parsed as one)
 *   max_ops           records decoded per input (default 32)
 *   check             every: invariants at every visible point (default);
 *                     ends: only at the end of each statement
 *
 * The environment names are FOLIOCHECK_ and the key in upper case.
 */
#pragma once

#include "model/check/runner.h"

#include <string>
#include <string_view>
#include <vector>

namespace fc::fuzz {

struct FuzzConfig {
	Config cfg;
	size_t max_ops = 32;
	RunnerOptions runner;  /* check_visible_points stays true unless check=ends */

	/* The largest input worth decoding: max_ops whole records. */
	size_t max_len() const;
};

/* The keys, in the order they are documented and printed. */
const std::vector<std::string_view> &fuzz_config_keys();

/*
 * class FuzzConfigBuilder - collects key=value settings (later ones win) and
 * builds the FuzzConfig, with a clean error for an unknown key or value.
 */
class FuzzConfigBuilder {
public:
	/* set - @key one of fuzz_config_keys(); false and @err if not. */
	bool set(std::string_view key, std::string_view value, std::string *err);
	/* add_env - every FOLIOCHECK_<KEY> variable that is set. */
	bool add_env(std::string *err);
	/*
	 * add_flag - @arg of the form -foliocheck_KEY=VALUE: true and set (or
	 * false with @err on a bad value); any other @arg: false, @err empty.
	 */
	bool add_flag(std::string_view arg, std::string *err);
	/* build - the FuzzConfig on top of @base; false and @err on a bad value. */
	bool build(const FuzzConfig &base, FuzzConfig *out, std::string *err) const;

private:
	std::vector<std::pair<std::string, std::string>> settings_;
};

/* The config line that replays a decoded trace exactly under @fc. */
ConfigOverrides overrides_of(const Config &cfg);

/* "FOLIOCHECK_KEY=VALUE" for every key, to hand @fc to a child process. */
std::vector<std::string> env_of(const FuzzConfig &fc);

/* "variant-arch-mutant", e.g. "v6_12-gather-none": the campaign's directory name. */
std::string campaign_name(const Config &cfg);

} // namespace fc::fuzz
