// SPDX-License-Identifier: GPL-2.0
/*
 * rng.h - the small deterministic random source the op generators draw from.
 *
 * RapidCheck's integer generators scale their range with the test size, so at
 * size 0 every choice collapses to its minimum. The generators want uniform
 * choices at every size (the size already sets how many operations a test
 * runs), so a command takes one 64-bit seed from RapidCheck and draws the rest
 * from this splitmix64 stream: the same seed gives the same operation.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace fc::props {

class Rng {
public:
	explicit Rng(uint64_t seed) : state_(seed) {}

	/* splitmix64 (Steele, Lea, Flood: "Fast splittable PRNGs", 2014) */
	uint64_t next()
	{
		uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		return z ^ (z >> 31);
	}

	/* below - uniform in [0, n); n must be > 0. */
	uint64_t below(uint64_t n) { return next() % n; }

	/* between - uniform in [lo, hi]; lo <= hi. */
	uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }

	/* chance - true with probability @percent / 100. */
	bool chance(unsigned percent) { return below(100) < percent; }

	/* weighted - index i with probability w[i] / sum(w); sum(w) must be > 0. */
	size_t weighted(std::initializer_list<unsigned> w)
	{
		return weighted(std::vector<unsigned>(w));
	}

	size_t weighted(const std::vector<unsigned> &w)
	{
		uint64_t sum = 0;
		for (unsigned x : w)
			sum += x;
		uint64_t r = below(sum);
		for (size_t i = 0; i < w.size(); i++) {
			if (r < w[i])
				return i;
			r -= w[i];
		}
		return w.size() - 1;
	}

	/* pick - a uniformly chosen element of a non-empty vector. */
	template <typename T>
	const T &pick(const std::vector<T> &v)
	{
		return v[below(v.size())];
	}

private:
	uint64_t state_;
};

} // namespace fc::props
