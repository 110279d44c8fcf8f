// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_state.h - the kernel model's private state and the helpers every
 * file of model/kernel shares: struct folio / struct page as the kernel
 * stores them, page tables, GUP handles, the deferred split queue, and the
 * counter primitives (folio_ref_add(), atomic_inc_and_test(), ...) that count
 * atomics and report visible points.
 *
 * Stored values are the kernel's raw ones: page->_mapcount,
 * folio->_entire_mapcount and folio->_large_mapcount start at -1;
 * folio->_nr_pages_mapped holds ENTIRELY_MAPPED per entire mapping plus the
 * number of PTE-mapped pages.
 */
#pragma once

#include "model/kernel/kernel_model.h"
#include "model/kernel/tracked_map.h"
#include "model/kernel/tracked_pages.h"

#include <deque>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace fc {

/* include/linux/mm_types.h / mm/internal.h */
inline constexpr long ENTIRELY_MAPPED = 0x800000;
inline constexpr long FOLIO_PAGES_MAPPED = ENTIRELY_MAPPED - 1;


/* struct folio */
struct KFolio {
	FolioId id = 0;
	unsigned order = 0;
	bool anon = true;
	bool freed = false;
	long _refcount = 0;
	long _entire_mapcount = -1;
	long _large_mapcount = -1;
	long _nr_pages_mapped = 0;
	long _pincount = 0;
	bool partially_mapped = false;  /* PG_partially_mapped */
	bool on_deferred_list = false;  /* !list_empty(&folio->_deferred_list) */
	uint32_t mapping = 0;           /* page cache: file number + 1; 0: none */
	uint64_t index = 0;             /* folio->index: file page of page 0 */
	bool swapcache = false;         /* PG_swapcache */
	bool lazyfree = false;          /* !PG_swapbacked: MADV_FREE */
	uint64_t swap = 0;              /* folio->swap: slot of page 0 */
	TrackedPages pages;             /* struct page of each page; writes logged */

	unsigned nr_pages() const { return 1u << order; }
	bool large() const { return order > 0; }
};

/*
 * A present PTE. @young is pte_young(): mk_pte() from vm_page_prot sets the
 * accessed bit (x86 _PAGE_ACCESSED, arm64 PTE_AF are in every user
 * protection), so a new PTE is young unless made old: set_pte_range() for
 * a prefaulted run on prefault=old, fork's copy, MADV_FREE.
 */
struct KPte {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
	bool clean = false;   /* !pte_dirty(): cleaned by MADV_FREE, not written since */
	bool young = true;    /* pte_young() */
};

struct KPmd {
	FolioId folio = 0;
	bool writable = false;
	bool clean = false;
	bool young = true;    /* pmd_young() */
};

/* A swap PTE: swp_entry_t and pte_swp_exclusive(). */
struct KSwp {
	uint64_t slot = 0;
	bool exclusive = false;
};

/*
 * struct vm_area_struct - [@start, @end). Every VA of the address space
 * lies in exactly one; a fresh anonymous VMA has vm_pgoff == start.
 */
struct KVma {
	Va start = 0, end = 0;
	bool write = true;              /* VM_WRITE */
	bool shared = false;            /* VM_SHARED */
	uint32_t file = 0;              /* vm_file: file number + 1; 0: anonymous */
	uint64_t pgoff = 0;             /* vm_pgoff */
	bool anon_vma = false;          /* vma->anon_vma != NULL */
};

/*
 * struct mm_struct: page tables, VMAs, counters. The page tables are
 * TrackedMaps: each logs the VAs it may have changed (tracked_map.h).
 */
struct KMm {
	bool exited = false;
	bool has_pinned = false;        /* MMF_HAS_PINNED */
	TrackedMap<KPte> ptes;
	TrackedMap<KPmd> pmds;          /* keyed by the PMD-aligned VA */
	TrackedMap<KSwp> swp;           /* swap PTEs */
	std::map<Va, KVma> vmas;        /* keyed by vm_start */
	long rss[2] = {0, 0};           /* MM_ANONPAGES, MM_FILEPAGES */
};
static_assert(std::is_copy_constructible_v<KMm> && std::is_copy_assignable_v<KMm>);
static_assert(std::is_nothrow_move_constructible_v<KMm>);

/*
 * struct PteSites - every present PTE of every process as (folio, process,
 * VA), sorted by folio, then process, then VA: where page_vma_mapped_walk()
 * finds each folio. The kernel computes it per VMA from folio->index
 * (vma_address()); the model keeps no index for anon folios, so reclaim
 * of a split's pieces, or of every lazyfree folio, collects it once for
 * them all instead of scanning every page table once per folio (512 scans
 * of 512 PTEs for an order-9 folio's pieces). Reclaiming one folio leaves
 * every other folio's PTEs where they were, so it stays exact for the
 * folios not yet reclaimed; a PMD split adds PTEs it does not list.
 */
class PteSites {
public:
	explicit PteSites(const std::vector<KMm> &mms);
	/* The VAs where @p maps @folio with a PTE, in VA order. */
	std::vector<Va> vas(FolioId folio, ProcId p) const;

private:
	struct Site {
		FolioId folio;
		ProcId proc;
		Va va;
	};
	std::vector<Site> sites_;
};

/* A file: struct address_space, i_pages as one folio id per index. */
struct KFile {
	std::string name;
	unsigned order = 0;
	std::vector<FolioId> i_pages;
};

/* include/linux/swap.h: swap_map[] flag for "in the swap cache". */
inline constexpr int SWAP_HAS_CACHE = 0x40;

enum { MM_ANONPAGES = 0, MM_FILEPAGES = 1 };

/* The pages array a GUP caller holds. */
struct KHandle {
	ProcId proc = 0;
	bool released = false;
	std::vector<HandleView::Page> pages;
};

struct KernelModel::State {
	Config cfg;
	const KernelModel *owner = nullptr;
	KernelObserver *observer = nullptr;

	std::vector<KFolio> folios;          /* folio id - 1 */
	std::vector<KMm> mms;                /* process id */
	std::vector<KHandle> pins, refs;     /* handle id - 1 */
	std::deque<FolioId> split_queue;     /* ds_queue->split_queue */
	std::vector<KFile> files;            /* file number */
	std::vector<int> swap_map;           /* si->swap_map[], one per slot */
	std::map<uint64_t, FolioId> swap_cache; /* swapper_spaces: slot -> folio */
	CostCounters costs;

	/* Folios deferred_split_folio(…, true) touched in this operation. */
	std::set<FolioId> queued_partial_this_op;

	/* --- scope --- */
	Va pmd_nr() const { return cfg.scope.pmd_pages(); }
	Va pmd_align(Va va) const { return va & ~(pmd_nr() - 1); }
	bool variant_unbatched() const { return cfg.variant == Variant::unbatched; }
	bool mutant(Mutant m) const { return cfg.mutant == m; }

	/* Writable access to a folio is logged (note_folio_write()); reading is not. */
	KFolio &folio(FolioId f)
	{
		note_folio_write(f);
		return folios[f - 1];
	}
	const KFolio &folio(FolioId f) const { return folios[f - 1]; }

	/*
	 * The folios written since the last snapshot_update(), which consumes
	 * the list: folio() logs every writable access, and every function
	 * that writes through a KFolio & it was passed logs that folio first
	 * (a caller may hold the reference across a visible point).
	 * @touched_flags[id - 1] says a folio is listed. Every other folio is
	 * as the last snapshot_update() saw it (tests/incremental_test.cc).
	 */
	mutable std::vector<FolioId> touched;
	mutable std::vector<uint8_t> touched_flags;
	void note_folio_write(FolioId f)
	{
		if (f == 0 || f > folios.size())
			return;
		if (touched_flags.size() < folios.size())
			touched_flags.resize(folios.size(), 0);
		if (!touched_flags[f - 1]) {
			touched_flags[f - 1] = 1;
			touched.push_back(f);
		}
	}

	/* --- observation --- */
	void visible(const char *where, bool settled = false) const;
	void page_replaced(ProcId p, Va va, FolioId f, uint32_t page) const;
	Snapshot snapshot() const;
	/*
	 * fill_folio_view - @v = what a reader sees of @f; true if @v changed.
	 * *@all_pages: every page's view was refreshed, not only the logged ones.
	 */
	bool fill_folio_view(const KFolio &f, FolioView &v, bool *all_pages = nullptr) const;

	/* --- allocation and refcount (include/linux/mm.h, page_ref.h) --- */
	FolioId folio_alloc(unsigned order);
	void folio_get(KFolio &f);
	void folio_ref_add(KFolio &f, long nr);
	void folio_ref_sub(KFolio &f, long nr);
	/* folio_put_refs(): may free the folio (__folio_put). */
	void folio_put_refs(KFolio &f, long nr);
	void folio_put(KFolio &f) { folio_put_refs(f, 1); }
	void free_folio(KFolio &f);
	void atomic_rmw() { costs.atomics++; }

	/* --- rmap (mm/rmap.c, include/linux/rmap.h): rmap.cc --- */
	long folio_mapcount(const KFolio &f) const;
	bool folio_maybe_dma_pinned(const KFolio &f) const;
	bool folio_needs_cow_for_dma(ProcId p, const KFolio &f) const;
	void folio_add_new_anon_rmap(KFolio &f, bool exclusive, bool pmd_mapped);
	void folio_add_anon_rmap_ptes(KFolio &f, uint32_t page, unsigned nr, bool exclusive);
	void folio_add_anon_rmap_pmd(KFolio &f, bool exclusive);
	void folio_remove_rmap_ptes(KFolio &f, uint32_t page, unsigned nr);
	void folio_remove_rmap_pmd(KFolio &f);
	int folio_try_dup_anon_rmap_ptes(KFolio &f, uint32_t page, unsigned nr, ProcId src);
	int folio_try_dup_anon_rmap_pmd(KFolio &f, ProcId src);
	int folio_try_share_anon_rmap_pte(KFolio &f, uint32_t page);
	int folio_try_share_anon_rmap_pmd(KFolio &f);
	void folio_add_file_rmap_ptes(KFolio &f, uint32_t page, unsigned nr);
	void folio_dup_file_rmap_ptes(KFolio &f, uint32_t page, unsigned nr);

	/* --- deferred split (mm/huge_memory.c): huge_memory.cc --- */
	void deferred_split_folio(KFolio &f, bool partially_mapped);
	void folio_unqueue_deferred_split(KFolio &f);
	void split_queue_remove(FolioId id);
	bool folio_state_partially_mapped(const KFolio &f) const;
	void __split_huge_pmd(ProcId p, Va va);
	void __split_huge_pmd_locked(ProcId p, Va haddr);
	int split_folio(KFolio &f, std::string *note);
	std::string deferred_split_scan();
	void do_huge_pmd_anonymous_page(ProcId p, Va haddr);
	/* returns true when the PMD was reused; false: it was split (fallback) */
	bool do_huge_pmd_wp_page(ProcId p, Va va, bool unshare);
	int copy_huge_pmd(ProcId src, ProcId dst, Va haddr);
	void zap_huge_pmd(ProcId p, Va haddr, struct MmuGather &tlb);

	/* --- faults, fork, zap (mm/memory.c): memory.cc --- */
	void do_anonymous_page(ProcId p, Va va, unsigned order);
	std::string do_wp_page(ProcId p, Va va, bool unshare);
	bool wp_can_reuse_anon_folio(KFolio &f);
	std::string wp_page_copy(ProcId p, Va va, bool unshare);
	std::string handle_write_fault(ProcId p, Va va, bool unshare);
	std::string handle_mm_fault_write(ProcId p, Va va, bool unshare);
	void pte_mkdirty(ProcId p, Va va);
	void pte_mkyoung(ProcId p, Va va);
	std::string handle_read_fault(ProcId p, Va va);
	std::string do_swap_page(ProcId p, Va va, bool write);
	std::string do_read_fault(ProcId p, Va va);
	std::string do_cow_fault(ProcId p, Va va);
	unsigned folio_pte_batch(ProcId p, Va va, Va end) const;
	unsigned __folio_pte_batch(ProcId p, Va va, Va end) const;
	bool vma_needs_copy(const KVma &vma) const;
	void copy_page_range(ProcId src, ProcId dst);
	void copy_pte_range(ProcId src, ProcId dst, Va addr, Va end);
	void zap_page_range(ProcId p, Va start, Va end);
	void unmap_single_vma(ProcId p, Va start, Va end, struct MmuGather &tlb);
	void zap_pte_range(ProcId p, Va addr, Va end, struct MmuGather &tlb);
	void zap_present_ptes(ProcId p, Va addr, unsigned nr, struct MmuGather &tlb);
	void zap_nonpresent_pte(ProcId p, Va addr);
	void tlb_finish_mmu(struct MmuGather &tlb);

	/* --- VMAs (mm/mmap.c, mm/vma.c): mmap.cc --- */
	KVma &find_vma(ProcId p, Va va);
	const KVma &find_vma(ProcId p, Va va) const;
	void split_vma(ProcId p, Va addr);
	void vma_merge(ProcId p);
	void mmap_region(ProcId p, Va start, Va end, const KVma &proto);
	void anon_vma_prepare(ProcId p, Va va);

	/* --- mm/mprotect.c: mprotect.cc --- */
	void mprotect_fixup(ProcId p, Va start, Va end, bool ro);
	void change_protection(ProcId p, const KVma &vma, Va start, Va end);
	bool can_change_pte_writable(const KVma &vma, const KPte &pte) const;

	/* --- mm/mremap.c: mremap.cc --- */
	void move_vma(ProcId p, Va old_addr, uint64_t nr, Va new_addr);
	void move_page_tables(ProcId p, Va old_addr, uint64_t nr, Va new_addr);

	/* --- MADV_FREE (mm/madvise.c): madvise.cc --- */
	std::string madvise_free(ProcId p, Va start, Va end);
	bool madvise_free_huge_pmd(ProcId p, Va haddr, Va addr, Va next);
	void madvise_free_pte_range(ProcId p, Va addr, Va end, unsigned *marked);
	bool folio_likely_mapped_shared(const KFolio &f) const;
	void folio_mark_lazyfree(KFolio &f);
	std::string reclaim_lazyfree();

	/* --- page cache (mm/filemap.c): filemap.cc --- */
	std::string filemap_create(const std::string &name, uint64_t pages, unsigned order);
	uint32_t file_number(const std::string &name) const;
	KFolio &filemap_get_folio(uint32_t file, uint64_t index);
	void fault_file(ProcId p, Va va, uint32_t file, uint64_t index, uint64_t nr, bool priv,
			Va address);
	void filemap_map_pages(ProcId p, Va start, Va end, Va address);
	void set_pte_range(ProcId p, KFolio &f, uint32_t page, unsigned nr, Va addr, bool write,
			   Va address);

	/* --- swap (mm/swap_state.c, mm/swapfile.c): swap.cc --- */
	void add_to_swap(KFolio &f);
	void delete_from_swap_cache(KFolio &f);
	bool folio_swapped(const KFolio &f) const;
	bool folio_free_swap(KFolio &f);
	void free_swap_cache(KFolio &f);
	void swap_duplicate(uint64_t slot);
	void swap_free(uint64_t slot);
	void free_swap_and_cache(uint64_t slot);
	KFolio *swap_cache_get_folio(uint64_t slot);
	FolioId read_swap_cache_async(uint64_t slot);

	/* --- reclaim (mm/vmscan.c, mm/rmap.c): vmscan.cc --- */
	std::string shrink_folio_list(FolioId id, const PteSites *sites = nullptr);
	std::string shrink_folio(FolioId id, const PteSites *sites = nullptr);
	std::string pageout_folio(FolioId id, const PteSites *sites = nullptr);
	bool try_to_unmap(KFolio &f, std::string *why, const PteSites *sites);
	bool try_to_unmap_one(KFolio &f, ProcId p, std::string *why, const PteSites *sites);
	bool try_to_unmap_one_lazyfree(KFolio &f, ProcId p, std::string *why, const PteSites *sites);
	bool folio_mapped(const KFolio &f) const;

	/* --- GUP (mm/gup.c): gup.cc --- */
	void try_grab_folio(KFolio &f, long refs, bool pin);
	void gup_put_folio(KFolio &f, long refs, bool pin);
	void faultin_swap_entry(ProcId p, Va va, bool write);
	HandleId pin_user_pages(ProcId p, Va va, uint64_t nr, bool write, bool longterm);
	HandleId get_user_pages(ProcId p, Va va, uint64_t nr);
	void unpin_user_pages(HandleId h);
	void put_user_pages(HandleId h);
	void touch_pmd(ProcId p, Va va);

	/* --- helpers on page tables --- */
	const KPte *pte_at(ProcId p, Va va) const;
	const KPmd *pmd_covering(ProcId p, Va va, Va *haddr) const;
	const KSwp *swp_at(ProcId p, Va va) const;
};

/*
 * struct MmuGather - struct mmu_gather (include/asm-generic/tlb.h): the
 * folios whose references a zap drops at the flush. With
 * MMU_GATHER_NO_GATHER (arch=no_gather) __tlb_remove_folio_pages() drops
 * them at once instead.
 */
struct MmuGather {
	ProcId proc;
	bool fullmm;
	std::vector<std::pair<FolioId, long>> pending; /* folio, references */
};

} // namespace fc
