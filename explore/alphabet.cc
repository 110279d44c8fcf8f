// SPDX-License-Identifier: GPL-2.0
/*
 * alphabet.cc - instantiate the alphabet of alphabet.h for one state.
 */
#include "explore/alphabet.h"

#include <algorithm>

namespace fc::explore {

namespace {

struct FamilyName {
	OpFamily bit;
	std::string_view name;
};

constexpr FamilyName kFamilies[] = {
	{fam_fault, "fault"},	  {fam_read, "read"},	{fam_write, "write"},
	{fam_fork, "fork"},	  {fam_munmap, "munmap"}, {fam_pin, "pin"},
	{fam_unpin, "unpin"},	  {fam_get, "get"},	{fam_put, "put"},
	{fam_split_pmd, "split_pmd"}, {fam_split, "split"}, {fam_shrink, "shrink"},
	{fam_exit, "exit"},	  {fam_file, "file"},	{fam_fault_file, "fault_file"},
	{fam_mprotect, "mprotect"}, {fam_mremap, "mremap"}, {fam_swapout, "swapout"},
	{fam_swapin, "swapin"}, {fam_madv_free, "madv_free"}, {fam_reclaim, "reclaim"},
};

Op make_op(OpKind kind, ProcId p)
{
	Op op;
	op.kind = kind;
	op.proc = p;
	return op;
}

/* A statement of @kind by @p over the range @r. */
Op range_op(OpKind kind, ProcId p, const VaRange &r)
{
	Op op = make_op(kind, p);
	op.va = r.va;
	op.pages = r.pages;
	return op;
}

} // namespace

std::optional<uint32_t> parse_families(std::string_view list)
{
	uint32_t bits = 0;
	while (!list.empty()) {
		size_t comma = list.find(',');
		std::string_view name = list.substr(0, comma);
		list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
		if (name == "all" || name == "anon") {
			bits |= name == "all" ? fam_all : fam_anon;
			continue;
		}
		auto it = std::find_if(std::begin(kFamilies), std::end(kFamilies),
				       [&](const FamilyName &f) { return f.name == name; });
		if (it == std::end(kFamilies))
			return std::nullopt;
		bits |= it->bit;
	}
	return bits;
}

std::string format_families(uint32_t families)
{
	if (families == fam_all)
		return "all";
	std::string s;
	if ((families & fam_anon) == fam_anon) {
		s = "anon";
		families &= ~uint32_t{fam_anon};
	}
	for (const FamilyName &f : kFamilies) {
		if (!(families & f.bit))
			continue;
		if (!s.empty())
			s += ',';
		s += f.name;
	}
	return s.empty() ? "none" : s;
}

/* explore_file_pages - the alphabet's one file: 4 pages, or the whole space if smaller. */
uint64_t explore_file_pages(const Config &cfg)
{
	return std::min<uint64_t>(4, cfg.scope.space_pages());
}

/*
 * Alphabet - fix the ranges once per scope: single pages, then aligned
 * blocks of 2, 4, ... up to one PMD, then the whole space (when it is more
 * than one block).
 */
Alphabet::Alphabet(const Config &cfg, uint32_t families) : cfg_(cfg), families_(families)
{
	const Scope &sc = cfg.scope;
	unsigned pmd_order = sc.pmd_order;
	pte_max_order_ = sc.pte_max_order();
	Va space = sc.space_pages();
	for (unsigned k = 0; k <= pmd_order; k++) {
		Va n = Va{1} << k;
		for (Va va = 0; va + n <= space; va += n)
			ranges_.push_back({va, n});
	}
	if (space > sc.pmd_pages() || ranges_.empty())
		ranges_.push_back({0, space});
}

void Alphabet::process_candidates(const Snapshot &ref, ProcId p, std::vector<Op> &out) const
{
	const Scope &sc = cfg_.scope;
	Va space = sc.space_pages();
	Va pmd = sc.pmd_pages();
	bool whole_is_extra = ranges_.back().pages == space && space > pmd;
	size_t nr_gup_ranges = ranges_.size() - (whole_is_extra ? 1 : 0);

	if (families_ & fam_fault) {
		for (unsigned k = 0; k <= pte_max_order_; k++) {
			for (Va va = 0; va + (Va{1} << k) <= space; va += Va{1} << k) {
				Op op = make_op(OpKind::fault_anon, p);
				op.va = va;
				op.order = k;
				out.push_back(op);
			}
		}
		for (Va va = 0; sc.pmd_faults() && va + pmd <= space; va += pmd) {
			Op op = make_op(OpKind::fault_anon, p);
			op.va = va;
			op.order = sc.pmd_order;
			op.pmd = true;
			out.push_back(op);
		}
	}
	for (OpKind kind : {OpKind::read, OpKind::write}) {
		if (!(families_ & (kind == OpKind::read ? fam_read : fam_write)))
			continue;
		for (Va va = 0; va < space; va++) {
			Op op = make_op(kind, p);
			op.va = va;
			out.push_back(op);
		}
	}
	if (families_ & fam_munmap) {
		for (const VaRange &r : ranges_) {
			Op op = range_op(OpKind::munmap, p, r);
			out.push_back(op);
		}
	}
	if (families_ & fam_pin) {
		for (bool write : {false, true}) {
			for (size_t i = 0; i < nr_gup_ranges; i++) {
				Op op = range_op(OpKind::pin, p, ranges_[i]);
				op.write = write;
				out.push_back(op);
			}
		}
	}
	if (families_ & fam_get) {
		for (size_t i = 0; i < nr_gup_ranges; i++) {
			Op op = range_op(OpKind::get, p, ranges_[i]);
			out.push_back(op);
		}
	}
	if (families_ & fam_split_pmd) {
		for (Va va = 0; va + pmd <= space; va += pmd) {
			Op op = make_op(OpKind::split_pmd, p);
			op.va = va;
			out.push_back(op);
		}
	}
	if (families_ & fam_exit)
		out.push_back(make_op(OpKind::exit, p));
}

/*
 * process_issue6_candidates - the opt-in statements of process @p (file
 * faults, mprotect, mremap, madv_free, swapin); see alphabet.h.
 */
void Alphabet::process_issue6_candidates(ProcId p, std::vector<Op> &out) const
{
	const Scope &sc = cfg_.scope;
	Va space = sc.space_pages();
	bool whole_is_extra = ranges_.back().pages == space && space > sc.pmd_pages();
	size_t nr_gup_ranges = ranges_.size() - (whole_is_extra ? 1 : 0);
	uint64_t file_pages = explore_file_pages(cfg_);

	if (families_ & fam_fault_file) {
		for (bool priv : {false, true}) {
			for (size_t i = 0; i < nr_gup_ranges; i++) {
				const VaRange &r = ranges_[i];
				for (uint64_t index = 0; index + r.pages <= file_pages; index++) {
					for (uint64_t at = 0; at < r.pages; at++) {
						Op op = range_op(OpKind::fault_file, p, r);
						op.index = index;
						op.at = at;
						op.is_private = priv;
						op.file = kExploreFile;
						out.push_back(op);
					}
				}
			}
		}
	}
	if (families_ & fam_mprotect) {
		for (bool ro : {true, false}) {
			for (const VaRange &r : ranges_) {
				Op op = range_op(OpKind::mprotect, p, r);
				op.ro = ro;
				out.push_back(op);
			}
		}
	}
	if (families_ & fam_mremap) {
		for (size_t i = 0; i < nr_gup_ranges; i++) {
			const VaRange &r = ranges_[i];
			for (Va to = 0; to + r.pages <= space; to++) {
				if (to < r.va + r.pages && r.va < to + r.pages)
					continue; /* overlapping: -EINVAL, never legal */
				Op op = range_op(OpKind::mremap, p, r);
				op.va2 = to;
				out.push_back(op);
			}
		}
	}
	if (families_ & fam_madv_free) {
		for (const VaRange &r : ranges_) {
			Op op = range_op(OpKind::madv_free, p, r);
			out.push_back(op);
		}
	}
	if (families_ & fam_swapin) {
		for (Va va = 0; va < space; va++) {
			Op op = make_op(OpKind::swapin, p);
			op.va = va;
			out.push_back(op);
		}
	}
}

void Alphabet::candidates(const Snapshot &ref, std::vector<Op> &out) const
{
	if (families_ & fam_file) {
		/* before any process statement: the file is what the others use */
		for (unsigned k = 0; k <= std::min(1u, pte_max_order_); k++) {
			Op op = make_op(OpKind::file_create, 0);
			op.file = kExploreFile;
			op.pages = explore_file_pages(cfg_);
			op.order = k;
			out.push_back(op);
		}
	}
	unsigned alive = 0;
	for (const ProcView &pv : ref.procs)
		alive += !pv.exited;
	for (const ProcView &pv : ref.procs) {
		if (pv.exited)
			continue;
		process_candidates(ref, pv.id, out);
		if (families_ & ~uint32_t{fam_anon})
			process_issue6_candidates(pv.id, out);
		if ((families_ & fam_fork) && alive < cfg_.scope.max_procs) {
			Op op = make_op(OpKind::fork, pv.id);
			op.proc2 = static_cast<ProcId>(ref.procs.size());
			out.push_back(op);
		}
	}
	if (families_ & fam_unpin) {
		for (const HandleView &h : ref.pins) {
			if (h.released)
				continue;
			Op op = make_op(OpKind::unpin, 0);
			op.handle = h.id;
			out.push_back(op);
		}
	}
	if (families_ & fam_put) {
		for (const HandleView &h : ref.refs) {
			if (h.released)
				continue;
			Op op = make_op(OpKind::put, 0);
			op.handle = h.id;
			out.push_back(op);
		}
	}
	if (families_ & fam_split) {
		for (const FolioView &f : ref.folios) {
			if (f.freed)
				continue;
			Op op = make_op(OpKind::split, 0);
			op.folio = f.id;
			out.push_back(op);
		}
	}
	if (families_ & fam_swapout) {
		for (const FolioView &f : ref.folios) {
			if (f.freed || !f.anon)
				continue;
			Op op = make_op(OpKind::swapout, 0);
			op.folio = f.id;
			out.push_back(op);
		}
	}
	if (families_ & fam_shrink)
		out.push_back(make_op(OpKind::shrink, 0));
	if (families_ & fam_reclaim)
		out.push_back(make_op(OpKind::reclaim, 0));
}

std::string Alphabet::describe() const
{
	const Scope &sc = cfg_.scope;
	std::string s = "families " + format_families(families_) + "; fault orders 0.." +
			std::to_string(pte_max_order_) + " (PTE)" +
			(sc.pmd_faults() ? " and " + std::to_string(sc.pmd_order) + " (pmd)"
					 : ", no pmd (pmd_order above max_order)") +
			"; ranges: single pages";
	for (unsigned k = 1; k <= sc.pmd_order; k++)
		s += ", aligned " + std::to_string(1u << k) + "-page blocks";
	if (sc.space_pages() > sc.pmd_pages())
		s += ", whole space (munmap only)";
	s += "; pin with and without write; split of every live folio; fork while fewer than " +
	     std::to_string(sc.max_procs) + " processes are alive";
	if (families_ & (fam_file | fam_fault_file))
		s += "; one file `" + std::string(kExploreFile) + "` of " +
		     std::to_string(explore_file_pages(cfg_)) + " pages, order 0.." +
		     std::to_string(std::min(1u, pte_max_order_));
	if (families_ & ~uint32_t{fam_anon})
		s += "; states reached through file, mprotect, mremap, swap, madv_free or reclaim "
		     "statements are keyed by their whole path (no merging)";
	return s;
}

} // namespace fc::explore
