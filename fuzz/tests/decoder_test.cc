// SPDX-License-Identifier: GPL-2.0
/*
 * decoder_test.cc - every byte string decodes to a legal, replayable trace;
 * records mean what record.h says.
 */
#include "fuzz/decoder.h"
#include "fuzz/input.h"
#include "fuzz/mutator.h"

#include <gtest/gtest.h>

namespace fc::fuzz {
namespace {

std::vector<uint8_t> random_bytes(Rng &rng, size_t n)
{
	std::vector<uint8_t> b(n);
	for (uint8_t &c : b)
		c = static_cast<uint8_t>(rng.next());
	return b;
}

/* Replaying the decoded trace through the trace format gives the same run. */
void expect_replays(const DecodedInput &in, const FuzzConfig &fc)
{
	Trace t = parse_trace(format_trace(trace_of(in.ops, fc.cfg)));
	TraceRun run = run_trace(t, Config{}, fc.runner);
	ASSERT_FALSE(run.rejected_at) << format_trace(t);
	EXPECT_EQ(run.steps.size(), in.ops.size());
	std::optional<Failure> f = failure_of(run.runner);
	ASSERT_EQ(f.has_value(), in.failure.has_value()) << format_trace(t);
	if (f) {
		EXPECT_TRUE(f->same_as(*in.failure));
	}
}

TEST(Decoder, RandomBytesDecodeToLegalReplayableTraces)
{
	Rng rng(42);
	FuzzConfig fc;
	size_t ops = 0;
	/* default scope runs are slow (a snapshot at every visible point): few of them */
	for (int i = 0; i < 30; i++) {
		std::vector<uint8_t> b = random_bytes(rng, rng.below(fc.max_len() + 8));
		DecodedInput in = run_input(b.data(), b.size(), fc);
		EXPECT_LE(in.records, fc.max_ops);
		ops += in.ops.size();
		expect_replays(in, fc);
	}
	/* Not everything may be skipped: most records must mean something. */
	EXPECT_GT(ops, 30u * 5);
}

TEST(Decoder, SmallScopeRandomBytesReplay)
{
	Rng rng(7);
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = 3;
	fc.cfg.scope.max_order = 2;
	for (int i = 0; i < 300; i++) {
		std::vector<uint8_t> b = random_bytes(rng, rng.below(fc.max_len()));
		expect_replays(run_input(b.data(), b.size(), fc), fc);
	}
}

TEST(Decoder, StructuredRandomRecordsReplay)
{
	Rng rng(3);
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = 4;
	for (int i = 0; i < 300; i++) {
		std::vector<Record> recs;
		for (size_t n = rng.below(fc.max_ops + 1); n; n--)
			recs.push_back(random_record(rng));
		std::vector<uint8_t> b = bytes_of(recs);
		expect_replays(run_input(b.data(), b.size(), fc), fc);
	}
}

TEST(Decoder, Deterministic)
{
	Rng rng(9);
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = 4;
	for (int i = 0; i < 50; i++) {
		std::vector<uint8_t> b = random_bytes(rng, fc.max_len());
		DecodedInput a = run_input(b.data(), b.size(), fc);
		DecodedInput c = run_input(b.data(), b.size(), fc);
		EXPECT_EQ(format_trace(trace_of(a.ops, fc.cfg)), format_trace(trace_of(c.ops, fc.cfg)));
	}
}

TEST(Decoder, RecordFieldsMeanWhatRecordHSays)
{
	FuzzConfig fc;
	/* fault p0 0x13 anon order=2: VA aligned down to 0x10 */
	std::vector<Record> recs = {{0, 0, 0x13, 2, 0},
				    /* fork p0 p1 */
				    {4, 0, 0, 0, 0},
				    /* pin p1, hot range 0 offset 1, 2 pages, write */
				    {3, 1 | kFlagWrite, kWhereHot | 1, 1, 0},
				    /* munmap p0 from hot 0, 1 << 2 pages */
				    {2, 0, kWhereHot, kSizePow2 | 2, 0},
				    /* unpin the first live pin */
				    {5, 0, 0, 0, 7}};
	std::vector<uint8_t> b = bytes_of(recs);
	DecodedInput in = run_input(b.data(), b.size(), fc);
	ASSERT_EQ(in.ops.size(), 5u);
	EXPECT_EQ(format_op(in.ops[0]), "fault p0 0x10 anon order=2");
	EXPECT_EQ(format_op(in.ops[1]), "fork p0 p1");
	EXPECT_EQ(in.ops[2].kind, OpKind::pin);
	EXPECT_EQ(in.ops[2].proc, 1u);
	EXPECT_EQ(in.ops[2].va, 0x11u);
	EXPECT_EQ(in.ops[2].pages, 2u);
	EXPECT_TRUE(in.ops[2].write);
	EXPECT_EQ(in.ops[3].kind, OpKind::munmap);
	EXPECT_EQ(in.ops[3].va, 0x10u);
	EXPECT_EQ(in.ops[3].pages, 4u);
	EXPECT_EQ(in.ops[4].kind, OpKind::unpin);
	EXPECT_EQ(in.ops[4].handle, 1u);
}

} // namespace
} // namespace fc::fuzz
