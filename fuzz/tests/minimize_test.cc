// SPDX-License-Identifier: GPL-2.0
/*
 * minimize_test.cc - delta debugging keeps the failure and drops the rest;
 * crash traces name the invariant and replay.
 */
#include "fuzz/crash.h"
#include "fuzz/encoder.h"
#include "fuzz/minimize.h"
#include "fuzz/mutator.h"

#include <gtest/gtest.h>

namespace fc::fuzz {
namespace {

FuzzConfig mutant_config(Mutant m)
{
	FuzzConfig fc;
	fc.cfg.mutant = m;
	return fc;
}

/* @core's records with unrelated statements around and between them. */
std::vector<uint8_t> padded(const Trace &core, const FuzzConfig &fc, uint64_t seed)
{
	std::vector<uint8_t> bytes = encode_trace(core, fc).bytes;
	std::vector<Record> recs = records_of(bytes.data(), bytes.size(), SIZE_MAX);
	std::vector<Record> out;
	Rng rng(seed);
	/* noise far from the core's VAs: faults and zaps at 0x400.. */
	auto noise = [&] {
		Record r{0, 0, static_cast<uint16_t>(0x400 + 16 * rng.below(16)),
			 static_cast<uint8_t>(rng.below(3)), 0};
		if (rng.chance(3))
			r.kind = 10; /* shrink */
		return r;
	};
	for (const Record &r : recs) {
		for (uint64_t n = rng.below(3); n; n--)
			out.push_back(noise());
		out.push_back(r);
	}
	for (int n = 0; n < 4; n++)
		out.push_back(noise());
	return bytes_of(out);
}

TEST(Minimize, PaddedMutantTraceShrinksBack)
{
	FuzzConfig fc = mutant_config(Mutant::cow_reuse_shared);
	Trace core = parse_trace("fault p0 0x10 anon order=0\nfork p0 p1\nwrite p0 0x10\n");
	std::vector<uint8_t> in = padded(core, fc, 1);
	DecodedInput before = run_input(in.data(), in.size(), fc);
	ASSERT_TRUE(before.failure);
	ASSERT_GT(before.ops.size(), 3u);
	Minimized m = minimize_input(in.data(), in.size(), fc, 30);
	ASSERT_TRUE(m.failed);
	ASSERT_TRUE(m.run.failure);
	EXPECT_TRUE(m.run.failure->same_as(*before.failure));
	EXPECT_EQ(m.run.ops.size(), 3u) << format_trace(trace_of(m.run.ops, fc.cfg));
	EXPECT_EQ(m.records.size(), m.run.ops.size());
}

TEST(Minimize, InputThatDoesNotFailIsReturnedAsIs)
{
	FuzzConfig fc;
	std::vector<uint8_t> in = encode_trace(parse_trace("fault p0 0x10 anon order=2\n"), fc).bytes;
	Minimized m = minimize_input(in.data(), in.size(), fc, 5);
	EXPECT_FALSE(m.failed);
	EXPECT_EQ(m.run.ops.size(), 1u);
}

TEST(Minimize, SimplifiesFields)
{
	/* a 16-page pin where one page does it: the minimizer shrinks the size */
	FuzzConfig fc = mutant_config(Mutant::pin_skips_unshare);
	Trace core = parse_trace("fault p0 0x10 anon order=4\nfork p0 p1\npin p0 0x10 pages=16\n");
	std::vector<uint8_t> in = encode_trace(core, fc).bytes;
	Minimized m = minimize_input(in.data(), in.size(), fc, 30);
	ASSERT_TRUE(m.failed);
	ASSERT_EQ(m.run.ops.size(), 3u);
	EXPECT_EQ(m.run.ops[2].pages, 1u) << format_trace(trace_of(m.run.ops, fc.cfg));
}

TEST(CrashTrace, NamesTheInvariantAndReplays)
{
	FuzzConfig fc = mutant_config(Mutant::cow_reuse_shared);
	Trace core = parse_trace("fault p0 0x10 anon order=0\nfork p0 p1\nwrite p0 0x10\n");
	std::optional<CrashTrace> c = trace_crash(padded(core, fc, 2), fc, 30, "test");
	ASSERT_TRUE(c);
	EXPECT_EQ(c->failure.name(), "exclusive_single_mm");
	EXPECT_EQ(crash_trace_name(*c).rfind("exclusive_single_mm-", 0), 0u);
	EXPECT_NE(c->text.find("# Found by foliocheck fuzz (test): invariant exclusive_single_mm"),
		  std::string::npos)
		<< c->text;
	/* the text is a trace that fails the same way when replayed */
	Trace t = parse_trace(c->text);
	EXPECT_EQ(t.config.mutant, Mutant::cow_reuse_shared);
	TraceRun run = run_trace(t, Config{});
	EXPECT_FALSE(run.rejected_at);
	std::optional<Failure> f = failure_of(run.runner);
	ASSERT_TRUE(f);
	EXPECT_TRUE(f->same_as(c->failure));
}

TEST(CrashTrace, AMutantsOwnFailureIsNotSharedByTheBaseline)
{
	/*
	 * Under a mutant an input counts only if the unmutated model does not
	 * fail it the same way; the mutant's trace passes unmutated, and
	 * without a mutant there is no baseline to share anything.
	 */
	FuzzConfig fc = mutant_config(Mutant::cow_reuse_shared);
	Trace core = parse_trace("fault p0 0x10 anon order=0\nfork p0 p1\nwrite p0 0x10\n");
	std::vector<uint8_t> in = encode_trace(core, fc).bytes;
	DecodedInput run = run_input(in.data(), in.size(), fc);
	ASSERT_TRUE(run.failure);
	EXPECT_FALSE(baseline_fails_too(in.data(), in.size(), fc, *run.failure));
	EXPECT_FALSE(baseline_fails_too(in.data(), in.size(), FuzzConfig{}, *run.failure));
}

} // namespace
} // namespace fc::fuzz
