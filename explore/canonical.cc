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
#include "model/hash_mix.h"

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

/*
 * Tree symmetry tries every arrangement of halves whose signatures tie if
 * there are at most this many ties (2^6 arrangements); with more it keeps
 * one, which can only leave symmetric states apart.
 */
constexpr unsigned kMaxTies = 6;

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
	case Symmetry::tree: return "tree";
	}
	return "?";
}

std::optional<Symmetry> parse_symmetry(std::string_view s)
{
	for (Symmetry v : {Symmetry::none, Symmetry::procs, Symmetry::full, Symmetry::tree})
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
	return fmix64(h);
}

/*
 * One element of the symmetry group: how processes, blocks and the pages
 * inside each block are renamed.
 */
inline Va Canonicalizer::Renaming::va(Va actual) const
{
	return block_pos[actual / block_pages] * block_pages + (*offset_pos)[actual];
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
	bool whole_blocks = sc.space_pages() % sc.pmd_pages() == 0;
	bool blocks_symmetric = (opts.symmetry == Symmetry::full || opts.symmetry == Symmetry::tree) &&
				nr_blocks_ <= 4 && whole_blocks;
	do {
		block_perms_.push_back(perm);
	} while (blocks_symmetric && std::next_permutation(perm.begin(), perm.end()));

	const Va bp = sc.pmd_pages(), space = nr_blocks_ * bp;
	tree_ = opts.symmetry == Symmetry::tree && whole_blocks && bp >= 2;
	offset_pos_.resize(space);
	for (Va va = 0; va < space; va++)
		offset_pos_[va] = va % bp;
	within_.assign(nr_blocks_, std::vector<Va>(tree_ ? bp : 0));
	reordered_.assign(nr_blocks_, 0);
	if (tree_) {
		bound_.resize(sc.pmd_order + 1);
		for (unsigned j = 1; j <= sc.pmd_order; j++)
			bound_[j].assign(space >> j, 0);
		pte_slot_.assign(bp, nullptr);
		swp_slot_.assign(bp, nullptr);
	}
}

size_t Canonicalizer::max_group_size() const
{
	size_t procs = 1;
	if (opts_.symmetry != Symmetry::none)
		for (unsigned i = 2; i <= std::min(cfg_.scope.max_procs, 4u); i++)
			procs *= i;
	size_t group = procs * block_perms_.size();
	if (tree_) {
		/* every block's bp - 1 ranges of 2^j pages, j >= 1, may swap halves */
		Va swaps = (cfg_.scope.pmd_pages() - 1) * nr_blocks_;
		for (Va i = 0; i < swaps && group <= SIZE_MAX / 2; i++)
			group *= 2;
	}
	return group;
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
 *
 * Flattened because GCC 12 leaves each push_back an out-of-line call here:
 * 12 % of a depth-8 search's time, and the search 13 % slower (perf, explore
 * --depth 5 --threads 1: 4.7 s against 4.1 s of task-clock).
 */
[[gnu::flatten]] bool Canonicalizer::encode_one(const Snapshot &s, const Renaming &r,
						std::vector<uint32_t> &out,
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
			auto put_pte = [&](Va va, const PteView &pte) {
				out.push_back(TAG_PTE);
				out.push_back(w(r.va(va)));
				out.push_back(name(pte.folio));
				out.push_back(pte.page);
				out.push_back(pte.writable | pte.young << 1);
			};
			auto put_swp = [&](Va va, const SwapPteView &swp) {
				out.push_back(TAG_SWP);
				out.push_back(w(r.va(va)));
				out.push_back(slot_name(swp.slot));
				out.push_back(swp.exclusive);
			};
			if (!(*r.reordered)[actual]) {
				for (auto it = pv.ptes.lower_bound(lo); it != pv.ptes.end() && it->first < hi; ++it)
					put_pte(it->first, it->second);
				for (auto it = pv.swap.lower_bound(lo); it != pv.swap.end() && it->first < hi; ++it)
					put_swp(it->first, it->second);
				continue;
			}
			/* tree swaps inside this block: emit in renamed VA order */
			for (auto it = pv.ptes.lower_bound(lo); it != pv.ptes.end() && it->first < hi; ++it)
				pte_slot_[it->first - lo] = &it->second;
			for (auto it = pv.swap.lower_bound(lo); it != pv.swap.end() && it->first < hi; ++it)
				swp_slot_[it->first - lo] = &it->second;
			for (Va off : (*r.within)[actual])
				if (pte_slot_[off])
					put_pte(lo + off, *pte_slot_[off]);
			for (Va off : (*r.within)[actual])
				if (swp_slot_[off])
					put_swp(lo + off, *swp_slot_[off]);
			std::fill(pte_slot_.begin(), pte_slot_.end(), nullptr);
			std::fill(swp_slot_.begin(), swp_slot_.end(), nullptr);
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
	/*
	 * A handle's pages in renamed VA order: the order GUP took them in,
	 * up to the per-folio order a tree swap may change (releasing them
	 * visits disjoint folios; the argument of docs/explore.md).
	 */
	auto &pages = handle_pages_;
	auto sort_pages = [&](const HandleView &h) {
		pages.clear();
		for (const HandleView::Page &pg : h.pages)
			pages.push_back({r.va(pg.va), &pg});
		std::sort(pages.begin(), pages.end(),
			  [](const auto &a, const auto &b) { return a.first < b.first; });
	};
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
			sort_pages(h);
			for (const auto &[va, pg] : pages) {
				bool named = pg->folio < name_of_.size() && name_of_[pg->folio];
				key.push_back(w(va));
				key.push_back(named ? name_of_[pg->folio] : kUnnamed);
				key.push_back(pg->page);
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
			sort_pages(*h);
			for (const auto &[va, pg] : pages) {
				out.push_back(w(va));
				out.push_back(name(pg->folio));
				out.push_back(pg->page);
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
	r.offset_pos = &offset_pos_;
	r.within = &within_;
	r.reordered = &reordered_;
	reset_tree_order();
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

	if (tree_) {
		bind_folio_ranges(ref, true);
		if (with_kernel)
			bind_folio_ranges(kernel, false);
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
		/* the arrangements of tied halves, when few enough to try */
		uint64_t arrangements = 1;
		if (tree_) {
			sign_pages(ref, r);
			unsigned ties = order_blocks_by_tree(0);
			if (ties <= kMaxTies)
				arrangements = uint64_t{1} << ties;
		}
		for (uint64_t tie_choice = 0; tie_choice < arrangements; tie_choice++) {
		if (tie_choice)
			order_blocks_by_tree(tie_choice);
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
		}
	} while (permute_procs && std::next_permutation(order.begin(), order.end()));
	reset_tree_order();
}

/*
 * reset_tree_order - every block in its actual page order (offset_pos_
 * the identity inside each block), as Symmetry::full has it.
 */
void Canonicalizer::reset_tree_order()
{
	const Va bp = cfg_.scope.pmd_pages();
	for (unsigned b = 0; b < nr_blocks_; b++) {
		if (!reordered_[b])
			continue;
		for (Va off = 0; off < bp; off++)
			offset_pos_[b * bp + off] = off;
		reordered_[b] = 0;
	}
}

/*
 * bind_folio_ranges - mark in bound_ every aligned range of 2^j pages
 * (j >= 1) inside a folio's range: its halves must not be swapped. A folio
 * of order K mapped or held at @va as page i occupies [va - i, va - i + 2^K);
 * a PMD binds its whole block, and so does anything not laid out that way
 * (not aligned, past its block, or a folio the snapshot does not have),
 * which a clean state never shows. @reset: clear the marks first.
 */
void Canonicalizer::bind_folio_ranges(const Snapshot &s, bool reset)
{
	const unsigned pmd_order = cfg_.scope.pmd_order;
	const Va bp = cfg_.scope.pmd_pages(), space = nr_blocks_ * bp;
	if (reset)
		for (unsigned j = 1; j <= pmd_order; j++)
			std::fill(bound_[j].begin(), bound_[j].end(), 0);
	auto bind = [&](Va base, unsigned order) {
		for (unsigned j = 1; j <= order; j++)
			for (Va node = base >> j; node < (base + (Va{1} << order)) >> j; node++)
				bound_[j][node] = 1;
	};
	auto bind_block = [&](Va va) { bind(va / bp * bp, pmd_order); };
	auto held = [&](Va va, FolioId id, uint32_t page) {
		if (va >= space)
			return;
		const FolioView *f = s.folio(id);
		if (!f || f->order > pmd_order || page > va) {
			bind_block(va);
			return;
		}
		Va base = va - page, size = Va{1} << f->order;
		if (base % size || base / bp != va / bp)
			bind_block(va);
		else
			bind(base, f->order);
	};
	for (const ProcView &pv : s.procs) {
		for (const auto &[va, pmd] : pv.pmds)
			if (va < space)
				bind_block(va);
		for (const auto &[va, pte] : pv.ptes)
			held(va, pte.folio, pte.page);
	}
	for (const auto *list : {&s.pins, &s.refs})
		for (const HandleView &h : *list)
			if (!h.released)
				for (const HandleView::Page &pg : h.pages)
					held(pg.va, pg.folio, pg.page);
}

/*
 * sign_pages - a signature of each VA that names no folio, into sig_: per
 * live process in @r's order, what maps the VA (nothing, a PTE: page,
 * writable, young and the folio's counts and flags for that page, or a
 * swap entry) and which earlier process maps the same folio there; then
 * how many live pin and reference pages name the VA.
 */
void Canonicalizer::sign_pages(const Snapshot &s, const Renaming &r)
{
	constexpr size_t kPerProc = 9;
	const Va space = nr_blocks_ * cfg_.scope.pmd_pages();
	const size_t nprocs = r.procs.size();
	sig_words_ = kPerProc * nprocs + 2;
	sig_.assign(space * sig_words_, 0);
	for (size_t k = 0; k < nprocs; k++) {
		if (r.procs[k] >= s.procs.size())
			continue;
		const ProcView &pv = s.procs[r.procs[k]];
		for (const auto &[va, pte] : pv.ptes) {
			if (va >= space)
				continue;
			uint32_t *sw = &sig_[va * sig_words_ + k * kPerProc];
			sw[0] = 1;
			sw[1] = pte.page;
			sw[2] = pte.writable | pte.young << 1;
			if (const FolioView *f = s.folio(pte.folio)) {
				bool excl = pte.page < f->anon_exclusive.size() && f->anon_exclusive[pte.page];
				sw[3] = f->order;
				sw[4] = w(f->refcount);
				sw[5] = w(f->mapcount);
				sw[6] = pte.page < f->page_mapcount.size() ? w(f->page_mapcount[pte.page]) : 0;
				sw[7] = excl | f->queued << 1 | f->partially_mapped << 2 |
					f->maybe_pinned << 3 | f->lazyfree << 4 | f->freed << 5;
			}
			for (size_t e = 0; e < k; e++) {
				if (r.procs[e] >= s.procs.size())
					continue;
				auto it = s.procs[r.procs[e]].ptes.find(va);
				if (it != s.procs[r.procs[e]].ptes.end() && it->second.folio == pte.folio) {
					sw[8] = static_cast<uint32_t>(e + 1);
					break;
				}
			}
		}
		for (const auto &[va, swp] : pv.swap) {
			if (va >= space)
				continue;
			uint32_t *sw = &sig_[va * sig_words_ + k * kPerProc];
			sw[0] = 2;
			sw[2] = swp.exclusive;
		}
	}
	for (const auto *list : {&s.pins, &s.refs})
		for (const HandleView &h : *list)
			if (!h.released)
				for (const HandleView::Page &pg : h.pages)
					if (pg.va < space)
						sig_[pg.va * sig_words_ + sig_words_ - (list == &s.pins ? 2 : 1)]++;
}

/*
 * compare_halves - compare the signatures of the pages at actual VAs
 * @a[0..half) and @b[0..half), position by position: <0, 0 or >0.
 */
int Canonicalizer::compare_halves(const Va *a, const Va *b, Va half) const
{
	for (Va t = 0; t < half; t++) {
		const uint32_t *x = &sig_[a[t] * sig_words_], *y = &sig_[b[t] * sig_words_];
		for (size_t i = 0; i < sig_words_; i++)
			if (x[i] != y[i])
				return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

/*
 * order_blocks_by_tree - the page order of each block under the current
 * process order: bottom-up over the aligned ranges of 2^j pages, put the
 * half whose signatures compare less first, unless a folio spans the range
 * (bound_). Where the halves' signatures tie and are not both empty, the
 * k-th such tie swaps them iff bit k of @ties_swapped is set; returns the
 * number of those ties. A tie's choice changes no signature sequence above
 * it, so the ties are the same for every @ties_swapped, and trying every
 * choice gives every arrangement of the state's class in which each free
 * range has its halves in signature order: the least encoding over those
 * depends only on the class. Sets within_, reordered_ and offset_pos_.
 */
unsigned Canonicalizer::order_blocks_by_tree(uint64_t ties_swapped)
{
	const Va bp = cfg_.scope.pmd_pages();
	reset_tree_order();
	std::vector<Va> &abs = tree_abs_;
	abs.resize(bp);
	unsigned ties = 0;
	for (unsigned b = 0; b < nr_blocks_; b++) {
		const Va lo = b * bp;
		for (Va off = 0; off < bp; off++)
			abs[off] = lo + off;
		bool swapped = false;
		for (unsigned j = 1; (Va{1} << j) <= bp; j++) {
			const Va size = Va{1} << j, half = size / 2;
			for (Va at = 0; at < bp; at += size) {
				if (bound_[j][(lo + at) >> j])
					continue;
				int cmp = compare_halves(&abs[at + half], &abs[at], half);
				bool swap = cmp < 0;
				if (cmp == 0 && !pages_empty(&abs[at], half))
					swap = ties < 64 && (ties_swapped >> ties++ & 1);
				if (swap) {
					std::rotate(abs.begin() + at, abs.begin() + at + half,
						    abs.begin() + at + size);
					swapped = true;
				}
			}
		}
		if (!swapped)
			continue;
		reordered_[b] = 1;
		for (Va i = 0; i < bp; i++) {
			within_[b][i] = abs[i] - lo;
			offset_pos_[abs[i]] = i;
		}
	}
	return ties;
}

/* pages_empty - nothing maps or names any of the VAs @a[0..n). */
bool Canonicalizer::pages_empty(const Va *a, Va n) const
{
	for (Va t = 0; t < n; t++) {
		const uint32_t *x = &sig_[a[t] * sig_words_];
		for (size_t i = 0; i < sig_words_; i++)
			if (x[i])
				return false;
	}
	return true;
}

uint64_t Canonicalizer::fingerprint(const Snapshot &ref, const Snapshot &kernel)
{
	encode_best(ref, kernel);
	return hash_words(best_.data(), best_.size());
}

} // namespace fc::explore
