// SPDX-License-Identifier: GPL-2.0
/*
 * state_view.cc - index a reference Snapshot for the op generators.
 */
#include "props/state_view.h"

#include <algorithm>

namespace fc::props {

namespace {

const std::vector<Extent> kNoExtents;
const GenHints kNoHints;

/* At most this many holes are listed: enough to choose from, cheap to build. */
constexpr size_t kMaxHoles = 256;

/*
 * continues_run - does the PTE (@va, @pte) extend the PTE run @e? Same folio,
 * next page, next VA, same PTE table: what folio_pte_batch() would batch.
 */
bool continues_run(const Extent &e, Va va, const PteView &pte, Va pmd_pages)
{
	return !e.pmd && e.folio == pte.folio && e.end == va &&
	       e.first_page + (va - e.start) == pte.page &&
	       (e.start / pmd_pages) == (va / pmd_pages);
}

} // namespace

StateView::StateView(const Config &cfg, Snapshot snap, const GenHints *hints)
	: cfg_(cfg), snap_(std::move(snap)), hints_(hints)
{
	for (const FolioView &f : snap_.folios) {
		if (f.freed)
			continue;
		live_folios_.push_back(f.id);
		if (f.order > 0)
			live_large_.push_back(f.id);
	}
	for (const HandleView &h : snap_.pins)
		if (!h.released)
			live_pins_.push_back(h.id);
	for (const HandleView &h : snap_.refs)
		if (!h.released)
			live_refs_.push_back(h.id);

	extents_.resize(snap_.procs.size());
	maps_pinned_.assign(snap_.procs.size(), false);
	for (const ProcView &pv : snap_.procs) {
		if (pv.exited)
			continue;
		alive_.push_back(pv.id);
		index_process(pv);
		if (!extents_[pv.id].empty())
			mapping_procs_.push_back(pv.id);
	}
}

/*
 * index_process - build @pv's extents (PMDs and PTE runs merged in VA order),
 * and collect its read-only pages, PMDs and holes.
 */
void StateView::index_process(const ProcView &pv)
{
	const Va pmd = pmd_pages();
	std::vector<Extent> &ext = extents_[pv.id];

	for (const auto &[haddr, m] : pv.pmds) {
		const FolioView *f = snap_.folio(m.folio);
		Extent e;
		e.start = haddr;
		e.end = haddr + pmd;
		e.folio = m.folio;
		e.order = f ? f->order : cfg_.scope.pmd_order;
		e.pmd = true;
		e.writable = m.writable;
		ext.push_back(e);
		pmds_.push_back({pv.id, haddr, m.folio, 0, m.writable, true});
		if (!m.writable)
			note_readonly({pv.id, haddr, m.folio, 0, false, true});
	}
	for (const auto &[va, pte] : pv.ptes) {
		if (!pte.writable)
			note_readonly({pv.id, va, pte.folio, pte.page, false, false});
		if (!ext.empty() && continues_run(ext.back(), va, pte, pmd)) {
			ext.back().end = va + 1;
			ext.back().writable = ext.back().writable && pte.writable;
			continue;
		}
		const FolioView *f = snap_.folio(pte.folio);
		Extent e;
		e.start = va;
		e.end = va + 1;
		e.folio = pte.folio;
		e.first_page = pte.page;
		e.order = f ? f->order : 0;
		e.writable = pte.writable;
		ext.push_back(e);
	}
	std::sort(ext.begin(), ext.end(),
		  [](const Extent &a, const Extent &b) { return a.start < b.start; });

	for (const Extent &e : ext) {
		const FolioView *f = snap_.folio(e.folio);
		if (f && f->maybe_pinned)
			maps_pinned_[pv.id] = true;
		if (e.pmd || e.order == 0)
			continue;
		Va lo = e.folio_start(), hi = std::min(e.folio_end(), space());
		for (Va va = lo; va < hi && holes_.size() < kMaxHoles; va++)
			if (!mapped(pv.id, va))
				holes_.push_back({pv.id, va, e.folio, static_cast<uint32_t>(va - lo),
						  false, false});
	}
}

/* note_readonly - list a read-only mapping, and whether a write would reuse it. */
void StateView::note_readonly(const MappedPage &m)
{
	readonly_.push_back(m);
	const FolioView *f = snap_.folio(m.folio);
	if (!f || !f->anon)
		return;
	bool exclusive = m.page < f->anon_exclusive.size() && f->anon_exclusive[m.page];
	bool sole = f->refcount == 1 && (m.pmd || f->order == 0);
	if (exclusive || sole)
		reusable_.push_back(m);
}

const GenHints &StateView::hints() const
{
	return hints_ ? *hints_ : kNoHints;
}

const std::vector<Extent> &StateView::extents(ProcId p) const
{
	return p < extents_.size() ? extents_[p] : kNoExtents;
}

std::optional<Extent> StateView::extent_at(ProcId p, Va va) const
{
	const std::vector<Extent> &ext = extents(p);
	auto it = std::upper_bound(ext.begin(), ext.end(), va,
				   [](Va v, const Extent &e) { return v < e.start; });
	if (it == ext.begin())
		return std::nullopt;
	--it;
	if (va < it->end)
		return *it;
	return std::nullopt;
}

bool StateView::mapped(ProcId p, Va va) const
{
	return extent_at(p, va).has_value();
}

bool StateView::range_unmapped(ProcId p, Va va, uint64_t n) const
{
	if (va + n > space() || va + n < va)
		return false;
	const std::vector<Extent> &ext = extents(p);
	for (const Extent &e : ext)
		if (e.start < va + n && va < e.end)
			return false;
	return true;
}

uint64_t StateView::mapped_run(ProcId p, Va va) const
{
	uint64_t n = 0;
	while (auto e = extent_at(p, va + n))
		n = e->end - va;
	return n;
}

bool StateView::maps_pinned_folio(ProcId p) const
{
	return p < maps_pinned_.size() && maps_pinned_[p];
}

} // namespace fc::props
