// SPDX-License-Identifier: GPL-2.0
/*
 * canonical.cc - encode a state under each renaming of its symmetry group and
 * keep the least encoding.
 *
 * Word layout of one snapshot's encoding (tags keep fields of different
 * kinds from lining up by accident):
 *   PROCS nr_live [nr_created]
 *   per live process, in renamed order:
 *     PROC has_pinned rss_anon rss_file, then per block in renamed order
 *     PMD va' name writable|young<<1 / PTE va' name page writable|young<<1 /
 *     SWP va' slot' exclusive ..., then END (slots renamed by first appearance)
 *   PINS n, per pin: proc' n_pages (va' name page)*   (same for REFS)
 *   QUEUE n name*
 *   FOLIOS n, per name: order anon freed refcount mapcount entire
 *     nr_pages_mapped pincount maybe_pinned queued partially_mapped lazyfree
 *     (page_mapcount anon_exclusive)*
 */
#include "explore/canonical.h"

#include <algorithm>
#include <bit>
#include <numeric>

namespace fc::explore {

namespace {

enum Tag : uint32_t {
	TAG_PROCS = 0xf0000001,
	TAG_PROC,
	TAG_PMD,
	TAG_PTE,
	TAG_END,
	TAG_PINS,
	TAG_REFS,
	TAG_QUEUE,
	TAG_FOLIOS,
	TAG_KERNEL,
	TAG_SWP,
};

/* The process of a handle whose process exited: all such are alike. */
constexpr uint32_t kDeadProc = 0xffff;
/* A folio not named yet, in a handle's sort key. */
constexpr uint32_t kUnnamed = 0xffffffff;

uint32_t w(long v) { return static_cast<uint32_t>(v); }

} // namespace

std::string_view symmetry_name(Symmetry s)
{
	switch (s) {
	case Symmetry::none: return "none";
	case Symmetry::procs: return "procs";
	case Symmetry::full: return "full";
	}
	return "?";
}

std::optional<Symmetry> parse_symmetry(std::string_view s)
{
	for (Symmetry v : {Symmetry::none, Symmetry::procs, Symmetry::full})
		if (symmetry_name(v) == s)
			return v;
	return std::nullopt;
}

/*
 * hash_words - xxHash64-style mixing of 64-bit lanes with a final avalanche
 * (fmix64 of MurmurHash3): every input bit reaches every output bit.
 */
uint64_t hash_words(const uint32_t *wd, size_t n)
{
	const uint64_t p1 = 0x9e3779b185ebca87ull, p2 = 0xc2b2ae3d27d4eb4full,
		       p3 = 0x165667b19e3779f9ull;
	uint64_t h = p3 ^ (n * p1);
	size_t i = 0;
	for (; i + 1 < n; i += 2) {
		uint64_t lane = uint64_t{wd[i]} | uint64_t{wd[i + 1]} << 32;
		lane *= p2;
		lane = std::rotl(lane, 31) * p1;
		h ^= lane;
		h = std::rotl(h, 27) * p1 + p3;
	}
	if (i < n) {
		h ^= uint64_t{wd[i]} * p1;
		h = std::rotl(h, 23) * p2 + p3;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* One element of the symmetry group: how processes and blocks are renamed. */
inline Va Canonicalizer::Renaming::va(Va actual) const
{
	return block_pos[actual / block_pages] * block_pages + actual % block_pages;
}

inline uint32_t Canonicalizer::Renaming::proc(ProcId p) const
{
	return p < proc_pos.size() ? proc_pos[p] : kDeadProc;
}

Canonicalizer::Canonicalizer(const Config &cfg, CanonicalOptions opts)
	: cfg_(cfg), opts_(opts)
{
	const Scope &sc = cfg.scope;
	nr_blocks_ = static_cast<unsigned>((sc.space_pages() + sc.pmd_pages() - 1) / sc.pmd_pages());
	std::vector<unsigned> perm(nr_blocks_);
	std::iota(perm.begin(), perm.end(), 0u);
	/*
	 * Blocks are interchangeable only when each is a whole PMD (a short last
	 * block is not) and there are few enough to enumerate.
	 */
	bool blocks_symmetric = opts.symmetry == Symmetry::full && nr_blocks_ <= 4 &&
				sc.space_pages() % sc.pmd_pages() == 0;
	do {
		block_perms_.push_back(perm);
	} while (blocks_symmetric && std::next_permutation(perm.begin(), perm.end()));
}

size_t Canonicalizer::max_group_size() const
{
	size_t procs = 1;
	if (opts_.symmetry != Symmetry::none)
		for (unsigned i = 2; i <= std::min(cfg_.scope.max_procs, 4u); i++)
			procs *= i;
	return procs * block_perms_.size();
}

/*
 * prefix_order - compare what @out holds so far with @best: -1 if it is
 * already less (whatever follows), 1 if already greater, 0 if undecided.
 */
static int prefix_order(const std::vector<uint32_t> &out, const std::vector<uint32_t> &best)
{
	size_t n = std::min(out.size(), best.size());
	for (size_t i = 0; i < n; i++)
		if (out[i] != best[i])
			return out[i] < best[i] ? -1 : 1;
	return out.size() > best.size() ? 1 : 0;
}

/*
 * encode_one - append the encoding of @s under @r to @out. With @bound (the
 * least encoding so far, @out empty on entry), give up and return false as
 * soon as the page tables show the result would be greater: the other
 * renamings of a state mostly lose there, and the rest is the costly part.
 */
bool Canonicalizer::encode_one(const Snapshot &s, const Renaming &r, std::vector<uint32_t> &out,
			       const std::vector<uint32_t> *bound)
{
	name_of_.assign(s.folios.size() + 1, 0);
	folio_of_.clear();
	slots_.clear();
	auto slot_name = [&](uint64_t slot) -> uint32_t {
		for (size_t i = 0; i < slots_.size(); i++)
			if (slots_[i] == slot)
				return static_cast<uint32_t>(i + 1);
		slots_.push_back(slot);
		return static_cast<uint32_t>(slots_.size());
	};
	auto name = [&](FolioId f) -> uint32_t {
		if (f >= name_of_.size())
			return kUnnamed - 1; /* dangling: keep distinct from every name */
		if (!name_of_[f]) {
			folio_of_.push_back(f);
			name_of_[f] = static_cast<uint32_t>(folio_of_.size());
		}
		return name_of_[f];
	};

	/* Processes and their page tables. */
	out.push_back(TAG_PROCS);
	out.push_back(w(r.procs.size()));
	if (opts_.count_exited)
		out.push_back(w(s.procs.size()));
	std::vector<uint8_t> &has_pinned = has_pinned_;
	has_pinned.assign(s.procs.size(), 0);
	for (const HandleView &h : s.pins)
		if (h.proc < has_pinned.size())
			has_pinned[h.proc] = true;
	Va bp = r.block_pages;
	for (ProcId p : r.procs) {
		out.push_back(TAG_PROC);
		if (p >= s.procs.size()) {
			/* a kernel snapshot missing a process the reference has */
			out.push_back(kUnnamed);
			continue;
		}
		const ProcView &pv = s.procs[p];
		out.push_back(has_pinned[p]);
		out.push_back(w(pv.rss_anon));
		out.push_back(w(pv.rss_file));
		for (unsigned actual : *r.blocks) {
			Va lo = actual * bp, hi = lo + bp;
			for (auto it = pv.pmds.lower_bound(lo); it != pv.pmds.end() && it->first < hi; ++it) {
				out.push_back(TAG_PMD);
				out.push_back(w(r.va(it->first)));
				out.push_back(name(it->second.folio));
				out.push_back(it->second.writable | it->second.young << 1);
			}
			for (auto it = pv.ptes.lower_bound(lo); it != pv.ptes.end() && it->first < hi; ++it) {
				out.push_back(TAG_PTE);
				out.push_back(w(r.va(it->first)));
				out.push_back(name(it->second.folio));
				out.push_back(it->second.page);
				out.push_back(it->second.writable | it->second.young << 1);
			}
			for (auto it = pv.swap.lower_bound(lo); it != pv.swap.end() && it->first < hi; ++it) {
				out.push_back(TAG_SWP);
				out.push_back(w(r.va(it->first)));
				out.push_back(slot_name(it->second.slot));
				out.push_back(it->second.exclusive);
			}
		}
		out.push_back(TAG_END);
		if (bound) {
			int ord = prefix_order(out, *bound);
			if (ord > 0)
				return false;
			if (ord < 0)
				bound = nullptr;
		}
	}

	/*
	 * Handles: sorted by what is known of them before naming the folios only
	 * they hold, then those folios are named in that order.
	 */
	auto &keyed = keyed_;
	for (const auto *list : {&s.pins, &s.refs}) {
		size_t nr = 0;
		for (const HandleView &h : *list) {
			if (h.released)
				continue;
			if (keyed.size() <= nr)
				keyed.emplace_back();
			std::vector<uint32_t> &key = keyed[nr].first;
			keyed[nr++].second = &h;
			key.clear();
			key.push_back(r.proc(h.proc));
			key.push_back(w(h.pages.size()));
			for (const HandleView::Page &pg : h.pages) {
				bool named = pg.folio < name_of_.size() && name_of_[pg.folio];
				key.push_back(w(r.va(pg.va)));
				key.push_back(named ? name_of_[pg.folio] : kUnnamed);
				key.push_back(pg.page);
			}
		}
		std::stable_sort(keyed.begin(), keyed.begin() + nr,
				 [](const auto &a, const auto &b) { return a.first < b.first; });
		out.push_back(list == &s.pins ? TAG_PINS : TAG_REFS);
		out.push_back(w(nr));
		for (size_t k = 0; k < nr; k++) {
			const auto &[key, h] = keyed[k];
			out.push_back(key[0]);
			out.push_back(key[1]);
			for (const HandleView::Page &pg : h->pages) {
				out.push_back(w(r.va(pg.va)));
				out.push_back(name(pg.folio));
				out.push_back(pg.page);
			}
		}
	}

	/*
	 * Live folios nothing maps or holds (a leak, under a mutant): named in
	 * the order of their own attributes.
	 */
	auto &orphans = orphans_;
	orphans.clear();
	for (const FolioView &f : s.folios) {
		if (f.freed || (f.id < name_of_.size() && name_of_[f.id]))
			continue;
		std::vector<uint32_t> key = {w(f.order), f.anon, w(f.refcount), w(f.mapcount),
					     w(f.pincount), f.queued, f.partially_mapped, f.lazyfree};
		for (size_t i = 0; i < f.anon_exclusive.size(); i++)
			key.push_back(f.anon_exclusive[i]);
		orphans.emplace_back(std::move(key), f.id);
	}
	std::stable_sort(orphans.begin(), orphans.end());
	for (const auto &o : orphans)
		name(o.second);

	out.push_back(TAG_QUEUE);
	out.push_back(w(s.split_queue.size()));
	for (FolioId f : s.split_queue)
		out.push_back(name(f));

	out.push_back(TAG_FOLIOS);
	out.push_back(w(folio_of_.size()));
	for (FolioId id : folio_of_) {
		const FolioView *f = s.folio(id);
		if (!f) {
			out.push_back(kUnnamed);
			continue;
		}
		if (f->freed) {
			/*
			 * A freed folio still named (a use after free the
			 * invariants report): only what the differential
			 * comparison keeps of it, so that snapshots it finds
			 * equal encode alike.
			 */
			out.push_back(kUnnamed - 2);
			out.push_back(f->queued);
			continue;
		}
		out.push_back(f->order);
		out.push_back(f->anon);
		out.push_back(f->freed);
		out.push_back(w(f->refcount));
		out.push_back(w(f->mapcount));
		out.push_back(w(f->entire_mapcount));
		out.push_back(w(f->nr_pages_mapped));
		out.push_back(w(f->pincount));
		out.push_back(f->maybe_pinned);
		out.push_back(f->queued);
		out.push_back(f->partially_mapped);
		out.push_back(f->lazyfree);
		for (size_t i = 0; i < f->page_mapcount.size(); i++)
			out.push_back(w(f->page_mapcount[i]));
		for (size_t i = 0; i < f->anon_exclusive.size(); i++)
			out.push_back(f->anon_exclusive[i]);
	}
	return true;
}

/*
 * encode - try every renaming of the live processes (up to 4 of them) and of
 * the blocks, keep the least encoding. The kernel snapshot is appended (under
 * the same renaming) only when it differs from the reference's in what the
 * encoding keeps: whether it does is the same under every renaming.
 */
void Canonicalizer::encode(const Snapshot &ref, const Snapshot &kernel, std::vector<uint32_t> &out)
{
	encode_best(ref, kernel);
	out = best_;
}

/* encode_best - the canonical form into best_. */
void Canonicalizer::encode_best(const Snapshot &ref, const Snapshot &kernel)
{
	Renaming &r = renaming_;
	r.procs.clear();
	r.block_pages = cfg_.scope.pmd_pages();
	for (const ProcView &pv : ref.procs)
		if (!pv.exited)
			r.procs.push_back(pv.id);
	bool permute_procs = opts_.symmetry != Symmetry::none && r.procs.size() <= 4;

	r.blocks = &block_perms_[0];
	r.block_pos.assign(nr_blocks_ + 1, 0);
	r.proc_pos.assign(ref.procs.size(), kDeadProc);
	for (size_t i = 0; i < r.procs.size(); i++)
		r.proc_pos[r.procs[i]] = static_cast<uint32_t>(i);
	for (unsigned b = 0; b < nr_blocks_; b++)
		r.block_pos[b] = b;
	/* Equal snapshots (the usual case after a clean step) encode alike. */
	bool with_kernel = false;
	if (&ref != &kernel && !(ref == kernel)) {
		cand_.clear();
		encode_one(ref, r, cand_);
		kernel_enc_.clear();
		encode_one(kernel, r, kernel_enc_);
		with_kernel = kernel_enc_ != cand_;
	}

	bool first = true;
	best_.clear();
	std::vector<ProcId> &order = order_;
	order = r.procs;
	do {
		r.procs = order;
		std::fill(r.proc_pos.begin(), r.proc_pos.end(), kDeadProc);
		for (size_t i = 0; i < order.size(); i++)
			r.proc_pos[order[i]] = static_cast<uint32_t>(i);
		for (const std::vector<unsigned> &bperm : block_perms_) {
			r.blocks = &bperm;
			for (unsigned c = 0; c < nr_blocks_; c++)
				r.block_pos[bperm[c]] = c;
			cand_.clear();
			if (!encode_one(ref, r, cand_, first ? nullptr : &best_))
				continue;
			if (with_kernel) {
				cand_.push_back(TAG_KERNEL);
				encode_one(kernel, r, cand_);
			}
			if (first || cand_ < best_) {
				best_.swap(cand_);
				first = false;
			}
		}
	} while (permute_procs && std::next_permutation(order.begin(), order.end()));
}

uint64_t Canonicalizer::fingerprint(const Snapshot &ref, const Snapshot &kernel)
{
	encode_best(ref, kernel);
	return hash_words(best_.data(), best_.size());
}

} // namespace fc::explore
