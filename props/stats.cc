// SPDX-License-Identifier: GPL-2.0
/*
 * stats.cc - classify steps by what they did to the reference model.
 */
#include "props/stats.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace fc::props {

namespace {

constexpr const char *kEventNames[kNrEvents] = {
	"pte_large_fault", "pmd_fault",      "pmd_split",      "partial_unmap",
	"noncontiguous",   "range_end_before", "range_end_on", "range_end_after",
	"pinned_fork",     "fork_copy",      "cow_copy",       "large_cow_copy",
	"large_cow_reuse", "pmd_cow_reuse",  "large_pte_cow_reuse", "unshare",
	"write_both_sides", "folio_split",   "split_refused",  "deferred_queue",
	"folio_freed",
	"file_large_map",  "fault_mid_folio", "prefault_old",  "file_cow_anon",
	"lazyfree_large",  "madv_free_partial", "lazyfree_reclaimed", "mremap_noncontig",
	"mprotect_partial", "swapped_out",   "swapout_pinned", "swapin",
};

constexpr const char *kOpNames[] = {
	"fault_anon", "file", "fault_file", "read", "write", "fork", "munmap",
	"madv_free", "mremap", "mprotect", "pin", "unpin", "get", "put",
	"split_pmd", "split", "shrink", "swapout", "swapin", "exit", "expect",
	"reclaim",
};

/* Shared-folio entries remembered across steps; enough for any test. */
constexpr size_t kMaxShared = 4096;

struct Mapping {
	FolioId folio = 0;
	uint32_t page = 0;
	bool writable = false;
	bool pmd = false;
};

/* What @pv maps at @va, through a PTE or a PMD. */
std::optional<Mapping> mapping_at(const ProcView &pv, Va va, Va pmd_pages)
{
	if (auto it = pv.ptes.find(va); it != pv.ptes.end())
		return Mapping{it->second.folio, it->second.page, it->second.writable, false};
	Va haddr = va & ~(pmd_pages - 1);
	if (auto it = pv.pmds.find(haddr); it != pv.pmds.end())
		return Mapping{it->second.folio, static_cast<uint32_t>(va - haddr),
			       it->second.writable, true};
	return std::nullopt;
}

const ProcView *alive_proc(const Snapshot &s, ProcId p)
{
	const ProcView *pv = s.proc(p);
	return pv && !pv->exited ? pv : nullptr;
}

/*
 * struct FolioMaps - per (process, folio): which pages are mapped, and at
 * which VA offsets (va - page), to tell partial and non-contiguous mappings.
 */
struct FolioMaps {
	std::map<std::pair<ProcId, FolioId>, std::set<uint32_t>> pages;
	std::map<std::pair<ProcId, FolioId>, std::set<Va>> offsets;
};

FolioMaps folio_maps(const Snapshot &s)
{
	FolioMaps fm;
	for (const ProcView &pv : s.procs) {
		if (pv.exited)
			continue;
		for (const auto &[va, pte] : pv.ptes) {
			fm.pages[{pv.id, pte.folio}].insert(pte.page);
			fm.offsets[{pv.id, pte.folio}].insert(va - pte.page);
		}
		for (const auto &[haddr, pmd] : pv.pmds) {
			const FolioView *f = s.folio(pmd.folio);
			auto &set = fm.pages[{pv.id, pmd.folio}];
			for (uint32_t i = 0; f && i < f->nr_pages(); i++)
				set.insert(i);
			fm.offsets[{pv.id, pmd.folio}].insert(haddr);
		}
	}
	return fm;
}

bool is_large(const Snapshot &s, FolioId f)
{
	const FolioView *fv = s.folio(f);
	return fv && fv->order > 0;
}

/* Pages mapped with a gap between them, or at VAs that do not line up. */
bool noncontiguous(const std::set<uint32_t> &pages, const std::set<Va> &offsets)
{
	if (offsets.size() > 1)
		return true;
	return !pages.empty() && *pages.rbegin() - *pages.begin() + 1 != pages.size();
}

std::set<std::pair<ProcId, FolioId>> noncontiguous_set(const Snapshot &s, const FolioMaps &fm)
{
	std::set<std::pair<ProcId, FolioId>> out;
	for (const auto &[key, pages] : fm.pages)
		if (is_large(s, key.second) && noncontiguous(pages, fm.offsets.at(key)))
			out.insert(key);
	return out;
}

/* Does [va, end) end one page before, on, or one page after the folio mapped at @at? */
void classify_range_end(const ProcView &pv, Va at, Va end, Va pmd_pages, const Snapshot &s,
			std::set<Event> &ev)
{
	auto m = mapping_at(pv, at, pmd_pages);
	if (!m || !is_large(s, m->folio))
		return;
	Va folio_end = at - m->page + s.folio(m->folio)->nr_pages();
	if (end + 1 == folio_end)
		ev.insert(Event::range_end_before);
	else if (end == folio_end)
		ev.insert(Event::range_end_on);
	else if (end == folio_end + 1)
		ev.insert(Event::range_end_after);
}

/*
 * partly_covers - does [va, va + n) cover some but not all of the pages of a
 * large folio that @pv maps there (a PTE run shorter than the folio, or part
 * of a PMD)? What makes MADV_FREE split and mprotect break a batch.
 */
bool partly_covers(const ProcView &pv, Va va, uint64_t n, Va pmd_pages, const Snapshot &s)
{
	std::map<FolioId, uint64_t> covered;
	for (Va a = va; a < va + n; a++) {
		auto m = mapping_at(pv, a, pmd_pages);
		if (m && is_large(s, m->folio))
			covered[m->folio]++;
	}
	for (const auto &[f, pages] : covered)
		if (pages < s.folio(f)->nr_pages())
			return true;
	return false;
}

/* Is any page of [va, va + n) of @pv mapped by a non-anon folio before, an anon one after? */
bool cow_into_anon(const ProcView &pb, const ProcView &pa, Va va, uint64_t n, Va pmd_pages,
		   const Snapshot &before, const Snapshot &after)
{
	for (Va a = va; a < va + n; a++) {
		auto mb = mapping_at(pb, a, pmd_pages);
		auto ma = mapping_at(pa, a, pmd_pages);
		const FolioView *fb = mb ? before.folio(mb->folio) : nullptr;
		const FolioView *fa = ma ? after.folio(ma->folio) : nullptr;
		if (fb && fa && !fb->anon && fa->anon)
			return true;
	}
	return false;
}

/* The file fault's events, read from the PTEs it made (@pa: the process after). */
void classify_fault_file(const Op &op, const ProcView &pa, const Snapshot &after, Va pmd_pages,
			 std::set<Event> &ev)
{
	for (Va a = op.va; a < op.va + op.pages; a++) {
		auto it = pa.ptes.find(a);
		if (it == pa.ptes.end())
			continue;
		if (!it->second.young)
			ev.insert(Event::prefault_old);
		const FolioView *f = after.folio(it->second.folio);
		if (!f || f->anon || f->order == 0 || a == op.va || a % pmd_pages == 0)
			continue;
		auto prev = pa.ptes.find(a - 1);
		if (prev == pa.ptes.end() || prev->second.folio != it->second.folio ||
		    prev->second.page + 1 != it->second.page)
			continue;
		/* a and a - 1 are one set_pte_range() run of a large file folio */
		ev.insert(Event::file_large_map);
		if (a == op.va + op.at)
			ev.insert(Event::fault_mid_folio);
	}
}

} // namespace

std::vector<Event> key_events(const Scope &sc)
{
	std::vector<Event> out;
	for (Event e : kKeyEvents)
		if (sc.pmd_faults() || (e != Event::pmd_split && e != Event::large_cow_reuse))
			out.push_back(e);
	return out;
}

std::string_view event_name(Event e)
{
	size_t i = static_cast<size_t>(e);
	return i < kNrEvents ? kEventNames[i] : "?";
}

void GenStats::count_step(const Op &op, const std::vector<Event> &ev, const Snapshot &before,
			  const Snapshot &after)
{
	ops++;
	ops_by_kind[static_cast<size_t>(op.kind)]++;
	for (Event e : ev)
		events[static_cast<size_t>(e)]++;
	if (op.kind == OpKind::fault_anon && after.folios.size() > before.folios.size() &&
	    op.order < fault_orders.size())
		fault_orders[op.order]++;
}

void GenStats::merge(const GenStats &o)
{
	tests += o.tests;
	ops += o.ops;
	for (size_t i = 0; i < ops_by_kind.size(); i++)
		ops_by_kind[i] += o.ops_by_kind[i];
	for (size_t i = 0; i < kNrEvents; i++)
		events[i] += o.events[i];
	for (size_t i = 0; i < fault_orders.size(); i++)
		fault_orders[i] += o.fault_orders[i];
}

std::string GenStats::format() const
{
	std::string s;
	char line[96];
	snprintf(line, sizeof(line), "%llu tests, %llu operations\n",
		 (unsigned long long)tests, (unsigned long long)ops);
	s += line;
	s += "events (steps that showed them):\n";
	for (size_t i = 0; i < kNrEvents; i++) {
		snprintf(line, sizeof(line), "  %-19s %10llu%s\n", kEventNames[i],
			 (unsigned long long)events[i], events[i] ? "" : "  (never)");
		s += line;
	}
	s += "anon folios faulted by order:";
	for (size_t i = 0; i < fault_orders.size(); i++) {
		if (!fault_orders[i])
			continue;
		snprintf(line, sizeof(line), " %zu:%llu", i, (unsigned long long)fault_orders[i]);
		s += line;
	}
	s += "\noperations:\n";
	for (size_t i = 0; i < std::size(kOpNames); i++) {
		if (!ops_by_kind[i])
			continue;
		snprintf(line, sizeof(line), "  %-19s %10llu\n", kOpNames[i],
			 (unsigned long long)ops_by_kind[i]);
		s += line;
	}
	return s;
}

std::vector<Event> StepClassifier::classify(const Op &op, const Snapshot &before,
					    const Snapshot &after)
{
	std::set<Event> ev;
	const Va pmd_pages = pmd_pages_;
	const ProcView *pb = alive_proc(before, op.proc);
	const ProcView *pa = alive_proc(after, op.proc);
	const bool new_folios = after.folios.size() > before.folios.size();

	switch (op.kind) {
	case OpKind::fault_anon:
		if (new_folios)
			ev.insert(op.pmd ? Event::pmd_fault : op.order > 0 ? Event::pte_large_fault
									   : Event::count_);
		break;
	case OpKind::fork:
		if (pb) {
			for (const auto &[va, pte] : pb->ptes) {
				const FolioView *f = before.folio(pte.folio);
				if (f && f->maybe_pinned)
					ev.insert(Event::pinned_fork);
			}
			for (const auto &[va, pmd] : pb->pmds) {
				const FolioView *f = before.folio(pmd.folio);
				if (f && f->maybe_pinned)
					ev.insert(Event::pinned_fork);
			}
		}
		if (new_folios)
			ev.insert(Event::fork_copy);
		/* remember the folios the child now shares with its parent */
		if (const ProcView *child = alive_proc(after, op.proc2); child && pa) {
			std::set<FolioId> shared;
			for (const auto &[va, pte] : child->ptes)
				if (auto m = mapping_at(*pa, va, pmd_pages); m && m->folio == pte.folio)
					shared.insert(pte.folio);
			for (const auto &[haddr, pmd] : child->pmds)
				shared.insert(pmd.folio);
			for (FolioId f : shared)
				if (shared_.size() < kMaxShared)
					shared_.push_back({f, 0, 0});
		}
		break;
	case OpKind::write:
	case OpKind::pin: {
		if (!pb || !pa)
			break;
		const uint64_t n = op.kind == OpKind::write ? 1 : op.pages;
		for (Va va = op.va; va < op.va + n; va++) {
			auto mb = mapping_at(*pb, va, pmd_pages);
			auto ma = mapping_at(*pa, va, pmd_pages);
			if (!mb || !ma)
				continue;
			const FolioView *fb = before.folio(mb->folio);
			bool large = fb && fb->order > 0;
			if (op.kind == OpKind::pin && fb && fb->anon && !fb->anon_exclusive[mb->page])
				ev.insert(Event::unshare);
			bool write_fault = op.kind == OpKind::write || op.write;
			if (!write_fault || mb->writable)
				continue;
			if (ma->folio == mb->folio && ma->page == mb->page && ma->writable) {
				/*
				 * v6.12 reuses a large folio only through a PMD
				 * (do_huge_pmd_wp_page(): head AnonExclusive or
				 * refcount 1) or a PTE whose page is AnonExclusive
				 * (do_wp_page(); wp_can_reuse_anon_folio() says no
				 * to every large folio).
				 */
				if (large) {
					ev.insert(Event::large_cow_reuse);
					ev.insert(mb->pmd ? Event::pmd_cow_reuse
							  : Event::large_pte_cow_reuse);
				}
			} else if (ma->folio != mb->folio) {
				ev.insert(Event::cow_copy);
				if (large)
					ev.insert(Event::large_cow_copy);
			}
		}
		if (cow_into_anon(*pb, *pa, op.va, n, pmd_pages, before, after))
			ev.insert(Event::file_cow_anon);
		if (op.kind == OpKind::write) {
			auto mb = mapping_at(*pb, op.va, pmd_pages);
			for (SharedPage &sp : shared_) {
				if (!mb || sp.folio != mb->folio || op.proc >= 64)
					continue;
				sp.writers |= uint64_t{1} << op.proc;
				if (std::popcount(sp.writers) >= 2)
					ev.insert(Event::write_both_sides);
			}
		} else if (pb) {
			classify_range_end(*pb, op.va, op.va + op.pages, pmd_pages, before, ev);
			classify_range_end(*pb, op.va + op.pages - 1, op.va + op.pages, pmd_pages,
					   before, ev);
		}
		break;
	}
	case OpKind::madv_free:
	case OpKind::mprotect:
		if (pb && partly_covers(*pb, op.va, op.pages, pmd_pages, before))
			ev.insert(op.kind == OpKind::madv_free ? Event::madv_free_partial
							       : Event::mprotect_partial);
		[[fallthrough]];
	case OpKind::get:
	case OpKind::munmap:
	case OpKind::mremap:
		if (pb) {
			classify_range_end(*pb, op.va, op.va + op.pages, pmd_pages, before, ev);
			classify_range_end(*pb, op.va + op.pages - 1, op.va + op.pages, pmd_pages,
					   before, ev);
		}
		break;
	case OpKind::fault_file:
		if (pa)
			classify_fault_file(op, *pa, after, pmd_pages, ev);
		break;
	case OpKind::swapout:
		if (const FolioView *f = before.folio(op.folio); f && f->maybe_pinned) {
			const FolioView *fa = after.folio(op.folio);
			if (fa && !fa->freed && fa->mapcount > 0)
				ev.insert(Event::swapout_pinned);
		}
		break;
	case OpKind::split:
		if (const FolioView *f = before.folio(op.folio)) {
			const FolioView *fa = after.folio(op.folio);
			if (f->order == 0 || (fa && fa->order == f->order))
				ev.insert(Event::split_refused);
		}
		break;
	default:
		break;
	}

	/* state changes, whatever the operation */
	const FolioMaps fb = folio_maps(before), fa = folio_maps(after);
	if (op.kind == OpKind::munmap && pb && pa) {
		for (const auto &[key, pages] : fb.pages) {
			if (key.first != op.proc || !is_large(before, key.second))
				continue;
			auto it = fa.pages.find(key);
			if (it != fa.pages.end() && !it->second.empty() &&
			    it->second.size() < pages.size())
				ev.insert(Event::partial_unmap);
		}
	}
	{
		auto nb = noncontiguous_set(before, fb), na = noncontiguous_set(after, fa);
		for (const auto &key : na) {
			if (nb.count(key))
				continue;
			ev.insert(Event::noncontiguous);
			if (op.kind == OpKind::mremap)
				ev.insert(Event::mremap_noncontig);
		}
	}
	/* swap entries made and faulted back in, whichever operation did it */
	for (const ProcView &pv : before.procs) {
		const ProcView *pva = alive_proc(after, pv.id);
		if (pv.exited || !pva)
			continue;
		for (const auto &[va, e] : pva->swap)
			if (!pv.swap.count(va))
				ev.insert(Event::swapped_out);
		for (const auto &[va, e] : pv.swap)
			if (!pva->swap.count(va) && mapping_at(*pva, va, pmd_pages))
				ev.insert(Event::swapin);
	}
	for (const ProcView &pv : before.procs) {
		const ProcView *pva = alive_proc(after, pv.id);
		if (pv.exited || !pva)
			continue;
		for (const auto &[haddr, pmd] : pv.pmds) {
			if (pva->pmds.count(haddr))
				continue;
			for (Va va = haddr; va < haddr + pmd_pages; va++) {
				auto it = pva->ptes.find(va);
				if (it != pva->ptes.end() && it->second.folio == pmd.folio) {
					ev.insert(Event::pmd_split);
					break;
				}
			}
		}
	}
	for (const FolioView &f : before.folios) {
		const FolioView *fa = after.folio(f.id);
		if (!fa)
			continue;
		if (!f.freed && fa->freed)
			ev.insert(Event::folio_freed);
		if (!f.queued && fa->queued)
			ev.insert(Event::deferred_queue);
		if (!f.freed && f.order > 0 && fa->order == 0)
			ev.insert(Event::folio_split);
		if (op.kind == OpKind::madv_free && f.order > 0 && fa->order == f.order &&
		    !f.lazyfree && fa->lazyfree)
			ev.insert(Event::lazyfree_large);
		if (op.kind == OpKind::reclaim && f.lazyfree && !f.freed && fa->freed)
			ev.insert(Event::lazyfree_reclaimed);
	}
	for (size_t i = before.folios.size(); i < after.folios.size(); i++)
		if (after.folios[i].queued)
			ev.insert(Event::deferred_queue);

	ev.erase(Event::count_);
	return {ev.begin(), ev.end()};
}

} // namespace fc::props
