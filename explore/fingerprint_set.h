// SPDX-License-Identifier: GPL-2.0
/*
 * fingerprint_set.h - the explorer's visited set: 64-bit fingerprints of
 * canonical states in one open-addressing table (linear probing).
 *
 * A state is remembered by its fingerprint alone (hash compaction, as SPIN's
 * bitstate and TLC's fingerprint sets do): 8 bytes per slot, the table kept
 * at most half full. Two distinct states whose fingerprints collide are
 * taken for one, and the second is never expanded;
 * collision_probability() bounds the chance that this happened at all.
 *
 * Concurrency: any number of threads may call contains() while no thread
 * inserts; insert() is for one thread at a time. The explorer expands a
 * batch of the frontier in parallel (read-only lookups) and then merges the
 * successors on one thread, in a fixed order.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fc::explore {

/*
 * collision_bound - the birthday bound n(n-1)/2 / 2^64 on the probability
 * that any two of @n distinct states share a 64-bit fingerprint (assuming
 * a uniform hash), at most 1.
 */
double collision_bound(uint64_t n);

class FingerprintSet {
public:
	/* @expected: how many fingerprints to size the table for at first. */
	explicit FingerprintSet(size_t expected = 1 << 16);

	/* Adds @fp; returns false when it was already there. */
	bool insert(uint64_t fp);
	bool contains(uint64_t fp) const;

	size_t size() const { return size_; }
	/* Bytes the table occupies. */
	size_t memory_bytes() const { return slots_.size() * sizeof(uint64_t); }

	/*
	 * collision_probability - an upper bound on the probability that any two
	 * of the size() distinct states stored share a fingerprint (the birthday
	 * bound n(n-1)/2 / 2^64, assuming a uniform hash).
	 */
	double collision_probability() const;

	/* The raw table and its count, for checkpoints (checkpoint.h). */
	const std::vector<uint64_t> &slots() const { return slots_; }
	/* Replace the table by one slots() returned (a power of two in size). */
	void assign(std::vector<uint64_t> slots, size_t size);

private:
	static uint64_t stored_form(uint64_t fp) { return fp ? fp : 1; }
	void grow();
	size_t slot_of(uint64_t fp) const;

	std::vector<uint64_t> slots_; /* 0: empty */
	size_t mask_ = 0;
	size_t size_ = 0;
};

} // namespace fc::explore
