// SPDX-License-Identifier: GPL-2.0
/*
 * record.h - the fuzz input format: a byte string is a sequence of
 * fixed-width operation records.
 *
 * Fixed width is what makes a small change in bytes a small change in
 * operations: flipping a byte changes one field of one statement, and the
 * structure-aware mutator (mutator.h) inserts, deletes and swaps whole
 * records so the framing never shifts. Trailing bytes that do not fill a
 * record are ignored.
 *
 * One record, kRecordSize bytes:
 *
 *   byte 0    kind   kind_of_byte(): a weighted table of the statements
 *   byte 1    who    bits 0-2: the process, an index into the processes
 *                    alive (mod their number); bits 3-5: flags (kFlagBig,
 *                    kFlagWrite, kFlagLongterm); bits 6-7: how mremap's
 *                    aux byte gives to= (kTo*); fault file=: bits 4-7 the
 *                    faulting page at=, an offset into the range (mod its
 *                    pages), so fault-around can start before the fault
 *   bytes 2-3 where  little-endian; bit 15 clear: an absolute VA,
 *                    (value & 0x7fff) mod space; bit 15 set: a "hot" range,
 *                    a range a recent fault or mremap mapped, or a swapout
 *                    left swap entries in: bits 8-14 pick
 *                    one (0 = the newest, mod their number), bits 0-7 an
 *                    offset into it (mod its pages)
 *   byte 4    size   pages=: < 0x80: value + 1 (1..128), else a power of
 *                    two, 1 << ((value & 0x7f) mod (log2(space) + 1));
 *                    order= of an anon fault: value mod (largest order + 1)
 *   byte 5    aux    unpin/put: which live handle (mod their number);
 *                    split/swapout: which live folio; file: order; fault
 *                    file=: bits 0-1 which file, bits 2-7 index=; mremap:
 *                    to=, by the who byte's bits 6-7: VA + (int8) value,
 *                    VA + 8 * (int8) value, value << max(0, log2(space) - 8),
 *                    or the start of hot range (value mod 16)
 *
 * Every field is interpreted against the current state (decoder.h), so any
 * byte string decodes to a legal sequence.
 */
#pragma once

#include "model/trace.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fc::fuzz {

inline constexpr size_t kRecordSize = 6;

/* Flags in byte 1. */
inline constexpr uint8_t kProcMask = 0x07;
inline constexpr uint8_t kFlagBig = 0x08;      /* fault: pmd; fault file=: private; mprotect: ro */
inline constexpr uint8_t kFlagWrite = 0x10;    /* pin: write */
inline constexpr uint8_t kFlagLongterm = 0x20; /* pin: longterm */
inline constexpr uint8_t kToMask = 0xc0;       /* mremap: how aux gives to= */
inline constexpr uint8_t kToNear = 0x00;       /* VA + (int8) aux */
inline constexpr uint8_t kToFar = 0x40;        /* VA + 8 * (int8) aux */
inline constexpr uint8_t kToAbsolute = 0x80;   /* aux << max(0, log2(space) - 8) */
inline constexpr uint8_t kToHot = 0xc0;        /* start of hot range aux mod 16 */
inline constexpr uint8_t kAtShift = 4;         /* fault file=: at= offset in bits 4-7 */
inline constexpr uint8_t kAtMax = 0x0f;

/* Bits of the where field. */
inline constexpr uint16_t kWhereHot = 0x8000;
inline constexpr uint16_t kWhereVaMask = 0x7fff;

/* Size byte: below this, pages = value + 1; from it, a power of two. */
inline constexpr uint8_t kSizePow2 = 0x80;

/* Number of hot ranges the decoder remembers. */
inline constexpr size_t kHotRanges = 16;

struct Record {
	uint8_t kind = 0;
	uint8_t who = 0;
	uint16_t where = 0;
	uint8_t size = 0;
	uint8_t aux = 0;

	bool operator==(const Record &) const = default;
};

/* The record at @p (kRecordSize bytes) and back. */
Record load_record(const uint8_t *p);
void store_record(const Record &r, uint8_t *p);

/* Number of whole records in @size bytes. */
inline size_t record_count(size_t size) { return size / kRecordSize; }

/* The statement kind byte 0 selects. */
OpKind kind_of_byte(uint8_t b);
/* The smallest byte that selects @kind, or -1 if the table has none. */
int byte_of_kind(OpKind kind);

/* The pages= value the size byte @b gives in an address space of @space pages. */
uint64_t pages_of_size(uint8_t b, uint64_t space);
/* A size byte giving exactly @pages, or -1 if none does. */
int size_of_pages(uint64_t pages, uint64_t space);

/* ceil(log2(@n)) for n >= 1: the exponent range of the size byte. */
unsigned log2_ceil(uint64_t n);

} // namespace fc::fuzz
