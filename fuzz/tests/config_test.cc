// SPDX-License-Identifier: GPL-2.0
/*
 * config_test.cc - fuzz campaign settings from flags and the environment,
 * with the trace format's names and checks.
 */
#include "fuzz/fuzz_config.h"
#include "fuzz/libfuzzer.h"
#include "fuzz/record.h"

#include <cstdlib>
#include <gtest/gtest.h>

namespace fc::fuzz {
namespace {

TEST(FuzzConfig, FlagsSetTheModelConfigAndFuzzSettings)
{
	FuzzConfigBuilder b;
	std::string err;
	EXPECT_TRUE(b.add_flag("-foliocheck_variant=unbatched", &err)) << err;
	EXPECT_TRUE(b.add_flag("-foliocheck_arch=no_gather", &err)) << err;
	EXPECT_TRUE(b.add_flag("-foliocheck_mutant=zap_no_folio_get", &err)) << err;
	EXPECT_TRUE(b.add_flag("-foliocheck_pmd_order=4", &err)) << err;
	EXPECT_TRUE(b.add_flag("-foliocheck_max_ops=8", &err)) << err;
	EXPECT_TRUE(b.add_flag("-foliocheck_check=ends", &err)) << err;
	FuzzConfig fc;
	ASSERT_TRUE(b.build(FuzzConfig{}, &fc, &err)) << err;
	EXPECT_EQ(fc.cfg.variant, Variant::unbatched);
	EXPECT_EQ(fc.cfg.arch, Arch::no_gather);
	EXPECT_EQ(fc.cfg.mutant, Mutant::zap_no_folio_get);
	EXPECT_EQ(fc.cfg.scope.pmd_order, 4u);
	EXPECT_EQ(fc.max_ops, 8u);
	EXPECT_EQ(fc.max_len(), 8 * kRecordSize);
	EXPECT_FALSE(fc.runner.check_visible_points);
}

TEST(FuzzConfig, LaterSettingsWinAndLibFuzzerFlagsAreNotOurs)
{
	FuzzConfigBuilder b;
	std::string err;
	EXPECT_FALSE(b.add_flag("-max_len=100", &err));
	EXPECT_TRUE(err.empty());
	EXPECT_TRUE(b.add_flag("-foliocheck_pmd_order=3", &err));
	EXPECT_TRUE(b.add_flag("-foliocheck_pmd_order=5", &err));
	FuzzConfig fc;
	ASSERT_TRUE(b.build(FuzzConfig{}, &fc, &err)) << err;
	EXPECT_EQ(fc.cfg.scope.pmd_order, 5u);
	EXPECT_TRUE(fc.runner.check_visible_points);
}

TEST(FuzzConfig, BadSettingsAreCleanErrors)
{
	std::string err;
	{
		FuzzConfigBuilder b;
		EXPECT_FALSE(b.add_flag("-foliocheck_colour=red", &err));
		EXPECT_NE(err.find("colour"), std::string::npos);
	}
	{
		FuzzConfigBuilder b;
		EXPECT_FALSE(b.add_flag("-foliocheck_variant", &err));
		EXPECT_NE(err.find("KEY=VALUE"), std::string::npos);
	}
	for (const char *bad : {"-foliocheck_variant=v7", "-foliocheck_pmd_order=0",
				"-foliocheck_max_ops=0", "-foliocheck_check=sometimes",
				"-foliocheck_mutant=nope"}) {
		FuzzConfigBuilder b;
		ASSERT_TRUE(b.add_flag(bad, &err)) << bad;
		FuzzConfig fc;
		EXPECT_FALSE(b.build(FuzzConfig{}, &fc, &err)) << bad;
		EXPECT_FALSE(err.empty()) << bad;
	}
}

TEST(FuzzConfig, EnvironmentAndBackAgain)
{
	FuzzConfig fc;
	fc.cfg.variant = Variant::unbatched;
	fc.cfg.arch = Arch::no_gather;
	fc.cfg.prefault = Prefault::old;
	fc.cfg.scope.max_order = 2;
	fc.max_ops = 5;
	std::vector<std::string> env = env_of(fc);
	for (const std::string &e : env) {
		size_t eq = e.find('=');
		setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
	}
	FuzzConfigBuilder b;
	std::string err;
	ASSERT_TRUE(b.add_env(&err)) << err;
	FuzzConfig back;
	ASSERT_TRUE(b.build(FuzzConfig{}, &back, &err)) << err;
	for (const std::string &e : env)
		unsetenv(e.substr(0, e.find('=')).c_str());
	EXPECT_EQ(back.cfg.variant, Variant::unbatched);
	EXPECT_EQ(back.cfg.arch, Arch::no_gather);
	EXPECT_EQ(back.cfg.prefault, Prefault::old);
	EXPECT_EQ(back.cfg.scope.max_order, 2u);
	EXPECT_EQ(back.max_ops, 5u);
	EXPECT_EQ(campaign_name(back.cfg), campaign_name(fc.cfg));
	EXPECT_EQ(campaign_name(Config{}), "v6_12-gather-none");
	/* the config line that replays a decoded trace carries prefault=old */
	EXPECT_EQ(overrides_of(fc.cfg).apply(Config{}).prefault, Prefault::old);
	EXPECT_NE(campaign_name(fc.cfg).find("prefault_old"), std::string::npos);
}

TEST(LibFuzzerLines, SingleProcessAndForkMode)
{
	LibFuzzerStats s;
	EXPECT_TRUE(parse_libfuzzer_line(
		"#262144\tpulse  cov: 1234 ft: 5678 corp: 90/2345b lim: 96 exec/s: 13107 rss: 45Mb", &s));
	EXPECT_EQ(s.execs, 262144u);
	EXPECT_EQ(s.cov, 1234u);
	EXPECT_EQ(s.ft, 5678u);
	EXPECT_EQ(s.corpus, 90u);
	EXPECT_EQ(s.exec_per_s, 13107u);
	/* fork mode, as libFuzzer 14 prints it: "exec/s 45", no colon */
	EXPECT_TRUE(parse_libfuzzer_line("#1000123: cov: 2000 ft: 6000 corp: 120 exec/s 5000 "
					 "oom/timeout/crash: 1/2/3 time: 200s job: 7 dft_time: 0",
					 &s));
	EXPECT_EQ(s.execs, 1000123u);
	EXPECT_EQ(s.cov, 2000u);
	EXPECT_EQ(s.corpus, 120u);
	EXPECT_EQ(s.exec_per_s, 5000u);
	EXPECT_EQ(s.crashes, 6u);
	EXPECT_FALSE(parse_libfuzzer_line("INFO: Seed: 1234", &s));
	EXPECT_FALSE(parse_libfuzzer_line("# comment", &s));
	/* a crashed job's log copied into the output is not the campaign's progress */
	EXPECT_FALSE(parse_libfuzzer_line("#1\tpulse  cov: 337 ft: 338 exec/s: 0 rss: 34Mb", &s));
	EXPECT_EQ(s.execs, 1000123u);
	EXPECT_EQ(s.cov, 2000u);
}

} // namespace
} // namespace fc::fuzz
