// SPDX-License-Identifier: GPL-2.0
/*
 * rmap.cc - mm/rmap.c and include/linux/rmap.h as of v6.12: adding and
 * removing PTE/PMD mappings of a folio, duplicating them at fork and sharing
 * them for swap/migration. Each function names the kernel function it
 * mirrors; the counter updates are the kernel's, one atomic each.
 */
#include "model/kernel/kernel_state.h"

namespace fc {

/* folio_mapcount() (include/linux/mm.h, v6.12): _large_mapcount for large folios. */
long KernelModel::State::folio_mapcount(const KFolio &f) const
{
	if (!f.large())
		return f.pages[0]._mapcount + 1;
	return f._large_mapcount + 1;
}

/* folio_maybe_dma_pinned() (include/linux/mm.h). */
bool KernelModel::State::folio_maybe_dma_pinned(const KFolio &f) const
{
	if (f.large())
		return f._pincount > 0;
	return f._refcount >= kGupPinCountingBias;
}

/* folio_needs_cow_for_dma() (include/linux/mm.h): MMF_HAS_PINNED first. */
bool KernelModel::State::folio_needs_cow_for_dma(ProcId p, const KFolio &f) const
{
	if (!mms[p].has_pinned)
		return false;
	return folio_maybe_dma_pinned(f);
}

/*
 * folio_add_new_anon_rmap - mm/rmap.c: a freshly allocated anon folio gets
 * its first mapping with atomic_set()s only (no atomic RMW: nobody else can
 * see the folio yet). @pmd_mapped: one entire mapping (pmd-mappable folio),
 * else every page mapped by one PTE.
 */
void KernelModel::State::folio_add_new_anon_rmap(KFolio &f, bool exclusive, bool pmd_mapped)
{
	note_folio_write(f.id);
	f.anon = true;
	if (!f.large()) {
		f.pages.write(0)._mapcount = 0;
		f.pages.write(0).anon_exclusive = exclusive;
	} else if (!pmd_mapped) {
		for (KPage &pg : f.pages.write_all()) {
			pg._mapcount = 0;
			pg.anon_exclusive = exclusive;
		}
		f._large_mapcount = f.nr_pages() - 1;  /* folio_set_large_mapcount(nr) */
		f._nr_pages_mapped = f.nr_pages();
	} else {
		f._entire_mapcount = 0;
		f._large_mapcount = 0;                  /* folio_set_large_mapcount(1) */
		f._nr_pages_mapped = ENTIRELY_MAPPED;
		f.pages.write(0).anon_exclusive = exclusive;
	}
}

/*
 * __folio_add_rmap_ptes - __folio_add_rmap() with RMAP_LEVEL_PTE: increment
 * each page's _mapcount, add the pages that became mapped to
 * _nr_pages_mapped in one atomic, and add @nr to _large_mapcount.
 */
static void __folio_add_rmap_ptes(KernelModel::State &s, KFolio &f, uint32_t page, unsigned nr)
{
	if (!f.large()) {
		s.atomic_rmw();
		f.pages.write(0)._mapcount++;
		return;
	}
	long first = 0;
	for (unsigned i = 0; i < nr; i++) {
		s.atomic_rmw();
		if (++f.pages.write(page + i)._mapcount == 0)
			first++;
	}
	if (first) {
		s.atomic_rmw();
		f._nr_pages_mapped += first;
	}
	s.atomic_rmw();
	f._large_mapcount += nr;
}

/*
 * folio_add_anon_rmap_ptes - __folio_add_anon_rmap() with RMAP_LEVEL_PTE:
 * __folio_add_rmap(), and RMAP_EXCLUSIVE sets PageAnonExclusive on every
 * page.
 */
void KernelModel::State::folio_add_anon_rmap_ptes(KFolio &f, uint32_t page, unsigned nr,
						  bool exclusive)
{
	note_folio_write(f.id);
	__folio_add_rmap_ptes(*this, f, page, nr);
	if (exclusive)
		for (unsigned i = 0; i < nr; i++)
			f.pages.write(page + i).anon_exclusive = true;
}

/*
 * folio_add_file_rmap_ptes - __folio_add_file_rmap() with RMAP_LEVEL_PTE:
 * the same counters for a page-cache folio, once for the whole batch
 * set_pte_range() maps (seed 004).
 *
 * Mutant file_rmap_once_per_batch: the batch is counted as one mapping of
 * its first page.
 */
void KernelModel::State::folio_add_file_rmap_ptes(KFolio &f, uint32_t page, unsigned nr)
{
	note_folio_write(f.id);
	__folio_add_rmap_ptes(*this, f, page, mutant(Mutant::file_rmap_once_per_batch) ? 1 : nr);
}

/*
 * folio_dup_file_rmap_ptes - __folio_dup_file_rmap() (fork): the pages are
 * mapped already, so only the per-page and large mapcounts grow.
 */
void KernelModel::State::folio_dup_file_rmap_ptes(KFolio &f, uint32_t page, unsigned nr)
{
	note_folio_write(f.id);
	if (!f.large()) {
		atomic_rmw();
		f.pages.write(0)._mapcount++;
		return;
	}
	for (unsigned i = 0; i < nr; i++) {
		atomic_rmw();
		f.pages.write(page + i)._mapcount++;
	}
	atomic_rmw();
	f._large_mapcount += nr;
}

/* folio_add_anon_rmap_pmd - __folio_add_rmap() with RMAP_LEVEL_PMD. */
void KernelModel::State::folio_add_anon_rmap_pmd(KFolio &f, bool exclusive)
{
	note_folio_write(f.id);
	atomic_rmw();
	if (++f._entire_mapcount == 0) {
		atomic_rmw();
		f._nr_pages_mapped += ENTIRELY_MAPPED;
	}
	atomic_rmw();
	f._large_mapcount++;
	if (exclusive)
		f.pages.write(0).anon_exclusive = true;
}

/*
 * folio_remove_rmap_ptes - __folio_remove_rmap() with RMAP_LEVEL_PTE (v6.12):
 * subtract @nr from _large_mapcount, decrement each page's _mapcount, subtract
 * the pages that became unmapped ("last") from _nr_pages_mapped in one
 * atomic. If some page became unmapped while the folio is not entirely mapped
 * and some page stays PTE-mapped, an anon folio is partially mapped: queue it
 * for deferred split unless already flagged.
 *
 * Mutants: batch_nr_pages_mapped_once subtracts 1 instead of "last";
 * partial_unmap_no_queue never queues.
 */
void KernelModel::State::folio_remove_rmap_ptes(KFolio &f, uint32_t page, unsigned nr)
{
	note_folio_write(f.id);
	bool partially_mapped = false;

	if (!f.large()) {
		atomic_rmw();
		f.pages.write(0)._mapcount--;
		return;
	}

	atomic_rmw();
	f._large_mapcount -= nr;
	long last = 0;
	for (unsigned i = 0; i < nr; i++) {
		atomic_rmw();
		if (--f.pages.write(page + i)._mapcount == -1)
			last++;
	}
	long nr_unmapped = 0;
	if (last) {
		long sub = mutant(Mutant::batch_nr_pages_mapped_once) ? 1 : last;
		atomic_rmw();
		f._nr_pages_mapped -= sub;
		if (f._nr_pages_mapped < ENTIRELY_MAPPED)
			nr_unmapped = last;
	}
	partially_mapped = nr_unmapped && f._nr_pages_mapped;

	if (partially_mapped && f.anon && !f.partially_mapped &&
	    !mutant(Mutant::partial_unmap_no_queue))
		deferred_split_folio(f, true);
}

/*
 * folio_remove_rmap_pmd - __folio_remove_rmap() with RMAP_LEVEL_PMD: the last
 * entire mapping gone, the pages not PTE-mapped became unmapped; the folio is
 * partially mapped if some, not all, of its pages became unmapped.
 */
void KernelModel::State::folio_remove_rmap_pmd(KFolio &f)
{
	note_folio_write(f.id);
	long nr = 0, nr_pmdmapped = 0;

	atomic_rmw();
	f._large_mapcount--;
	atomic_rmw();
	if (--f._entire_mapcount == -1) {
		atomic_rmw();
		f._nr_pages_mapped -= ENTIRELY_MAPPED;
		if (f._nr_pages_mapped < ENTIRELY_MAPPED) {
			nr_pmdmapped = f.nr_pages();
			nr = nr_pmdmapped - (f._nr_pages_mapped & FOLIO_PAGES_MAPPED);
			if (nr < 0)
				nr = 0;
		}
	}
	bool partially_mapped = nr && nr < nr_pmdmapped;
	if (partially_mapped && f.anon && !f.partially_mapped &&
	    !mutant(Mutant::partial_unmap_no_queue))
		deferred_split_folio(f, true);
}

/*
 * folio_try_dup_anon_rmap_ptes - __folio_try_dup_anon_rmap() with
 * RMAP_LEVEL_PTE: fork may only share the pages if the folio cannot be
 * pinned or none of the pages is exclusive; else -EBUSY and the caller
 * copies. Shared pages lose PageAnonExclusive.
 *
 * Mutant dup_ignores_pin: maybe_pinned is never considered.
 */
int KernelModel::State::folio_try_dup_anon_rmap_ptes(KFolio &f, uint32_t page, unsigned nr,
						     ProcId src)
{
	note_folio_write(f.id);
	bool maybe_pinned = folio_needs_cow_for_dma(src, f) && !mutant(Mutant::dup_ignores_pin);

	if (maybe_pinned)
		for (unsigned i = 0; i < nr; i++)
			if (f.pages[page + i].anon_exclusive)
				return -16; /* -EBUSY */

	if (!f.large()) {
		f.pages.write(0).anon_exclusive = false;
		atomic_rmw();
		f.pages.write(0)._mapcount++;
		return 0;
	}
	for (unsigned i = 0; i < nr; i++) {
		f.pages.write(page + i).anon_exclusive = false;
		atomic_rmw();
		f.pages.write(page + i)._mapcount++;
	}
	atomic_rmw();
	f._large_mapcount += nr;
	return 0;
}

/* folio_try_dup_anon_rmap_pmd - __folio_try_dup_anon_rmap() with RMAP_LEVEL_PMD. */
int KernelModel::State::folio_try_dup_anon_rmap_pmd(KFolio &f, ProcId src)
{
	note_folio_write(f.id);
	bool maybe_pinned = folio_needs_cow_for_dma(src, f) && !mutant(Mutant::dup_ignores_pin);

	if (f.pages[0].anon_exclusive) {
		if (maybe_pinned)
			return -16; /* -EBUSY */
		f.pages.write(0).anon_exclusive = false;
	}
	atomic_rmw();
	f._entire_mapcount++;
	atomic_rmw();
	f._large_mapcount++;
	return 0;
}

/*
 * folio_try_share_anon_rmap_pte - __folio_try_share_anon_rmap(): clear
 * PageAnonExclusive before a PTE is replaced by a swap or migration entry;
 * fails (-EBUSY) when the folio may be pinned.
 *
 * Mutant swapout_ignores_pin: maybe-pinned folios are shared as well.
 */
int KernelModel::State::folio_try_share_anon_rmap_pte(KFolio &f, uint32_t page)
{
	note_folio_write(f.id);
	if (folio_maybe_dma_pinned(f) && !mutant(Mutant::swapout_ignores_pin))
		return -16;
	f.pages.write(page).anon_exclusive = false;
	return 0;
}

int KernelModel::State::folio_try_share_anon_rmap_pmd(KFolio &f)
{
	note_folio_write(f.id);
	if (folio_maybe_dma_pinned(f) && !mutant(Mutant::swapout_ignores_pin))
		return -16;
	f.pages.write(0).anon_exclusive = false;
	return 0;
}

} // namespace fc
