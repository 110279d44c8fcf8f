// SPDX-License-Identifier: GPL-2.0
/*
 * history.cc - clean and dirty states: see history.h.
 */
#include "explore/history.h"

#include <cstring>

namespace fc::explore {

bool touches_hidden_state(OpKind kind)
{
	switch (kind) {
	case OpKind::file_create:
	case OpKind::fault_file:
	case OpKind::mprotect:
	case OpKind::mremap:
	case OpKind::swapout:
	case OpKind::swapin:
	case OpKind::madv_free:
	case OpKind::reclaim:
		return true;
	default:
		return false;
	}
}

/*
 * extend - chain the 12 bytes of the packed statement into the hash, so the
 * hash of a path is a function of every statement and its position.
 */
PathKey PathKey::extend(const PackedOp &op) const
{
	uint32_t words[5] = {static_cast<uint32_t>(hash), static_cast<uint32_t>(hash >> 32)};
	static_assert(sizeof(PackedOp) == 3 * sizeof(uint32_t));
	std::memcpy(&words[2], &op, sizeof(PackedOp));
	PathKey k;
	k.hash = hash_words(words, 5);
	k.dirty = dirty || touches_hidden_state(static_cast<OpKind>(op.kind));
	return k;
}

uint64_t state_fingerprint(Canonicalizer &canon, const Runner &r, const PathKey &key,
			   bool models_agree)
{
	if (!key.dirty) {
		if (models_agree) {
			/* the comparison that accepted the step built it: free */
			const Snapshot &ref = r.reference_snapshot();
			return canon.fingerprint(ref, ref);
		}
		return canon.fingerprint(r.reference_snapshot(), r.kernel().snapshot());
	}
	/* a tag word no canonical encoding starts with (they start with TAG_PROCS) */
	uint32_t words[3] = {0xd1d1d1d1u, static_cast<uint32_t>(key.hash),
			     static_cast<uint32_t>(key.hash >> 32)};
	return hash_words(words, 3);
}

} // namespace fc::explore
