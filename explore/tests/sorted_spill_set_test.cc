// SPDX-License-Identifier: GPL-2.0
/*
 * sorted_spill_set_test.cc - the deepest level's count by sorting: the same
 * as a set's, in memory or spilled to disk in runs, and nothing left behind.
 */
#include "explore/sorted_spill_set.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <stdexcept>
#include <stdlib.h>

namespace fc::explore {
namespace {

std::string fresh_dir()
{
	std::string tmpl = (std::filesystem::temp_directory_path() / "spill-test-XXXXXX").string();
	EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
	return tmpl;
}

/* Many duplicates, spread over every run: the merge must see them all. */
TEST(SortedSpillSet, CountsLikeASetWhenSpilled)
{
	std::string dir = fresh_dir();
	std::mt19937_64 rng(7);
	std::set<uint64_t> want;
	{
		SortedSpillSet s(dir, 1000);
		for (int i = 0; i < 50000; i++) {
			uint64_t fp = rng() % 20000;
			if (i % 7 == 0)
				fp = rng(); /* mostly unique */
			want.insert(fp);
			s.add(fp);
		}
		EXPECT_EQ(s.added(), 50000u);
		EXPECT_EQ(s.count_distinct(), want.size());
		EXPECT_GT(s.runs(), 16u);
		EXPECT_GT(s.compactions(), 0u); /* more than 16 runs were merged into one */
		EXPECT_GT(s.spilled_bytes(), s.peak_disk_bytes());
		EXPECT_GT(s.peak_disk_bytes(), 0u);
		EXPECT_FALSE(std::filesystem::is_empty(dir));
	}
	/* the runs and their directory are gone */
	EXPECT_TRUE(std::filesystem::is_empty(dir));
	std::filesystem::remove(dir);
}

TEST(SortedSpillSet, StaysInMemoryWhileDuplicatesKeepItSmall)
{
	std::string dir = fresh_dir();
	SortedSpillSet s(dir, 1000);
	for (int round = 0; round < 100; round++)
		for (uint64_t fp = 0; fp < 300; fp++)
			s.add(fp * 0x9e3779b97f4a7c15ull);
	EXPECT_EQ(s.count_distinct(), 300u);
	EXPECT_EQ(s.runs(), 0u);
	EXPECT_TRUE(std::filesystem::is_empty(dir));
	std::filesystem::remove(dir);
}

TEST(SortedSpillSet, UnwritableDirectoryIsAClearError)
{
	SortedSpillSet s("/nonexistent/spill", 16);
	try {
		for (uint64_t fp = 0; fp < 100; fp++)
			s.add(fp);
		s.count_distinct();
		FAIL() << "no error";
	} catch (const std::runtime_error &e) {
		EXPECT_NE(std::string(e.what()).find("/nonexistent/spill"), std::string::npos) << e.what();
	}
}

} // namespace
} // namespace fc::explore
