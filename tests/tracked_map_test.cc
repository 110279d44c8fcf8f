// SPDX-License-Identifier: GPL-2.0
/*
 * tracked_map_test.cc - TrackedMap logs every key a write may change, bounds
 * its log, and carries it through moves but not copies.
 */
#include "model/kernel/tracked_map.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace fc {
namespace {

using Map = TrackedMap<int>;
using Keys = std::vector<Va>;

static_assert(std::is_nothrow_move_constructible_v<Map>);
static_assert(std::is_nothrow_move_assignable_v<Map>);
static_assert(std::is_copy_constructible_v<Map>);
/* no mutable iterators: begin() and find() hand out const_iterators only */
static_assert(std::is_same_v<decltype(std::declval<Map &>().begin()), Map::const_iterator>);
static_assert(std::is_same_v<decltype(std::declval<Map &>().find(0)), Map::const_iterator>);
static_assert(std::is_same_v<decltype(std::declval<Map &>().lower_bound(0)),
			     Map::const_iterator>);
static_assert(std::is_const_v<std::remove_reference_t<decltype(*std::declval<Map &>().begin())>>);

/* A map holding @keys (value = key), its log consumed. */
Map filled(const Keys &keys)
{
	Map m;
	for (Va k : keys)
		m[k] = static_cast<int>(k);
	m.clear_touched();
	return m;
}

TEST(TrackedMap, DefaultIsEmptyAndUntouched)
{
	Map m;
	EXPECT_TRUE(m.empty());
	EXPECT_EQ(m.size(), 0u);
	EXPECT_FALSE(m.all_touched());
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, ReadsDoNotLog)
{
	Map m = filled({1, 2, 3});
	const Map &c = m;
	EXPECT_EQ(c.at(2), 2);
	EXPECT_EQ(m.map().at(3), 3);
	EXPECT_EQ(m.count(1), 1u);
	EXPECT_TRUE(m.contains(3));
	EXPECT_FALSE(m.contains(4));
	EXPECT_EQ(m.find(2)->second, 2);
	EXPECT_EQ(m.lower_bound(2)->first, 2u);
	EXPECT_EQ(m.upper_bound(2)->first, 3u);
	int sum = 0;
	for (const auto &[k, v] : m)
		sum += v;
	EXPECT_EQ(sum, 6);
	EXPECT_FALSE(m.all_touched());
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, EachWriteLogsItsKey)
{
	Map m;
	m[5] = 50;
	EXPECT_EQ(m.touched(), Keys({5}));

	m.at(5) = 51;
	EXPECT_EQ(m.touched(), Keys({5, 5}));
	EXPECT_EQ(m.map().at(5), 51);

	m.mut(5) = 52;
	EXPECT_EQ(m.touched(), Keys({5, 5, 5}));
	EXPECT_EQ(m.map().at(5), 52);

	m.clear_touched();
	auto r = m.insert_or_assign(7, 70);
	EXPECT_TRUE(r.second);
	EXPECT_EQ(r.first->second, 70);
	r = m.insert_or_assign(7, 71);
	EXPECT_FALSE(r.second);
	EXPECT_EQ(m.map().at(7), 71);
	EXPECT_EQ(m.touched(), Keys({7, 7}));

	m.clear_touched();
	auto e = m.emplace(8, 80);
	EXPECT_TRUE(e.second);
	e = m.emplace(8, 81);   /* nothing inserted, nothing changed */
	EXPECT_FALSE(e.second);
	EXPECT_EQ(m.map().at(8), 80);
	EXPECT_EQ(m.touched(), Keys({8}));

	m.clear_touched();
	EXPECT_EQ(m.erase(7), 1u);
	EXPECT_EQ(m.erase(7), 0u);  /* absent: nothing changed */
	EXPECT_EQ(m.touched(), Keys({7}));
	EXPECT_FALSE(m.all_touched());
}

TEST(TrackedMap, AtAndMutOfAMissingKeyThrowWithoutLogging)
{
	Map m = filled({1});
	EXPECT_THROW(m.at(2), std::out_of_range);
	EXPECT_THROW(m.mut(2), std::out_of_range);
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, EraseIteratorLogsAndReturnsTheNext)
{
	Map m = filled({1, 2, 3, 4});
	for (auto it = m.begin(); it != m.end();) {
		if (it->first % 2 == 0)
			it = m.erase(it);
		else
			++it;
	}
	EXPECT_EQ(m.touched(), Keys({2, 4}));
	EXPECT_EQ(m.size(), 2u);
	EXPECT_TRUE(m.contains(1));
	EXPECT_TRUE(m.contains(3));
}

TEST(TrackedMap, EraseRangeLogsEveryKeyErased)
{
	Map m = filled({1, 2, 3, 4, 5});
	m.erase(m.lower_bound(2), m.lower_bound(5));
	EXPECT_EQ(m.touched(), Keys({2, 3, 4}));
	EXPECT_EQ(m.size(), 2u);
	m.clear_touched();
	m.erase(m.lower_bound(3), m.lower_bound(3));  /* empty range */
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, ClearLogsEveryKey)
{
	Map m = filled({3, 1, 2});
	m.clear();
	EXPECT_TRUE(m.empty());
	EXPECT_EQ(m.touched(), Keys({1, 2, 3}));
	EXPECT_FALSE(m.all_touched());
}

TEST(TrackedMap, ClearTouchedClearsBoth)
{
	Map m = filled({1});
	m.mut(1) = 2;
	Map c = m;
	ASSERT_TRUE(c.all_touched());
	const Map &cc = c;
	cc.clear_touched();     /* consuming the log is not a change */
	EXPECT_FALSE(c.all_touched());
	EXPECT_TRUE(c.touched().empty());
	m.clear_touched();
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, LogIsBoundedBy64)
{
	Map m = filled({0});
	for (int i = 0; i < 64; i++)
		m.mut(0) = i;
	EXPECT_FALSE(m.all_touched());
	EXPECT_EQ(m.touched().size(), 64u);
	m.mut(0) = 64;             /* the 65th entry would exceed max(64, 4 * 1) */
	EXPECT_TRUE(m.all_touched());
	EXPECT_TRUE(m.touched().empty());
	m[1] = 1;                  /* everything is already logged */
	EXPECT_TRUE(m.all_touched());
	EXPECT_TRUE(m.touched().empty());
	m.clear_touched();
	EXPECT_FALSE(m.all_touched());
	m.mut(0) = 0;
	EXPECT_EQ(m.touched(), Keys({0}));
}

TEST(TrackedMap, LogIsBoundedByFourTimesTheSize)
{
	Keys keys;
	for (Va k = 0; k < 100; k++)
		keys.push_back(k);
	Map m = filled(keys);
	for (int round = 0; round < 4; round++)
		for (Va k : keys)
			m.mut(k) += 1;
	EXPECT_FALSE(m.all_touched());
	EXPECT_EQ(m.touched().size(), 400u);
	m.mut(0) = 0;
	EXPECT_TRUE(m.all_touched());
	EXPECT_TRUE(m.touched().empty());
}

TEST(TrackedMap, CopyIsAllTouched)
{
	Map m = filled({1, 2});
	Map c(m);
	EXPECT_EQ(c, m);
	EXPECT_TRUE(c.all_touched());
	EXPECT_TRUE(c.touched().empty());
	EXPECT_FALSE(m.all_touched());   /* the source's log is its own */

	Map d = filled({9});
	d.mut(9) = 0;
	d = m;
	EXPECT_EQ(d, m);
	EXPECT_TRUE(d.all_touched());
	EXPECT_TRUE(d.touched().empty());

	/* a copy of an empty map is all touched too */
	Map e;
	Map f(e);
	EXPECT_TRUE(f.all_touched());
}

TEST(TrackedMap, MoveKeepsTheLog)
{
	Map m = filled({1, 2, 3});
	m.mut(2) = 20;
	m.erase(3);
	Map n(std::move(m));
	EXPECT_EQ(n.size(), 2u);
	EXPECT_EQ(n.map().at(2), 20);
	EXPECT_EQ(n.touched(), Keys({2, 3}));
	EXPECT_FALSE(n.all_touched());

	Map o = filled({7});
	o = std::move(n);
	EXPECT_EQ(o.size(), 2u);
	EXPECT_EQ(o.touched(), Keys({2, 3}));
	EXPECT_FALSE(o.all_touched());

	Map big = filled({1});
	for (int i = 0; i < 100; i++)
		big.mut(1) = i;
	ASSERT_TRUE(big.all_touched());
	Map moved(std::move(big));
	EXPECT_TRUE(moved.all_touched());
}

TEST(TrackedMap, VectorReallocationKeepsEveryLog)
{
	std::vector<Map> maps(1);
	maps[0][1] = 1;
	maps[0].mut(1) = 2;
	for (int i = 0; i < 100; i++)
		maps.emplace_back();
	EXPECT_EQ(maps[0].touched(), Keys({1, 1}));
	EXPECT_FALSE(maps[0].all_touched());
	for (size_t i = 1; i < maps.size(); i++) {
		EXPECT_FALSE(maps[i].all_touched());
		EXPECT_TRUE(maps[i].touched().empty());
	}
}

} // namespace
} // namespace fc
