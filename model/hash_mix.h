// SPDX-License-Identifier: GPL-2.0
/*
 * hash_mix.h - the bit mixing the engines' hashes share.
 */
#pragma once

#include <cstdint>

namespace fc {

/*
 * fmix64 - MurmurHash3's 64-bit finalizer (Austin Appleby, public domain):
 * every input bit reaches every output bit, so a hash whose rounds leave
 * the low bits weak comes out uniform.
 */
inline uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

} // namespace fc
