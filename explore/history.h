// SPDX-License-Identifier: GPL-2.0
/*
 * history.h - the part of a state that no Snapshot shows, and how the
 * explorer keeps states that may differ there apart.
 *
 * The models keep state outside the Snapshot: each process's VMA attributes
 * (protection, file and offset, shared, anon_vma), the MADV_FREE clean bit
 * of each PTE and PMD, the page cache of each file (which folio page holds
 * which index) and the swap cache (which folio page holds which slot), in
 * the reference model and the kernel model alike. Only the statements of
 * the opt-in (issue 6) families change any of it: `file`, `fault ... file=`,
 * `mprotect`, `mremap`, `swapout`, `swapin`, `madv_free`, `reclaim`. Every
 * other statement of the alphabet leaves it at its initial value as long as
 * none of those ran (a fresh VMA has the default attributes, nothing is
 * clean, there is no file and no swap cache).
 *
 * So a state is "clean" while its path holds none of those statements; its
 * canonical form (canonical.h) is then a sound key. Once one of them ran,
 * the state is "dirty" and is keyed by its whole path instead: two dirty
 * states are merged only when they were reached by the same statements,
 * i.e. only when they are the same state. That gives up merging (and the
 * symmetry reduction) below the first such statement, but never merges two
 * states that differ in what the Snapshot hides; it also leaves block
 * symmetry sound under mremap and file faults, which can make a folio
 * straddle two PMD blocks or tie a block to a file offset: the blocks are
 * only permuted in clean states. A canonical form that merges dirty states
 * needs that state in Snapshot (docs/explore.md says what exactly).
 */
#pragma once

#include "explore/canonical.h"
#include "explore/packed_op.h"
#include "model/check/runner.h"

#include <cstdint>

namespace fc::explore {

/* touches_hidden_state - may @kind change state the Snapshots do not show? */
bool touches_hidden_state(OpKind kind);

/*
 * struct PathKey - what the explorer knows of a state's path: whether it is
 * dirty, and a 64-bit hash of its whole statement sequence.
 */
struct PathKey {
	uint64_t hash = 0x5eed5eed5eed5eedull;
	bool dirty = false;

	/* The key of the state reached from this one by @op. */
	PathKey extend(const PackedOp &op) const;
	bool operator==(const PathKey &) const = default;
};

/*
 * state_fingerprint - the visited-set key of a state: the fingerprint of
 * the canonical form of @r's two models when @key is clean, else a hash of
 * the path (tagged so that it cannot be read as a canonical form's).
 * @models_agree says that @r's differential comparison passed after its
 * last step: the two Snapshots are then equal but for the counters of freed
 * folios, which the canonical form does not read, so only one Snapshot is
 * read: the reference model's, which that comparison built and the Runner
 * keeps (Runner::reference_snapshot()), so it costs nothing more.
 */
uint64_t state_fingerprint(Canonicalizer &canon, const Runner &r, const PathKey &key,
			   bool models_agree = false);

} // namespace fc::explore
