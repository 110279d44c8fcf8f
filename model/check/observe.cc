// SPDX-License-Identifier: GPL-2.0
/*
 * observe.cc - the value of one SPEC observable.
 *
 * Every name in an observable comes from a trace, so a name that does not
 * resolve (no such folio, an exited process, a page past the folio's end, a
 * freed folio asked for a count) is an error message for the trace's author,
 * never an assertion.
 */
#include "model/check/observe.h"

namespace fc {

uint32_t ViolationCounts::total() const
{
	uint32_t n = 0;
	for (uint32_t c : by_invariant)
		n += c;
	return n;
}

namespace {

/* Observables a freed folio still answers (SPEC: "only freed and queued"). */
bool answered_when_freed(ObsKind k)
{
	return k == ObsKind::freed || k == ObsKind::queued;
}

/*
 * lookup_folio - the folio an observable names, or nullptr with @error set.
 * @page_too: the observable names a page F[i], which must exist.
 */
const FolioView *lookup_folio(const Snapshot &snap, const Observable &obs, bool page_too,
			      std::string *error)
{
	const FolioView *f = snap.folio(obs.folio);
	if (!f) {
		*error = "no folio " + folio_name(obs.folio) + " (" +
			 std::to_string(snap.folios.size()) + " allocated so far)";
		return nullptr;
	}
	if (f->freed && !answered_when_freed(obs.kind)) {
		*error = folio_name(obs.folio) +
			 " is freed: a freed folio answers only 'freed' and 'queued'";
		return nullptr;
	}
	if (page_too && obs.page >= f->nr_pages()) {
		*error = "no page " + page_name(obs.folio, obs.page) + ": " +
			 folio_name(obs.folio) + " has order " + std::to_string(f->order) + " (" +
			 std::to_string(f->nr_pages()) + " pages)";
		return nullptr;
	}
	return f;
}

/* lookup_proc - a live process, or nullptr with @error set. */
const ProcView *lookup_proc(const Snapshot &snap, ProcId p, std::string *error)
{
	const ProcView *pv = snap.proc(p);
	if (!pv) {
		*error = "no process " + proc_name(p);
		return nullptr;
	}
	if (pv->exited) {
		*error = "process " + proc_name(p) + " has exited";
		return nullptr;
	}
	return pv;
}

/*
 * pmd_covering - the PMD of @pv that maps @va, if any. PMDs are keyed by
 * their first VA and span the mapped folio's pages, so no scope is needed.
 */
const PmdView *pmd_covering(const Snapshot &snap, const ProcView &pv, Va va, Va *start)
{
	auto it = pv.pmds.upper_bound(va);
	if (it == pv.pmds.begin())
		return nullptr;
	--it;
	const FolioView *f = snap.folio(it->second.folio);
	Va nr = f ? f->nr_pages() : 1;
	if (va >= it->first + nr)
		return nullptr;
	*start = it->first;
	return &it->second;
}

std::optional<Value> observe_folio(const Snapshot &snap, const Observable &obs,
				   std::string *error)
{
	bool page_too = obs.kind == ObsKind::page_mapcount || obs.kind == ObsKind::anon_exclusive;
	const FolioView *f = lookup_folio(snap, obs, page_too, error);
	if (!f)
		return std::nullopt;

	switch (obs.kind) {
	case ObsKind::refcount:         return Value::of(f->refcount);
	case ObsKind::mapcount:         return Value::of(f->mapcount);
	case ObsKind::entire_mapcount:  return Value::of(f->entire_mapcount);
	case ObsKind::page_mapcount:
		if (obs.page >= f->page_mapcount.size())
			break;
		return Value::of(f->page_mapcount[obs.page]);
	case ObsKind::nr_pages_mapped:  return Value::of(f->nr_pages_mapped);
	case ObsKind::pincount:         return Value::of(f->pincount);
	case ObsKind::maybe_pinned:     return Value::of(f->maybe_pinned);
	case ObsKind::anon_exclusive:
		if (obs.page >= f->anon_exclusive.size())
			break;
		return Value::of(f->anon_exclusive[obs.page]);
	case ObsKind::queued:           return Value::of(f->queued);
	case ObsKind::partially_mapped: return Value::of(f->partially_mapped);
	case ObsKind::lazyfree:         return Value::of(f->lazyfree);
	case ObsKind::freed:            return Value::of(f->freed);
	default:
		break;
	}
	/* A snapshot whose per-page vectors are short: say so, do not index past. */
	*error = "no value for " + format_observable(obs) + " in this snapshot";
	return std::nullopt;
}

std::optional<Value> observe_proc(const Snapshot &snap, const Observable &obs,
				  std::string *error)
{
	const ProcView *pv = lookup_proc(snap, obs.proc, error);
	if (!pv)
		return std::nullopt;

	if (obs.kind == ObsKind::rss)
		return Value::of(obs.rss == RssKind::anon ? pv->rss_anon : pv->rss_file);

	bool mapped = false, writable = false, young = false;
	FolioId folio = 0;
	uint32_t page = 0;
	Va start;
	if (auto it = pv->ptes.find(obs.va); it != pv->ptes.end()) {
		mapped = true;
		folio = it->second.folio;
		page = it->second.page;
		writable = it->second.writable;
		young = it->second.young;
	} else if (const PmdView *pmd = pmd_covering(snap, *pv, obs.va, &start)) {
		mapped = true;
		folio = pmd->folio;
		page = static_cast<uint32_t>(obs.va - start);
		writable = pmd->writable;
		young = pmd->young;
	}
	if (obs.kind == ObsKind::writable)
		return Value::of(writable);
	/* young: the accessed bit of the mapping; an unmapped VA has none (0) */
	if (obs.kind == ObsKind::young)
		return Value::of(young);
	return mapped ? Value::of_page(folio, page) : Value::none();
}

} // namespace

std::optional<Value> observe(const Snapshot &snap, const CostCounters &costs,
			     const ViolationCounts &violations, const Observable &obs,
			     std::string *error)
{
	std::string scratch;
	if (!error)
		error = &scratch;

	switch (obs.kind) {
	case ObsKind::refcount:
	case ObsKind::mapcount:
	case ObsKind::entire_mapcount:
	case ObsKind::page_mapcount:
	case ObsKind::nr_pages_mapped:
	case ObsKind::pincount:
	case ObsKind::maybe_pinned:
	case ObsKind::anon_exclusive:
	case ObsKind::queued:
	case ObsKind::partially_mapped:
	case ObsKind::lazyfree:
	case ObsKind::freed:
		return observe_folio(snap, obs, error);
	case ObsKind::mapped:
	case ObsKind::writable:
	case ObsKind::young:
	case ObsKind::rss:
		return observe_proc(snap, obs, error);
	case ObsKind::violations:
		return Value::of(violations.total());
	case ObsKind::violation:
		if (static_cast<unsigned>(obs.invariant) >= kNrInvariants)
			break;
		return Value::of(violations.by_invariant[static_cast<unsigned>(obs.invariant)] > 0);
	case ObsKind::atomics:
		return Value::of(static_cast<int64_t>(costs.atomics));
	case ObsKind::split_queue_locks:
		return Value::of(static_cast<int64_t>(costs.split_queue_locks));
	case ObsKind::spurious_enqueues:
		return Value::of(static_cast<int64_t>(costs.spurious_enqueues));
	}
	*error = "unknown observable";
	return std::nullopt;
}

} // namespace fc
