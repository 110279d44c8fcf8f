// SPDX-License-Identifier: GPL-2.0
/*
 * page_map_test.cc - PageMap behaves as std::map<Va, V> does: the same
 * entries in the same order, the same answers from find(), lower_bound()
 * and upper_bound(), equality by content, and references that survive
 * inserts elsewhere (the models hold them across page-table writes).
 */
#include "model/page_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace fc {
namespace {

using Map = PageMap<int>;
using Ref = std::map<Va, int>;

template <class It>
std::vector<std::pair<Va, int>> pairs(It first, It last)
{
	std::vector<std::pair<Va, int>> out;
	for (; first != last; ++first)
		out.emplace_back(first->first, first->second);
	return out;
}

std::vector<std::pair<Va, int>> entries(const Map &m)
{
	return pairs(m.begin(), m.end());
}

std::vector<std::pair<Va, int>> entries(const Ref &r)
{
	return {r.begin(), r.end()};
}

std::vector<std::pair<Va, int>> reversed(const Map &m)
{
	return pairs(m.rbegin(), m.rend());
}

std::vector<std::pair<Va, int>> reversed(const Ref &r)
{
	return {r.rbegin(), r.rend()};
}

/* @it's entry, or "end" */
template <class M, class It>
std::string at_iter(const M &m, It it)
{
	return it == m.end() ? "end" : std::to_string(it->first) + "=" + std::to_string(it->second);
}

/* Random inserts, assignments and erases, by every entry point, on keys
 * that span several chunks and leave most of them empty. */
TEST(PageMap, AgreesWithStdMapUnderRandomEdits)
{
	for (uint32_t seed = 1; seed <= 40; seed++) {
		std::mt19937 rng(seed);
		const Va span = 1 + rng() % 700;
		auto key = [&] { return Va(rng() % span); };
		Map m;
		Ref r;
		for (int step = 0; step < 400; step++) {
			const Va k = key();
			const int v = int(rng() % 1000);
			switch (rng() % 9) {
			case 0:
				m[k] = v;
				r[k] = v;
				break;
			case 1:
				EXPECT_EQ(m.try_emplace(k, v).second, r.try_emplace(k, v).second);
				break;
			case 2:
				EXPECT_EQ(m.insert_or_assign(k, v).second, r.insert_or_assign(k, v).second);
				break;
			case 3:
				EXPECT_EQ(m.erase(k), r.erase(k));
				break;
			case 4: { /* erase by iterator: returns the next entry */
				auto mi = m.lower_bound(k);
				auto ri = r.lower_bound(k);
				ASSERT_EQ(at_iter(m, mi), at_iter(r, ri));
				if (ri != r.end()) {
					EXPECT_EQ(at_iter(m, m.erase(mi)), at_iter(r, r.erase(ri)));
				}
				break;
			}
			case 5: { /* erase a range, as mremap and zap do */
				const Va k2 = k + rng() % 80;
				m.erase(m.lower_bound(k), m.lower_bound(k2));
				r.erase(r.lower_bound(k), r.lower_bound(k2));
				break;
			}
			case 6:
				if (rng() % 20 == 0) {
					m.clear();
					r.clear();
				}
				break;
			case 7:
				if (r.count(k))
					m.at(k) += v, r.at(k) += v;
				else
					EXPECT_THROW(m.at(k), std::out_of_range);
				break;
			default: /* copy, then keep editing the copy */
				if (rng() % 10 == 0) {
					Map copy = m;
					EXPECT_TRUE(copy == m);
					m = copy;
				}
				break;
			}
			ASSERT_EQ(m.size(), r.size()) << "seed " << seed << " step " << step;
			ASSERT_EQ(m.empty(), r.empty());
			ASSERT_EQ(entries(m), entries(r)) << "seed " << seed << " step " << step;
			const Va q = key();
			EXPECT_EQ(m.count(q), r.count(q));
			EXPECT_EQ(m.contains(q), r.contains(q));
			EXPECT_EQ(at_iter(m, m.find(q)), at_iter(r, r.find(q)));
			EXPECT_EQ(at_iter(m, m.lower_bound(q)), at_iter(r, r.lower_bound(q)));
			EXPECT_EQ(at_iter(m, m.upper_bound(q)), at_iter(r, r.upper_bound(q)));
		}
		EXPECT_EQ(reversed(m), reversed(r)) << "seed " << seed;
	}
}

TEST(PageMap, StepsBackwardFromEndAndAcrossEmptyChunks)
{
	Map m{{3, 30}, {64 * 5 + 1, 51}, {64 * 9, 90}};
	auto it = m.end();
	--it;
	EXPECT_EQ(it->first, 64u * 9);
	--it;
	EXPECT_EQ(it->first, 64u * 5 + 1);
	--it;
	EXPECT_EQ(it->first, 3u);
	EXPECT_TRUE(it == m.begin());
	EXPECT_EQ(std::prev(m.upper_bound(64 * 9 - 1))->first, 64u * 5 + 1);
}

/* Equality is by content: erasing what was inserted leaves an allocated,
 * empty chunk that must not make two maps differ. */
TEST(PageMap, EqualityIgnoresAllocatedEmptyChunks)
{
	Map a{{1, 10}};
	Map b{{1, 10}, {900, 9}};
	EXPECT_FALSE(a == b);
	b.erase(900);
	EXPECT_TRUE(a == b);
	EXPECT_TRUE(b == a);
	b[2] = 20;
	a[2] = 21;
	EXPECT_FALSE(a == b);
	Map empty, cleared{{5, 5}};
	cleared.clear();
	EXPECT_TRUE(empty == cleared);
}

/* The models write one entry while holding a reference to another of the
 * same table (mremap moves a PMD: `pmds[new] = pmds.at(old)`). */
TEST(PageMap, ReferencesSurviveInsertsElsewhere)
{
	Map m;
	int &first = m[7];
	first = 70;
	auto it = m.find(7);
	for (Va k = 100; k < 5000; k += 37)
		m[k] = int(k);
	EXPECT_EQ(first, 70);
	EXPECT_EQ(&first, &m.at(7));
	EXPECT_EQ(it->second, 70);
	m[4999] = m.at(7); /* right-hand side read before a new chunk is made */
	EXPECT_EQ(m.at(4999), 70);
	auto end = m.end();
	m[6000] = 1;
	EXPECT_TRUE(end == m.end());
}

TEST(PageMap, CopyAssignmentReusesChunksWithoutKeepingStaleEntries)
{
	Map a{{1, 1}, {70, 2}, {200, 3}};
	Map b{{70, 5}};
	a = b;
	EXPECT_EQ(entries(a), entries(b));
	EXPECT_EQ(a.size(), 1u);
	EXPECT_TRUE(a == b);
}

} // namespace
} // namespace fc
