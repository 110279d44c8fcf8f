// SPDX-License-Identifier: GPL-2.0
/*
 * fingerprint_set.cc - open addressing with linear probing over 64-bit
 * fingerprints; 0 marks an empty slot, so fingerprint 0 is stored as 1 (one
 * more way to collide, counted in the bound as a 2^-64 event like any other).
 */
#include "explore/fingerprint_set.h"

#include <bit>

namespace fc::explore {

FingerprintSet::FingerprintSet(size_t expected)
{
	size_t n = std::bit_ceil(expected < 16 ? size_t{32} : expected * 2);
	slots_.assign(n, 0);
	mask_ = n - 1;
}

/*
 * slot_of - the home slot. The fingerprint is already a good hash, but its
 * low bits are mixed once more so that a weak caller-side hash cannot
 * cluster the table.
 */
size_t FingerprintSet::slot_of(uint64_t fp) const
{
	fp ^= fp >> 29;
	fp *= 0xbf58476d1ce4e5b9ull;
	fp ^= fp >> 32;
	return fp & mask_;
}

bool FingerprintSet::contains(uint64_t fp) const
{
	fp = stored_form(fp);
	for (size_t i = slot_of(fp);; i = (i + 1) & mask_) {
		if (slots_[i] == fp)
			return true;
		if (slots_[i] == 0)
			return false;
	}
}

bool FingerprintSet::insert(uint64_t fp)
{
	fp = stored_form(fp);
	/* Keep the load at most 1/2: probes stay short. */
	if ((size_ + 1) * 2 > slots_.size())
		grow();
	for (size_t i = slot_of(fp);; i = (i + 1) & mask_) {
		if (slots_[i] == fp)
			return false;
		if (slots_[i] == 0) {
			slots_[i] = fp;
			size_++;
			return true;
		}
	}
}

void FingerprintSet::grow()
{
	std::vector<uint64_t> old;
	old.swap(slots_);
	slots_.assign(old.size() * 2, 0);
	mask_ = slots_.size() - 1;
	for (uint64_t fp : old) {
		if (!fp)
			continue;
		size_t i = slot_of(fp);
		while (slots_[i])
			i = (i + 1) & mask_;
		slots_[i] = fp;
	}
}

void FingerprintSet::assign(std::vector<uint64_t> slots, size_t size)
{
	slots_ = std::move(slots);
	mask_ = slots_.size() - 1;
	size_ = size;
}

double collision_bound(uint64_t count)
{
	double n = static_cast<double>(count);
	double p = n * (n - 1) / 2 / 18446744073709551616.0;
	return p > 1 ? 1 : p;
}

double FingerprintSet::collision_probability() const
{
	return collision_bound(size_);
}

} // namespace fc::explore
