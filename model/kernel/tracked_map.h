// SPDX-License-Identifier: GPL-2.0
/*
 * tracked_map.h - a page table (Va -> entry) that logs every key it may have
 * changed.
 *
 * The Runner refreshes its Snapshot at every visible point of an operation.
 * Re-walking every page table of every process each time costs O(size of
 * the address spaces) per visible point; with a log of the keys written
 * since the log was last consumed the Snapshot is brought up to date in
 * O(changes) instead.
 *
 * struct TrackedMap makes forgetting to log impossible by construction:
 * reads go through const_iterators only (there is no mutable begin(),
 * find() or lower_bound()), and every way of writing an entry -
 * operator[], at() on a non-const map, mut(), erase(), clear(),
 * insert_or_assign(), emplace() - records the key(s) it may change before
 * handing out a mutable reference or changing the map.
 *
 * The log is @touched_ (keys, in order, possibly repeated) and
 * @all_touched_ ("anything may have changed"). It is bounded: when
 * @touched_ would grow beyond max(64, 4 * size()) entries it is dropped and
 * @all_touched_ set, so a map whose log nobody consumes does not grow
 * without limit. A copy's log is @all_touched_ (whoever consumes the copy
 * cannot know what differs from what it saw); a move carries the log along
 * unchanged, so that std::vector<KMm> reallocation neither loses nor invents
 * changes. The log is mutable: consuming it (clear_touched()) is not a
 * change of the page table.
 */
#pragma once

#include "model/page_map.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <utility>
#include <vector>

namespace fc {

template <class V>
class TrackedMap {
public:
	using map_type = PageMap<V>;
	using key_type = Va;
	using mapped_type = V;
	using value_type = typename map_type::value_type;
	using size_type = std::size_t;
	using const_iterator = typename map_type::const_iterator;

	TrackedMap() = default;

	TrackedMap(const TrackedMap &o) : m_(o.m_), all_touched_(true) {}

	TrackedMap &operator=(const TrackedMap &o)
	{
		if (this != &o) {
			m_ = o.m_;
			touched_.clear();
			all_touched_ = true;
		}
		return *this;
	}

	TrackedMap(TrackedMap &&o) noexcept
		: m_(std::move(o.m_)), touched_(std::move(o.touched_)), all_touched_(o.all_touched_)
	{
		o.m_.clear();
		o.touched_.clear();
		o.all_touched_ = true;
	}

	TrackedMap &operator=(TrackedMap &&o) noexcept
	{
		if (this != &o) {
			m_ = std::move(o.m_);
			touched_ = std::move(o.touched_);
			all_touched_ = o.all_touched_;
			o.m_.clear();
			o.touched_.clear();
			o.all_touched_ = true;
		}
		return *this;
	}

	/* --- reads --- */
	const_iterator begin() const { return m_.begin(); }
	const_iterator end() const { return m_.end(); }
	const_iterator cbegin() const { return m_.cbegin(); }
	const_iterator cend() const { return m_.cend(); }
	const_iterator find(Va k) const { return m_.find(k); }
	const_iterator lower_bound(Va k) const { return m_.lower_bound(k); }
	const_iterator upper_bound(Va k) const { return m_.upper_bound(k); }
	size_type count(Va k) const { return m_.count(k); }
	bool contains(Va k) const { return m_.contains(k); }
	size_type size() const { return m_.size(); }
	bool empty() const { return m_.empty(); }
	const V &at(Va k) const { return m_.at(k); }
	const map_type &map() const { return m_; }

	bool operator==(const TrackedMap &o) const { return m_ == o.m_; }

	/* --- writes: each logs the key(s) it may change --- */
	V &operator[](Va k)
	{
		touch(k);
		return m_[k];
	}

	V &at(Va k)
	{
		V &v = m_.at(k);
		touch(k);
		return v;
	}

	/* mut - at(), said explicitly: the caller will modify this entry. */
	V &mut(Va k) { return at(k); }

	size_type erase(Va k)
	{
		auto it = m_.find(k);
		if (it == m_.end())
			return 0;
		touch(k);
		m_.erase(it);
		return 1;
	}

	const_iterator erase(const_iterator it)
	{
		touch(it->first);
		return m_.erase(it);
	}

	void erase(const_iterator first, const_iterator last)
	{
		for (auto it = first; it != last; ++it)
			touch(it->first);
		m_.erase(first, last);
	}

	void clear()
	{
		for (const auto &kv : m_)
			touch(kv.first);
		m_.clear();
	}

	std::pair<const_iterator, bool> insert_or_assign(Va k, const V &v)
	{
		touch(k);
		auto r = m_.insert_or_assign(k, v);
		return {r.first, r.second};
	}

	std::pair<const_iterator, bool> emplace(Va k, V v)
	{
		auto r = m_.try_emplace(k, std::move(v));
		if (r.second)
			touch(k);
		return {r.first, r.second};
	}

	/* --- the log --- */
	bool all_touched() const { return all_touched_; }
	const std::vector<Va> &touched() const { return touched_; }
	void clear_touched() const
	{
		touched_.clear();
		all_touched_ = false;
	}

private:
	void touch(Va k)
	{
		if (all_touched_)
			return;
		if (touched_.size() >= std::max<size_type>(64, 4 * m_.size())) {
			all_touched_ = true;
			touched_.clear();
			return;
		}
		touched_.push_back(k);
	}

	map_type m_;
	mutable std::vector<Va> touched_;
	mutable bool all_touched_ = false;
};

} // namespace fc
