// SPDX-License-Identifier: GPL-2.0
/*
 * reference_state.h - the reference model's private state: holders only.
 *
 * What is stored: every process's PTEs and PMDs, every pin and FOLL_GET
 * handle with the pages it holds, the deferred split queue, and per folio
 * its order, anon and freed bits, its PageAnonExclusive bits and its
 * partially_mapped flag (state in both models, docs/semantics.md). Nothing
 * that is a count: refcount, mapcounts, pincount, nr_pages_mapped and RSS
 * are derived by counting holders (holders.cc) whenever they are needed.
 *
 * The files of model/reference, one concept each:
 *   holders.cc         counting holders, and the counts derived from them
 *   legality.cc        check(): which statements may run, and why not
 *   fault.cc           anonymous faults, write/unshare faults, COW copies
 *   gup.cc             pin/unpin, get/put
 *   fork.cc            fork
 *   zap.cc             munmap and exit, folio runs
 *   deferred_split.cc  the split queue, the rmap removal rule, freeing
 *   split.cc           PMD split, folio split, the shrinker
 *   reference_model.cc the ReferenceModel object: dispatch and snapshots
 */
#pragma once

#include "model/reference/reference_model.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace fc {

/* A page table entry: maps page @page of folio @folio. */
struct RPte {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
};

/* A PMD mapping of a whole pmd_order folio. */
struct RPmd {
	FolioId folio = 0;
	bool writable = false;
};

struct RProc {
	bool exited = false;
	bool has_pinned = false;        /* MMF_HAS_PINNED: sticky, not inherited */
	std::map<Va, RPte> ptes;
	std::map<Va, RPmd> pmds;        /* keyed by the PMD-aligned first VA */
};

/* What a folio is, never how often it is held. */
struct RFolio {
	unsigned order = 0;
	bool anon = true;
	bool freed = false;
	bool partially_mapped = false;  /* PG_partially_mapped */
	std::vector<bool> anon_exclusive; /* PageAnonExclusive, per page */

	unsigned nr_pages() const { return 1u << order; }
	bool large() const { return order > 0; }
};

/* A pin or a FOLL_GET reference: the pages the caller holds. */
struct RHandle {
	ProcId proc = 0;
	bool released = false;
	std::vector<HandleView::Page> pages;
};

/*
 * struct Holders - how often each kind of holder holds one folio, as
 * counted by holders_of() / count_holders(). Per page where the kernel's
 * counts need it.
 */
struct Holders {
	std::vector<long> ptes;   /* per page: PTEs mapping it, every process */
	long pmds = 0;            /* PMDs mapping the folio */
	std::vector<long> pins;   /* per page: live pins holding it */
	long refs = 0;            /* live FOLL_GET page references */

	explicit Holders(unsigned nr_pages = 1) : ptes(nr_pages), pins(nr_pages) {}
};

/* The counts of docs/semantics.md "Counts", each from the holders. */
long derived_refcount(const RFolio &f, const Holders &h);
long derived_mapcount(const Holders &h);
long derived_page_mapcount(const Holders &h, unsigned page);
long derived_nr_pages_mapped(const Holders &h);
long derived_pincount(const RFolio &f, const Holders &h);
bool derived_maybe_pinned(const RFolio &f, const Holders &h);
bool page_mapped(const Holders &h, unsigned page);
bool any_page_mapped(const Holders &h);

struct ReferenceModel::State {
	Config cfg;
	std::vector<RFolio> folios;       /* folio id - 1 */
	std::vector<RProc> procs;         /* process id */
	std::vector<RHandle> pins, refs;  /* handle id - 1 */
	std::deque<FolioId> split_queue;  /* FIFO; a folio is queued iff it is here */

	/* --- scope --- */
	Va space() const { return cfg.scope.space_pages(); }
	Va pmd_nr() const { return cfg.scope.pmd_pages(); }
	Va pmd_align(Va va) const { return va & ~(pmd_nr() - 1); }
	bool unbatched() const { return cfg.variant == Variant::unbatched; }

	RFolio &folio(FolioId f) { return folios[f - 1]; }
	const RFolio &folio(FolioId f) const { return folios[f - 1]; }

	/* --- page tables --- */
	const RPte *pte_at(ProcId p, Va va) const;
	/* The PMD of @p covering @va, its first VA in @haddr (may be null). */
	const RPmd *pmd_covering(ProcId p, Va va, Va *haddr) const;
	/* folio and page mapped at @va, by PTE or PMD; false if unmapped */
	bool lookup(ProcId p, Va va, FolioId *f, uint32_t *page, bool *writable) const;

	/* --- holders.cc --- */
	template <typename Fn> void for_each_holder(Fn fn) const;
	Holders holders_of(FolioId f) const;
	std::vector<Holders> count_holders() const;
	long refcount(FolioId f) const { return derived_refcount(folio(f), holders_of(f)); }

	/* --- deferred_split.cc --- */
	FolioId folio_alloc(unsigned order);
	void deferred_split_folio(FolioId f, bool partially_mapped);
	void split_queue_remove(FolioId f);
	bool queued(FolioId f) const;
	void rmap_removal_step(FolioId f, const std::vector<uint32_t> &pages);
	void free_unreferenced();

	/* --- fault.cc --- */
	void fault_anon(ProcId p, Va va, unsigned order, bool pmd);
	std::string write_fault(ProcId p, Va va, bool unshare);
	std::string wp_pte(ProcId p, Va va, bool unshare);
	std::string cow_copy(ProcId p, Va va, bool unshare);

	/* --- gup.cc --- */
	std::string pin(ProcId p, Va va, uint64_t nr, bool write);
	std::string get(ProcId p, Va va, uint64_t nr);
	void release(RHandle &h);

	/* --- fork.cc --- */
	std::string fork(ProcId p, ProcId q);
	bool needs_cow_for_dma(ProcId p, FolioId id) const;
	FolioId copy_pte(ProcId p, ProcId q, Va va);
	bool copy_pmd(ProcId p, ProcId q, Va haddr);

	/* --- zap.cc --- */
	unsigned run_length(ProcId p, Va va, Va end) const;
	void zap_range(ProcId p, Va start, Va end);
	void zap_ptes(ProcId p, Va start, Va end);
	void zap_pmd(ProcId p, Va haddr);

	/* --- split.cc --- */
	void split_pmd(ProcId p, Va haddr);
	std::string split_folio(FolioId f, bool *done);
	std::string shrink();

	/* --- legality.cc --- */
	std::optional<Rejection> check(const Op &op) const;
	std::optional<Rejection> check_live_proc(ProcId p) const;
	std::optional<Rejection> check_in_space(ProcId p, Va va) const;
	std::optional<Rejection> check_range(Va va, uint64_t pages) const;
	std::optional<Rejection> check_proc_range(ProcId p, Va va, uint64_t pages) const;
	std::optional<Rejection> check_mapped(const char *what, ProcId p, Va va,
					      uint64_t pages) const;
	std::optional<Rejection> check_fault_anon(const Op &op) const;
	std::optional<Rejection> check_fork(const Op &op) const;
	std::optional<Rejection> check_gup(const char *what, const Op &op) const;
	std::optional<Rejection> check_handle(const std::vector<RHandle> &handles,
					      const char *prefix, const char *what,
					      HandleId id) const;
	std::optional<Rejection> check_split_pmd(const Op &op) const;
	std::optional<Rejection> check_split(const Op &op) const;

	Snapshot snapshot() const;
};

/* Names as the trace format spells them (kept local: no parser needed). */
std::string ref_hex(Va va);
std::string ref_folio(FolioId f);
std::string ref_proc(ProcId p);

} // namespace fc
