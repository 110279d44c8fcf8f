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

#include <deque>
#include <map>
#include <set>
#include <vector>

namespace fc {

/* include/linux/mm_types.h / mm/internal.h */
inline constexpr long ENTIRELY_MAPPED = 0x800000;
inline constexpr long FOLIO_PAGES_MAPPED = ENTIRELY_MAPPED - 1;

/* struct page: only what foliocheck models. */
struct KPage {
	long _mapcount = -1;
	bool anon_exclusive = false;   /* PG_anon_exclusive */
};

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
	std::vector<KPage> pages;

	unsigned nr_pages() const { return 1u << order; }
	bool large() const { return order > 0; }
};

struct KPte {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
};

struct KPmd {
	FolioId folio = 0;
	bool writable = false;
};

/* struct mm_struct with its single private anonymous VMA. */
struct KMm {
	bool exited = false;
	bool has_pinned = false;        /* MMF_HAS_PINNED */
	std::map<Va, KPte> ptes;
	std::map<Va, KPmd> pmds;        /* keyed by the PMD-aligned VA */
	long rss[2] = {0, 0};           /* MM_ANONPAGES, MM_FILEPAGES */
};

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
	CostCounters costs;

	/* Folios deferred_split_folio(…, true) touched in this operation. */
	std::set<FolioId> queued_partial_this_op;

	/* --- scope --- */
	Va pmd_nr() const { return cfg.scope.pmd_pages(); }
	Va pmd_align(Va va) const { return va & ~(pmd_nr() - 1); }
	bool variant_unbatched() const { return cfg.variant == Variant::unbatched; }
	bool mutant(Mutant m) const { return cfg.mutant == m; }

	KFolio &folio(FolioId f) { return folios[f - 1]; }
	const KFolio &folio(FolioId f) const { return folios[f - 1]; }

	/* --- observation --- */
	void visible(const char *where, bool settled = false) const;
	void page_replaced(ProcId p, Va va, FolioId f, uint32_t page) const;
	Snapshot snapshot() const;

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
	bool wp_can_reuse_anon_folio(const KFolio &f) const;
	std::string wp_page_copy(ProcId p, Va va, bool unshare);
	std::string handle_write_fault(ProcId p, Va va, bool unshare);
	unsigned folio_pte_batch(ProcId p, Va va, Va end) const;
	void copy_page_range(ProcId src, ProcId dst);
	void copy_pte_range(ProcId src, ProcId dst, Va addr, Va end);
	void zap_page_range(ProcId p, Va start, Va end);
	void zap_pte_range(ProcId p, Va addr, Va end, struct MmuGather &tlb);
	void zap_present_ptes(ProcId p, Va addr, unsigned nr, struct MmuGather &tlb);

	/* --- GUP (mm/gup.c): gup.cc --- */
	void try_grab_folio(KFolio &f, long refs, bool pin);
	void gup_put_folio(KFolio &f, long refs, bool pin);
	HandleId pin_user_pages(ProcId p, Va va, uint64_t nr, bool write);
	HandleId get_user_pages(ProcId p, Va va, uint64_t nr);
	void unpin_user_pages(HandleId h);
	void put_user_pages(HandleId h);

	/* --- helpers on page tables --- */
	const KPte *pte_at(ProcId p, Va va) const;
	const KPmd *pmd_covering(ProcId p, Va va, Va *haddr) const;
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
