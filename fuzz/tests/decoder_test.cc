// SPDX-License-Identifier: GPL-2.0
/*
 * decoder_test.cc - every byte string decodes to a legal, replayable trace;
 * records mean what record.h says.
 */
#include "fuzz/decoder.h"
#include "fuzz/encoder.h"
#include "fuzz/input.h"
#include "fuzz/mutator.h"

#include <gtest/gtest.h>
#include <map>

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
	fc.cfg.scope.max_order = 3;
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

/*
 * The shapes of statement the decoder must reach: every statement of SPEC
 * but `expect` (the issue-6 ones included: file, fault file=, madv_free,
 * reclaim, mremap, mprotect, swapout, swapin), and the flags that change
 * what a statement does.
 */
std::vector<std::string> shapes_of(const Op &op)
{
	std::string k = format_op(op);
	k = k.substr(0, k.find(' '));
	std::vector<std::string> out;
	switch (op.kind) {
	case OpKind::fault_anon:
		out.push_back(op.pmd ? "fault anon pmd" : op.order ? "fault anon order>0"
								   : "fault anon order=0");
		break;
	case OpKind::fault_file:
		out.push_back("fault file=");
		if (op.is_private)
			out.push_back("fault file= private");
		if (op.at)
			out.push_back("fault file= at>VA");
		if (op.index)
			out.push_back("fault file= index>0");
		break;
	case OpKind::mprotect:
		out.push_back(op.ro ? "mprotect ro" : "mprotect rw");
		break;
	case OpKind::pin:
		out.push_back(k);
		if (op.write)
			out.push_back("pin write");
		if (op.longterm)
			out.push_back("pin longterm");
		break;
	default:
		out.push_back(k);
		break;
	}
	return out;
}

std::vector<std::string> all_shapes()
{
	return {"fault anon order=0", "fault anon order>0", "fault anon pmd", "file",
		"fault file=", "fault file= private", "fault file= at>VA", "fault file= index>0",
		"read", "write", "fork", "munmap", "madv_free", "mremap", "mprotect ro",
		"mprotect rw", "pin", "pin write", "pin longterm", "unpin", "get", "put",
		"split_pmd", "split", "shrink", "swapout", "swapin", "exit", "reclaim"};
}

/* Decode @inputs random inputs under @fc; every shape must have come up. */
void expect_every_shape(const FuzzConfig &fc, uint64_t seed, int inputs)
{
	Rng rng(seed);
	std::map<std::string, size_t> seen;
	for (int i = 0; i < inputs; i++) {
		std::vector<uint8_t> b;
		if (i % 2) {
			b = random_bytes(rng, fc.max_len());
		} else {
			std::vector<Record> recs;
			for (size_t n = fc.max_ops; n; n--)
				recs.push_back(random_record(rng));
			b = bytes_of(recs);
		}
		for (const Op &op : run_input(b.data(), b.size(), fc).ops)
			for (const std::string &s : shapes_of(op))
				seen[s]++;
	}
	std::string counts;
	for (const auto &[s, n] : seen)
		counts += "  " + s + ": " + std::to_string(n) + "\n";
	for (const std::string &s : all_shapes()) {
		if ((s == "fault anon pmd" || s == "split_pmd") && !fc.cfg.scope.pmd_faults()) {
			/* the THP's order is above the scope's largest: no PMD to split */
			EXPECT_EQ(seen[s], 0u) << "a PMD fault outside the scope; counts:\n" << counts;
			continue;
		}
		EXPECT_GT(seen[s], 0u) << "the decoder never produced '" << s << "'; counts:\n"
				       << counts;
	}
}

/* The stock scope has no PMD THP (order 9, above its largest order 4); max_order 9 has. */
TEST(Decoder, EveryStatementComesOutOfRandomInputs)
{
	/* statement kinds do not depend on where invariants are checked: ends is faster */
	FuzzConfig fc;
	fc.runner.check_visible_points = false;
	expect_every_shape(fc, 11, 400);
	fc.cfg.scope.max_order = fc.cfg.scope.pmd_order;
	expect_every_shape(fc, 11, 400);
}

TEST(Decoder, EveryStatementComesOutOfRandomInputsInASmallScope)
{
	FuzzConfig fc;
	fc.cfg.scope.pmd_order = 4;
	fc.cfg.scope.max_order = 4;
	fc.runner.check_visible_points = false;
	expect_every_shape(fc, 12, 400);
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

TEST(Decoder, FileFaultAtNamesTheFaultingPageOfTheRange)
{
	FuzzConfig fc;
	/* file file0 pages=16 order=2; a 8-page fault-around at 0x100, faulting at +5 */
	std::vector<Record> recs = {{13, 0, 0, kSizePow2 | 4, 2},
				    {14, 5 << kAtShift, 0x100, kSizePow2 | 3, 0},
				    /* the same with at=13 on 8 pages: 13 mod 8 = 5 */
				    {14, 13 << kAtShift, 0x200, kSizePow2 | 3, 0}};
	std::vector<uint8_t> b = bytes_of(recs);
	DecodedInput in = run_input(b.data(), b.size(), fc);
	ASSERT_EQ(in.ops.size(), 3u);
	EXPECT_EQ(format_op(in.ops[1]), "fault p0 0x100 file=file0 pages=8 at=0x105");
	EXPECT_EQ(in.ops[2].at, 5u);
	/* and a trace with at= encodes back to the same statement */
	Trace t = parse_trace("file a pages=16\nfault p0 0x40 file=a pages=16 at=0x4f\n");
	EncodedTrace e = encode_trace(t, fc);
	EXPECT_EQ(e.dropped, 0u) << e.first_drop;
	DecodedInput back = run_input(e.bytes.data(), e.bytes.size(), fc);
	ASSERT_EQ(back.ops.size(), 2u);
	EXPECT_EQ(format_op(back.ops[1]), "fault p0 0x40 file=file0 pages=16 at=0x4f");
}

} // namespace
} // namespace fc::fuzz
