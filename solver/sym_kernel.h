// SPDX-License-Identifier: GPL-2.0
/*
 * sym_kernel.h - the kernel model's functions on a symbolic state.
 *
 * Each member mirrors the KernelModel::State function of the same name
 * (the files of model/kernel), statement by statement, so that a change to the
 * kernel model ports here line by line: sym_rmap.cc mirrors rmap.cc,
 * sym_memory.cc memory.cc, sym_huge_memory.cc huge_memory.cc, sym_gup.cc
 * gup.cc, sym_mmap.cc mmap.cc, sym_filemap.cc filemap.cc, sym_mprotect.cc
 * mprotect.cc, sym_mremap.cc mremap.cc, sym_kernel.cc the refcount
 * primitives of kernel_model.cc.
 *
 * Every function takes a guard: the path condition under which it runs.
 * Folio ids are terms; a function acting on "the folio @fid" updates every
 * folio slot under "fid is that slot". A branch in the kernel model is two
 * calls under complementary guards. The process and the VA of a page-table
 * walk are concrete (the caller enumerates them under guards), the folio a
 * PTE maps is not.
 *
 * Internal to solver/; the interface is transitions.h.
 */
#pragma once

#include "solver/formula.h"
#include "solver/transitions.h"

#include <functional>
#include <memory>

namespace fc::solver {

/* struct mmu_gather: references a zap drops at the flush, in order. */
struct SymMmuGather {
	struct Pending {
		z3::expr guard, folio, nr;
	};
	std::vector<Pending> pending;
};

/* What a page-table walk finds at one VA: a PMD covering it or a PTE. */
struct SymMapping {
	z3::expr present, by_pmd, folio, page, writable;
};

/* A migration entry split_folio() leaves behind (unmap_folio()). */
struct SymMigrationEntry {
	z3::expr guard;
	ProcId proc;
	Va va;
	z3::expr page, writable, exclusive, clean;
};

class SymKernel {
public:
	SymKernel(const Config &cfg, const SolverScope &sc, const SymState &pre);

	z3::context &c;
	Config cfg;
	SolverScope sc;
	SymState s;
	z3::expr out_of_scope;
	std::vector<SymVisiblePoint> points;
	/*
	 * Whether zaps record what their mmu_gather holds (visible()'s
	 * gathered, lemma_points) and fork records lemma_point()s between its
	 * copies: induction's stepping stones only, so BMC does not build them.
	 */
	bool record_gather = false;
	/* The zap's mmu_gather while its references are pending, for visible(). */
	const SymMmuGather *gathering = nullptr;
	/*
	 * With record_gather, the references the statement's own code holds
	 * and no holder counts: split_folio()'s caller's (the split
	 * statement's, the shrinker's) and each new tail's until
	 * __split_huge_page() drops it; a drop is a -1 entry. Inside them
	 * refcount = held + these, which induction states at each point
	 * (refcount_accounts_gathered()) as it does an mmu_gather's.
	 */
	std::vector<SymMmuGather::Pending> own_refs;
	/*
	 * deferred_split_scan() has moved the queue to its private list: the
	 * folios are flagged queued but not in s.queue, so queue_well_formed
	 * is no stepping stone there.
	 */
	bool queue_detached = false;
	/*
	 * The clock of visible and lemma points, shared with branch()'s
	 * paths, so that induction asks the stepping stones of a split's
	 * lemma point before those of the visible points after it.
	 */
	std::shared_ptr<unsigned> point_clock = std::make_shared<unsigned>(0);
	/*
	 * Points no other CPU sees, each with what an mmu_gather still holds
	 * (nothing, between fork's copies), where induction states
	 * refcount_accounts_gathered() (between the flush's puts, and
	 * lemma_point()).
	 */
	std::vector<SymVisiblePoint> lemma_points;
	std::vector<SymPageReplaced> replaced;

	/* --- helpers (sym_kernel.cc) --- */
	z3::expr num(int64_t v) const { return c.int_val(v); }
	z3::expr T() const { return c.bool_val(true); }
	z3::expr F() const { return c.bool_val(false); }
	bool mutant(Mutant m) const { return cfg.mutant == m; }
	bool unbatched() const { return cfg.variant == Variant::unbatched; }
	bool no_gather() const { return cfg.arch == Arch::no_gather; }
	unsigned nb() const { return sc.pmd_pages(); }

	void visible(const z3::expr &g, const char *where, bool settled = false);
	/*
	 * lemma_point - with record_gather, a point no other CPU sees where
	 * induction states refcount = held (+ gathered, inside a zap):
	 * between fork's copies, so that the count after the copy follows
	 * from the one before it one VA at a time.
	 */
	void lemma_point(const z3::expr &g, const char *where);
	/* Per folio slot, the references @pending[@from..] hold. */
	std::vector<z3::expr> gathered_refs(const std::vector<SymMmuGather::Pending> &pending,
					    size_t from) const;
	/* Per folio slot, the references the gather and own_refs hold now. */
	std::vector<z3::expr> in_flight_refs() const;
	/* own_refs: the statement's code took / dropped one reference to @fid on @g. */
	void own_ref_taken(const z3::expr &g, const z3::expr &fid);
	void own_ref_dropped(const z3::expr &g, const z3::expr &fid);
	void page_replaced(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
			   const z3::expr &page);
	/* The path @g needs more ids / entries than the scope has. */
	void leave_scope(const z3::expr &g);
	/*
	 * branch - run @fn(i, sub) for each disjoint path guard @guards[i] on
	 * its own copy @sub of the current state, with the guard taken as true
	 * inside, then merge: a field becomes ite(guard_i, sub_i's value, ...)
	 * only where path i changed it, and the paths' visible points, page
	 * replaced events and scope exits get their guard conjoined. Running
	 * paths one after another on one state instead would make every later
	 * path read the earlier paths' ite terms, which the solver then has to
	 * untangle (exponentially, in practice) although the guards exclude
	 * each other.
	 */
	void branch(const std::vector<z3::expr> &guards,
		    const std::function<void(size_t, SymKernel &)> &fn);

	/* @fid names slot @i. */
	z3::expr is_folio(const z3::expr &fid, unsigned i) const;
	/* The value @get gives on the folio @fid. */
	z3::expr select(const z3::expr &fid, const std::function<z3::expr(const SymFolio &)> &get) const;
	/* Run @fn(slot, guard) for every slot, the guard being @g and "fid is the slot". */
	void for_folio(const z3::expr &g, const z3::expr &fid,
		       const std::function<void(unsigned, const z3::expr &)> &fn);
	/* PageAnonExclusive of page @page of @fid. */
	z3::expr page_exclusive(const z3::expr &fid, const z3::expr &page) const;
	void set_page_exclusive(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				const z3::expr &v);
	/* Page (or VA) @j lies in [first, first + nr). */
	z3::expr in_pages(unsigned j, const z3::expr &first, const z3::expr &nr) const;

	/* A new PTE is dirty (not clean) unless it copies one that was clean. */
	void set_pte(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
		     const z3::expr &page, const z3::expr &writable);
	void set_pte(const z3::expr &g, ProcId p, Va va, const z3::expr &folio,
		     const z3::expr &page, const z3::expr &writable, const z3::expr &clean);
	void clear_pte(const z3::expr &g, ProcId p, Va va);
	void set_pmd(const z3::expr &g, ProcId p, unsigned b, const z3::expr &folio,
		     const z3::expr &writable, const z3::expr &clean);
	void clear_pmd(const z3::expr &g, ProcId p, unsigned b);
	/* A swap PTE naming @slot (swp_entry_t), exclusive or not; cleared: none. */
	void set_swp(const z3::expr &g, ProcId p, Va va, const z3::expr &slot,
		     const z3::expr &exclusive);
	void clear_swp(const z3::expr &g, ProcId p, Va va);
	SymMapping mapping_at(ProcId p, Va va) const;
	/*
	 * The part of [@start, @end) in PMD block @b, as the kernel's walks
	 * (zap, MADV_FREE) see it: whether the range reaches the block (under
	 * @g), covers it whole, and its bounds clipped to the block.
	 */
	struct BlockRange {
		z3::expr overlap, whole, lo, hi;
	};
	BlockRange block_range(const z3::expr &g, unsigned b, const z3::expr &start,
			       const z3::expr &end) const;

	/* min(@x, @y), without a term when both are numerals. */
	z3::expr min_of(const z3::expr &x, const z3::expr &y) const;

	/* --- VMAs, stored per page (sym_mmap.cc; encoding.h, SymVmaPage) --- */
	/* Pages @a and @a + 1 of @p lie in one VMA. */
	z3::expr vma_linked(ProcId p, Va a) const;
	/* Pages @a and @b of @p lie in one VMA. */
	z3::expr same_vma(ProcId p, Va a, Va b) const;
	/* vm_end of the VMA holding @va. */
	z3::expr vma_end(ProcId p, Va va) const;
	/* min(@end, vm_end of the VMA holding @va): where a walk from @va inside one VMA stops. */
	z3::expr end_in_vma(ProcId p, Va va, const z3::expr &end) const;
	/* vma_needs_copy() of the VMA holding @va (an anonymous one: always, see SymVmaPage). */
	z3::expr vma_needs_copy(ProcId p, Va va) const;
	void anon_vma_prepare(const z3::expr &g, ProcId p, Va va);
	/* split_vma(): the PMD straddling @addr is split (the attributes are per page already). */
	void split_vma(const z3::expr &g, ProcId p, const z3::expr &addr);
	/* vma_merge(): a merged VMA has an anon_vma if either part had. */
	void vma_merge(const z3::expr &g, ProcId p);
	/* mmap_region() of [@start, @end) (unmapped) with these attributes; @pgoff is @start's. */
	void mmap_region(const z3::expr &g, ProcId p, const z3::expr &start, const z3::expr &end,
			 const z3::expr &write, const z3::expr &shared, const z3::expr &file,
			 const z3::expr &pgoff);
	/* Copy @src's VMAs to @dst (dup_mmap()). */
	void dup_vmas(const z3::expr &g, ProcId src, ProcId dst);

	/* --- mprotect, mremap (sym_mprotect.cc, sym_mremap.cc) --- */
	void mprotect_fixup(const z3::expr &g, ProcId p, const z3::expr &start, const z3::expr &end,
			    const z3::expr &ro);
	void change_protection(const z3::expr &g, ProcId p, const z3::expr &start,
			       const z3::expr &end);
	/* The range and the destination are concrete: each legal triple is its own path. */
	void move_vma(const z3::expr &g, ProcId p, Va old_addr, Va nr, Va new_addr);
	void move_page_tables(const z3::expr &g, ProcId p, Va old_addr, Va nr, Va new_addr);

	/* --- the page cache and file faults (sym_filemap.cc) --- */
	/* Creates file number @file (nr_files) of @pages pages in folios of @order. */
	void filemap_create(const z3::expr &g, const z3::expr &file, const z3::expr &pages,
			    const z3::expr &order);
	/* The folio holding page @index of file @file. */
	z3::expr filemap_get_folio(const z3::expr &file, const z3::expr &index) const;
	void fault_file(const z3::expr &g, ProcId p, const z3::expr &va, const z3::expr &file,
			const z3::expr &index, const z3::expr &nr, const z3::expr &priv);
	void filemap_map_pages(const z3::expr &g, ProcId p, unsigned b, const z3::expr &lo,
			       const z3::expr &hi);
	/* PTEs for @nr pages of @fid from @page at @addr.. (a file run, or one new anon page). */
	void set_pte_range(const z3::expr &g, ProcId p, Va addr, const z3::expr &fid,
			   const z3::expr &page, const z3::expr &nr, bool write);
	void handle_read_fault(const z3::expr &g, ProcId p, Va va);
	void do_read_fault(const z3::expr &g, ProcId p, Va va);
	void do_cow_fault(const z3::expr &g, ProcId p, Va va);
	/* The page-cache folio and page the VMA maps at @va. */
	z3::expr vma_folio(ProcId p, Va va) const;
	z3::expr vma_page(ProcId p, Va va) const;

	/* --- allocation and refcount (kernel_model.cc) --- */
	z3::expr folio_alloc(const z3::expr &g, const z3::expr &order);
	void folio_get(const z3::expr &g, const z3::expr &fid);
	void folio_ref_add(const z3::expr &g, const z3::expr &fid, const z3::expr &nr);
	void folio_ref_sub(const z3::expr &g, const z3::expr &fid, const z3::expr &nr);
	void folio_put_refs(const z3::expr &g, const z3::expr &fid, const z3::expr &nr);
	void folio_put(const z3::expr &g, const z3::expr &fid);
	void folio_put_refs_slot(const z3::expr &g, unsigned i, const z3::expr &nr);
	void free_folio(const z3::expr &g, unsigned i);

	/* --- rmap (sym_rmap.cc) --- */
	z3::expr folio_maybe_dma_pinned(const z3::expr &fid) const;
	z3::expr folio_needs_cow_for_dma(ProcId p, const z3::expr &fid) const;
	void folio_add_new_anon_rmap(const z3::expr &g, const z3::expr &fid, bool pmd_mapped);
	/* do_swap_page() of a folio the swap cache read in: exclusive or not */
	void folio_add_new_anon_rmap(const z3::expr &g, const z3::expr &fid, bool pmd_mapped,
				     const z3::expr &exclusive);
	void folio_add_anon_rmap_ptes(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				      const z3::expr &nr, const z3::expr &exclusive);
	void folio_add_file_rmap_ptes(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				      const z3::expr &nr);
	void folio_dup_file_rmap_ptes(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				      const z3::expr &nr);
	void folio_remove_rmap_ptes(const z3::expr &g, const z3::expr &fid, const z3::expr &page,
				    const z3::expr &nr);
	void folio_remove_rmap_pmd(const z3::expr &g, const z3::expr &fid);
	/* These return the condition under which they fail (-EBUSY). */
	z3::expr folio_try_dup_anon_rmap_ptes(const z3::expr &g, const z3::expr &fid,
					      const z3::expr &page, const z3::expr &nr, ProcId src);
	z3::expr folio_try_dup_anon_rmap_pmd(const z3::expr &g, const z3::expr &fid, ProcId src);
	/* Returns the condition under which it fails (-EBUSY: maybe pinned). */
	z3::expr folio_try_share_anon_rmap(const z3::expr &g, const z3::expr &fid,
					   const z3::expr &page);

	/* --- deferred split, THP (sym_huge_memory.cc) --- */
	void deferred_split_folio(const z3::expr &g, unsigned i, bool partially_mapped);
	void folio_unqueue_deferred_split(const z3::expr &g, unsigned i);
	void split_queue_push(const z3::expr &g, const z3::expr &fid);
	void split_queue_remove(const z3::expr &g, const z3::expr &fid);
	void do_huge_pmd_anonymous_page(const z3::expr &g, ProcId p, unsigned b);
	void split_huge_pmd_locked(const z3::expr &g, ProcId p, unsigned b);
	/* Returns the condition under which the PMD was reused (else it was split). */
	z3::expr do_huge_pmd_wp_page(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare);
	/* Returns the condition under which it failed (-EAGAIN: the PMD was split). */
	z3::expr copy_huge_pmd(const z3::expr &g, ProcId src, ProcId dst, unsigned b);
	void zap_huge_pmd(const z3::expr &g, ProcId p, unsigned b, SymMmuGather &tlb);
	/* Returns the condition under which the split succeeded. */
	z3::expr split_folio(const z3::expr &g, const z3::expr &fid);
	void deferred_split_scan(const z3::expr &g);

	/* --- faults, fork, zap (sym_memory.cc) --- */
	void do_anonymous_page(const z3::expr &g, ProcId p, Va va, unsigned order);
	void handle_write_fault(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare);
	void do_wp_page(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare);
	/* May drop the folio from the swap cache first (folio_free_swap()). */
	z3::expr wp_can_reuse_anon_folio(const z3::expr &g, const z3::expr &fid);
	void wp_page_copy(const z3::expr &g, ProcId p, Va va, const z3::expr &unshare);
	z3::expr folio_pte_batch(ProcId p, Va va, const z3::expr &end) const;
	/* __folio_pte_batch(): the batch whatever the variant (MADV_FREE). */
	z3::expr __folio_pte_batch(ProcId p, Va va, const z3::expr &end) const;
	/* pte_mkdirty(): the PMD or PTE mapping @va is no longer clean. */
	void pte_mkdirty(const z3::expr &g, ProcId p, Va va);
	void copy_page_range(const z3::expr &g, ProcId src, ProcId dst);
	void copy_pte_range(const z3::expr &g, ProcId src, ProcId dst, unsigned b);
	void zap_page_range(const z3::expr &g, ProcId p, const z3::expr &start, const z3::expr &end);
	void zap_pte_range(const z3::expr &g, ProcId p, unsigned b, const z3::expr &lo,
			   const z3::expr &hi, SymMmuGather &tlb);
	void zap_present_ptes(const z3::expr &g, ProcId p, Va va, const z3::expr &nr,
			      SymMmuGather &tlb);

	/* --- MADV_FREE and reclaim of lazyfree folios (sym_madvise.cc, sym_vmscan.cc) --- */
	z3::expr folio_likely_mapped_shared(const z3::expr &fid) const;
	void folio_mark_lazyfree(const z3::expr &g, const z3::expr &fid);
	void madvise_free(const z3::expr &g, ProcId p, const z3::expr &start, const z3::expr &end);
	/* Returns the condition under which the PMD was handled whole (madvise_free_huge_pmd() true). */
	z3::expr madvise_free_huge_pmd(const z3::expr &g, ProcId p, unsigned b, const z3::expr &whole);
	void madvise_free_pte_range(const z3::expr &g, ProcId p, unsigned b, const z3::expr &lo,
				    const z3::expr &hi);
	void reclaim_lazyfree(const z3::expr &g);

	/* --- reclaim (sym_vmscan.cc): the folio in slot @i --- */
	void shrink_folio_list(const z3::expr &g, unsigned i);
	void shrink_folio(const z3::expr &g, unsigned i);
	void pageout_folio(const z3::expr &g, unsigned i);
	/* These return the condition under which they fail (the walk is aborted). */
	z3::expr try_to_unmap(const z3::expr &g, unsigned i);
	z3::expr try_to_unmap_one(const z3::expr &g, unsigned i, ProcId p);
	z3::expr try_to_unmap_one_lazyfree(const z3::expr &g, unsigned i, ProcId p);

	/* --- swap slots and the swap cache (sym_swap.cc) --- */
	z3::expr slot_count(const z3::expr &slot) const;
	z3::expr slot_cache(const z3::expr &slot) const;
	void set_slot_cache(const z3::expr &g, const z3::expr &slot, const z3::expr &fid);
	void swap_duplicate(const z3::expr &g, const z3::expr &slot);
	void swap_free(const z3::expr &g, const z3::expr &slot);
	void add_to_swap(const z3::expr &g, unsigned i);
	void delete_from_swap_cache(const z3::expr &g, const z3::expr &fid);
	z3::expr folio_swapped(const z3::expr &fid) const;
	/* Returns the condition under which the folio left the swap cache. */
	z3::expr folio_free_swap(const z3::expr &g, const z3::expr &fid);
	void free_swap_cache(const z3::expr &g, const z3::expr &fid);
	void free_swap_and_cache(const z3::expr &g, const z3::expr &slot);
	/* Returns the new folio's id. */
	z3::expr read_swap_cache_async(const z3::expr &g, const z3::expr &slot);
	void zap_nonpresent_pte(const z3::expr &g, ProcId p, Va va);
	void do_swap_page(const z3::expr &g, ProcId p, Va va, const z3::expr &write);

	/* --- GUP (sym_gup.cc) --- */
	void try_grab_folio(const z3::expr &g, const z3::expr &fid, const z3::expr &refs, bool pin);
	void gup_put_folio(const z3::expr &g, const z3::expr &fid, const z3::expr &refs, bool pin);
	void faultin_swap_entry(const z3::expr &g, ProcId p, Va va, const z3::expr &write);
	void pin_user_pages(const z3::expr &g, ProcId p, const z3::expr &va, const z3::expr &nr,
			    const z3::expr &write, const z3::expr &longterm);
	void get_user_pages(const z3::expr &g, ProcId p, const z3::expr &va, const z3::expr &nr);
	void unpin_user_pages(const z3::expr &g, const z3::expr &id);
	void put_user_pages(const z3::expr &g, const z3::expr &id);

private:
	std::vector<std::pair<z3::expr, z3::expr>> handle_entries(ProcId p, const z3::expr &va) const;
	void for_each_folio_run(
		const z3::expr &g, const std::vector<z3::expr> &folios, const z3::expr &nr,
		const std::function<void(const z3::expr &, unsigned, const z3::expr &)> &fn);
	void grab_runs(const z3::expr &g, const std::vector<std::pair<z3::expr, z3::expr>> &entries,
		       const z3::expr &nr, bool pin);
	void record_handle(const z3::expr &g, std::vector<SymHandle> &slots, z3::expr &count,
			   ProcId p, const z3::expr &va, const z3::expr &nr,
			   const std::vector<std::pair<z3::expr, z3::expr>> &entries);
	void release_handle(const z3::expr &g, std::vector<SymHandle> &slots, const z3::expr &id,
			    bool pin);
};

} // namespace fc::solver
