// SPDX-License-Identifier: GPL-2.0
/*
 * proof_cache_test.cc - the proof cache (solver/proof_cache.h): a step is
 * keyed by its formula alone, whatever the context built before it; the
 * file survives a reopen and names the line and column of a malformed
 * entry. engine_test.cc has an induction run with the cache.
 */
#include "solver/proof_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace fc::solver {
namespace {

std::string temp_path(const std::string &name)
{
	std::string path = ::testing::TempDir() + "foliocheck-proof-cache-" + name;
	std::remove(path.c_str());
	return path;
}

/* x + 2 > y && f(x) == 3, built in @c. */
z3::expr sample_formula(z3::context &c, int k = 2)
{
	z3::expr x = c.int_const("x"), y = c.int_const("y");
	z3::func_decl f = c.function("f", c.int_sort(), c.int_sort());
	return x + k > y && f(x) == 3;
}

TEST(ProofCache, StepKeyIsTheFormulasAloneWhateverWasBuiltBefore)
{
	z3::context a, b;
	/* b has made other terms first, so the same formula's terms get other ids */
	for (int i = 0; i < 100; i++)
		(void)(b.int_const(("junk" + std::to_string(i)).c_str()) * i > 7);
	const std::string ka = step_key({sample_formula(a)}, a.int_const("y") < 0);
	EXPECT_EQ(ka, step_key({sample_formula(b)}, b.int_const("y") < 0));
	EXPECT_EQ(ka.size(), 32u);
	/* another constant, another bad state, the facts split otherwise: other keys */
	EXPECT_NE(ka, step_key({sample_formula(a, 3)}, a.int_const("y") < 0));
	EXPECT_NE(ka, step_key({sample_formula(a)}, a.int_const("y") < 1));
	z3::expr x = a.int_const("x"), y = a.int_const("y");
	EXPECT_NE(step_key({x > 0, y > 0}, x < y), step_key({x > 0 && y > 0}, x < y));
}

TEST(ProofCache, RecordedStepsSurviveAReopen)
{
	const std::string path = temp_path("reopen");
	const std::string key(32, 'a');
	{
		std::string err;
		std::optional<ProofCache> cache = ProofCache::open(path, &err);
		ASSERT_TRUE(cache) << err;
		EXPECT_EQ(cache->size(), 0u);
		EXPECT_EQ(cache->proved(key), nullptr);
		ASSERT_TRUE(cache->record(key, "exit p0", 12.5, &err)) << err;
		ASSERT_NE(cache->proved(key), nullptr);
	}
	std::string err;
	std::optional<ProofCache> again = ProofCache::open(path, &err);
	ASSERT_TRUE(again) << err;
	EXPECT_EQ(again->size(), 1u);
	ASSERT_NE(again->proved(key), nullptr);
	EXPECT_EQ(*again->proved(key), "exit p0");
}

/*
 * A run killed in the middle of record() leaves a last line without its
 * newline: the next open drops it instead of refusing the file, and what
 * is recorded after it is read back whole.
 */
TEST(ProofCache, AnUnfinishedLastLineIsDroppedNotAnError)
{
	const std::string path = temp_path("torn");
	const std::string key(32, 'b'), other(32, 'c');
	{
		std::ofstream out(path);
		out << "proved " << key << " 3.00 exit p0\nproved " << other.substr(0, 9);
	}
	std::string err;
	{
		std::optional<ProofCache> cache = ProofCache::open(path, &err);
		ASSERT_TRUE(cache) << err;
		EXPECT_TRUE(cache->dropped_torn_line());
		EXPECT_EQ(cache->size(), 1u);
		ASSERT_TRUE(cache->record(other, "exit p1", 4, &err)) << err;
	}
	std::optional<ProofCache> again = ProofCache::open(path, &err);
	ASSERT_TRUE(again) << err;
	EXPECT_FALSE(again->dropped_torn_line());
	EXPECT_EQ(again->size(), 2u);
	ASSERT_NE(again->proved(other), nullptr);
	EXPECT_EQ(*again->proved(other), "exit p1");
}

TEST(ProofCache, AMalformedLineIsNamedByLineAndColumn)
{
	struct Case {
		const char *line, *where;
	} cases[] = {
		{"proven 0123456789abcdef0123456789abcdef 1.0 read p0 0x0", ":3:1: expected \"proved\""},
		{"proved 0123 1.0 read p0 0x0", ":3:8: expected a key of 32"},
		{"proved 0123456789ABCDEF0123456789abcdef 1.0 read p0 0x0", ":3:8: expected a key"},
		{"proved 0123456789abcdef0123456789abcdef soon read p0 0x0", ":3:41: expected the seconds"},
		{"proved 0123456789abcdef0123456789abcdef 1.0", ":3:44: expected the statement"},
	};
	for (const Case &k : cases) {
		const std::string path = temp_path("malformed");
		{
			std::ofstream out(path);
			out << "# a comment\n\n" << k.line << "\n";
		}
		std::string err;
		EXPECT_FALSE(ProofCache::open(path, &err)) << k.line;
		EXPECT_EQ(err.find(path + k.where), 0u) << k.line << "\n" << err;
	}
}

} // namespace
} // namespace fc::solver
