// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.cc - what a reader sees of the kernel model: snapshot(), built
 * from scratch, and snapshot_update(), which keeps a Snapshot up to date in
 * place from the page tables' change logs (tracked_map.h) and the folio
 * write log, with the list of what changed (snapshot_delta.h).
 *
 * Processes, handles and the queue are few and are compared field by field;
 * the page tables and the folios are the big part, and only the entries
 * their logs name are looked at.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

namespace {

/* assign - @dst = @v; true if that changed @dst. */
template <class T>
bool assign(T &dst, const T &v)
{
	if (dst == v)
		return false;
	dst = v;
	return true;
}

PteView pte_view(const KPte &pte)
{
	return PteView{pte.folio, pte.page, pte.writable, pte.young};
}

PmdView pmd_view(const KPmd &pmd)
{
	return PmdView{pmd.folio, pmd.writable, pmd.young};
}

SwapPteView swap_view(const KSwp &e)
{
	return SwapPteView{e.slot, e.exclusive};
}

HandleView handle_view(const KHandle &k, size_t index)
{
	return HandleView{static_cast<HandleId>(index + 1), k.proc, k.released, k.pages};
}

/* fill_proc_fields - @pv's fields other than its page tables; true if one changed. */
bool fill_proc_fields(ProcView &pv, ProcId p, const KMm &mm)
{
	bool changed = assign(pv.id, p);
	changed |= assign(pv.exited, mm.exited);
	changed |= assign(pv.rss_anon, mm.rss[MM_ANONPAGES]);
	changed |= assign(pv.rss_file, mm.rss[MM_FILEPAGES]);
	return changed;
}

/*
 * update_table - make @dst hold conv(v) for every entry of @src, looking only
 * at the keys @src logged since its log was last cleared (every key of both
 * when it lost track), and call @changed(va, before, after) for each entry
 * that differs. Clears @src's log.
 */
template <class V, class S, class Conv, class Changed>
void update_table(PageMap<V> &dst, const TrackedMap<S> &src, Conv conv, Changed changed)
{
	auto sync = [&](Va va) {
		std::optional<V> before, after;
		auto d = dst.find(va);
		if (d != dst.end())
			before = d->second;
		if (auto s = src.find(va); s != src.end())
			after = conv(s->second);
		if (before == after)
			return;
		if (!after)
			dst.erase(d);
		else if (d != dst.end())
			d->second = *after;
		else
			dst.try_emplace(va, *after);
		changed(va, before, after);
	};
	if (src.all_touched()) {
		std::vector<Va> keys;
		keys.reserve(dst.size() + src.size());
		for (const auto &[va, v] : dst)
			keys.push_back(va);
		for (const auto &[va, v] : src.map())
			keys.push_back(va);
		std::sort(keys.begin(), keys.end());
		keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
		for (Va va : keys)
			sync(va);
	} else {
		/* a key logged twice is equal the second time: no second change */
		for (Va va : src.touched())
			sync(va);
	}
	src.clear_touched();
}

void update_handles(std::vector<HandleView> &out, const std::vector<KHandle> &in, bool pin,
		    SnapshotDelta &d)
{
	const size_t old = out.size();
	out.resize(in.size());
	for (size_t i = 0; i < in.size(); i++) {
		/* compared in place: every visible point passes here, most change no handle */
		const KHandle &k = in[i];
		if (i < old && out[i].id == i + 1 && out[i].proc == k.proc &&
		    out[i].released == k.released && out[i].pages == k.pages)
			continue;
		d.handles.push_back({pin, i, i < old ? std::optional<HandleView>(out[i]) : std::nullopt});
		out[i] = handle_view(k, i);
	}
}

} // namespace

/*
 * fill_folio_view - the reader's view of @f into @v, field by field so that
 * its buffers are reused; returns whether @v changed. The per-page views are
 * refreshed for the pages @f logged as written only, unless every page may
 * differ (a new view, a new size, the PMD count that every page_mapcount()
 * includes, or a log that says "all"), which @all_pages (if given) tells.
 * The log is left for the caller to consume: only snapshot_update() keeps
 * a view it refreshes.
 */
bool KernelModel::State::fill_folio_view(const KFolio &f, FolioView &v, bool *all_pages) const
{
	bool changed = false;
	const long entire = f.large() ? f._entire_mapcount + 1 : 0;
	const bool every_page = f.pages.all_written() || v.entire_mapcount != entire ||
				v.page_mapcount.size() != f.nr_pages() ||
				v.anon_exclusive.size() != f.nr_pages();
	long nr_mapped;
	if (f.large())
		nr_mapped = f._nr_pages_mapped & FOLIO_PAGES_MAPPED;
	else
		nr_mapped = f.pages[0]._mapcount >= 0 ? 1 : 0;
	changed |= assign(v.id, f.id);
	changed |= assign(v.order, f.order);
	changed |= assign(v.anon, f.anon);
	changed |= assign(v.freed, f.freed);
	changed |= assign(v.refcount, f._refcount);
	changed |= assign(v.mapcount, folio_mapcount(f));
	changed |= assign(v.entire_mapcount, entire);
	changed |= assign(v.nr_pages_mapped, nr_mapped);
	changed |= assign(v.pincount, f.large() ? f._pincount : 0L);
	changed |= assign(v.maybe_pinned, folio_maybe_dma_pinned(f));
	changed |= assign(v.queued, f.on_deferred_list);
	changed |= assign(v.partially_mapped, f.partially_mapped);
	changed |= assign(v.lazyfree, f.lazyfree);
	if (v.page_mapcount.size() != f.nr_pages()) {
		v.page_mapcount.resize(f.nr_pages());
		changed = true;
	}
	if (v.anon_exclusive.size() != f.nr_pages()) {
		v.anon_exclusive.resize(f.nr_pages());
		changed = true;
	}
	auto fill_page = [&](unsigned i) {
		changed |= assign(v.page_mapcount[i], f.pages[i]._mapcount + 1 + entire);
		if (v.anon_exclusive[i] != f.pages[i].anon_exclusive) {
			v.anon_exclusive[i] = f.pages[i].anon_exclusive;
			changed = true;
		}
	};
	if (all_pages)
		*all_pages = every_page;
	if (every_page) {
		for (unsigned i = 0; i < f.nr_pages(); i++)
			fill_page(i);
	} else {
		for (uint32_t i : f.pages.written())
			fill_page(i);
	}
	return changed;
}

/*
 * snapshot - the kernel's counters as a reader would see them:
 * folio_mapcount(), folio_entire_mapcount(), page_mapcount() (which includes
 * the entire mapcount), _nr_pages_mapped & FOLIO_PAGES_MAPPED. Reads the
 * logs, never consumes them.
 */
Snapshot KernelModel::State::snapshot() const
{
	Snapshot snap;
	snap.folios.resize(folios.size());
	for (size_t n = 0; n < folios.size(); n++)
		fill_folio_view(folios[n], snap.folios[n]);
	snap.procs.resize(mms.size());
	for (ProcId p = 0; p < mms.size(); p++) {
		const KMm &mm = mms[p];
		ProcView &pv = snap.procs[p];
		fill_proc_fields(pv, p, mm);
		for (const auto &[va, pte] : mm.ptes)
			pv.ptes.try_emplace(va, pte_view(pte));
		for (const auto &[va, pmd] : mm.pmds)
			pv.pmds.try_emplace(va, pmd_view(pmd));
		for (const auto &[va, e] : mm.swp)
			pv.swap.try_emplace(va, swap_view(e));
	}
	for (size_t i = 0; i < pins.size(); i++)
		snap.pins.push_back(handle_view(pins[i], i));
	for (size_t i = 0; i < refs.size(); i++)
		snap.refs.push_back(handle_view(refs[i], i));
	snap.split_queue.assign(split_queue.begin(), split_queue.end());
	return snap;
}

bool KernelModel::snapshot_update(Snapshot &out, SnapshotDelta &d) const
{
	const State &s = *s_;
	d.clear();

	/* Folios: the new ones, and those written since the last update. */
	const size_t old_folios = std::min(out.folios.size(), s.folios.size());
	out.folios.resize(s.folios.size());
	for (size_t n = old_folios; n < s.folios.size(); n++) {
		s.fill_folio_view(s.folios[n], out.folios[n]);
		s.folios[n].pages.consume_log();
		d.folios.push_back(static_cast<FolioId>(n + 1));
		d.pages_all.push_back(static_cast<FolioId>(n + 1));
	}
	for (FolioId f : s.touched) {
		s.touched_flags[f - 1] = 0;
		if (f > old_folios)
			continue;
		const KFolio &kf = s.folios[f - 1];
		bool all_pages = false;
		if (s.fill_folio_view(kf, out.folios[f - 1], &all_pages))
			d.folios.push_back(f);
		if (all_pages)
			d.pages_all.push_back(f);
		else
			for (uint32_t page : kf.pages.written())
				d.pages.push_back({f, page});
		kf.pages.consume_log();
	}
	s.touched.clear();

	const size_t old_procs = out.procs.size();
	out.procs.resize(s.mms.size());
	for (ProcId p = 0; p < s.mms.size(); p++) {
		const KMm &mm = s.mms[p];
		ProcView &pv = out.procs[p];
		if (fill_proc_fields(pv, p, mm) || p >= old_procs)
			d.procs.push_back(p);
		update_table(pv.ptes, mm.ptes, pte_view,
			     [&](Va va, const std::optional<PteView> &before,
				 const std::optional<PteView> &after) {
				     d.ptes.push_back({p, va, before, after});
			     });
		update_table(pv.pmds, mm.pmds, pmd_view,
			     [&](Va va, const std::optional<PmdView> &before,
				 const std::optional<PmdView> &after) {
				     d.pmds.push_back({p, va, before, after});
			     });
		update_table(pv.swap, mm.swp, swap_view,
			     [&](Va, const std::optional<SwapPteView> &,
				 const std::optional<SwapPteView> &) { d.swap_changed = true; });
	}

	update_handles(out.pins, s.pins, true, d);
	update_handles(out.refs, s.refs, false, d);

	if (!std::equal(s.split_queue.begin(), s.split_queue.end(), out.split_queue.begin(),
			out.split_queue.end())) {
		d.queue_changed = true;
		d.queue_before = out.split_queue;
		out.split_queue.assign(s.split_queue.begin(), s.split_queue.end());
	}
	return !d.empty();
}

} // namespace fc
