// SPDX-License-Identifier: GPL-2.0
/*
 * packed_op.cc - pack and unpack alphabet statements.
 */
#include "explore/packed_op.h"

#include "explore/alphabet.h"

namespace fc::explore {

namespace {
constexpr uint8_t kPmdBit = 1u << 4;
constexpr uint8_t kWriteBit = 1u << 5;
constexpr uint8_t kPrivateBit = 1u << 6;
constexpr uint8_t kRoBit = 1u << 7;

/* Which statement kinds use PackedOp::id, and for what. */
uint64_t op_id(const Op &op)
{
	switch (op.kind) {
	case OpKind::split: case OpKind::swapout: return op.folio;
	case OpKind::fault_file: return op.index;
	case OpKind::mremap: return op.va2;
	default: return op.handle;
	}
}
} // namespace

bool can_pack(const Op &op)
{
	switch (op.kind) {
	case OpKind::fault_anon: case OpKind::read: case OpKind::write: case OpKind::fork:
	case OpKind::munmap: case OpKind::pin: case OpKind::unpin: case OpKind::get:
	case OpKind::put: case OpKind::split_pmd: case OpKind::split: case OpKind::shrink:
	case OpKind::exit: case OpKind::mprotect: case OpKind::mremap: case OpKind::swapout:
	case OpKind::swapin: case OpKind::madv_free: case OpKind::reclaim:
		if (!op.file.empty())
			return false;
		break;
	case OpKind::file_create: case OpKind::fault_file:
		if (op.file != kExploreFile)
			return false;
		break;
	default:
		return false;
	}
	/* proc2 carries Q of fork, at= of a file fault */
	if (op.kind == OpKind::fault_file ? op.proc2 != 0 || op.at > 0xff : op.at != 0)
		return false;
	return op.va <= 0xffff && op.pages <= 0xffff && op.proc <= 0xff && op.proc2 <= 0xff &&
	       op.order < 16 && !op.longterm && op_id(op) <= 0xffffffffu;
}

PackedOp pack_op(const Op &op)
{
	PackedOp p;
	p.kind = static_cast<uint8_t>(op.kind);
	p.proc = static_cast<uint8_t>(op.proc);
	p.proc2 = static_cast<uint8_t>(op.kind == OpKind::fault_file ? op.at : op.proc2);
	p.va = static_cast<uint16_t>(op.va);
	p.pages = static_cast<uint16_t>(op.pages);
	p.id = static_cast<uint32_t>(op_id(op));
	p.bits = static_cast<uint8_t>(op.order & 0xf);
	if (op.pmd)
		p.bits |= kPmdBit;
	if (op.write)
		p.bits |= kWriteBit;
	if (op.is_private)
		p.bits |= kPrivateBit;
	if (op.ro)
		p.bits |= kRoBit;
	return p;
}

Op unpack_op(const PackedOp &p)
{
	Op op;
	op.kind = static_cast<OpKind>(p.kind);
	op.proc = p.proc;
	op.proc2 = p.proc2;
	op.va = p.va;
	op.pages = p.pages;
	switch (op.kind) {
	case OpKind::split: case OpKind::swapout: op.folio = p.id; break;
	case OpKind::fault_file:
		op.index = p.id;
		op.at = p.proc2;
		op.proc2 = 0;
		break;
	case OpKind::mremap: op.va2 = p.id; break;
	default: op.handle = p.id; break;
	}
	if (op.kind == OpKind::file_create || op.kind == OpKind::fault_file)
		op.file = std::string(kExploreFile); /* a move: operator=(string_view) trips a GCC 12 -Wrestrict false positive */
	op.order = p.bits & 0xf;
	op.pmd = p.bits & kPmdBit;
	op.write = p.bits & kWriteBit;
	op.is_private = p.bits & kPrivateBit;
	op.ro = p.bits & kRoBit;
	return op;
}

} // namespace fc::explore
