// SPDX-License-Identifier: GPL-2.0
/*
 * holders.cc - count the holders of folios, and derive from those counts
 * everything the kernel stores as a counter (docs/semantics.md "Counts").
 *
 * This is the one place where the reference model says what refcount,
 * mapcount, pincount, nr_pages_mapped and maybe_pinned mean. Each is a sum
 * over holders; there is no other bookkeeping to get out of step.
 */
#include "model/reference/reference_state.h"

#include <atomic>

namespace fc {

namespace {
enum class Holder { pte, pmd, pin, ref, cache };
} // namespace

/* for_each_mapping - for_each_holder() of the page tables alone. */
template <typename Fn>
void ReferenceModel::State::for_each_mapping(Fn fn) const
{
	for (const RProc &proc : procs) {
		for (const auto &[va, pte] : proc.ptes)
			fn(pte.folio, pte.page, Holder::pte);
		for (const auto &[va, pmd] : proc.pmds)
			fn(pmd.folio, 0u, Holder::pmd);
	}
}

/*
 * for_each_holder - call @fn(folio, page, kind) once for every holder in
 * the world: each PTE and PMD of each process (an exited process has none),
 * each page of each live pin and reference handle, each page the page cache
 * of a file or the swap cache holds. A swap entry holds no folio: it names a
 * swap slot, and the swap cache holds the folio of that slot, if any.
 */
template <typename Fn>
void ReferenceModel::State::for_each_holder(Fn fn) const
{
	for_each_mapping(fn);
	for (const RHandle &h : pins)
		if (!h.released)
			for (const HandleView::Page &pg : h.pages)
				fn(pg.folio, pg.page, Holder::pin);
	for (const RHandle &h : refs)
		if (!h.released)
			for (const HandleView::Page &pg : h.pages)
				fn(pg.folio, pg.page, Holder::ref);
	for (const RFile &file : files)
		for (const RCachedPage &pg : file.cache)
			fn(pg.folio, pg.page, Holder::cache);
	for (const auto &[slot, pg] : swap_cache)
		fn(pg.folio, pg.page, Holder::cache);
}

namespace {

void add_holder(Holders &h, uint32_t page, Holder kind)
{
	switch (kind) {
	case Holder::pte:
		h.ptes[page]++;
		break;
	case Holder::pmd:
		h.pmds++;
		break;
	case Holder::pin:
		h.pins[page]++;
		break;
	case Holder::ref:
		h.refs++;
		break;
	case Holder::cache:
		h.cache++;
		break;
	}
}

/* clear_holders - @h counts nothing, for a folio of @nr pages; buffers kept. */
void clear_holders(Holders &h, uint32_t nr)
{
	h.ptes.assign(nr, 0);
	h.pins.assign(nr, 0);
	h.pmds = h.refs = h.cache = 0;
}

long sum(const std::vector<long> &v)
{
	long total = 0;
	for (long x : v)
		total += x;
	return total;
}

} // namespace

/* holders_of - the holders of folio @f. */
Holders ReferenceModel::State::holders_of(FolioId f) const
{
	Holders h;
	holders_into(f, h);
	return h;
}

/*
 * holders_into - holders_of(@f) into @h, whose buffers are reused: the
 * callers that ask once per PTE of a walk (rmap_removal_step(),
 * swapout_one()) would otherwise allocate and clear two vectors of 512
 * counts per PTE of an order-9 folio.
 */
void ReferenceModel::State::holders_into(FolioId f, Holders &h) const
{
	clear_holders(h, folio(f).nr_pages());
	for_each_holder([&](FolioId id, uint32_t page, Holder kind) {
		if (id == f)
			add_holder(h, page, kind);
	});
}

/*
 * mappings_into - holders_into() of the page tables alone: @h's ptes and
 * pmds, what page_mapped() and any_page_mapped() read; its other counts
 * are zero. rmap_removal_step() asks it once per PTE a walk removes, and
 * the handles and caches it skips are half the holders while an order-9
 * folio is being swapped out (its 512 pages in the swap cache).
 */
void ReferenceModel::State::mappings_into(FolioId f, Holders &h) const
{
	clear_holders(h, folio(f).nr_pages());
	for_each_mapping([&](FolioId id, uint32_t page, Holder kind) {
		if (id == f)
			add_holder(h, page, kind);
	});
}

/*
 * count_holders_of - count_holders() for the folios @ids only (@marked[id -
 * 1] set for each), into @all[id - 1]; @all's other entries are left as
 * they were. Still one pass over every holder: what it saves is clearing
 * and deriving from a Holders per folio of the world.
 */
void ReferenceModel::State::count_holders_of(const std::vector<FolioId> &ids,
					     const std::vector<uint8_t> &marked,
					     std::vector<Holders> &all) const
{
	if (all.size() < folios.size())
		all.resize(folios.size());
	for (FolioId id : ids)
		clear_holders(all[id - 1], folio(id).nr_pages());
	for_each_holder([&](FolioId id, uint32_t page, Holder kind) {
		if (marked[id - 1])
			add_holder(all[id - 1], page, kind);
	});
}

/*
 * count_holders - the holders of every folio into @all, index folio id - 1.
 * @all's buffers are reused: the callers run once per statement, and
 * keep one per thread.
 */
void ReferenceModel::State::count_holders(std::vector<Holders> &all) const
{
	all.resize(folios.size());
	for (size_t i = 0; i < folios.size(); i++)
		clear_holders(all[i], folios[i].nr_pages());
	for_each_holder([&](FolioId id, uint32_t page, Holder kind) {
		add_holder(all[id - 1], page, kind);
	});
}

/*
 * new_version - a number no other state's contents ever had, on any thread:
 * the thread's own number in the top 24 bits, a count of its own in the
 * rest. One shared atomic counter was bumped by every statement of every
 * explorer worker, and the cache line bouncing between the two cores cost
 * 1.4 % of a depth-8 search.
 */
uint64_t ReferenceModel::State::new_version()
{
	static std::atomic<uint64_t> threads{0};
	thread_local const uint64_t thread_tag = ++threads << 40;
	thread_local uint64_t last = 0;
	return thread_tag | ++last;
}

/*
 * counted_holders - count_holders() of this state, into a per-thread
 * buffer that remembers which version it counted: a second call on the
 * same contents (free_unreferenced() then snapshot_into(), one apply()
 * apart from nothing) reuses the count. Valid until the next call on
 * this thread. Inside apply() only free_unreferenced() may ask, after the
 * statement's last change of a holder: the version was bumped at its
 * start, not at each change.
 */
const std::vector<Holders> &ReferenceModel::State::counted_holders() const
{
	static thread_local std::vector<Holders> all;
	static thread_local uint64_t counted = 0;
	if (counted != version) {
		count_holders(all);
		counted = version;
	}
	return all;
}

/*
 * maybe_dma_pinned - derived_maybe_pinned(folio(@id), holders_of(@id)),
 * without counting every holder where that cannot change the answer: a
 * live pin on a page of the folio makes it true (_pincount of a large
 * folio, GUP_PIN_COUNTING_BIAS references on order 0); without one a large
 * folio is not pinned, and an order-0 folio reaches the bias only if the
 * world holds that many pages at all. fork asks this per copied PTE, which
 * made it quadratic in the mapped pages.
 */
bool ReferenceModel::State::maybe_dma_pinned(FolioId id) const
{
	size_t world = 0;
	for (const RHandle &h : pins)
		if (!h.released)
			for (const HandleView::Page &pg : h.pages)
				if (pg.folio == id)
					return true;
	if (folio(id).large())
		return false;
	for (const RProc &proc : procs)
		world += proc.ptes.size() + proc.pmds.size();
	for (const RHandle &h : refs)
		world += h.released ? 0 : h.pages.size();
	for (const RFile &file : files)
		world += file.cache.size();
	world += swap_cache.size();
	if (world < kGupPinCountingBias)
		return false;
	return derived_maybe_pinned(folio(id), holders_of(id));
}

/*
 * derived_refcount - one reference per PTE and per PMD, one per FOLL_GET
 * page, per pinned page one (large folio) or GUP_PIN_COUNTING_BIAS
 * (order 0) as try_grab_folio() takes them, and one per page in the page
 * cache or the swap cache (folio_ref_add(folio, nr) when a folio is added).
 */
long derived_refcount(const RFolio &f, const Holders &h)
{
	long pins = sum(h.pins);
	long per_pin = f.large() ? 1 : kGupPinCountingBias;
	return sum(h.ptes) + h.pmds + pins * per_pin + h.refs + h.cache;
}

/* derived_mapcount - folio_mapcount(): every PTE and every PMD mapping it. */
long derived_mapcount(const Holders &h)
{
	return sum(h.ptes) + h.pmds;
}

/* derived_page_mapcount - page_mapcount(): the page's PTEs plus the PMDs. */
long derived_page_mapcount(const Holders &h, unsigned page)
{
	return h.ptes[page] + h.pmds;
}

/* derived_nr_pages_mapped - pages with at least one PTE (PMDs not counted). */
long derived_nr_pages_mapped(const Holders &h)
{
	long nr = 0;
	for (long n : h.ptes)
		if (n > 0)
			nr++;
	return nr;
}

/* derived_pincount - _pincount: pinned pages of a large folio; order 0 has none. */
long derived_pincount(const RFolio &f, const Holders &h)
{
	return f.large() ? sum(h.pins) : 0;
}

/*
 * derived_maybe_pinned - folio_maybe_dma_pinned(): _pincount for a large
 * folio; for order 0 the refcount reaching GUP_PIN_COUNTING_BIAS, which
 * enough plain references also do (the kernel's false positive).
 */
bool derived_maybe_pinned(const RFolio &f, const Holders &h)
{
	if (f.large())
		return derived_pincount(f, h) > 0;
	return derived_refcount(f, h) >= kGupPinCountingBias;
}

/* page_mapped - some PTE or PMD of some process maps @page. */
bool page_mapped(const Holders &h, unsigned page)
{
	return h.ptes[page] > 0 || h.pmds > 0;
}

bool any_page_mapped(const Holders &h)
{
	for (unsigned i = 0; i < h.ptes.size(); i++)
		if (page_mapped(h, i))
			return true;
	return false;
}

} // namespace fc
