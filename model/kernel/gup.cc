// SPDX-License-Identifier: GPL-2.0
/*
 * gup.cc - mm/gup.c as of v6.12: FOLL_PIN and FOLL_GET references, the
 * unshare fault GUP triggers on shared anon pages, and unpinning.
 */
#include "model/kernel/kernel_state.h"

namespace fc {

/*
 * try_grab_folio - FOLL_GET: @refs references. FOLL_PIN: a large folio
 * gets @refs references and @refs on _pincount; an order-0 folio gets @refs
 * * GUP_PIN_COUNTING_BIAS references.
 */
void KernelModel::State::try_grab_folio(KFolio &f, long refs, bool pin)
{
	note_folio_write(f.id);
	if (!pin) {
		folio_ref_add(f, refs);
	} else if (f.large()) {
		folio_ref_add(f, refs);
		atomic_rmw();
		f._pincount += refs;
	} else {
		folio_ref_add(f, refs * kGupPinCountingBias);
	}
}

/*
 * gup_put_folio - undo try_grab_folio().
 *
 * Mutant unpin_once_per_folio: a pinned run drops one reference, not @refs.
 */
void KernelModel::State::gup_put_folio(KFolio &f, long refs, bool pin)
{
	note_folio_write(f.id);
	long put = refs;
	if (pin) {
		if (f.large()) {
			atomic_rmw();
			f._pincount -= refs;
		} else {
			put = refs * kGupPinCountingBias;
		}
		if (mutant(Mutant::unpin_once_per_folio))
			put = f.large() ? 1 : kGupPinCountingBias;
	}
	folio_put_refs(f, put);
}

namespace {

/*
 * for_each_folio_run - call @fn(first index, count) for each run of
 * consecutive entries of @pages in the same folio (gup_folio_range_next()/
 * gup_folio_next()). Unbatched: one page per run.
 */
template <typename Fn>
void for_each_folio_run(const std::vector<HandleView::Page> &pages, bool unbatched, Fn fn)
{
	for (size_t i = 0; i < pages.size();) {
		size_t n = 1;
		while (!unbatched && i + n < pages.size() && pages[i + n].folio == pages[i].folio)
			n++;
		fn(i, n);
		i += n;
	}
}

} // namespace

/*
 * faultin_swap_entry - follow_page_pte() finds no present page at a swap
 * PTE: faultin_page() runs the fault (FAULT_FLAG_WRITE for FOLL_WRITE), and
 * the lookup is retried on the page do_swap_page() mapped.
 */
void KernelModel::State::faultin_swap_entry(ProcId p, Va va, bool write)
{
	if (swp_at(p, va))
		do_swap_page(p, va, write);
}

/*
 * pin_user_pages - pin_user_pages_remote() of @nr pages from @va of @p:
 * MMF_HAS_PINNED is set; for each page, a swap PTE is faulted in, a write
 * pin of a read-only mapping takes the write fault, and the unshare fault
 * is taken where gup_must_unshare() says so: an anon page that is not
 * AnonExclusive, or (FOLL_LONGTERM without FOLL_WRITE) a page-cache page in
 * a COW mapping; then the references are grabbed once per folio run. The
 * pages array becomes the handle.
 *
 * Mutant pin_skips_unshare: gup_must_unshare() is always false.
 */
HandleId KernelModel::State::pin_user_pages(ProcId p, Va va, uint64_t nr, bool write,
					    bool longterm)
{
	KHandle h;
	h.proc = p;
	mms[p].has_pinned = true;

	for (Va a = va; a < va + nr; a++) {
		Va haddr;
		bool writable;
		FolioId id;
		uint32_t page;
		faultin_swap_entry(p, a, write);
		if (const KPmd *pmd = pmd_covering(p, a, &haddr)) {
			writable = pmd->writable;
			id = pmd->folio;
			page = static_cast<uint32_t>(a - haddr);
		} else {
			const KPte *pte = pte_at(p, a);
			writable = pte->writable;
			id = pte->folio;
			page = pte->page;
		}
		const KFolio &f = folio(id);
		/* follow_huge_pmd() checks the head page's AnonExclusive bit. */
		bool exclusive = pmd_covering(p, a, nullptr) ? f.pages[0].anon_exclusive
							    : f.pages[page].anon_exclusive;
		if (write && !writable)
			handle_write_fault(p, a, false);
		else if (f.anon && !exclusive && !mutant(Mutant::pin_skips_unshare))
			handle_write_fault(p, a, true);
		else if (!f.anon && longterm && !find_vma(p, a).shared)
			handle_write_fault(p, a, true);  /* R/O long-term pin: break COW early */

		if (const KPmd *pmd = pmd_covering(p, a, &haddr))
			h.pages.push_back({a, pmd->folio, static_cast<uint32_t>(a - haddr)});
		else
			h.pages.push_back({a, pte_at(p, a)->folio, pte_at(p, a)->page});
		touch_pmd(p, a);
		/* follow_page_pte(): FOLL_WRITE | FOLL_TOUCH dirties the folio */
		if (write)
			pte_mkdirty(p, a);
	}

	for_each_folio_run(h.pages, variant_unbatched(), [&](size_t i, size_t n) {
		try_grab_folio(folio(h.pages[i].folio), static_cast<long>(n), true);
		visible("try_grab_folio(FOLL_PIN)", true);
	});
	pins.push_back(std::move(h));
	return static_cast<HandleId>(pins.size());
}

/*
 * touch_pmd - follow_huge_pmd() with FOLL_TOUCH (get_user_pages_remote()
 * and pin_user_pages_remote() set it) marks a PMD it follows young
 * (touch_pmd(): pmd_mkyoung()). A PTE is left as it is: follow_page_pte()
 * calls folio_mark_accessed() instead of pte_mkyoung().
 */
void KernelModel::State::touch_pmd(ProcId p, Va va)
{
	Va haddr;
	if (pmd_covering(p, va, &haddr))
		mms[p].pmds[haddr].young = true;
}

/* get_user_pages - FOLL_GET: no unshare, references per folio run. */
HandleId KernelModel::State::get_user_pages(ProcId p, Va va, uint64_t nr)
{
	KHandle h;
	h.proc = p;
	for (Va a = va; a < va + nr; a++) {
		Va haddr;
		faultin_swap_entry(p, a, false);
		if (const KPmd *pmd = pmd_covering(p, a, &haddr))
			h.pages.push_back({a, pmd->folio, static_cast<uint32_t>(a - haddr)});
		else
			h.pages.push_back({a, pte_at(p, a)->folio, pte_at(p, a)->page});
		touch_pmd(p, a);
	}
	for_each_folio_run(h.pages, variant_unbatched(), [&](size_t i, size_t n) {
		try_grab_folio(folio(h.pages[i].folio), static_cast<long>(n), false);
		visible("try_grab_folio(FOLL_GET)", true);
	});
	refs.push_back(std::move(h));
	return static_cast<HandleId>(refs.size());
}

/* unpin_user_pages - gup_put_folio(FOLL_PIN) once per folio run. */
void KernelModel::State::unpin_user_pages(HandleId id)
{
	KHandle &h = pins[id - 1];
	h.released = true;
	for_each_folio_run(h.pages, variant_unbatched(), [&](size_t i, size_t n) {
		gup_put_folio(folio(h.pages[i].folio), static_cast<long>(n), true);
		visible("unpin_user_pages: gup_put_folio", true);
	});
}

/* put_user_pages - put_page() of every page, folio_put_refs() per run. */
void KernelModel::State::put_user_pages(HandleId id)
{
	KHandle &h = refs[id - 1];
	h.released = true;
	for_each_folio_run(h.pages, variant_unbatched(), [&](size_t i, size_t n) {
		gup_put_folio(folio(h.pages[i].folio), static_cast<long>(n), false);
		visible("put_page", true);
	});
}

} // namespace fc
