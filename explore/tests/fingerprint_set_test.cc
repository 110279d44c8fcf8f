// SPDX-License-Identifier: GPL-2.0
/* fingerprint_set_test.cc - the visited set remembers exactly what it was given. */
#include "explore/fingerprint_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace fc::explore {
namespace {

TEST(FingerprintSet, InsertReportsNewOnlyOnce)
{
	FingerprintSet s(4);
	EXPECT_TRUE(s.insert(42));
	EXPECT_FALSE(s.insert(42));
	EXPECT_TRUE(s.contains(42));
	EXPECT_FALSE(s.contains(43));
	EXPECT_EQ(s.size(), 1u);
}

TEST(FingerprintSet, ZeroIsAValueNotAHole)
{
	FingerprintSet s(4);
	EXPECT_FALSE(s.contains(0));
	EXPECT_TRUE(s.insert(0));
	EXPECT_TRUE(s.contains(0));
	/* 0 is stored as 1: the documented extra collision. */
	EXPECT_FALSE(s.insert(1));
}

TEST(FingerprintSet, GrowsAndAgreesWithStdSet)
{
	FingerprintSet s(4);
	std::set<uint64_t> ref;
	std::mt19937_64 rng(7);
	for (int i = 0; i < 200000; i++) {
		/* few distinct values in the low bits: exercise probing */
		uint64_t v = rng() % 150000 << 20;
		EXPECT_EQ(s.insert(v), ref.insert(v).second);
	}
	EXPECT_EQ(s.size(), ref.size());
	for (uint64_t v : ref)
		ASSERT_TRUE(s.contains(v));
	EXPECT_FALSE(s.contains(12345));
	EXPECT_LE(s.size() * 2, s.memory_bytes() / sizeof(uint64_t));
}

TEST(FingerprintSet, CollisionBoundIsTheBirthdayBound)
{
	FingerprintSet s(4);
	EXPECT_EQ(s.collision_probability(), 0.0);
	for (uint64_t i = 1; i <= 1000; i++)
		s.insert(i * 0x9e3779b97f4a7c15ull);
	double expect = 1000.0 * 999.0 / 2 / 18446744073709551616.0;
	EXPECT_DOUBLE_EQ(s.collision_probability(), expect);
}

} // namespace
} // namespace fc::explore
