// SPDX-License-Identifier: GPL-2.0
/*
 * invariants.h - SPEC's invariants as predicates over a Snapshot.
 *
 * They are evaluated on the kernel model at every visible point; the ones
 * that need settled counters (counters_match_tables, rss_consistent,
 * partially_mapped_queued) only where VisiblePoint::settled is true.
 */
#pragma once

#include "model/snapshot.h"

#include <string>
#include <vector>

namespace fc {

struct InvariantFailure {
	Invariant invariant;
	std::string detail; /* which folio / page / process, and the numbers */
};

/*
 * check_invariants - every invariant that fails on @snap. @settled selects
 * whether the settled-only invariants are evaluated. pin_stays_mapped is an
 * event, not a state predicate: see check_page_replaced().
 */
std::vector<InvariantFailure> check_invariants(const Snapshot &snap, const Config &cfg,
					       bool settled);

/* pin_stays_mapped: did @r replace a page a live pin of the same process holds? */
std::vector<InvariantFailure> check_page_replaced(const Snapshot &snap, const PageReplaced &r);

} // namespace fc
