// SPDX-License-Identifier: GPL-2.0
/*
 * encoder_test.cc - traces to fuzz inputs and back: every corpus trace
 * encodes under its own config into records that decode to its statements.
 */
#include "fuzz/encoder.h"
#include "fuzz/input.h"
#include "fuzz/seed_corpus.h"

#include <gtest/gtest.h>

namespace fc::fuzz {
namespace {

/* The trace's statements without `expect`, file names as the decoder gives them. */
std::vector<std::string> statements(const Trace &t)
{
	std::vector<std::string> out;
	std::map<std::string, std::string> files;
	for (Op op : t.ops) {
		if (op.kind == OpKind::expect)
			continue;
		if (op.kind == OpKind::file_create) {
			std::string n = "file" + std::to_string(files.size());
			files[op.file] = n;
		}
		if (!op.file.empty())
			op.file = files[op.file];
		out.push_back(format_op(op));
	}
	return out;
}

TEST(Encoder, CorpusTracesRoundTripUnderTheirOwnConfig)
{
	std::vector<std::string> traces = find_traces(FOLIOCHECK_SOURCE_DIR "/corpus");
	ASSERT_GT(traces.size(), 10u);
	size_t checked = 0;
	for (const std::string &path : traces) {
		Trace t;
		try {
			t = parse_trace_file(path);
		} catch (const TraceError &) {
			continue; /* corpus/malformed */
		}
		FuzzConfig fc;
		fc.cfg = t.config.apply(fc.cfg);
		fc.max_ops = 4096;
		/* a trace that faults a PMD THP needs a scope whose largest order takes it in */
		for (const Op &op : t.ops)
			if (op.kind == OpKind::fault_anon && op.pmd)
				fc.cfg.scope.max_order = fc.cfg.scope.pmd_order;
		/* a trace the reference model rejects somewhere is not a round-trip case */
		if (run_trace(t, Config{}).rejected_at)
			continue;
		EncodedTrace e = encode_trace(t, fc);
		EXPECT_EQ(e.dropped, 0u) << path << ": " << e.first_drop;
		DecodedInput in = run_input(e.bytes.data(), e.bytes.size(), fc);
		std::vector<std::string> got;
		for (const Op &op : in.ops)
			got.push_back(format_op(op));
		std::vector<std::string> want = statements(t);
		/* decoding stops at the first failure (a mutant trace): compare that prefix */
		if (in.failure)
			want.resize(std::min(want.size(), got.size()));
		EXPECT_EQ(got, want) << path;
		checked++;
	}
	EXPECT_GT(checked, 10u);
}

TEST(Encoder, LeavesOutWhatNoRecordExpresses)
{
	FuzzConfig fc;
	Trace t = parse_trace("fault p0 0x10 anon order=2\n"
			      "munmap p0 0x10 pages=200\n"   /* no size byte for 200 */
			      "expect refcount f1 == 4\n"
			      "munmap p0 0x10 pages=2\n");
	EncodedTrace e = encode_trace(t, fc);
	EXPECT_EQ(e.encoded, 2u);
	EXPECT_EQ(e.dropped, 1u);
	EXPECT_EQ(e.expects, 1u);
	EXPECT_NE(e.first_drop.find("pages=200"), std::string::npos) << e.first_drop;
	EXPECT_EQ(e.bytes.size(), 2 * kRecordSize);
}

TEST(Encoder, StatementsIllegalInTheCampaignConfigAreLeftOut)
{
	/* pmd_order=3's PMD fault means nothing at the default pmd_order 9 */
	Trace t = parse_trace("config pmd_order=3\nfault p0 8 anon order=3 pmd\nsplit_pmd p0 8\n"
			      "fault p0 0x10 anon order=0\n");
	EncodedTrace e = encode_trace(t, FuzzConfig{});
	EXPECT_EQ(e.encoded, 1u);
	EXPECT_EQ(e.dropped, 2u);
}

TEST(SeedCorpus, SkipsTheNamedDirectory)
{
	std::vector<std::string> all = find_traces(FOLIOCHECK_SOURCE_DIR "/corpus");
	std::vector<std::string> some = find_traces(FOLIOCHECK_SOURCE_DIR "/corpus", "mutants");
	EXPECT_LT(some.size(), all.size());
	for (const std::string &p : some)
		EXPECT_EQ(p.find("/mutants/"), std::string::npos) << p;
}

} // namespace
} // namespace fc::fuzz
