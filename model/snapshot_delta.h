// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_delta.h - what changed in a Snapshot kept up to date in place.
 *
 * The Runner looks at the kernel model at every visible point: up to a few
 * hundred times in one statement at pmd_order 9, each time over page tables
 * of thousands of entries. Refilling the whole Snapshot there and walking
 * it for every invariant made each point cost O(page tables), and a zap of
 * a PMD's worth of PTEs quadratic. KernelModel::snapshot_update() instead
 * brings a Snapshot it filled before up to date from the page tables' change
 * logs, and says here what it changed, so the checker can redo its tallies
 * and look again at only the folios and processes the step touched.
 *
 * Every change to @ptes and @pmds is listed with its value before and after
 * (an absent entry is nullopt). @folios lists folios whose FolioView changed,
 * new ones included; @pages the (folio, page) pairs whose per-page view
 * (page_mapcount, anon_exclusive) may have changed, and @pages_all the
 * folios any of whose pages may have (new ones, a new size or PMD count); @procs processes whose exited flag or RSS counters
 * changed, new ones included; @handles the pins and references that appeared
 * or changed, with their views before (nullopt for a new one).
 */
#pragma once

#include "model/snapshot.h"

#include <optional>
#include <vector>

namespace fc {

struct PteChange {
	ProcId proc;
	Va va;
	std::optional<PteView> before, after;
};

struct PmdChange {
	ProcId proc;
	Va va;   /* the PMD-aligned VA */
	std::optional<PmdView> before, after;
};

struct HandleChange {
	bool pin;       /* in Snapshot::pins, else Snapshot::refs */
	size_t index;   /* handle id - 1 */
	std::optional<HandleView> before;
};

struct PageRef {
	FolioId folio;
	uint32_t page;
};

struct SnapshotDelta {
	std::vector<FolioId> folios;
	std::vector<PageRef> pages;
	std::vector<FolioId> pages_all;
	std::vector<ProcId> procs;
	std::vector<PteChange> ptes;
	std::vector<PmdChange> pmds;
	std::vector<HandleChange> handles;
	/* the deferred split queue changed; it held @queue_before */
	bool queue_changed = false;
	std::vector<FolioId> queue_before;
	/* a swap PTE changed (no invariant reads them; the Snapshot did change) */
	bool swap_changed = false;

	bool empty() const
	{
		return folios.empty() && pages.empty() && pages_all.empty() && procs.empty() && ptes.empty() && pmds.empty() &&
		       handles.empty() && !queue_changed && !swap_changed;
	}
	void clear()
	{
		folios.clear();
		pages.clear();
		pages_all.clear();
		procs.clear();
		ptes.clear();
		pmds.clear();
		handles.clear();
		queue_changed = false;
		queue_before.clear();
		swap_changed = false;
	}
};

} // namespace fc
