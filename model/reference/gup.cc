// SPDX-License-Identifier: GPL-2.0
/*
 * gup.cc - GUP handles: FOLL_PIN pins and FOLL_GET references. A handle is
 * a holder of every page it lists until it is released; how many references
 * that is (1 per page, or GUP_PIN_COUNTING_BIAS for a pinned order-0 folio)
 * is holders.cc's business, so taking and dropping are just recording.
 */
#include "model/reference/reference_state.h"

namespace fc {

/*
 * pin - pin_user_pages() of @nr pages from @va: @p gets MMF_HAS_PINNED;
 * per page in VA order, a swap entry is faulted in first (a write fault for
 * a write pin), a write pin of a read-only mapping takes the write fault,
 * and gup_must_unshare() asks for the unshare fault: for an anon page that
 * is not AnonExclusive (for a PMD the head page's bit counts, as
 * follow_huge_pmd() checks pmd_page()), and for a page-cache page in a
 * private (COW) mapping pinned read-only and long-term, whose COW is
 * broken early. The handle then holds the pages mapped after those faults.
 * A write pin dirties the pages (FOLL_TOUCH); a PMD followed is made young
 * (FOLL_TOUCH: touch_pmd()).
 */
std::string ReferenceModel::State::pin(ProcId p, Va va, uint64_t nr, bool write, bool longterm)
{
	RHandle h;
	std::string faults;

	h.proc = p;
	procs[p].has_pinned = true;
	for (Va a = va; a < va + nr; a++) {
		FolioId id;
		uint32_t page;
		bool writable;
		std::string note;
		if (swp_at(p, a))
			note = swapin(p, a, write);
		lookup(p, a, &id, &page, &writable);
		bool on_pmd = pmd_covering(p, a, nullptr) != nullptr;
		bool exclusive = folio(id).anon_exclusive[on_pmd ? 0 : page];

		std::string fault;
		if (write && !writable)
			fault = write_fault(p, a, false);
		else if (folio(id).anon && !exclusive)
			fault = write_fault(p, a, true);
		else if (!folio(id).anon && longterm && !vma_at(p, a).shared)
			fault = write_fault(p, a, true);
		if (!fault.empty())
			note += (note.empty() ? "" : "; ") + fault;
		if (!note.empty())
			faults += " " + ref_hex(a) + ": " + note + ";";

		lookup(p, a, &id, &page, &writable);
		h.pages.push_back(HandleView::Page{a, id, page});
		touch_pmd(p, a);       /* FOLL_TOUCH */
		if (write)
			dirty_pte(p, a);   /* FOLL_TOUCH: folio_mark_dirty() */
	}
	pins.push_back(std::move(h));

	std::string out = "pin" + std::to_string(pins.size());
	if (!faults.empty()) {
		faults.pop_back();
		out += " (" + faults.substr(1) + ")";
	}
	return out;
}

/*
 * get - get_user_pages() with FOLL_GET: no unshare, just hold the pages,
 * swapped-in by a read fault where a swap entry is.
 */
std::string ReferenceModel::State::get(ProcId p, Va va, uint64_t nr)
{
	RHandle h;

	h.proc = p;
	for (Va a = va; a < va + nr; a++) {
		FolioId id;
		uint32_t page;
		bool writable;
		if (swp_at(p, a))
			swapin(p, a, false);
		lookup(p, a, &id, &page, &writable);
		h.pages.push_back(HandleView::Page{a, id, page});
		touch_pmd(p, a);       /* FOLL_TOUCH */
	}
	refs.push_back(std::move(h));
	return "ref" + std::to_string(refs.size());
}

/* release - unpin_user_pages() / put_page(): the handle holds nothing more. */
void ReferenceModel::State::release(RHandle &h)
{
	h.released = true;
}

} // namespace fc
