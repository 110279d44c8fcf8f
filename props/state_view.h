// SPDX-License-Identifier: GPL-2.0
/*
 * state_view.h - what the op generators see of the current state: the
 * reference model's Snapshot, indexed the way a generator asks questions
 * ("which VAs does p1 map, and by which folio runs?", "which pins are live?",
 * "where are the holes in a partly unmapped folio?").
 *
 * A StateView is built once per generated command from the reference model
 * (and the hints the sequence so far left, props/hints.h) and never
 * changes; it knows nothing about legality (the reference model's check()
 * is the judge of that).
 */
#pragma once

#include "model/snapshot.h"
#include "model/types.h"
#include "props/hints.h"

#include <optional>
#include <vector>

namespace fc::props {

/*
 * struct Extent - a maximal run of one process's page table that maps
 * consecutive pages of one folio at consecutive VAs inside one PTE table
 * (what folio_pte_batch() would batch, writability ignored), or one PMD.
 */
struct Extent {
	Va start = 0;            /* first VA */
	Va end = 0;              /* one past the last VA */
	FolioId folio = 0;
	uint32_t first_page = 0; /* page of @folio mapped at @start */
	unsigned order = 0;      /* the folio's order */
	bool pmd = false;        /* mapped by one PMD */
	bool writable = false;   /* every entry writable */

	/* The VAs the whole folio would cover if this run were extended both ways. */
	Va folio_start() const { return start >= first_page ? start - first_page : 0; }
	Va folio_end() const { return folio_start() + (Va{1} << order); }
};

/* One mapped page as a process's page table shows it. */
struct MappedPage {
	ProcId proc = 0;
	Va va = 0;
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
	bool pmd = false;
};

class StateView {
public:
	/* @hints (not copied; may be null) must outlive the view. */
	StateView(const Config &cfg, Snapshot snap, const GenHints *hints = nullptr);

	const Config &config() const { return cfg_; }
	const Snapshot &snapshot() const { return snap_; }
	const GenHints &hints() const;
	Va space() const { return cfg_.scope.space_pages(); }
	Va pmd_pages() const { return cfg_.scope.pmd_pages(); }
	/* The id `fork` must give its child: processes are numbered in order. */
	ProcId next_proc() const { return static_cast<ProcId>(snap_.procs.size()); }

	const std::vector<ProcId> &alive() const { return alive_; }
	/* Alive processes that map at least one page. */
	const std::vector<ProcId> &mapping_procs() const { return mapping_procs_; }
	const std::vector<FolioId> &live_folios() const { return live_folios_; }
	const std::vector<FolioId> &live_large_folios() const { return live_large_; }
	const std::vector<HandleId> &live_pins() const { return live_pins_; }
	const std::vector<HandleId> &live_refs() const { return live_refs_; }

	/* @p's extents in VA order (empty for an unknown or exited process). */
	const std::vector<Extent> &extents(ProcId p) const;
	/* The extent of @p covering @va, if any. */
	std::optional<Extent> extent_at(ProcId p, Va va) const;

	bool mapped(ProcId p, Va va) const;
	/* Every VA of [va, va + n) inside the space and unmapped in @p. */
	bool range_unmapped(ProcId p, Va va, uint64_t n) const;
	/* How many consecutive VAs from @va on are mapped in @p (0 if @va is not). */
	uint64_t mapped_run(ProcId p, Va va) const;

	/* Read-only mappings of every alive process: where write faults COW or reuse. */
	const std::vector<MappedPage> &readonly_pages() const { return readonly_; }
	/*
	 * Read-only mappings a write fault would reuse rather than copy: the
	 * page is AnonExclusive, or the folio's only reference is this mapping
	 * (a PMD, or an order-0 page: do_huge_pmd_wp_page(),
	 * wp_can_reuse_anon_folio()). Large-folio reuse only happens here.
	 */
	const std::vector<MappedPage> &reusable_pages() const { return reusable_; }
	/* PMD mappings of every alive process, keyed by their first VA. */
	const std::vector<MappedPage> &pmd_mappings() const { return pmds_; }
	/*
	 * Unmapped VAs of a process inside the span of a large folio it still
	 * maps: faulting there leaves the folio mapped non-contiguously.
	 */
	const std::vector<MappedPage> &holes() const { return holes_; }
	/* Does @p map a folio that folio_maybe_dma_pinned() would report? */
	bool maps_pinned_folio(ProcId p) const;

private:
	void index_process(const ProcView &pv);
	void note_readonly(const MappedPage &m);

	Config cfg_;
	Snapshot snap_;
	const GenHints *hints_;
	std::vector<ProcId> alive_, mapping_procs_;
	std::vector<FolioId> live_folios_, live_large_;
	std::vector<HandleId> live_pins_, live_refs_;
	std::vector<std::vector<Extent>> extents_;  /* by process id */
	std::vector<MappedPage> readonly_, reusable_, pmds_, holes_;
	std::vector<bool> maps_pinned_;             /* by process id */
};

} // namespace fc::props
