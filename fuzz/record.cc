// SPDX-License-Identifier: GPL-2.0
/*
 * record.cc - the fixed-width operation record and its field codes.
 */
#include "fuzz/record.h"

#include <array>

namespace fc::fuzz {

namespace {

/*
 * The kind table: byte 0 mod 64 picks an entry. The weights favour what
 * moves the accounting (faults, writes, zaps, pins, forks) over what only
 * rearranges it; every statement but `expect` has at least one entry. A
 * kind byte should keep its meaning across versions of a fuzz corpus, so a
 * new statement takes over one of the last, most duplicated entries
 * (reclaim took a fault_anon) and nothing moves.
 */
constexpr std::array<OpKind, 64> kKindTable = {
	/* 0 */ OpKind::fault_anon, OpKind::write, OpKind::munmap, OpKind::pin,
	/* 4 */ OpKind::fork, OpKind::unpin, OpKind::get, OpKind::put,
	/* 8 */ OpKind::split_pmd, OpKind::split, OpKind::shrink, OpKind::exit,
	/* 12 */ OpKind::read, OpKind::file_create, OpKind::fault_file, OpKind::madv_free,
	/* 16 */ OpKind::mremap, OpKind::mprotect, OpKind::swapout, OpKind::swapin,
	/* 20 */ OpKind::fault_anon, OpKind::write, OpKind::munmap, OpKind::pin,
	/* 24 */ OpKind::fork, OpKind::unpin, OpKind::get, OpKind::put,
	/* 28 */ OpKind::split_pmd, OpKind::split, OpKind::shrink, OpKind::exit,
	/* 32 */ OpKind::fault_anon, OpKind::write, OpKind::munmap, OpKind::pin,
	/* 36 */ OpKind::fork, OpKind::unpin, OpKind::get, OpKind::put,
	/* 40 */ OpKind::split_pmd, OpKind::split, OpKind::file_create, OpKind::fault_file,
	/* 44 */ OpKind::madv_free, OpKind::mremap, OpKind::mprotect, OpKind::swapout,
	/* 48 */ OpKind::swapin, OpKind::fault_anon, OpKind::write, OpKind::munmap,
	/* 52 */ OpKind::pin, OpKind::fork, OpKind::unpin, OpKind::fault_anon,
	/* 56 */ OpKind::munmap, OpKind::pin, OpKind::fault_anon, OpKind::write,
	/* 60 */ OpKind::munmap, OpKind::fault_anon, OpKind::write, OpKind::reclaim,
};

} // namespace

Record load_record(const uint8_t *p)
{
	Record r;
	r.kind = p[0];
	r.who = p[1];
	r.where = static_cast<uint16_t>(p[2] | (p[3] << 8));
	r.size = p[4];
	r.aux = p[5];
	return r;
}

void store_record(const Record &r, uint8_t *p)
{
	p[0] = r.kind;
	p[1] = r.who;
	p[2] = static_cast<uint8_t>(r.where & 0xff);
	p[3] = static_cast<uint8_t>(r.where >> 8);
	p[4] = r.size;
	p[5] = r.aux;
}

OpKind kind_of_byte(uint8_t b)
{
	return kKindTable[b % kKindTable.size()];
}

int byte_of_kind(OpKind kind)
{
	for (size_t i = 0; i < kKindTable.size(); i++)
		if (kKindTable[i] == kind)
			return static_cast<int>(i);
	return -1;
}

unsigned log2_ceil(uint64_t n)
{
	unsigned e = 0;
	while (e < 63 && (uint64_t{1} << e) < n)
		e++;
	return e;
}

uint64_t pages_of_size(uint8_t b, uint64_t space)
{
	if (b < kSizePow2)
		return uint64_t{b} + 1;
	return uint64_t{1} << ((b & 0x7f) % (log2_ceil(space) + 1));
}

int size_of_pages(uint64_t pages, uint64_t space)
{
	if (pages >= 1 && pages <= kSizePow2)
		return static_cast<int>(pages - 1);
	for (unsigned e = 0; e <= log2_ceil(space) && e < 0x80; e++)
		if ((uint64_t{1} << e) == pages)
			return kSizePow2 | static_cast<int>(e);
	return -1;
}

} // namespace fc::fuzz
