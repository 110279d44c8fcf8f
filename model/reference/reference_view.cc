// SPDX-License-Identifier: GPL-2.0
/*
 * reference_view.cc - the reference model's Snapshot kept up to date from
 * statement to statement (ReferenceModel::view()), and the freeing at the
 * end of a statement done on the folios it touched.
 *
 * Everything a folio's view shows is derived from three things: the folio
 * itself (order, anon, freed, flags, AnonExclusive bits), the holders that
 * name it (holders.cc), and whether it is on the split queue. So the view
 * of a folio can differ from the one the last statement left only if
 *  - the folio was accessed for writing (State::folio() logs every
 *    non-const access, folio_alloc() every new folio), or
 *  - a holder naming it, before or now, differs: a page-table entry or PMD
 *    (compared with the view's own tables, brought up to date in the same
 *    pass), a handle (with the view's handles), a page-cache or swap-cache
 *    entry (with the copies the view keeps, since the Snapshot does not
 *    show the caches), or
 *  - its place on the queue (the queue is compared whole).
 * The holders are compared, not logged by the ~100 places that write one:
 * the comparison is a pass over the page tables' bitmaps, the handles and
 * the caches (sequential and cheap), where refilling and deriving every
 * folio's view cost several cache misses per folio. The folio writes are
 * logged by type: State::folio() is the only non-const way to one.
 *
 * free_unreferenced() frees every folio whose holders are all gone. A
 * folio the statement did not touch is held as it was when the view last
 * looked, and at that point every folio without a holder had been freed
 * (the end of the previous apply(), or the start), so only touched folios
 * need the test.
 */
#include "model/reference/reference_state.h"

#include <algorithm>

namespace fc {

namespace {

/*
 * sync_table - bring @view, which held conv() of every entry of @table as
 * it was, up to date with @table, looking at the keys where they differ
 * only (PageMap::for_each_difference()): @changed(before, after) (null
 * where absent) is told of each before @view's entry is replaced.
 */
template <class V, class E, class Conv, class Changed>
void sync_table(PageMap<V> &view, const PageMap<E> &table, Conv conv, Changed changed)
{
	table.for_each_difference(
		view, [&](const E &now, const V &then) { return conv(now) == then; },
		[&](Va va, const E *now, const V *then) {
			changed(then, now);
			if (now)
				view.insert_or_assign(va, conv(*now));
			else
				view.erase(va);
		});
}

bool same_handle(const RHandle &now, const HandleView &then)
{
	return now.proc == then.proc && now.released == then.released && now.pages == then.pages;
}

} // namespace

/* build_view - @v made whole from the state, as snapshot() would. */
void ReferenceModel::State::build_view(View &v) const
{
	snapshot_into(v.snap);
	v.file_cache.resize(files.size());
	for (size_t i = 0; i < files.size(); i++)
		v.file_cache[i] = files[i].cache;
	v.swap_cache = swap_cache;
	v.valid = true;
	v.kept = false;
	v.changes.clear();
}

/*
 * keep_view - end a statement whose start @v described: free what no holder
 * holds any more and bring @v up to date, both on the folios the statement
 * may have touched (see the top of this file), which @v.changes lists.
 */
void ReferenceModel::State::keep_view(View &v)
{
	std::vector<FolioId> &touched = v.changes;
	std::vector<uint8_t> &marked = v.marked;
	touched.clear();
	marked.assign(folios.size(), 0);
	auto touch = [&](FolioId f) {
		if (f && f <= folios.size() && !marked[f - 1]) {
			marked[f - 1] = 1;
			touched.push_back(f);
		}
	};

	/* the folios written or allocated */
	for (FolioId f : write_log)
		touch(f);
	for (FolioId f = static_cast<FolioId>(v.snap.folios.size()) + 1; f <= folios.size(); f++)
		touch(f);

	/*
	 * The holders that differ from what the view saw. The page tables'
	 * views are brought up to date on the way, RSS too: one page per PTE,
	 * pmd_nr() per PMD, as anon or file, which a folio is from the
	 * statement that made it on (folio_alloc() callers set it before any
	 * mapping exists), so a mapping counts out as it counted in.
	 */
	v.snap.procs.resize(procs.size());
	for (ProcId p = 0; p < procs.size(); p++) {
		const RProc &proc = procs[p];
		ProcView &pv = v.snap.procs[p];
		pv.id = p;
		pv.exited = proc.exited;
		auto rss = [&](FolioId f, long pages) {
			(folios[f - 1].anon ? pv.rss_anon : pv.rss_file) += pages;
		};
		sync_table(pv.ptes, proc.ptes, pte_view, [&](const PteView *then, const RPte *now) {
			if (then) {
				touch(then->folio);
				rss(then->folio, -1);
			}
			if (now) {
				touch(now->folio);
				rss(now->folio, 1);
			}
		});
		/* a PMD maps pmd_nr() pages: the folio it mapped may be split since */
		sync_table(pv.pmds, proc.pmds, pmd_view, [&](const PmdView *then, const RPmd *now) {
			if (then) {
				touch(then->folio);
				rss(then->folio, -long(pmd_nr()));
			}
			if (now) {
				touch(now->folio);
				rss(now->folio, long(pmd_nr()));
			}
		});
		sync_table(pv.swap, proc.swp, swap_pte_view, [](const SwapPteView *, const RSwp *) {});
	}
	auto diff_handles = [&](const std::vector<RHandle> &now, const std::vector<HandleView> &then) {
		for (size_t i = 0; i < now.size(); i++) {
			if (i < then.size() && same_handle(now[i], then[i]))
				continue;
			for (const HandleView::Page &pg : now[i].pages)
				touch(pg.folio);
			if (i < then.size())
				for (const HandleView::Page &pg : then[i].pages)
					touch(pg.folio);
		}
	};
	diff_handles(pins, v.snap.pins);
	diff_handles(refs, v.snap.refs);
	if (!std::equal(split_queue.begin(), split_queue.end(), v.snap.split_queue.begin(),
			v.snap.split_queue.end())) {
		for (FolioId f : split_queue)
			touch(f);
		for (FolioId f : v.snap.split_queue)
			touch(f);
	}
	v.file_cache.resize(files.size());
	for (size_t i = 0; i < files.size(); i++) {
		const std::vector<RCachedPage> &now = files[i].cache, &then = v.file_cache[i];
		if (now == then)
			continue;
		for (size_t n = 0; n < std::max(now.size(), then.size()); n++) {
			if (n < now.size() && n < then.size() && now[n] == then[n])
				continue;
			touch(n < now.size() ? now[n].folio : 0);
			touch(n < then.size() ? then[n].folio : 0);
		}
		v.file_cache[i] = now;
	}
	sync_table(v.swap_cache, swap_cache, [](const RCachedPage &pg) { return pg; },
		   [&](const RCachedPage *then, const RCachedPage *now) {
			   touch(then ? then->folio : 0);
			   touch(now ? now->folio : 0);
		   });

	/*
	 * free_unreferenced(), on the touched folios. The counts go to a
	 * buffer of the thread's, as counted_holders()'s do: a Holders per
	 * folio is two vectors, and the fuzz target makes a model per input.
	 */
	static thread_local std::vector<Holders> holders;
	count_holders_of(touched, marked, holders);
	for (FolioId f : touched)
		free_if_unreferenced(f, holders[f - 1]);

	/* the view of the touched folios, and the handles and the queue whole (they are few) */
	std::sort(touched.begin(), touched.end());
	v.snap.folios.resize(folios.size());
	std::vector<uint8_t> &queued = marked;   /* reused: the marks are done with */
	for (FolioId f : touched)
		queued[f - 1] = 0;
	for (FolioId f : split_queue)
		queued[f - 1] = 1;
	for (FolioId f : touched)
		fill_folio_view(f, holders[f - 1], queued[f - 1], v.snap.folios[f - 1]);
	fill_handle_views(v.snap);
	clear_write_log();
	v.kept = true;
}

const Snapshot &ReferenceModel::view() const
{
	if (!view_)
		view_ = std::make_unique<View>();
	if (!view_->valid) {
		s_->build_view(*view_);
		s_->clear_write_log();
	}
	return view_->snap;
}

const std::vector<FolioId> *ReferenceModel::view_changes() const
{
	return view_ && view_->valid && view_->kept ? &view_->changes : nullptr;
}

bool ReferenceModel::has_view() const
{
	return view_ && view_->valid;
}

} // namespace fc
