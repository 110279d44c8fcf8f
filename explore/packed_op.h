// SPDX-License-Identifier: GPL-2.0
/*
 * packed_op.h - an alphabet statement in 12 bytes, as the explorer stores one
 * per visited state (the statement that first reached it).
 *
 * Only the statements of the explorer's alphabet are packable (see
 * alphabet.h): the one file is `a` (kExploreFile), no longterm pins, no
 * expect. VAs and page counts must fit 16 bits, process numbers 8 bits.
 */
#pragma once

#include "model/trace.h"

#include <cstdint>

namespace fc::explore {

struct PackedOp {
	uint32_t id = 0;     /* folio of split/swapout, handle of unpin/put,
				index of a file fault, to=VA2 of mremap */
	uint16_t va = 0;
	uint16_t pages = 0;
	uint8_t kind = 0;    /* OpKind */
	uint8_t proc = 0;
	uint8_t proc2 = 0;   /* Q of fork, at= of a file fault */
	uint8_t bits = 0;    /* order (4 bits), pmd, write, private, ro */
};
static_assert(sizeof(PackedOp) == 12);

/* can_pack - does @op fit (an alphabet statement of a small scope)? */
bool can_pack(const Op &op);
PackedOp pack_op(const Op &op);
Op unpack_op(const PackedOp &p);

} // namespace fc::explore
