// SPDX-License-Identifier: GPL-2.0
/*
 * tracked_pages.h - a folio's struct pages, logging every page written.
 *
 * The Runner refreshes its Snapshot at every visible point, and a statement
 * that walks a 512-page folio page by page (try_to_unmap_one(), a split,
 * fork's batches) passes one point per page: refreshing every page's view of
 * the touched folio at each of them made the walk quadratic. With a log of
 * the pages written since the reader last caught up, the FolioView is
 * brought up to date in O(pages written) instead.
 *
 * As with TrackedMap (tracked_map.h), forgetting to log cannot compile:
 * reads go through const accessors only, and the only ways to write are
 * write(i), which logs page i, and write_all() / resize(), which log
 * everything. The log is bounded (beyond max(16, size() / 2) entries it
 * becomes "all"), a copy's log is "all" (whoever reads the copy cannot know
 * what differs from what it saw), and a move carries the log along. The log
 * is mutable: consuming it is not a change of the pages.
 *
 * The folio-level log (KernelModel::State::note_folio()) still decides
 * *which* folios are refreshed; this one only narrows the page loop of a
 * refreshed folio.
 */
#pragma once

#include "model/types.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace fc {

/* struct page: only what foliocheck models. */
struct KPage {
	long _mapcount = -1;
	bool anon_exclusive = false;   /* PG_anon_exclusive */
};

class TrackedPages {
public:
	TrackedPages() = default;
	TrackedPages(const TrackedPages &o) : pages_(o.pages_), all_(true) {}
	TrackedPages &operator=(const TrackedPages &o)
	{
		if (this != &o) {
			pages_ = o.pages_;
			log_.clear();
			all_ = true;
		}
		return *this;
	}
	TrackedPages(TrackedPages &&o) noexcept = default;
	TrackedPages &operator=(TrackedPages &&o) noexcept = default;

	/* --- reads --- */
	size_t size() const { return pages_.size(); }
	const KPage &operator[](size_t i) const { return pages_[i]; }
	std::vector<KPage>::const_iterator begin() const { return pages_.begin(); }
	std::vector<KPage>::const_iterator end() const { return pages_.end(); }

	/* --- writes: each logs what it may change --- */
	KPage &write(size_t i)
	{
		if (!all_) {
			if (log_.size() >= std::max<size_t>(16, pages_.size() / 2)) {
				all_ = true;
				log_.clear();
			} else {
				log_.push_back(static_cast<uint32_t>(i));
			}
		}
		return pages_[i];
	}
	std::vector<KPage> &write_all()
	{
		all_ = true;
		log_.clear();
		return pages_;
	}
	void resize(size_t n) { write_all().resize(n); }

	/* --- the log --- */
	/* Every page may have been written since the log was last consumed. */
	bool all_written() const { return all_; }
	/* The pages written (possibly repeated) when !all_written(). */
	const std::vector<uint32_t> &written() const { return log_; }
	void consume_log() const
	{
		log_.clear();
		all_ = false;
	}

private:
	std::vector<KPage> pages_;
	mutable std::vector<uint32_t> log_;
	mutable bool all_ = true;
};

} // namespace fc
