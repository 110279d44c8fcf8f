// SPDX-License-Identifier: GPL-2.0
/*
 * reference_state.h - the reference model's private state: holders only.
 *
 * What is stored: every process's PTEs, PMDs and swap entries and the VMA
 * attributes of its pages, every pin and FOLL_GET handle with the pages it
 * holds, the page cache of every file, the swap cache, the deferred split
 * queue, and per folio its order, anon and freed bits, the file it belongs
 * to, its PageAnonExclusive bits and its partially_mapped flag (state in
 * both models, docs/semantics.md). Nothing that is a count: refcount,
 * mapcounts, pincount, nr_pages_mapped, RSS and swap counts are derived by
 * counting holders (holders.cc, swap.cc) whenever they are needed.
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
 *   vma.cc             the VMA attributes of each page: protection, file
 *   mprotect.cc        mprotect
 *   mremap.cc          mremap
 *   swap.cc            swap entries, the swap cache, swapout and swapin
 *   filemap.cc         files, their page cache, file faults
 *   madvise.cc         MADV_FREE and the reclaim of lazyfree folios
 *   reference_model.cc the ReferenceModel object: dispatch and snapshots
 *   reference_view.cc  the Snapshot kept from statement to statement (view())
 */
#pragma once

#include "model/reference/reference_model.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace fc {

/*
 * A page table entry: maps page @page of folio @folio. @young: the
 * accessed bit, set on every new mapping unless a rule of docs/semantics.md
 * "Young and old PTEs" says old.
 */
struct RPte {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
	bool clean = false;   /* made clean by MADV_FREE, not written since */
	bool young = true;    /* accessed since mapped, or mapped young */
};

/* A PMD mapping of a whole pmd_order folio. */
struct RPmd {
	FolioId folio = 0;
	bool writable = false;
	bool clean = false;
	bool young = true;
};

/* A swap entry in a page table: the swap slot and its exclusive bit. */
struct RSwp {
	uint64_t slot = 0;
	bool exclusive = false;         /* pte_swp_exclusive() */
};

/*
 * struct RVma - the VMA attributes of one page. A page without a record is
 * in the default private anonymous read-write VMA (docs/semantics.md
 * "VMAs"). Pages with equal keys (everything but @anon_vma) at consecutive
 * VAs are one VMA; @anon_vma is kept equal across a VMA.
 */
struct RVma {
	uint32_t file = 0;      /* file number + 1; 0: anonymous */
	bool shared = false;    /* VM_SHARED */
	bool ro = false;        /* !VM_WRITE (mprotect ro) */
	int64_t off = 0;        /* vm_pgoff - vm_start: page offset is va + off */
	bool anon_vma = false;  /* file VMAs: has an anon_vma (a COW happened) */

	bool is_default() const { return !file && !shared && !ro && !off && !anon_vma; }
	bool same_vma(const RVma &o) const
	{
		return file == o.file && shared == o.shared && ro == o.ro && off == o.off;
	}
};

struct RProc {
	bool exited = false;
	bool has_pinned = false;        /* MMF_HAS_PINNED: sticky, not inherited */
	PageMap<RPte> ptes;
	PageMap<RPmd> pmds;        /* keyed by the PMD-aligned first VA */
	PageMap<RSwp> swp;         /* swap entries */
	PageMap<RVma> vmas;        /* non-default VMA attributes, per page */
};

/* A page of a folio, as a cache (page cache or swap cache) holds it. */
struct RCachedPage {
	FolioId folio = 0;
	uint32_t page = 0;
	bool operator==(const RCachedPage &) const = default;
};

/* A file: its page cache holds every page, index by index. */
struct RFile {
	std::string name;
	unsigned order = 0;
	std::vector<RCachedPage> cache;   /* index -> page */
};

/* What a folio is, never how often it is held. */
struct RFolio {
	unsigned order = 0;
	bool anon = true;
	bool freed = false;
	bool partially_mapped = false;  /* PG_partially_mapped */
	uint32_t file = 0;              /* page cache folio of file number + 1 */
	bool lazyfree = false;          /* MADV_FREE: !PG_swapbacked */
	std::vector<bool> anon_exclusive; /* PageAnonExclusive, per page */
	/* bookkeeping, not state: in State::write_log already */
	bool write_logged = false;

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
	long cache = 0;           /* pages held by the page cache or swap cache */

	explicit Holders(unsigned nr_pages = 1) : ptes(nr_pages), pins(nr_pages) {}
};

/* What an observer sees of a stored entry. */
inline PteView pte_view(const RPte &pte)
{
	return PteView{pte.folio, pte.page, pte.writable, pte.young};
}
inline PmdView pmd_view(const RPmd &pmd)
{
	return PmdView{pmd.folio, pmd.writable, pmd.young};
}
inline SwapPteView swap_pte_view(const RSwp &e)
{
	return SwapPteView{e.slot, e.exclusive};
}

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
	std::vector<RFile> files;         /* file number */
	/*
	 * slot -> page. Slots are small and never reused, like page numbers:
	 * a PageMap, whose iteration (every holders_of() walks it) is a scan
	 * of bitmap words instead of a red-black tree walk: 7 % of the order-9
	 * fuzz bench, where a shrink puts 512 pages in the swap cache.
	 */
	PageMap<RCachedPage> swap_cache;
	uint64_t next_slot = 0;           /* swap slots are never reused */
	/*
	 * @version names the state's contents: a fresh number (new_version())
	 * at construction and at every apply(), the only writer; a copy
	 * keeps it, having the same contents. It lets snapshot_into() reuse
	 * the holder count free_unreferenced() made at the end of the same
	 * apply() (counted_holders()), instead of counting everything twice
	 * per statement.
	 */
	uint64_t version = new_version();
	static uint64_t new_version();

	/* --- scope --- */
	Va space() const { return cfg.scope.space_pages(); }
	Va pmd_nr() const { return cfg.scope.pmd_pages(); }
	Va pmd_align(Va va) const { return va & ~(pmd_nr() - 1); }
	bool unbatched() const { return cfg.variant == Variant::unbatched; }

	/*
	 * folio - the folio @f, for writing: logged (write_log), as every
	 * non-const access is, so that ReferenceModel::view() knows which
	 * folios a statement may have changed. Write a folio through this
	 * accessor only; reads in a const member take the unlogged one.
	 */
	RFolio &folio(FolioId f)
	{
		RFolio &r = folios[f - 1];
		if (!r.write_logged) {
			r.write_logged = true;
			write_log.push_back(f);
		}
		return r;
	}
	const RFolio &folio(FolioId f) const { return folios[f - 1]; }

	/*
	 * The folios accessed for writing since the view last looked
	 * (reference_view.cc), each once (RFolio::write_logged); folio_alloc()
	 * logs new ones. clear_write_log() starts it over.
	 */
	std::vector<FolioId> write_log;
	void clear_write_log()
	{
		for (FolioId f : write_log)
			folios[f - 1].write_logged = false;
		write_log.clear();
	}

	/* --- page tables --- */
	const RPte *pte_at(ProcId p, Va va) const;
	/* The PMD of @p covering @va, its first VA in @haddr (may be null). */
	const RPmd *pmd_covering(ProcId p, Va va, Va *haddr) const;
	/* folio and page mapped at @va, by PTE or PMD; false if unmapped */
	bool lookup(ProcId p, Va va, FolioId *f, uint32_t *page, bool *writable) const;
	const RSwp *swp_at(ProcId p, Va va) const;
	/* a PTE, PMD or swap entry at @va */
	bool occupied(ProcId p, Va va) const;
	bool folio_mapped(FolioId f) const;

	/* --- holders.cc --- */
	template <typename Fn> void for_each_holder(Fn fn) const;
	template <typename Fn> void for_each_mapping(Fn fn) const;
	Holders holders_of(FolioId f) const;
	void holders_into(FolioId f, Holders &h) const;
	void mappings_into(FolioId f, Holders &h) const;
	void count_holders(std::vector<Holders> &all) const;
	void count_holders_of(const std::vector<FolioId> &ids, const std::vector<uint8_t> &marked,
			      std::vector<Holders> &all) const;
	const std::vector<Holders> &counted_holders() const;
	long refcount(FolioId f) const { return derived_refcount(folio(f), holders_of(f)); }
	bool maybe_dma_pinned(FolioId f) const;

	/* --- deferred_split.cc --- */
	FolioId folio_alloc(unsigned order);
	void deferred_split_folio(FolioId f, bool partially_mapped);
	void split_queue_remove(FolioId f);
	bool queued(FolioId f) const;
	void rmap_removal_step(FolioId f, const std::vector<uint32_t> &pages);
	void free_folio(FolioId f);
	void free_if_unreferenced(FolioId f, const Holders &h);
	void free_unreferenced();

	/* --- fault.cc --- */
	void fault_anon(ProcId p, Va va, unsigned order, bool pmd);
	std::string read_fault(ProcId p, Va va);
	std::string write_fault(ProcId p, Va va, bool unshare);
	std::string handle_write(ProcId p, Va va, bool unshare);
	std::string wp_pte(ProcId p, Va va, bool unshare);
	bool can_reuse_order0(FolioId id);
	std::string cow_copy(ProcId p, Va va, bool unshare);
	void access_pte(ProcId p, Va va);
	void touch_pmd(ProcId p, Va va);

	/* --- vma.cc --- */
	RVma vma_at(ProcId p, Va va) const;
	void set_vma(ProcId p, Va va, const RVma &v);
	bool same_vma(ProcId p, Va a, Va b) const;
	void vma_normalize(ProcId p);
	void anon_vma_prepare(ProcId p, Va va);
	bool vma_needs_copy(ProcId p, Va va) const;

	/* --- mprotect.cc, mremap.cc --- */
	void mprotect(ProcId p, Va va, uint64_t nr, bool ro);
	void mremap(ProcId p, Va va, uint64_t nr, Va to);

	/* --- swap.cc --- */
	long swap_count(uint64_t slot) const;
	bool in_swapcache(FolioId f) const;
	std::vector<uint64_t> swap_slots(FolioId f) const;
	bool folio_swapped(FolioId f) const;
	void delete_from_swap_cache(FolioId f);
	void try_free_swap(FolioId f);
	std::string swapout(FolioId f);
	std::vector<std::vector<std::vector<Va>>> ptes_of_pieces(const std::vector<FolioId> &ids) const;
	std::string swapout_one(FolioId f, const std::vector<std::vector<Va>> *ptes = nullptr);
	std::string swapin(ProcId p, Va va, bool write);

	/* --- madvise.cc --- */
	unsigned folio_run(ProcId p, Va va, Va end) const;
	std::string madv_free(ProcId p, Va va, uint64_t nr);
	bool madv_free_pmd(ProcId p, Va block, Va addr, Va next);
	void mark_lazyfree(FolioId f);
	std::string reclaim();
	std::string reclaim_lazyfree(FolioId f);
	std::string reclaim_lazyfree(FolioId f, bool extra_references,
				     const std::vector<std::pair<ProcId, Va>> *ptes);
	void dirty_pte(ProcId p, Va va);

	/* --- filemap.cc --- */
	std::optional<uint32_t> find_file(const std::string &name) const;
	std::string file_create(const std::string &name, uint64_t pages, unsigned order);
	void fault_file(ProcId p, Va va, uint32_t file, uint64_t index, uint64_t nr, bool priv,
			Va address);
	void map_file_page(ProcId p, Va va, bool writable, bool young = true);

	/* --- gup.cc --- */
	std::string pin(ProcId p, Va va, uint64_t nr, bool write, bool longterm);
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
	void zap_ptes(ProcId p, Va start, Va end, std::vector<FolioId> &touched);
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
	std::optional<Rejection> check_unmapped(ProcId p, Va va, uint64_t pages) const;
	std::optional<Rejection> check_writable_vma(ProcId p, Va va, uint64_t pages) const;
	std::optional<Rejection> check_mremap(const Op &op) const;
	std::optional<Rejection> check_file(const Op &op) const;
	std::optional<Rejection> check_fault_file(const Op &op) const;
	std::optional<Rejection> check_swapout(const Op &op) const;
	std::optional<Rejection> check_swapin(const Op &op) const;
	std::optional<Rejection> check_madv_free(const Op &op) const;

	Snapshot snapshot() const;
	void snapshot_into(Snapshot &snap) const;
	void fill_folio_view(FolioId id, const Holders &h, bool queued, FolioView &v) const;
	void fill_proc_views(Snapshot &snap) const;
	void fill_handle_views(Snapshot &snap) const;

	/* --- reference_view.cc --- */
	void build_view(View &v) const;
	void keep_view(View &v);
};

/*
 * struct ReferenceModel::View - snapshot() as of the end of the last
 * apply(), kept there by looking only at what each statement touched
 * (reference_view.cc), with what it needs to find that: the page-cache and
 * swap-cache entries as they were (the Snapshot does not show them).
 */
struct ReferenceModel::View {
	Snapshot snap;
	std::vector<std::vector<RCachedPage>> file_cache;  /* files[i].cache */
	PageMap<RCachedPage> swap_cache;
	bool valid = false;     /* all of the above describe the state as it is */
	bool kept = false;      /* the last apply() kept it: @changes says what moved */
	std::vector<FolioId> changes;  /* sorted: folios the last apply() may have changed */
	std::vector<uint8_t> marked;   /* scratch, kept for its storage: [id - 1] */
};

/* Names as the trace format spells them (kept local: no parser needed). */
std::string ref_hex(Va va);
std::string ref_folio(FolioId f);
std::string ref_proc(ProcId p);

} // namespace fc
