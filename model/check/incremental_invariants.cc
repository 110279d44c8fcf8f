// SPDX-License-Identifier: GPL-2.0
/*
 * incremental_invariants.cc - the tallies of check_invariants() kept up to
 * date from Snapshot deltas, and its predicates on touched folios only.
 *
 * Each predicate below is the one of invariants.cc with the same name,
 * stated per folio (or per process); invariants.cc is the definition and
 * the tests hold the two to the same answers.
 */
#include "model/check/incremental_invariants.h"

#include <algorithm>

namespace fc {

namespace {

/* Count @n at index @i of @v, growing it. */
void add_at(std::vector<uint32_t> &v, size_t i, int n)
{
	if (v.size() <= i)
		v.resize(i + 1, 0);
	v[i] = static_cast<uint32_t>(static_cast<int>(v[i]) + n);
}

uint32_t at_or_zero(const std::vector<uint32_t> &v, size_t i)
{
	return i < v.size() ? v[i] : 0;
}

template <class T>
void sort_unique(std::vector<T> &v)
{
	std::sort(v.begin(), v.end());
	v.erase(std::unique(v.begin(), v.end()), v.end());
}

} // namespace

IncrementalInvariants::IncrementalInvariants(const Config &cfg) : cfg_(cfg) {}

void IncrementalInvariants::reset()
{
	folios_.clear();
	procs_.clear();
	anon_.clear();
	any_ = {};
	settled_ = {};
}

IncrementalInvariants::FolioTally &IncrementalInvariants::folio(FolioId f)
{
	if (folios_.size() < f)
		folios_.resize(f);
	return folios_[f - 1];
}

IncrementalInvariants::ProcTally &IncrementalInvariants::proc(ProcId p)
{
	if (procs_.size() <= p)
		procs_.resize(p + 1);
	return procs_[p];
}

void IncrementalInvariants::touch_folio(FolioId f)
{
	if (f == 0)
		return;
	any_.folios.push_back(f);
	settled_.folios.push_back(f);
}

void IncrementalInvariants::touch_proc(ProcId p)
{
	any_.procs.push_back(p);
	settled_.procs.push_back(p);
}

/* A PTE counts for its folio's page and, as anon or file, for its process (rss_consistent). */
void IncrementalInvariants::count_pte(const Snapshot &snap, ProcId p, const PteView &pte, int sign)
{
	const FolioView *f = snap.folio(pte.folio);
	(f && !f->anon ? proc(p).file : proc(p).anon) += sign;
	touch_proc(p);
	if (pte.folio == 0)
		return;
	FolioTally &t = folio(pte.folio);
	const uint32_t was = at_or_zero(t.pte, pte.page);
	add_at(t.pte, pte.page, sign);
	const uint32_t now = t.pte[pte.page];
	t.multi += (now >= 2) - (was >= 2);
	if (pte.writable) {
		add_at(t.pte_writable, pte.page, sign);
		t.writable += sign;
	}
	t.any_map += sign;
	touch_folio(pte.folio);
}

void IncrementalInvariants::count_pmd(const Snapshot &snap, ProcId p, const PmdView &pmd, int sign)
{
	const FolioView *f = snap.folio(pmd.folio);
	const long pages = static_cast<long>(cfg_.scope.pmd_pages());
	(f && !f->anon ? proc(p).file : proc(p).anon) += sign * pages;
	touch_proc(p);
	if (pmd.folio == 0)
		return;
	FolioTally &t = folio(pmd.folio);
	t.pmd += sign;
	if (pmd.writable)
		t.pmd_writable += sign;
	t.any_map += sign;
	touch_folio(pmd.folio);
}

void IncrementalInvariants::count_handle(const HandleView &h, bool pin, int sign)
{
	if (h.released)
		return;
	for (const HandleView::Page &pg : h.pages) {
		if (pg.folio == 0)
			continue;
		FolioTally &t = folio(pg.folio);
		if (pin) {
			t.pin_pages += sign;
			add_at(t.pinned, pg.page, sign);
		} else {
			t.ref_pages += sign;
		}
		touch_folio(pg.folio);
	}
}

/* A folio turned anon or file (or became known): classify every mapping again. */
void IncrementalInvariants::recount_rss(const Snapshot &snap)
{
	std::vector<FolioTally> folios;
	std::vector<ProcTally> procs;
	build(snap, folios, procs);
	procs_ = std::move(procs);
	for (ProcId p = 0; p < procs_.size(); p++)
		touch_proc(p);
}

void IncrementalInvariants::absorb(const Snapshot &snap, const SnapshotDelta &d)
{
	for (const PteChange &c : d.ptes) {
		if (c.before)
			count_pte(snap, c.proc, *c.before, -1);
		if (c.after)
			count_pte(snap, c.proc, *c.after, +1);
	}
	for (const PmdChange &c : d.pmds) {
		if (c.before)
			count_pmd(snap, c.proc, *c.before, -1);
		if (c.after)
			count_pmd(snap, c.proc, *c.after, +1);
	}
	for (const HandleChange &c : d.handles) {
		if (c.before)
			count_handle(*c.before, c.pin, -1);
		const std::vector<HandleView> &hs = c.pin ? snap.pins : snap.refs;
		count_handle(hs[c.index], c.pin, +1);
	}
	if (d.queue_changed) {
		for (FolioId f : d.queue_before)
			if (f) {
				folio(f).on_queue--;
				touch_folio(f);
			}
		for (FolioId f : snap.split_queue)
			if (f) {
				folio(f).on_queue++;
				touch_folio(f);
			}
	}
	for (ProcId p : d.procs) {
		proc(p);
		touch_proc(p);
	}
	bool reclassify = false;
	for (FolioId f : d.folios) {
		touch_folio(f);
		const bool anon = snap.folios[f - 1].anon;
		/* a mapping of a folio not yet known was counted as anon */
		const bool counted = f - 1 < anon_.size() ? anon_[f - 1] : true;
		if (anon_.size() < f)
			anon_.resize(f, true);
		anon_[f - 1] = anon;
		/* only a folio some counted mapping names was classified at all */
		reclassify |= anon != counted && f <= folios_.size() && folios_[f - 1].any_map > 0;
	}
	if (reclassify)
		recount_rss(snap);
}

/* The predicates of invariants.cc, for folio @id of @snap. */
bool IncrementalInvariants::folio_fails(const Snapshot &snap, FolioId id, bool settled) const
{
	if (id == 0 || id > snap.folios.size())
		return false;
	const FolioView &f = snap.folios[id - 1];
	static const FolioTally none;
	const FolioTally &t = id <= folios_.size() ? folios_[id - 1] : none;
	const long handle_refs =
		t.pin_pages * (f.order == 0 ? kGupPinCountingBias : 1) + t.ref_pages;
	const uint32_t nr = f.nr_pages();

	/* mapcount_le_refcount, pincount_le_refcount */
	if (!f.freed && f.mapcount > f.refcount)
		return true;
	if (!f.freed && f.order > 0 && f.pincount > f.refcount)
		return true;
	/* no_use_after_free */
	if (f.refcount < 0)
		return true;
	if ((f.freed || f.refcount <= 0) &&
	    (t.any_map > 0 || f.mapcount != 0 || handle_refs > 0 || f.queued || t.on_queue > 0))
		return true;
	/* The page loops below run only where their tallies say a page could fail. */
	if (!f.freed && f.anon) {
		/* writable_implies_exclusive */
		for (uint32_t i = 0; t.writable > 0 && i < f.anon_exclusive.size(); i++)
			if (at_or_zero(t.pte_writable, i) > 0 && !f.anon_exclusive[i])
				return true;
		if (t.pmd_writable > 0 && !f.anon_exclusive.empty() && !f.anon_exclusive[0])
			return true;
		/*
		 * exclusive_single_mm: a page mapped twice has two PTEs, or a
		 * PTE and the PMD, or the folio has two PMDs.
		 */
		const bool some_page_twice =
			t.multi > 0 || t.pmd > 1 || (t.pmd == 1 && t.any_map > 1);
		for (uint32_t i = 0; some_page_twice && i < f.anon_exclusive.size() && i < nr; i++)
			if (f.anon_exclusive[i] && at_or_zero(t.pte, i) + t.pmd > 1)
				return true;
		/* pinned_anon_exclusive */
		for (uint32_t i = 0; t.pin_pages > 0 && i < nr; i++) {
			if (at_or_zero(t.pinned, i) == 0 || (t.pmd == 0 && at_or_zero(t.pte, i) == 0))
				continue;
			const uint32_t bit = at_or_zero(t.pte, i) > 0 ? i : 0;
			if (!(bit < f.anon_exclusive.size() && f.anon_exclusive[bit]))
				return true;
		}
	}
	if (!settled || f.freed)
		return false;
	/* counters_match_tables and partially_mapped_queued, in one pass over the pages */
	long mapcount = t.pmd, nr_mapped = 0, mapped = 0;
	bool page_differs = false;
	for (uint32_t i = 0; i < nr; i++) {
		const uint32_t ptes = at_or_zero(t.pte, i);
		mapcount += ptes;
		nr_mapped += ptes > 0;
		mapped += t.pmd > 0 || ptes > 0;
		page_differs |= i < f.page_mapcount.size() &&
				f.page_mapcount[i] != long(ptes) + long(t.pmd);
	}
	if (f.mapcount != mapcount || f.entire_mapcount != long(t.pmd) ||
	    f.nr_pages_mapped != nr_mapped || page_differs || f.refcount < mapcount + handle_refs)
		return true;
	return f.anon && f.order >= 2 && !f.queued && mapped > 0 && mapped < long(nr);
}

/* rss_consistent for process @p. */
bool IncrementalInvariants::proc_fails(const Snapshot &snap, ProcId p) const
{
	if (p >= snap.procs.size())
		return false;
	const ProcView &pv = snap.procs[p];
	const ProcTally t = p < procs_.size() ? procs_[p] : ProcTally{};
	return pv.rss_anon != t.anon || pv.rss_file != t.file;
}

bool IncrementalInvariants::touched_fail(const Snapshot &snap, bool settled)
{
	Marks &m = settled ? settled_ : any_;
	sort_unique(m.folios);
	sort_unique(m.procs);
	bool fails = false;
	for (FolioId f : m.folios)
		if (folio_fails(snap, f, settled)) {
			fails = true;
			break;
		}
	if (settled && !fails)
		for (ProcId p : m.procs)
			if (proc_fails(snap, p)) {
				fails = true;
				break;
			}
	mark_checked(settled);
	return fails;
}

void IncrementalInvariants::mark_checked(bool settled)
{
	any_.folios.clear();
	any_.procs.clear();
	if (settled) {
		settled_.folios.clear();
		settled_.procs.clear();
	}
}

void IncrementalInvariants::build(const Snapshot &snap, std::vector<FolioTally> &folios,
				  std::vector<ProcTally> &procs) const
{
	IncrementalInvariants scratch(cfg_);
	for (const ProcView &pv : snap.procs) {
		scratch.proc(pv.id);
		for (const auto &[va, pte] : pv.ptes)
			scratch.count_pte(snap, pv.id, pte, +1);
		for (const auto &[va, pmd] : pv.pmds)
			scratch.count_pmd(snap, pv.id, pmd, +1);
	}
	for (const HandleView &h : snap.pins)
		scratch.count_handle(h, true, +1);
	for (const HandleView &h : snap.refs)
		scratch.count_handle(h, false, +1);
	for (FolioId f : snap.split_queue)
		if (f)
			scratch.folio(f).on_queue++;
	folios = std::move(scratch.folios_);
	procs = std::move(scratch.procs_);
}

bool IncrementalInvariants::tallies_match(const Snapshot &snap, std::string *why) const
{
	std::vector<FolioTally> folios;
	std::vector<ProcTally> procs;
	build(snap, folios, procs);
	/* vectors grown on demand may carry trailing zeros: compare by value */
	auto same = [](const std::vector<uint32_t> &a, const std::vector<uint32_t> &b) {
		for (size_t i = 0; i < std::max(a.size(), b.size()); i++)
			if (at_or_zero(a, i) != at_or_zero(b, i))
				return false;
		return true;
	};
	const size_t nf = std::max(folios.size(), folios_.size());
	static const FolioTally none;
	for (size_t i = 0; i < nf; i++) {
		const FolioTally &want = i < folios.size() ? folios[i] : none;
		const FolioTally &have = i < folios_.size() ? folios_[i] : none;
		if (!same(want.pte, have.pte) || !same(want.pte_writable, have.pte_writable) ||
		    want.writable != have.writable || want.multi != have.multi ||
		    !same(want.pinned, have.pinned) || want.pmd != have.pmd ||
		    want.pmd_writable != have.pmd_writable || want.any_map != have.any_map ||
		    want.pin_pages != have.pin_pages || want.ref_pages != have.ref_pages ||
		    want.on_queue != have.on_queue) {
			*why = "tallies of folio f" + std::to_string(i + 1) + " differ";
			return false;
		}
	}
	for (size_t p = 0; p < std::max(procs.size(), procs_.size()); p++) {
		const ProcTally want = p < procs.size() ? procs[p] : ProcTally{};
		const ProcTally have = p < procs_.size() ? procs_[p] : ProcTally{};
		if (!(want == have)) {
			*why = "rss tallies of p" + std::to_string(p) + " differ: anon " +
			       std::to_string(have.anon) + " vs " + std::to_string(want.anon) +
			       ", file " + std::to_string(have.file) + " vs " +
			       std::to_string(want.file);
			return false;
		}
	}
	return true;
}

} // namespace fc
