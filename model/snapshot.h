// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.h - everything an observer outside the models can see, in one
 * value both models produce. The differential check compares two Snapshots;
 * the invariants and `expect` read one.
 *
 * A Snapshot of the reference model holds counts it derived by counting
 * holders; one of the kernel model holds the counters as stored, possibly in
 * the middle of a batch (see VisiblePoint).
 */
#pragma once

#include "model/page_map.h"
#include "model/types.h"

#include <map>
#include <string>
#include <vector>

namespace fc {

/*
 * One PTE: maps page @page of folio @folio. @young is pte_young(), the
 * accessed bit (issue 6, seed 004): a PTE made from vm_page_prot has it, so
 * it defaults to set; see docs/semantics.md "Young and old PTEs".
 */
struct PteView {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
	bool young = true;
	bool operator==(const PteView &) const = default;
};

/* One PMD mapping of a whole pmd_order folio; keyed by its first VA. */
struct PmdView {
	FolioId folio = 0;
	bool writable = false;
	bool young = true;   /* pmd_young() */
	bool operator==(const PmdView &) const = default;
};

/* A swap PTE (issue 6): the swap slot it names and pte_swp_exclusive(). */
struct SwapPteView {
	uint64_t slot = 0;
	bool exclusive = false;
	bool operator==(const SwapPteView &) const = default;
};

struct ProcView {
	ProcId id = 0;
	bool exited = false;
	PageMap<PteView> ptes;
	PageMap<PmdView> pmds;
	PageMap<SwapPteView> swap;  /* swap entries; `mapped` answers none */
	long rss_anon = 0;   /* MM_ANONPAGES */
	long rss_file = 0;   /* MM_FILEPAGES */
	bool operator==(const ProcView &) const = default;
};

struct FolioView {
	FolioId id = 0;
	unsigned order = 0;
	bool anon = true;
	bool freed = false;
	long refcount = 0;          /* folio_ref_count() */
	long mapcount = 0;          /* folio_mapcount() */
	long entire_mapcount = 0;   /* folio_entire_mapcount() */
	long nr_pages_mapped = 0;   /* pages mapped by at least one PTE */
	long pincount = 0;          /* _pincount (large); 0 for order 0 */
	bool maybe_pinned = false;  /* folio_maybe_dma_pinned() */
	bool queued = false;        /* on the deferred split queue */
	bool partially_mapped = false; /* folio_test_partially_mapped() */
	bool lazyfree = false;      /* MADV_FREE: !folio_test_swapbacked() (issue 6) */
	std::vector<long> page_mapcount;  /* page_mapcount(), includes entire */
	std::vector<bool> anon_exclusive; /* PageAnonExclusive() */
	bool operator==(const FolioView &) const = default;

	unsigned nr_pages() const { return 1u << order; }
};

/* A pin (FOLL_PIN) or a FOLL_GET reference handle, as the caller holds it. */
struct HandleView {
	HandleId id = 0;
	ProcId proc = 0;    /* the process whose page tables were walked */
	bool released = false;
	struct Page {
		Va va;
		FolioId folio;
		uint32_t page;
		bool operator==(const Page &) const = default;
	};
	std::vector<Page> pages;
	bool operator==(const HandleView &) const = default;
};

struct Snapshot {
	std::vector<FolioView> folios;  /* index i holds folio i + 1 */
	std::vector<ProcView> procs;    /* index i holds process i */
	std::vector<HandleView> pins;   /* index i holds pin i + 1 */
	std::vector<HandleView> refs;   /* index i holds ref i + 1 */
	std::vector<FolioId> split_queue; /* deferred split queue, FIFO order */

	const FolioView *folio(FolioId f) const;
	const ProcView *proc(ProcId p) const;
	bool operator==(const Snapshot &) const = default;
};

/* The cost counters of SPEC; only the kernel model keeps them. */
struct CostCounters {
	uint64_t atomics = 0;
	uint64_t split_queue_locks = 0;
	uint64_t spurious_enqueues = 0;
};

/*
 * struct VisiblePoint - a place inside an operation where another CPU could
 * observe the folio. @settled is false where the page tables and the counters
 * legitimately disagree (PTEs cleared, rmap not yet removed), so
 * counters_match_tables is not evaluated there.
 */
struct VisiblePoint {
	const char *where = "end of operation";
	bool settled = true;
};

/*
 * struct PageReplaced - a COW or unshare fault replaced the page mapped at
 * (@proc, @va): pin_stays_mapped checks that no live pin of @proc held it.
 */
struct PageReplaced {
	ProcId proc;
	Va va;
	FolioId folio;
	uint32_t page;
};

} // namespace fc
