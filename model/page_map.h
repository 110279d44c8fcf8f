// SPDX-License-Identifier: GPL-2.0
/*
 * page_map.h - a table keyed by virtual page number, for page tables.
 *
 * Every page table in foliocheck (the reference model's, the kernel model's
 * and a Snapshot's PTEs, PMDs and swap PTEs) is keyed by a VA inside the
 * scope's address space, a few pages to a few thousand. A std::map spends
 * a node, a malloc and a pointer chase per entry on such keys; profiles of
 * the fuzz target put a third of its time in red-black tree walks, malloc
 * and free (docs/fuzz.md, "Where the time went").
 *
 * struct PageMap is a drop-in replacement for std::map<Va, V> on such keys:
 * the keys are split into chunks of 16 consecutive VAs, each chunk holding
 * a bitmap of the keys present and the 16 entries; a chunk is allocated
 * the first time one of its keys is inserted. Iteration goes in key order
 * by scanning the bitmaps, so it costs one word per 16 VAs and no pointer
 * chase per entry.
 *
 * The contract that matters to its users is std::map's:
 *  - iteration in increasing key order, bidirectional iterators whose
 *    value has std::pair's `first` (the key, never to be written through an
 *    iterator) and `second` (the entry), so structured bindings work;
 *  - references and iterators to an entry stay valid until that entry is
 *    erased: chunks never move once allocated, whatever else is inserted
 *    (end() is a sentinel, so it too stays valid);
 *  - operator== compares the (key, value) sets, whatever chunks either side
 *    happens to have allocated.
 */
#pragma once

#include "model/types.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>
#include <type_traits>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace fc {

template <class V>
class PageMap {
	static_assert(std::is_trivially_copyable_v<V> && std::is_trivially_destructible_v<V>,
		      "PageMap entries are copied as bytes");
	/*
	 * 16 VAs per chunk: a chunk of the largest entry (RVma) stays within
	 * glibc's tcache sizes (1,032 bytes), which the explorer's Runner copies
	 * and a fresh fuzz Runner allocate from; 64 made them 15-20 % slower.
	 */
	static constexpr unsigned kShift = 4;
	static constexpr size_t kChunk = size_t{1} << kShift;
	static_assert(kChunk <= 64, "one bitmap word per chunk");
	static constexpr size_t kEnd = SIZE_MAX;

public:
	using key_type = Va;
	using mapped_type = V;
	/* what an iterator points at: read it as std::map's (key, value) pair */
	struct value_type {
		Va first;
		V second;
	};
	using size_type = std::size_t;

private:
	/*
	 * The slots are raw storage: a chunk is allocated without touching its
	 * entries (a fresh Runner allocates one per table it writes), and
	 * only the used ones are ever constructed, read or copied. V is
	 * trivially copyable, so an entry needs no destructor and a copy is
	 * memcpy.
	 */
	struct Chunk {
		uint64_t used = 0;
		alignas(value_type) unsigned char bytes[kChunk * sizeof(value_type)];

		/* where entry @i lives, before it is constructed there */
		void *raw(size_t i) { return bytes + i * sizeof(value_type); }
		value_type &slot(size_t i)
		{
			return *std::launder(reinterpret_cast<value_type *>(bytes) + i);
		}
		const value_type &slot(size_t i) const
		{
			return *std::launder(reinterpret_cast<const value_type *>(bytes) + i);
		}
	};

	template <bool Const>
	class Iter {
		using Map = std::conditional_t<Const, const PageMap, PageMap>;

	public:
		using iterator_category = std::bidirectional_iterator_tag;
		using value_type = PageMap::value_type;
		using difference_type = std::ptrdiff_t;
		using reference = std::conditional_t<Const, const value_type &, value_type &>;
		using pointer = std::conditional_t<Const, const value_type *, value_type *>;

		Iter() = default;
		Iter(Map *m, size_t i) : m_(m), i_(i) {}
		/* iterator -> const_iterator */
		template <bool C = Const, class = std::enable_if_t<C>>
		Iter(const Iter<false> &o) : m_(o.m_), i_(o.i_) {}

		reference operator*() const { return m_->slot(i_); }
		pointer operator->() const { return &m_->slot(i_); }
		Iter &operator++()
		{
			i_ = m_->next_used(i_ + 1);
			return *this;
		}
		Iter operator++(int)
		{
			Iter t = *this;
			++*this;
			return t;
		}
		Iter &operator--()
		{
			i_ = m_->prev_used(i_ == kEnd ? m_->slots_end() : i_);
			return *this;
		}
		Iter operator--(int)
		{
			Iter t = *this;
			--*this;
			return t;
		}
		bool operator==(const Iter &o) const { return i_ == o.i_; }

	private:
		friend class PageMap;
		friend class Iter<!Const>;
		Map *m_ = nullptr;
		size_t i_ = kEnd;
	};

public:
	using iterator = Iter<false>;
	using const_iterator = Iter<true>;

	PageMap() = default;
	PageMap(std::initializer_list<value_type> il) { insert(il.begin(), il.end()); }
	PageMap(PageMap &&) noexcept = default;
	PageMap &operator=(PageMap &&) noexcept = default;
	PageMap(const PageMap &o) { copy_from(o); }
	PageMap &operator=(const PageMap &o)
	{
		if (this != &o)
			copy_from(o);
		return *this;
	}

	/* --- reads --- */
	iterator begin() { return {this, next_used(0)}; }
	iterator end() { return {this, kEnd}; }
	const_iterator begin() const { return {this, next_used(0)}; }
	const_iterator end() const { return {this, kEnd}; }
	const_iterator cbegin() const { return begin(); }
	const_iterator cend() const { return end(); }
	std::reverse_iterator<const_iterator> rbegin() const
	{
		return std::reverse_iterator<const_iterator>(end());
	}
	std::reverse_iterator<const_iterator> rend() const
	{
		return std::reverse_iterator<const_iterator>(begin());
	}

	size_type size() const { return size_; }
	bool empty() const { return size_ == 0; }
	bool contains(Va k) const { return present(k); }
	size_type count(Va k) const { return present(k) ? 1 : 0; }

	iterator find(Va k) { return {this, present(k) ? size_t(k) : kEnd}; }
	const_iterator find(Va k) const { return {this, present(k) ? size_t(k) : kEnd}; }
	/* the first entry whose key is >= @k / > @k */
	iterator lower_bound(Va k) { return {this, next_used(clamp(k))}; }
	const_iterator lower_bound(Va k) const { return {this, next_used(clamp(k))}; }
	iterator upper_bound(Va k) { return {this, k >= kEnd - 1 ? kEnd : next_used(clamp(k + 1))}; }
	const_iterator upper_bound(Va k) const
	{
		return {this, k >= kEnd - 1 ? kEnd : next_used(clamp(k + 1))};
	}

	V &at(Va k)
	{
		if (!present(k))
			throw std::out_of_range("PageMap::at: no entry at this VA");
		return slot(k).second;
	}
	const V &at(Va k) const
	{
		if (!present(k))
			throw std::out_of_range("PageMap::at: no entry at this VA");
		return slot(k).second;
	}

	/* --- writes --- */
	V &operator[](Va k) { return try_emplace(k).first->second; }

	std::pair<iterator, bool> try_emplace(Va k, V v = V{})
	{
		Chunk &c = chunk_for(k);
		const uint64_t bit = uint64_t{1} << (k & (kChunk - 1));
		if (c.used & bit)
			return {iterator(this, k), false};
		c.used |= bit;
		size_++;
		::new (c.raw(k & (kChunk - 1))) value_type{k, std::move(v)};
		return {iterator(this, k), true};
	}

	std::pair<iterator, bool> emplace(Va k, V v) { return try_emplace(k, std::move(v)); }
	std::pair<iterator, bool> insert(const value_type &kv) { return try_emplace(kv.first, kv.second); }
	template <class It>
	void insert(It first, It last)
	{
		for (; first != last; ++first)
			try_emplace(first->first, first->second);
	}

	std::pair<iterator, bool> insert_or_assign(Va k, const V &v)
	{
		auto r = try_emplace(k, v);
		if (!r.second)
			r.first->second = v;
		return r;
	}

	size_type erase(Va k)
	{
		if (!present(k))
			return 0;
		unmark(k);
		return 1;
	}

	iterator erase(const_iterator it)
	{
		const size_t k = it.i_;
		unmark(k);
		return {this, next_used(k + 1)};
	}
	iterator erase(iterator it) { return erase(const_iterator(it)); }

	iterator erase(const_iterator first, const_iterator last)
	{
		while (first != last)
			first = erase(first);
		return {this, last.i_};
	}

	void clear()
	{
		for (auto &c : chunks_)
			if (c)
				c->used = 0;
		size_ = 0;
	}

	bool operator==(const PageMap &o) const
	{
		if (size_ != o.size_)
			return false;
		const size_t n = std::max(chunks_.size(), o.chunks_.size());
		for (size_t ci = 0; ci < n; ci++) {
			const uint64_t a = used_word(ci), b = o.used_word(ci);
			if (a != b)
				return false;
			for (uint64_t w = a; w; w &= w - 1) {
				const unsigned i = std::countr_zero(w);
				if (!(chunks_[ci]->slot(i).second == o.chunks_[ci]->slot(i).second))
					return false;
			}
		}
		return true;
	}

	/*
	 * for_each_difference - @f(key, mine, theirs) for every key where this
	 * table and @o (of any entry type) differ: an entry in one only (the
	 * other pointer null), or in both with @same(mine, theirs) false. Chunk
	 * by chunk over the bitmaps, in key order. @f must not change this
	 * table; @o it may, at the key it is given only.
	 */
	template <class W, class Same, class F>
	void for_each_difference(const PageMap<W> &o, Same same, F f) const
	{
		const size_t n = std::max(chunks_.size(), o.chunks_.size());
		for (size_t ci = 0; ci < n; ci++) {
			const uint64_t a = used_word(ci), b = o.used_word(ci);
			for (uint64_t w = a | b; w; w &= w - 1) {
				const unsigned i = std::countr_zero(w);
				const V *mine = (a >> i & 1) ? &chunks_[ci]->slot(i).second : nullptr;
				const W *theirs = (b >> i & 1) ? &o.chunks_[ci]->slot(i).second : nullptr;
				if (mine && theirs && same(*mine, *theirs))
					continue;
				f(Va((ci << kShift) + i), mine, theirs);
			}
		}
	}

private:
	template <class>
	friend class PageMap;

	static size_t clamp(Va k) { return k >= kEnd ? kEnd - 1 : size_t(k); }

	uint64_t used_word(size_t ci) const
	{
		return ci < chunks_.size() && chunks_[ci] ? chunks_[ci]->used : 0;
	}

	bool present(Va k) const
	{
		const size_t ci = size_t(k >> kShift);
		return k < kEnd && (used_word(ci) >> (k & (kChunk - 1)) & 1);
	}

	value_type &slot(size_t k) { return chunks_[k >> kShift]->slot(k & (kChunk - 1)); }
	const value_type &slot(size_t k) const { return chunks_[k >> kShift]->slot(k & (kChunk - 1)); }

	/* one past the largest index any chunk can hold */
	size_t slots_end() const { return chunks_.size() << kShift; }

	Chunk &chunk_for(Va k)
	{
		if (k >= (Va{1} << 40))
			throw std::out_of_range("PageMap: VA beyond any address space");
		const size_t ci = size_t(k >> kShift);
		if (ci >= chunks_.size())
			chunks_.resize(ci + 1);
		if (!chunks_[ci])
			chunks_[ci] = std::unique_ptr<Chunk>(new Chunk) /* default-init: slots untouched */;
		return *chunks_[ci];
	}

	void unmark(size_t k)
	{
		chunks_[k >> kShift]->used &= ~(uint64_t{1} << (k & (kChunk - 1)));
		size_--;
	}

	/* the smallest used index >= @i, or kEnd */
	size_t next_used(size_t i) const
	{
		size_t ci = i >> kShift;
		if (ci >= chunks_.size())
			return kEnd;
		uint64_t w = used_word(ci) & (~uint64_t{0} << (i & (kChunk - 1)));
		while (!w) {
			if (++ci >= chunks_.size())
				return kEnd;
			w = used_word(ci);
		}
		return (ci << kShift) + std::countr_zero(w);
	}

	/* the largest used index < @i (there must be one) */
	size_t prev_used(size_t i) const
	{
		size_t ci = (i - 1) >> kShift;
		uint64_t w = used_word(ci) & (~uint64_t{0} >> (63 - ((i - 1) & (kChunk - 1))));
		while (!w)
			w = used_word(--ci);
		return (ci << kShift) + (63 - std::countl_zero(w));
	}

	void copy_from(const PageMap &o)
	{
		/* reuse our chunks where both have one: Runner copies are hot */
		chunks_.resize(o.chunks_.size());
		for (size_t ci = 0; ci < o.chunks_.size(); ci++) {
			const uint64_t w = o.used_word(ci);
			if (!w) {
				if (chunks_[ci])
					chunks_[ci]->used = 0;
				continue;
			}
			if (!chunks_[ci])
				chunks_[ci] = std::unique_ptr<Chunk>(new Chunk) /* default-init: slots untouched */;
			/* up to the last used slot: small spaces use a chunk's first few */
			Chunk &c = *chunks_[ci];
			c.used = w;
			std::memcpy(c.bytes, o.chunks_[ci]->bytes,
				    (64 - std::countl_zero(w)) * sizeof(value_type));
		}
		size_ = o.size_;
	}

	std::vector<std::unique_ptr<Chunk>> chunks_;
	size_type size_ = 0;
};

} // namespace fc
