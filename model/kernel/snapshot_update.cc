// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_update.cc - KernelModel::snapshot_update(): a Snapshot kept up to
 * date in place from the page tables' change logs (tracked_map.h), with the
 * list of what changed (snapshot_delta.h).
 *
 * Folios, processes, handles and the queue are few and are compared field
 * by field as snapshot_into() does; the page tables are the big part, and
 * only the entries their logs name are looked at.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

namespace {

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

/*
 * update_table - make @dst hold conv(v) for every entry of @src, looking only
 * at the keys @src logged since its log was last cleared (every key of both
 * when it lost track), and call @changed(va, before, after) for each entry
 * that differs. Clears @src's log.
 */
template <class V, class S, class Conv, class Changed>
void update_table(std::map<Va, V> &dst, const TrackedMap<S> &src, Conv conv, Changed changed)
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
		if (after)
			dst.insert_or_assign(va, *after);
		else
			dst.erase(d);
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
		HandleView &h = out[i];
		const KHandle &k = in[i];
		const HandleId id = static_cast<HandleId>(i + 1);
		if (i < old && h.id == id && h.proc == k.proc && h.released == k.released &&
		    h.pages == k.pages)
			continue;
		d.handles.push_back({pin, i, i < old ? std::optional<HandleView>(h) : std::nullopt});
		h.id = id;
		h.proc = k.proc;
		h.released = k.released;
		h.pages = k.pages;
	}
}

} // namespace

bool KernelModel::snapshot_update(Snapshot &out, SnapshotDelta &d) const
{
	const State &s = *s_;
	d.clear();

	/* Folios: the new ones, and those written since the last update. */
	const size_t old_folios = std::min(out.folios.size(), s.folios.size());
	out.folios.resize(s.folios.size());
	for (size_t n = old_folios; n < s.folios.size(); n++) {
		s.fill_folio_view(s.folios[n], out.folios[n]);
		d.folios.push_back(static_cast<FolioId>(n + 1));
	}
	for (FolioId f : s.touched) {
		s.touched_flags[f - 1] = 0;
		if (f <= old_folios && s.fill_folio_view(s.folios[f - 1], out.folios[f - 1]))
			d.folios.push_back(f);
	}
	s.touched.clear();

	const size_t old_procs = out.procs.size();
	out.procs.resize(s.mms.size());
	for (ProcId p = 0; p < s.mms.size(); p++) {
		const KMm &mm = s.mms[p];
		ProcView &pv = out.procs[p];
		bool changed = p >= old_procs;
		changed |= pv.id != p || pv.exited != mm.exited ||
			   pv.rss_anon != mm.rss[MM_ANONPAGES] || pv.rss_file != mm.rss[MM_FILEPAGES];
		pv.id = p;
		pv.exited = mm.exited;
		pv.rss_anon = mm.rss[MM_ANONPAGES];
		pv.rss_file = mm.rss[MM_FILEPAGES];
		if (changed)
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
