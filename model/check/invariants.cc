// SPDX-License-Identifier: GPL-2.0
/*
 * invariants.cc - SPEC's invariants, evaluated on one Snapshot.
 *
 * The page tables in a Snapshot are the ground truth a reader on another CPU
 * would walk; the counters are what struct folio / struct page say. Each
 * invariant compares the two, or the counters with each other, and names the
 * first offending folio, page or process with the numbers it saw (and how
 * many other offenders there were), so a report reads like a dump_page().
 *
 * Each invariant yields at most one InvariantFailure per call.
 */
#include "model/check/invariants.h"
#include "model/trace.h"

#include <cstdio>
#include <span>

namespace fc {

namespace {

std::string hex(Va va)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(va));
	return buf;
}

std::string num(long v) { return std::to_string(v); }

/*
 * struct Tables - what the page tables and the live GUP handles of every
 * process imply, per folio: PTEs mapping each page, PMDs mapping the folio,
 * and the references the handles hold.
 */
struct Tables {
	/* PTE counts of all pages, folio after folio: one buffer, not one per folio */
	std::vector<uint32_t> pte_counts;
	std::vector<size_t> first;               /* [folio - 1]: its first page's index */
	std::vector<uint32_t> pmd;               /* [folio - 1] */
	std::vector<long> handle_refs;           /* [folio - 1] */
	std::vector<uint32_t> any_map;           /* [folio - 1]: PTEs (any page) and PMDs */

	explicit Tables(const Snapshot &snap);

	bool known(FolioId f) const { return f >= 1 && f <= pmd.size(); }
	/* PTEs mapping each page of folio @f, [page] */
	std::span<const uint32_t> pte(FolioId f) const
	{
		return {pte_counts.data() + first[f - 1], first[f] - first[f - 1]};
	}
	uint32_t &pte_count(FolioId f, uint32_t i) { return pte_counts[first[f - 1] + i]; }
	bool page_known(FolioId f, uint32_t i) const
	{
		return known(f) && i < first[f] - first[f - 1];
	}
	/* mapped by a PTE or a PMD, in any process */
	bool page_mapped(FolioId f, uint32_t i) const
	{
		return pmd[f - 1] > 0 || pte_counts[first[f - 1] + i] > 0;
	}
};

Tables::Tables(const Snapshot &snap)
{
	first.resize(snap.folios.size() + 1);
	first[0] = 0;
	for (size_t i = 0; i < snap.folios.size(); i++)
		first[i + 1] = first[i] + snap.folios[i].nr_pages();
	pte_counts.assign(first.back(), 0);
	pmd.assign(snap.folios.size(), 0);
	handle_refs.assign(snap.folios.size(), 0);
	any_map.assign(snap.folios.size(), 0);

	for (const ProcView &pv : snap.procs) {
		for (const auto &[va, p] : pv.ptes) {
			if (known(p.folio))
				any_map[p.folio - 1]++;
			if (page_known(p.folio, p.page))
				pte_count(p.folio, p.page)++;
		}
		for (const auto &[va, p] : pv.pmds) {
			if (known(p.folio)) {
				any_map[p.folio - 1]++;
				pmd[p.folio - 1]++;
			}
		}
	}
	/* A pin of an order-0 folio is GUP_PIN_COUNTING_BIAS references. */
	for (const HandleView &h : snap.pins) {
		if (h.released)
			continue;
		for (const HandleView::Page &pg : h.pages)
			if (known(pg.folio))
				handle_refs[pg.folio - 1] +=
					snap.folios[pg.folio - 1].order == 0 ? kGupPinCountingBias : 1;
	}
	for (const HandleView &h : snap.refs) {
		if (h.released)
			continue;
		for (const HandleView::Page &pg : h.pages)
			if (known(pg.folio))
				handle_refs[pg.folio - 1]++;
	}
}

/*
 * struct Offenders - collects the offenders of one invariant: the first one's
 * detail is the report, the rest are counted.
 */
struct Offenders {
	Invariant inv;
	std::string first;
	unsigned more = 0;

	explicit Offenders(Invariant i) : inv(i) {}

	void add(std::string detail)
	{
		if (first.empty())
			first = std::move(detail);
		else
			more++;
	}
	void flush(std::vector<InvariantFailure> &out) const
	{
		if (first.empty())
			return;
		std::string d = first;
		if (more)
			d += " (and " + std::to_string(more) + " more)";
		out.push_back({inv, std::move(d)});
	}
};

/* Where (folio, page) is mapped, for a detail: "p0 0x13", or "" if nowhere. */
std::string where_mapped(const Snapshot &snap, FolioId f, uint32_t page)
{
	for (const ProcView &pv : snap.procs) {
		for (const auto &[va, p] : pv.ptes)
			if (p.folio == f && p.page == page)
				return proc_name(pv.id) + " " + hex(va);
		for (const auto &[va, p] : pv.pmds)
			if (p.folio == f)
				return proc_name(pv.id) + " " + hex(va + page) + " (PMD)";
	}
	return "";
}

/* Where any page of folio @f is mapped: "p0 0x10 -> f1[0]", or "". */
std::string where_folio_mapped(const Snapshot &snap, FolioId f)
{
	for (const ProcView &pv : snap.procs) {
		for (const auto &[va, p] : pv.ptes)
			if (p.folio == f)
				return proc_name(pv.id) + " " + hex(va) + " -> " + page_name(f, p.page);
		for (const auto &[va, p] : pv.pmds)
			if (p.folio == f)
				return proc_name(pv.id) + " " + hex(va) + " -> PMD of " + folio_name(f);
	}
	return "";
}

bool on_split_queue(const Snapshot &snap, FolioId f)
{
	for (FolioId q : snap.split_queue)
		if (q == f)
			return true;
	return false;
}

/* mapcount_le_refcount: folio_mapcount() <= folio_ref_count(), live folios. */
void check_mapcount_le_refcount(const Snapshot &snap, std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::mapcount_le_refcount);
	for (const FolioView &f : snap.folios)
		if (!f.freed && f.mapcount > f.refcount)
			o.add(folio_name(f.id) + ": mapcount " + num(f.mapcount) + " > refcount " +
			      num(f.refcount));
	o.flush(out);
}

/*
 * pincount_le_refcount: _pincount <= folio_ref_count() for live large folios.
 * An order-0 folio has no _pincount (its pins are GUP_PIN_COUNTING_BIAS
 * references), so nothing beyond refcount >= 0 applies, which
 * no_use_after_free checks.
 */
void check_pincount_le_refcount(const Snapshot &snap, std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::pincount_le_refcount);
	for (const FolioView &f : snap.folios)
		if (!f.freed && f.order > 0 && f.pincount > f.refcount)
			o.add(folio_name(f.id) + ": pincount " + num(f.pincount) + " > refcount " +
			      num(f.refcount));
	o.flush(out);
}

/*
 * no_use_after_free: a folio whose refcount reached zero (freed, or live with
 * refcount <= 0) is mapped by no PTE or PMD, has mapcount 0, is held by no
 * live pin or reference and is not on the split queue; no refcount is
 * negative.
 */
void check_no_use_after_free(const Snapshot &snap, const Tables &t,
			     std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::no_use_after_free);
	for (const FolioView &f : snap.folios) {
		/* names are built only for a report: most folios are fine */
		if (f.refcount < 0) {
			o.add(folio_name(f.id) + ": refcount " + num(f.refcount) + " < 0");
			continue;
		}
		if (!f.freed && f.refcount > 0)
			continue;
		auto state = [&f] {
			return f.freed ? folio_name(f.id) + " is freed" :
					 folio_name(f.id) + " has refcount " + num(f.refcount);
		};
		/* only walk the page tables when they map it: O(mappings), not O(folios * mappings) */
		std::string where;
		if (!t.known(f.id) || t.any_map[f.id - 1] > 0)
			where = where_folio_mapped(snap, f.id);
		if (!where.empty()) {
			o.add(state() + " but still mapped: " + where + " (mapcount " +
			      num(f.mapcount) + ")");
			continue;
		}
		if (f.mapcount != 0) {
			o.add(state() + " with mapcount " + num(f.mapcount));
			continue;
		}
		if (t.known(f.id) && t.handle_refs[f.id - 1] > 0) {
			std::string holder;
			for (const auto *hs : {&snap.pins, &snap.refs})
				for (const HandleView &h : *hs)
					for (const HandleView::Page &pg : h.pages)
						if (holder.empty() && !h.released && pg.folio == f.id)
							holder = (hs == &snap.pins ? "pin" : "ref") +
								 std::to_string(h.id) + " (" +
								 proc_name(h.proc) + " " + hex(pg.va) +
								 ") still holds " +
								 page_name(f.id, pg.page);
			o.add(state() + " but " + holder);
			continue;
		}
		if (f.queued || on_split_queue(snap, f.id))
			o.add(state() + " but is on the deferred split queue");
	}
	o.flush(out);
}

/*
 * writable_implies_exclusive: a writable PTE of an anon page needs that page
 * PageAnonExclusive; a writable PMD needs the head page's bit (the kernel
 * keeps the bit on the head only for a PMD-mapped THP).
 */
void check_writable_implies_exclusive(const Snapshot &snap, std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::writable_implies_exclusive);
	for (const ProcView &pv : snap.procs) {
		for (const auto &[va, p] : pv.ptes) {
			const FolioView *f = snap.folio(p.folio);
			if (!p.writable || !f || f->freed || !f->anon ||
			    p.page >= f->anon_exclusive.size() || f->anon_exclusive[p.page])
				continue;
			o.add(proc_name(pv.id) + " " + hex(va) + ": writable PTE of " +
			      page_name(p.folio, p.page) + ", which is not AnonExclusive");
		}
		for (const auto &[va, p] : pv.pmds) {
			const FolioView *f = snap.folio(p.folio);
			if (!p.writable || !f || f->freed || !f->anon || f->anon_exclusive.empty() ||
			    f->anon_exclusive[0])
				continue;
			o.add(proc_name(pv.id) + " " + hex(va) + ": writable PMD of " +
			      folio_name(p.folio) + ", whose head " + page_name(p.folio, 0) +
			      " is not AnonExclusive");
		}
	}
	o.flush(out);
}

/*
 * exclusive_single_mm: an AnonExclusive page is mapped (by PTE, or by a PMD
 * of its folio) at most once, so by one process only.
 */
void check_exclusive_single_mm(const Snapshot &snap, const Tables &t,
			       std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::exclusive_single_mm);
	for (const FolioView &f : snap.folios) {
		if (f.freed || !f.anon || !t.known(f.id))
			continue;
		for (uint32_t i = 0; i < f.anon_exclusive.size() && i < f.nr_pages(); i++) {
			if (!f.anon_exclusive[i])
				continue;
			uint32_t n = t.pte(f.id)[i] + t.pmd[f.id - 1];
			if (n <= 1)
				continue;
			std::string maps;
			for (const ProcView &pv : snap.procs) {
				for (const auto &[va, p] : pv.ptes)
					if (p.folio == f.id && p.page == i)
						maps += " " + proc_name(pv.id) + " " + hex(va);
				for (const auto &[va, p] : pv.pmds)
					if (p.folio == f.id)
						maps += " " + proc_name(pv.id) + " " + hex(va + i) +
							" (PMD)";
			}
			o.add("AnonExclusive " + page_name(f.id, i) + " is mapped " + num(n) +
			      " times:" + maps);
		}
	}
	o.flush(out);
}

/*
 * pinned_anon_exclusive: every page of a live pin that is still mapped
 * somewhere, if anon, is AnonExclusive — the bit of the page where a PTE maps
 * it, of the head where only a PMD does.
 */
void check_pinned_anon_exclusive(const Snapshot &snap, const Tables &t,
				 std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::pinned_anon_exclusive);
	for (const HandleView &h : snap.pins) {
		if (h.released)
			continue;
		for (const HandleView::Page &pg : h.pages) {
			const FolioView *f = snap.folio(pg.folio);
			if (!f || f->freed || !f->anon || !t.page_known(pg.folio, pg.page) ||
			    !t.page_mapped(pg.folio, pg.page))
				continue;
			uint32_t bit = t.pte(pg.folio)[pg.page] > 0 ? pg.page : 0;
			if (bit < f->anon_exclusive.size() && f->anon_exclusive[bit])
				continue;
			o.add("pin" + std::to_string(h.id) + " (" + proc_name(h.proc) + " " +
			      hex(pg.va) + ") holds " + page_name(pg.folio, pg.page) +
			      ", mapped at " + where_mapped(snap, pg.folio, pg.page) +
			      ", which is not AnonExclusive" +
			      (bit != pg.page ? " (PMD-mapped: head bit clear)" : ""));
		}
	}
	o.flush(out);
}

/*
 * counters_match_tables (settled only): the stored counters of every live
 * folio equal what the page tables imply, and the refcount covers every
 * mapping and every reference a live handle holds.
 */
void check_counters_match_tables(const Snapshot &snap, const Tables &t,
				 std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::counters_match_tables);
	for (const FolioView &f : snap.folios) {
		if (f.freed || !t.known(f.id))
			continue;
		const std::span<const uint32_t> pte = t.pte(f.id);
		const long pmd = t.pmd[f.id - 1];
		const std::string name = folio_name(f.id);
		long mapcount = pmd, nr_mapped = 0;
		for (uint32_t c : pte) {
			mapcount += c;
			nr_mapped += c > 0;
		}
		auto differs = [&](const std::string &what, long stored, long implied) {
			o.add(what + " " + num(stored) + ", page tables imply " + num(implied));
		};
		if (f.mapcount != mapcount) {
			differs("mapcount " + name, f.mapcount, mapcount);
			continue;
		}
		if (f.entire_mapcount != pmd) {
			differs("entire_mapcount " + name, f.entire_mapcount, pmd);
			continue;
		}
		if (f.nr_pages_mapped != nr_mapped) {
			differs("nr_pages_mapped " + name, f.nr_pages_mapped, nr_mapped);
			continue;
		}
		bool bad_page = false;
		for (uint32_t i = 0; i < pte.size() && i < f.page_mapcount.size(); i++) {
			if (f.page_mapcount[i] != long(pte[i]) + pmd) {
				differs("page_mapcount " + page_name(f.id, i), f.page_mapcount[i],
					long(pte[i]) + pmd);
				bad_page = true;
				break;
			}
		}
		if (bad_page)
			continue;
		long held = mapcount + t.handle_refs[f.id - 1];
		if (f.refcount < held)
			o.add("refcount " + name + " " + num(f.refcount) + " < " + num(mapcount) +
			      " mappings + " + num(t.handle_refs[f.id - 1]) +
			      " references held by pins and refs");
	}
	o.flush(out);
}

/*
 * partially_mapped_queued (settled only): an anon folio of order >= 2 with
 * some page mapped and some not is on the deferred split queue
 * (deferred_split_folio() ignores order 1: no deferred list).
 */
void check_partially_mapped_queued(const Snapshot &snap, const Tables &t,
				   std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::partially_mapped_queued);
	for (const FolioView &f : snap.folios) {
		if (f.freed || !f.anon || f.order < 2 || f.queued || !t.known(f.id))
			continue;
		unsigned mapped = 0;
		for (uint32_t i = 0; i < f.nr_pages(); i++)
			mapped += t.page_mapped(f.id, i);
		if (mapped > 0 && mapped < f.nr_pages())
			o.add(folio_name(f.id) + ": " + num(mapped) + " of " + num(f.nr_pages()) +
			      " pages mapped, not on the deferred split queue");
	}
	o.flush(out);
}

/*
 * rss_consistent (settled only): MM_ANONPAGES and MM_FILEPAGES equal the
 * pages mapped, a PMD counting 1 << pmd_order.
 */
void check_rss_consistent(const Snapshot &snap, const Config &cfg,
			  std::vector<InvariantFailure> &out)
{
	Offenders o(Invariant::rss_consistent);
	for (const ProcView &pv : snap.procs) {
		long anon = 0, file = 0;
		for (const auto &[va, p] : pv.ptes) {
			const FolioView *f = snap.folio(p.folio);
			(f && !f->anon ? file : anon) += 1;
		}
		for (const auto &[va, p] : pv.pmds) {
			const FolioView *f = snap.folio(p.folio);
			(f && !f->anon ? file : anon) += static_cast<long>(cfg.scope.pmd_pages());
		}
		if (pv.rss_anon != anon)
			o.add("rss " + proc_name(pv.id) + " anon " + num(pv.rss_anon) + ", " +
			      num(anon) + " anon pages mapped");
		else if (pv.rss_file != file)
			o.add("rss " + proc_name(pv.id) + " file " + num(pv.rss_file) + ", " +
			      num(file) + " file pages mapped");
	}
	o.flush(out);
}

} // namespace

std::vector<InvariantFailure> check_invariants(const Snapshot &snap, const Config &cfg,
					       bool settled)
{
	std::vector<InvariantFailure> out;
	const Tables t(snap);

	/* In Invariant order, which is the report order. */
	check_mapcount_le_refcount(snap, out);
	check_pincount_le_refcount(snap, out);
	check_no_use_after_free(snap, t, out);
	if (settled)
		check_counters_match_tables(snap, t, out);
	check_writable_implies_exclusive(snap, out);
	check_exclusive_single_mm(snap, t, out);
	check_pinned_anon_exclusive(snap, t, out);
	if (settled) {
		check_partially_mapped_queued(snap, t, out);
		check_rss_consistent(snap, cfg, out);
	}
	return out;
}

/*
 * check_page_replaced - pin_stays_mapped: a COW or unshare fault replaced the
 * page at (r.proc, r.va); no live pin of that process may hold it there,
 * or the pinner's DMA and its page table now see different pages (the
 * failure mode the cow.c selftests look for).
 */
std::vector<InvariantFailure> check_page_replaced(const Snapshot &snap, const PageReplaced &r)
{
	std::vector<InvariantFailure> out;
	/*
	 * A page-cache page under a short-term read-only pin may be COWed away:
	 * gup_must_unshare() leaves it (such a pin does not promise to see later
	 * writes); a long-term pin broke COW at pin time (issue 6).
	 */
	if (const FolioView *f = snap.folio(r.folio); f && !f->anon)
		return out;
	for (const HandleView &h : snap.pins) {
		if (h.released || h.proc != r.proc)
			continue;
		for (const HandleView::Page &pg : h.pages) {
			if (pg.va != r.va || pg.folio != r.folio || pg.page != r.page)
				continue;
			out.push_back({Invariant::pin_stays_mapped,
				       proc_name(r.proc) + " " + hex(r.va) + ": " +
					       page_name(r.folio, r.page) +
					       " replaced by a COW/unshare fault while pin" +
					       std::to_string(h.id) + " holds it"});
			return out;
		}
	}
	return out;
}

} // namespace fc
