// SPDX-License-Identifier: GPL-2.0
/*
 * hints.h - what the generators remember across statements because a
 * Snapshot does not show it: the page-cache files created (and their
 * sizes), and the VAs whose pages went to swap (swap entries are not
 * mappings).
 *
 * Hints are kept by whoever applies the statements (the property's model
 * state) and are approximate: they only aim the generators. The reference
 * model's check() still decides what is legal.
 */
#pragma once

#include "model/snapshot.h"
#include "model/trace.h"

#include <map>
#include <set>
#include <string>
#include <utility>

namespace fc::props {

/* A page-cache file as `file NAME pages=N order=K` created it. */
struct FileHint {
	uint64_t pages = 0;
	unsigned order = 0;   /* every folio of the file has this order */
};

struct GenHints {
	std::map<std::string, FileHint> files;       /* name -> size and folio order */
	std::set<std::pair<ProcId, Va>> swapped;     /* (process, VA) holding a swap entry */

	/*
	 * needs_snapshot - does note() need the state before @op (a swapout:
	 * the VAs that mapped the folio become swap entries)?
	 */
	static bool needs_snapshot(const Op &op) { return op.kind == OpKind::swapout; }

	/*
	 * note - update the hints for @op, which has just been applied. @before
	 * is the reference Snapshot before it; only read if needs_snapshot(@op).
	 */
	void note(const Op &op, const Snapshot *before);
};

} // namespace fc::props
