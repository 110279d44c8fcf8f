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
#include <bit>

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

} // namespace

IncrementalInvariants::IncrementalInvariants(const Config &cfg) : cfg_(cfg) {}

void IncrementalInvariants::reset()
{
	folios_.clear();
	procs_.clear();
	anon_.clear();
	verdicts_.clear();
	dirty_pages_.clear();
	dirty_folios_.clear();
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
	any_.folios.insert(f);
	settled_.folios.insert(f);
}

void IncrementalInvariants::touch_proc(ProcId p)
{
	any_.procs.insert(p);
	settled_.procs.insert(p);
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
	add_at(t.pte, pte.page, sign);
	if (pte.writable)
		add_at(t.pte_writable, pte.page, sign);
	t.any_map += sign;
	touch_folio(pte.folio);
	dirty_pages_.push_back({pte.folio, pte.page});
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
	dirty_folios_.insert(pmd.folio);
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
			dirty_pages_.push_back({pg.folio, pg.page});
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
	for (const PageRef &pg : d.pages)
		dirty_pages_.push_back(pg);
	for (FolioId f : d.pages_all)
		dirty_folios_.insert(f);
	judge_dirty(snap);
	if (reclassify)
		recount_rss(snap);
}

/* page_bits - the PageBits page @page of the folio viewed as @v, tallied as @t, breaks. */
uint8_t IncrementalInvariants::page_bits(const FolioView &v, const FolioTally &t, uint32_t page) const
{
	const uint32_t ptes = at_or_zero(t.pte, page);
	const bool exclusive = page < v.anon_exclusive.size() && v.anon_exclusive[page];
	uint8_t bits = 0;
	if (at_or_zero(t.pte_writable, page) > 0 && !exclusive)
		bits |= kWritableNotExclusive;
	if (exclusive && ptes + t.pmd > 1)
		bits |= kExclusiveMappedTwice;
	if (at_or_zero(t.pinned, page) > 0 && (t.pmd > 0 || ptes > 0)) {
		/* a page mapped by the PMD only is judged by the head's bit */
		const uint32_t bit = ptes > 0 ? page : 0;
		if (!(bit < v.anon_exclusive.size() && v.anon_exclusive[bit]))
			bits |= kPinnedNotExclusive;
	}
	if (page < v.page_mapcount.size() && v.page_mapcount[page] != long(ptes) + long(t.pmd))
		bits |= kPageMapcountDiffers;
	return bits;
}

/* judge_page - redo page @page's verdicts in folio @f's counts (a no-op past its end). */
void IncrementalInvariants::judge_page(const Snapshot &snap, FolioId f, uint32_t page)
{
	if (f == 0 || f > snap.folios.size())
		return;
	const FolioView &v = snap.folios[f - 1];
	if (verdicts_.size() < f)
		verdicts_.resize(f);
	PageVerdicts &pv = verdicts_[f - 1];
	if (pv.bits.size() != v.nr_pages()) {
		judge_folio(snap, f);
		return;
	}
	if (page >= v.nr_pages())
		return;
	static const FolioTally none;
	const FolioTally &t = f <= folios_.size() ? folios_[f - 1] : none;
	const uint8_t was = pv.bits[page], now = page_bits(v, t, page);
	const uint32_t ptes = at_or_zero(t.pte, page);
	for (unsigned b = 0; b < kPageBits; b++)
		pv.pages_with[b] += ((now >> b) & 1) - ((was >> b) & 1);
	pv.pte_sum += long(ptes) - long(pv.ptes[page]);
	pv.pages_with_pte += (ptes > 0) - (pv.ptes[page] > 0);
	pv.bits[page] = now;
	pv.ptes[page] = ptes;
}

/* judge_folio - redo every page's verdicts of folio @f from nothing. */
void IncrementalInvariants::judge_folio(const Snapshot &snap, FolioId f)
{
	if (f == 0 || f > snap.folios.size())
		return;
	if (verdicts_.size() < f)
		verdicts_.resize(f);
	PageVerdicts &pv = verdicts_[f - 1];
	pv = PageVerdicts{};
	const uint32_t nr = snap.folios[f - 1].nr_pages();
	pv.bits.assign(nr, 0);
	pv.ptes.assign(nr, 0);
	for (uint32_t page = 0; page < nr; page++)
		judge_page(snap, f, page);
}

/*
 * judge_dirty - the verdicts of what this delta touched, now that every
 * tally is in: whole folios first, then single pages (page 0 of a folio
 * under a PMD stands for every page its PMD maps).
 */
void IncrementalInvariants::judge_dirty(const Snapshot &snap)
{
	for (const PageRef &pg : dirty_pages_)
		if (pg.page == 0 && pg.folio != 0 && pg.folio <= folios_.size() &&
		    folios_[pg.folio - 1].pmd > 0)
			dirty_folios_.insert(pg.folio);
	for (FolioId f : dirty_folios_.list)
		judge_folio(snap, f);
	for (const PageRef &pg : dirty_pages_)
		if (!dirty_folios_.contains(pg.folio))
			judge_page(snap, pg.folio, pg.page);
	dirty_pages_.clear();
	dirty_folios_.clear();
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
	/* The per-page predicates, as counted by judge_page(). */
	static const PageVerdicts unjudged;
	const PageVerdicts &pv = id <= verdicts_.size() ? verdicts_[id - 1] : unjudged;
	if (pv.bits.size() != nr)
		return true; /* never judged: may fail, let the full check say */
	auto some_page = [&](PageBit b) { return pv.pages_with[std::countr_zero(unsigned(b))] > 0; };
	if (!f.freed && f.anon) {
		/* writable_implies_exclusive */
		if (some_page(kWritableNotExclusive))
			return true;
		if (t.pmd_writable > 0 && !f.anon_exclusive.empty() && !f.anon_exclusive[0])
			return true;
		/* exclusive_single_mm: an exclusive page mapped twice (two PTEs, a PTE and the PMD, two PMDs) */
		if (some_page(kExclusiveMappedTwice))
			return true;
		/* pinned_anon_exclusive */
		if (t.pin_pages > 0 && some_page(kPinnedNotExclusive))
			return true;
	}
	if (!settled || f.freed)
		return false;
	/* counters_match_tables and partially_mapped_queued, from the sums over the pages */
	const long mapcount = long(t.pmd) + pv.pte_sum;
	const long nr_mapped = pv.pages_with_pte;
	const long mapped = t.pmd > 0 ? long(nr) : nr_mapped;
	if (f.mapcount != mapcount || f.entire_mapcount != long(t.pmd) ||
	    f.nr_pages_mapped != nr_mapped || some_page(kPageMapcountDiffers) ||
	    f.refcount < mapcount + handle_refs)
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
	bool fails = false;
	for (FolioId f : m.folios.list)
		if (folio_fails(snap, f, settled)) {
			fails = true;
			break;
		}
	if (settled && !fails)
		for (ProcId p : m.procs.list)
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
				  std::vector<ProcTally> &procs,
				  std::vector<PageVerdicts> *verdicts) const
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
	if (verdicts) {
		for (FolioId f = 1; f <= snap.folios.size(); f++)
			scratch.judge_folio(snap, f);
		*verdicts = std::move(scratch.verdicts_);
	}
	folios = std::move(scratch.folios_);
	procs = std::move(scratch.procs_);
}

bool IncrementalInvariants::tallies_match(const Snapshot &snap, std::string *why) const
{
	std::vector<FolioTally> folios;
	std::vector<ProcTally> procs;
	std::vector<PageVerdicts> verdicts;
	build(snap, folios, procs, &verdicts);
	for (FolioId f = 1; f <= snap.folios.size(); f++)
		if (f > verdicts_.size() || !(verdicts_[f - 1] == verdicts[f - 1])) {
			*why = "page verdicts of folio f" + std::to_string(f) + " differ";
			return false;
		}
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
