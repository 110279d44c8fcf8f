// SPDX-License-Identifier: GPL-2.0
/*
 * packed_op.cc - pack and unpack alphabet statements.
 */
#include "explore/packed_op.h"

namespace fc::explore {

namespace {
constexpr uint8_t kPmdBit = 1u << 4;
constexpr uint8_t kWriteBit = 1u << 5;
} // namespace

bool can_pack(const Op &op)
{
	switch (op.kind) {
	case OpKind::fault_anon: case OpKind::read: case OpKind::write: case OpKind::fork:
	case OpKind::munmap: case OpKind::pin: case OpKind::unpin: case OpKind::get:
	case OpKind::put: case OpKind::split_pmd: case OpKind::split: case OpKind::shrink:
	case OpKind::exit:
		break;
	default:
		return false;
	}
	return op.va <= 0xffff && op.pages <= 0xffff && op.proc <= 0xff && op.proc2 <= 0xff &&
	       op.order < 16 && !op.longterm;
}

PackedOp pack_op(const Op &op)
{
	PackedOp p;
	p.kind = static_cast<uint8_t>(op.kind);
	p.proc = static_cast<uint8_t>(op.proc);
	p.proc2 = static_cast<uint8_t>(op.proc2);
	p.va = static_cast<uint16_t>(op.va);
	p.pages = static_cast<uint16_t>(op.pages);
	p.id = op.kind == OpKind::split ? op.folio : op.handle;
	p.bits = static_cast<uint8_t>(op.order & 0xf);
	if (op.pmd)
		p.bits |= kPmdBit;
	if (op.write)
		p.bits |= kWriteBit;
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
	if (op.kind == OpKind::split)
		op.folio = p.id;
	else
		op.handle = p.id;
	op.order = p.bits & 0xf;
	op.pmd = p.bits & kPmdBit;
	op.write = p.bits & kWriteBit;
	return op;
}

} // namespace fc::explore
