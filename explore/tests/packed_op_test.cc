// SPDX-License-Identifier: GPL-2.0
/* packed_op_test.cc - every alphabet statement survives packing. */
#include "explore/alphabet.h"
#include "explore/explorer.h"
#include "explore/packed_op.h"

#include <gtest/gtest.h>

namespace fc::explore {
namespace {

TEST(PackedOp, RoundTripsTheWholeAlphabet)
{
	Config cfg = default_explore_config();
	Alphabet a(cfg, fam_all);
	Snapshot s;
	s.procs.resize(2);
	s.procs[1].id = 1;
	s.pins.push_back({3, 0, false, {}});
	s.refs.push_back({5, 1, false, {}});
	s.folios.resize(2);
	s.folios[0].id = 1;
	s.folios[1].id = 2;
	std::vector<Op> ops;
	a.candidates(s, ops);
	ASSERT_FALSE(ops.empty());
	for (const Op &op : ops) {
		ASSERT_TRUE(can_pack(op)) << format_op(op);
		Op back = unpack_op(pack_op(op));
		EXPECT_TRUE(back.same_statement(op)) << format_op(op) << " vs " << format_op(back);
		EXPECT_EQ(format_op(back), format_op(op));
	}
}

TEST(PackedOp, RefusesWhatItCannotHold)
{
	Op op;
	op.kind = OpKind::expect;
	EXPECT_FALSE(can_pack(op));
	op.kind = OpKind::fault_file;
	op.file = "other";
	EXPECT_FALSE(can_pack(op));
	op.file.clear();
	op.kind = OpKind::pin;
	op.longterm = true;
	EXPECT_FALSE(can_pack(op));
	op.longterm = false;
	op.kind = OpKind::munmap;
	op.va = 70000;
	EXPECT_FALSE(can_pack(op));
}

} // namespace
} // namespace fc::explore
