// SPDX-License-Identifier: GPL-2.0
/*
 * generators.cc - one builder per statement of the op alphabet, and the
 * weighted choice among them.
 *
 * Builders aim; they do not judge. Each picks its operands from the state
 * where bugs are likely and leaves legality to ReferenceModel::check().
 */
#include "props/generators.h"

#include <algorithm>
#include <charconv>

namespace fc::props {

namespace {

Op make_op(OpKind kind)
{
	Op op;
	op.kind = kind;
	return op;
}

Va align_down(Va va, Va n)
{
	return va & ~(n - 1);
}

Va clamp_va(const StateView &v, Va va)
{
	return std::min(va, v.space() - 1);
}

/* A process to operate on: one that maps something, most of the time. */
ProcId pick_proc(const StateView &v, Rng &rng)
{
	if (!v.mapping_procs().empty() && rng.chance(85))
		return rng.pick(v.mapping_procs());
	return rng.pick(v.alive());
}

/* One of @p's extents, large folios preferred: that is where batching lives. */
std::optional<Extent> pick_extent(const StateView &v, ProcId p, Rng &rng)
{
	const std::vector<Extent> &ext = v.extents(p);
	if (ext.empty())
		return std::nullopt;
	if (rng.chance(75)) {
		std::vector<Extent> large;
		for (const Extent &e : ext)
			if (e.order > 0)
				large.push_back(e);
		if (!large.empty())
			return rng.pick(large);
	}
	return rng.pick(ext);
}

struct Range {
	Va va;
	uint64_t pages;
};

/*
 * boundary_start - a first VA at, one before, or one after the start of the
 * extent, at the start of its folio, or inside it.
 */
Va boundary_start(const StateView &v, const Extent &e, Rng &rng)
{
	switch (rng.weighted({4, 2, 2, 2, 4})) {
	case 0:
		return e.start;
	case 1:
		return e.start ? e.start - 1 : 0;
	case 2:
		return clamp_va(v, e.start + 1);
	case 3:
		return e.folio_start();
	default:
		return rng.between(e.start, e.end - 1);
	}
}

/*
 * range_near_boundaries - a range for zap-like operations (unmapped VAs
 * allowed): it ends one page before, on, or one page after the end of the
 * extent or of its folio, inside it, or spans the following extents.
 */
Range range_near_boundaries(const StateView &v, ProcId p, const Extent &e, Rng &rng)
{
	Va start = boundary_start(v, e, rng);
	Va end;
	switch (rng.weighted({4, 3, 3, 2, 3, 2, 2})) {
	case 0:
		end = e.end;
		break;
	case 1:
		end = e.end - 1;
		break;
	case 2:
		end = e.end + 1;
		break;
	case 3:
		end = e.folio_end() + rng.between(0, 2) - 1;
		break;
	case 4:
		end = rng.between(start + 1, std::max(e.end, start + 1));
		break;
	case 5:
		end = start + 1;
		break;
	default: {
		/* across the extents that follow: several folio runs in one zap */
		const std::vector<Extent> &ext = v.extents(p);
		const Extent &last = rng.pick(ext);
		end = std::max(last.end, start + 1) + rng.between(0, 2) - 1;
		break;
	}
	}
	if (rng.chance(5)) {
		/* the whole PTE table or PMD the extent lives in */
		start = align_down(e.start, v.pmd_pages());
		end = start + v.pmd_pages();
	}
	end = std::min(end, v.space());
	if (end <= start)
		end = start + 1;
	return {start, end - start};
}

/*
 * mapped_range - a range every page of which @p maps (GUP and mremap need
 * that), starting at, after or inside the extent and ending on, one before
 * or one after its end, where the mapping continues.
 */
Range mapped_range(const StateView &v, ProcId p, const Extent &e, Rng &rng)
{
	Va start;
	switch (rng.weighted({4, 2, 4})) {
	case 0:
		start = e.start;
		break;
	case 1:
		start = e.start + 1 < e.end ? e.start + 1 : e.start;
		break;
	default:
		start = rng.between(e.start, e.end - 1);
		break;
	}
	Va max_end = start + v.mapped_run(p, start);
	Va end;
	switch (rng.weighted({4, 3, 2, 3, 3})) {
	case 0:
		end = e.end;
		break;
	case 1:
		end = e.end - 1;
		break;
	case 2:
		end = e.end + 1;
		break;
	case 3:
		end = start + 1;
		break;
	default:
		end = rng.between(start + 1, max_end);
		break;
	}
	end = std::clamp(end, start + 1, max_end);
	return {start, end - start};
}

/* A range for zap-like operations in any alive process. */
Range zap_range(const StateView &v, ProcId p, Rng &rng)
{
	if (auto e = pick_extent(v, p, rng))
		return range_near_boundaries(v, p, *e, rng);
	Va va = rng.below(v.space());
	return {va, rng.between(1, std::min<Va>(v.space() - va, 8))};
}

/* The largest PTE-mapped anon order a fault may ask for. */
unsigned max_pte_order(const StateView &v)
{
	return v.config().scope.pte_max_order();
}

/* An order for a PTE-mapped anon fault: every order up to the largest. */
unsigned pick_order(const StateView &v, Rng &rng)
{
	unsigned kmax = max_pte_order(v);
	std::vector<unsigned> w(kmax + 1, 3);
	w[0] = 2;
	w[kmax] += 2;
	return static_cast<unsigned>(rng.weighted(w));
}

/* A free VA for a folio of order @k in @p, or a random aligned one. */
Va free_aligned_va(const StateView &v, ProcId p, unsigned k, Rng &rng)
{
	Va n = Va{1} << k;
	Va slots = std::max<Va>(v.space() / n, 1);
	Va va = 0;
	for (int tries = 0; tries < 8; tries++) {
		va = rng.below(slots) * n;
		if (v.range_unmapped(p, va, n))
			break;
	}
	return va;
}

/* --- builders, one per statement --- */

std::optional<Op> build_fault(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	Op op = make_op(OpKind::fault_anon);
	op.order = pick_order(v, rng);
	Va n = Va{1} << op.order;
	switch (rng.weighted({5, 3, v.holes().empty() ? 0u : 3u})) {
	case 0:
		op.proc = rng.pick(v.alive());
		op.va = free_aligned_va(v, op.proc, op.order, rng);
		break;
	case 1: {
		/* next to a mapping: folio runs that touch */
		op.proc = pick_proc(v, rng);
		auto e = pick_extent(v, op.proc, rng);
		if (!e)
			return std::nullopt;
		if (rng.chance(50) || e->start < n)
			op.va = (e->end + n - 1) & ~(n - 1);
		else
			op.va = align_down(e->start - n, n);
		break;
	}
	default: {
		/* refault into a hole: the old folio stays mapped around it */
		const MappedPage &h = rng.pick(v.holes());
		op.proc = h.proc;
		while (op.order > 0 && !v.range_unmapped(op.proc, align_down(h.va, n), n)) {
			op.order--;
			n >>= 1;
		}
		op.va = align_down(h.va, n);
		break;
	}
	}
	return op;
}

std::optional<Op> build_fault_pmd(const StateView &v, Rng &rng)
{
	if (v.alive().empty() || !v.config().scope.pmd_faults())
		return std::nullopt;
	Op op = make_op(OpKind::fault_anon);
	op.proc = rng.pick(v.alive());
	op.order = v.config().scope.pmd_order;
	op.pmd = true;
	std::vector<Va> free;
	for (Va va = 0; va + v.pmd_pages() <= v.space(); va += v.pmd_pages())
		if (v.range_unmapped(op.proc, va, v.pmd_pages()))
			free.push_back(va);
	if (free.empty())
		return std::nullopt;
	op.va = rng.pick(free);
	return op;
}

std::optional<Op> build_read(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	Op op = make_op(OpKind::read);
	op.proc = pick_proc(v, rng);
	auto e = pick_extent(v, op.proc, rng);
	op.va = e && rng.chance(80) ? rng.between(e->start, e->end - 1) : rng.below(v.space());
	return op;
}

/*
 * build_write - mostly a write to a read-only mapping (COW copy or reuse,
 * on either side of a fork; often one a write would reuse), else a refault
 * into a hole, a fresh fault, or a write to a writable page.
 */
std::optional<Op> build_write(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	Op op = make_op(OpKind::write);
	/* a large folio's page a write would reuse is rare and valuable: favour it */
	unsigned reuse_weight = 0;
	for (const MappedPage &m : v.reusable_pages()) {
		const FolioView *f = v.snapshot().folio(m.folio);
		reuse_weight = std::max(reuse_weight, f && f->order > 0 ? 30u : 6u);
	}
	size_t mode = rng.weighted({v.readonly_pages().empty() ? 0u : 12u,
				    v.holes().empty() ? 0u : 4u, 2, 2, reuse_weight});
	switch (mode) {
	case 0:
	case 4: {
		/* 4: one a write would reuse, the only way a large folio is reused */
		const MappedPage &m = rng.pick(mode == 0 ? v.readonly_pages() : v.reusable_pages());
		op.proc = m.proc;
		op.va = m.va;
		if (m.pmd && rng.chance(50))
			op.va += rng.below(v.pmd_pages());
		break;
	}
	case 1: {
		const MappedPage &h = rng.pick(v.holes());
		op.proc = h.proc;
		op.va = h.va;
		break;
	}
	case 2:
		op.proc = rng.pick(v.alive());
		op.va = rng.below(v.space());
		break;
	default: {
		op.proc = pick_proc(v, rng);
		auto e = pick_extent(v, op.proc, rng);
		op.va = e ? rng.between(e->start, e->end - 1) : rng.below(v.space());
		break;
	}
	}
	return op;
}

/*
 * boost_write - a read-only page of a large folio that a write would reuse
 * is rare (v6.12 reuses a large folio only through a PMD or an
 * AnonExclusive PTE): while one exists, write three times as often.
 */
unsigned boost_write(const StateView &v)
{
	for (const MappedPage &m : v.reusable_pages()) {
		const FolioView *f = v.snapshot().folio(m.folio);
		if (f && f->order > 0)
			return 3;
	}
	return 1;
}

/* build_fork - prefer a parent that maps a pinned folio: the GUP-after-fork class. */
std::optional<Op> build_fork(const StateView &v, Rng &rng)
{
	if (v.alive().empty() || v.alive().size() >= v.config().scope.max_procs)
		return std::nullopt;
	Op op = make_op(OpKind::fork);
	std::vector<ProcId> pinned;
	for (ProcId p : v.alive())
		if (v.maps_pinned_folio(p))
			pinned.push_back(p);
	op.proc = !pinned.empty() && rng.chance(65) ? rng.pick(pinned) : pick_proc(v, rng);
	op.proc2 = v.next_proc();
	return op;
}

/*
 * build_munmap - a range near folio boundaries; sometimes exactly one PMD
 * mapping (zap_huge_pmd), which after a fork leaves the other sharer's
 * read-only PMD as the folio's only reference: its next write reuses it.
 */
std::optional<Op> build_munmap(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	Op op = make_op(OpKind::munmap);
	std::vector<MappedPage> shared;
	for (const MappedPage &m : v.readonly_pages())
		if (m.pmd)
			shared.push_back(m);
	if (!v.pmd_mappings().empty() && rng.chance(shared.empty() ? 15 : 40)) {
		const MappedPage &m = !shared.empty() && rng.chance(70) ? rng.pick(shared)
									: rng.pick(v.pmd_mappings());
		op.proc = m.proc;
		op.va = m.va;
		op.pages = v.pmd_pages();
		return op;
	}
	op.proc = pick_proc(v, rng);
	Range r = zap_range(v, op.proc, rng);
	op.va = r.va;
	op.pages = r.pages;
	return op;
}

/*
 * gup_target - a process and a mapped range for pin/get: a third of the time
 * starting at a read-only page (unshare), else near an extent's boundaries;
 * sometimes a page the hints say is swapped out (GUP faults it back in, and
 * the folio is then in the swap cache: what try_to_unmap must refuse to
 * swap out again while it is pinned).
 */
std::optional<Op> gup_target(const StateView &v, Rng &rng, OpKind kind)
{
	const auto &swapped = v.hints().swapped;
	if (!swapped.empty() && kind != OpKind::mremap && rng.chance(35)) {
		auto it = swapped.begin();
		std::advance(it, rng.below(swapped.size()));
		Op op = make_op(kind);
		op.proc = it->first;
		op.va = it->second;
		return op;
	}
	if (v.mapping_procs().empty())
		return std::nullopt;
	Op op = make_op(kind);
	std::optional<Extent> e;
	if (!v.readonly_pages().empty() && rng.chance(33)) {
		const MappedPage &m = rng.pick(v.readonly_pages());
		op.proc = m.proc;
		e = v.extent_at(m.proc, m.va);
	} else {
		op.proc = rng.pick(v.mapping_procs());
		e = pick_extent(v, op.proc, rng);
	}
	if (!e)
		return std::nullopt;
	Range r = mapped_range(v, op.proc, *e, rng);
	op.va = r.va;
	op.pages = r.pages;
	return op;
}

std::optional<Op> build_pin(const StateView &v, Rng &rng)
{
	auto op = gup_target(v, rng, OpKind::pin);
	if (op) {
		op->write = rng.chance(40);
		op->longterm = rng.chance(20);
	}
	return op;
}

std::optional<Op> build_get(const StateView &v, Rng &rng)
{
	return gup_target(v, rng, OpKind::get);
}

/* release_handle - @kind (unpin or put) of one of the live @handles. */
std::optional<Op> release_handle(const std::vector<HandleId> &handles, OpKind kind, Rng &rng)
{
	if (handles.empty())
		return std::nullopt;
	Op op = make_op(kind);
	op.handle = rng.pick(handles);
	return op;
}

std::optional<Op> build_unpin(const StateView &v, Rng &rng)
{
	return release_handle(v.live_pins(), OpKind::unpin, rng);
}

std::optional<Op> build_put(const StateView &v, Rng &rng)
{
	return release_handle(v.live_refs(), OpKind::put, rng);
}

std::optional<Op> build_split_pmd(const StateView &v, Rng &rng)
{
	if (v.pmd_mappings().empty())
		return std::nullopt;
	const MappedPage &m = rng.pick(v.pmd_mappings());
	Op op = make_op(OpKind::split_pmd);
	op.proc = m.proc;
	op.va = m.va + (rng.chance(50) ? 0 : rng.below(v.pmd_pages()));
	return op;
}

/*
 * build_split - mostly a large folio that is queued or partially mapped (the
 * shrinker's candidates), sometimes any large one (pinned ones fail), rarely
 * an order-0 one (fails with -EINVAL).
 */
std::optional<Op> build_split(const StateView &v, Rng &rng)
{
	if (v.live_folios().empty())
		return std::nullopt;
	std::vector<FolioId> queued;
	for (FolioId f : v.live_large_folios()) {
		const FolioView *fv = v.snapshot().folio(f);
		if (fv && (fv->queued || fv->partially_mapped))
			queued.push_back(f);
	}
	Op op = make_op(OpKind::split);
	switch (rng.weighted({queued.empty() ? 0u : 4u, v.live_large_folios().empty() ? 0u : 4u,
			      1})) {
	case 0:
		op.folio = rng.pick(queued);
		break;
	case 1:
		op.folio = rng.pick(v.live_large_folios());
		break;
	default:
		op.folio = rng.pick(v.live_folios());
		break;
	}
	return op;
}

std::optional<Op> build_shrink(const StateView &, Rng &)
{
	return make_op(OpKind::shrink);
}

/*
 * build_exit - children exit more often than the last process standing, so
 * a test goes on after it (pins and references may outlive every mapping).
 */
std::optional<Op> build_exit(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	if (v.alive().size() == 1 && !rng.chance(10))
		return std::nullopt;
	std::vector<unsigned> w;
	for (ProcId p : v.alive())
		w.push_back(p == v.alive().front() ? 1 : 5);
	Op op = make_op(OpKind::exit);
	op.proc = v.alive()[rng.weighted(w)];
	return op;
}

/* --- page cache, MADV_FREE, mremap, mprotect, swap --- */

/*
 * build_file_create - mostly a new name; folios of every order up to the
 * largest, large ones preferred (batched file rmap, fault-around runs).
 */
std::optional<Op> build_file_create(const StateView &v, Rng &rng)
{
	Op op = make_op(OpKind::file_create);
	size_t known = v.hints().files.size();
	op.file = "file" + std::to_string(rng.chance(80) ? known : rng.below(known + 1));
	const unsigned kmax = max_pte_order(v);
	op.order = !kmax || rng.chance(25) ? 0 : static_cast<unsigned>(rng.between(1, kmax));
	op.pages = rng.between(1, 4) << op.order;
	return op;
}

/*
 * fault_at - the faulting page (at=) of a file fault of @pages pages from
 * file page @index, the file's folios of order @order: mostly a page inside
 * a large folio's run that is not the run's first page (set_pte_range()
 * must still map the faulting PTE young when the run starts before it:
 * seed 004), else the first page of the range or any page of it.
 */
uint64_t fault_at(uint64_t index, uint64_t pages, unsigned order, Rng &rng)
{
	const uint64_t nr = uint64_t{1} << order;
	std::vector<uint64_t> mid;
	for (uint64_t off = 1; off < pages && mid.size() < 64; off++)
		if ((index + off) % nr)
			mid.push_back(off);
	switch (rng.weighted({3, mid.empty() ? 0u : 5u, 2})) {
	case 0:
		return 0;
	case 1:
		return rng.pick(mid);
	default:
		return rng.below(pages);
	}
}

/*
 * build_fault_file - map a run of a known file, often several pages from a
 * folio boundary (one set_pte_range per folio run, seed 004), the faulting
 * page (at=) often inside a large folio's run, sometimes privately (a later
 * write COWs into anon).
 */
std::optional<Op> build_fault_file(const StateView &v, Rng &rng)
{
	const auto &files = v.hints().files;
	if (v.alive().empty() || files.empty())
		return std::nullopt;
	auto it = files.begin();
	std::advance(it, rng.below(files.size()));
	const uint64_t size = std::max<uint64_t>(it->second.pages, 1);
	const uint64_t nr = uint64_t{1} << it->second.order;
	Op op = make_op(OpKind::fault_file);
	op.proc = rng.pick(v.alive());
	op.file = it->first;
	switch (rng.weighted({4, 3, 3})) {
	case 0:
		op.index = 0;
		break;
	case 1:
		/* a folio boundary, or one page either side of it */
		op.index = std::min(size - 1, rng.below(size / nr + 1) * nr + rng.between(0, 2));
		op.index = op.index ? op.index - 1 : 0;
		break;
	default:
		op.index = rng.below(size);
		break;
	}
	op.pages = rng.chance(50) ? size - op.index : rng.between(1, size - op.index);
	op.at = fault_at(op.index, op.pages, it->second.order, rng);
	op.is_private = rng.chance(30);
	op.va = rng.below(v.space());
	for (int tries = 0; tries < 8; tries++) {
		Va va = rng.below(v.space());
		if (v.range_unmapped(op.proc, va, op.pages)) {
			op.va = va;
			break;
		}
	}
	return op;
}

std::optional<Op> build_madv_free(const StateView &v, Rng &rng)
{
	auto op = build_munmap(v, rng);
	if (op)
		op->kind = OpKind::madv_free;
	return op;
}

/* build_mremap - move a mapped range to a free one: folios end up mapped non-contiguously. */
std::optional<Op> build_mremap(const StateView &v, Rng &rng)
{
	auto op = gup_target(v, rng, OpKind::mremap);
	if (!op)
		return std::nullopt;
	op->va2 = rng.below(v.space());
	for (int tries = 0; tries < 8; tries++) {
		Va to = rng.below(v.space());
		if (v.range_unmapped(op->proc, to, op->pages)) {
			op->va2 = to;
			break;
		}
	}
	return op;
}

std::optional<Op> build_mprotect(const StateView &v, Rng &rng)
{
	auto op = build_munmap(v, rng);
	if (op) {
		op->kind = OpKind::mprotect;
		op->ro = rng.chance(50);
	}
	return op;
}

/*
 * swapped_in_folios - folios mapped at a VA the hints say was swapped out:
 * brought back by a fault or GUP, so (most likely) still in the swap cache,
 * where try_to_unmap() meets a pinned exclusive page without
 * folio_maybe_dma_pinned()'s early refusal of a folio not yet in it.
 */
std::vector<FolioId> swapped_in_folios(const StateView &v)
{
	std::vector<FolioId> out;
	for (const auto &[p, va] : v.hints().swapped) {
		const ProcView *pv = v.snapshot().proc(p);
		if (!pv || pv->exited)
			continue;
		if (auto it = pv->ptes.find(va); it != pv->ptes.end())
			out.push_back(it->second.folio);
	}
	return out;
}

/*
 * build_swapout - a mapped anon folio; pinned ones preferred (try_to_unmap
 * must refuse them), above all pinned ones that came back from swap.
 */
std::optional<Op> build_swapout(const StateView &v, Rng &rng)
{
	std::vector<FolioId> mapped, pinned, pinned_swapcache;
	for (FolioId f : v.live_folios()) {
		const FolioView *fv = v.snapshot().folio(f);
		if (!fv || !fv->anon || fv->mapcount == 0)
			continue;
		mapped.push_back(f);
		if (fv->maybe_pinned)
			pinned.push_back(f);
	}
	if (mapped.empty())
		return std::nullopt;
	for (FolioId f : swapped_in_folios(v)) {
		const FolioView *fv = v.snapshot().folio(f);
		if (fv && fv->maybe_pinned)
			pinned_swapcache.push_back(f);
	}
	Op op = make_op(OpKind::swapout);
	switch (rng.weighted({pinned_swapcache.empty() ? 0u : 8u, pinned.empty() ? 0u : 3u, 4})) {
	case 0:
		op.folio = rng.pick(pinned_swapcache);
		break;
	case 1:
		op.folio = rng.pick(pinned);
		break;
	default:
		op.folio = rng.pick(mapped);
		break;
	}
	return op;
}

/*
 * boost_swapout - a pinned folio back from swap is where try_to_unmap()
 * must refuse for the pin (folio_try_share_anon_rmap_pte()): while one
 * exists, swap out four times as often.
 */
unsigned boost_swapout(const StateView &v)
{
	for (FolioId f : swapped_in_folios(v)) {
		const FolioView *fv = v.snapshot().folio(f);
		if (fv && fv->maybe_pinned)
			return 4;
	}
	return 1;
}

/* build_reclaim - memory pressure: frees the clean lazyfree folios MADV_FREE left. */
std::optional<Op> build_reclaim(const StateView &v, Rng &)
{
	for (FolioId f : v.live_folios()) {
		const FolioView *fv = v.snapshot().folio(f);
		if (fv && fv->lazyfree)
			return make_op(OpKind::reclaim);
	}
	return std::nullopt;
}

/* build_swapin - a VA the hints say holds a swap entry, else a hole or any VA. */
std::optional<Op> build_swapin(const StateView &v, Rng &rng)
{
	if (v.alive().empty())
		return std::nullopt;
	Op op = make_op(OpKind::swapin);
	const auto &swapped = v.hints().swapped;
	if (!swapped.empty() && rng.chance(90)) {
		auto it = swapped.begin();
		std::advance(it, rng.below(swapped.size()));
		op.proc = it->first;
		op.va = it->second;
	} else if (!v.holes().empty() && rng.chance(50)) {
		const MappedPage &h = rng.pick(v.holes());
		op.proc = h.proc;
		op.va = h.va;
	} else {
		op.proc = rng.pick(v.alive());
		op.va = rng.below(v.space());
	}
	return op;
}

/* The anonymous-memory statements: what `--ops anon` names. */
constexpr std::string_view kAnonAlphabet =
	"fault,fault_pmd,read,write,fork,munmap,pin,unpin,get,put,split_pmd,split,shrink,exit";

} // namespace

const std::vector<OpGenerator> &op_generators()
{
	static const std::vector<OpGenerator> table = {
		{"fault", OpKind::fault_anon, 20, true, build_fault},
		{"fault_pmd", OpKind::fault_anon, 8, true, build_fault_pmd},
		{"read", OpKind::read, 2, true, build_read},
		{"write", OpKind::write, 16, true, build_write, boost_write},
		{"fork", OpKind::fork, 8, true, build_fork},
		{"munmap", OpKind::munmap, 14, true, build_munmap},
		{"pin", OpKind::pin, 10, true, build_pin},
		{"unpin", OpKind::unpin, 5, true, build_unpin},
		{"get", OpKind::get, 4, true, build_get},
		{"put", OpKind::put, 3, true, build_put},
		{"split_pmd", OpKind::split_pmd, 5, true, build_split_pmd},
		{"split", OpKind::split, 4, true, build_split},
		{"shrink", OpKind::shrink, 4, true, build_shrink},
		{"exit", OpKind::exit, 4, true, build_exit},
		{"file", OpKind::file_create, 3, true, build_file_create},
		{"fault_file", OpKind::fault_file, 8, true, build_fault_file},
		{"madv_free", OpKind::madv_free, 6, true, build_madv_free},
		{"mremap", OpKind::mremap, 6, true, build_mremap},
		{"mprotect", OpKind::mprotect, 6, true, build_mprotect},
		{"swapout", OpKind::swapout, 5, true, build_swapout, boost_swapout},
		{"swapin", OpKind::swapin, 5, true, build_swapin},
		{"reclaim", OpKind::reclaim, 3, true, build_reclaim},
	};
	return table;
}

OpAlphabet OpAlphabet::standard()
{
	OpAlphabet a;
	for (const OpGenerator &g : op_generators())
		a.weights_.push_back(g.in_default ? g.weight : 0);
	return a;
}

OpAlphabet OpAlphabet::all()
{
	OpAlphabet a;
	for (const OpGenerator &g : op_generators())
		a.weights_.push_back(g.weight);
	return a;
}

std::optional<OpAlphabet> OpAlphabet::parse(std::string_view list, std::string *error)
{
	if (list == "default")
		return standard();
	if (list == "all")
		return all();
	if (list == "anon")
		list = kAnonAlphabet;
	const std::vector<OpGenerator> &gens = op_generators();
	OpAlphabet a;
	a.weights_.assign(gens.size(), 0);
	while (!list.empty()) {
		size_t comma = list.find(',');
		std::string_view item = list.substr(0, comma);
		list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
		std::string_view name = item.substr(0, item.find('='));
		auto it = std::find_if(gens.begin(), gens.end(),
				       [&](const OpGenerator &g) { return name == g.name; });
		if (it == gens.end()) {
			if (error)
				*error = "unknown operation '" + std::string(name) + "'";
			return std::nullopt;
		}
		unsigned w = it->weight;
		if (name.size() < item.size()) {
			std::string_view num = item.substr(name.size() + 1);
			auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), w);
			if (ec != std::errc() || end != num.data() + num.size()) {
				if (error)
					*error = "bad weight in '" + std::string(item) + "'";
				return std::nullopt;
			}
		}
		a.weights_[it - gens.begin()] = w;
	}
	if (a.empty()) {
		if (error)
			*error = "no operation enabled";
		return std::nullopt;
	}
	return a;
}

bool OpAlphabet::empty() const
{
	return std::all_of(weights_.begin(), weights_.end(), [](unsigned w) { return w == 0; });
}

std::string OpAlphabet::to_string() const
{
	std::string s;
	const std::vector<OpGenerator> &gens = op_generators();
	for (size_t i = 0; i < gens.size(); i++) {
		if (!weight(i))
			continue;
		if (!s.empty())
			s += ',';
		s += gens[i].name;
		s += '=';
		s += std::to_string(weight(i));
	}
	return s;
}

Op generate_op(const StateView &v, const ReferenceModel &ref, const OpAlphabet &alphabet,
	       Rng &rng)
{
	const std::vector<OpGenerator> &gens = op_generators();
	std::vector<unsigned> w(gens.size());
	for (size_t i = 0; i < gens.size(); i++)
		w[i] = alphabet.weight(i) * (gens[i].boost && alphabet.weight(i) ? gens[i].boost(v) : 1);

	for (int attempt = 0; attempt < kMaxCandidates; attempt++) {
		if (std::all_of(w.begin(), w.end(), [](unsigned x) { return x == 0; }))
			break;
		size_t i = rng.weighted(w);
		std::optional<Op> op = gens[i].build(v, rng);
		if (!op) {
			/* nothing of this kind here: do not draw it again */
			w[i] = 0;
			continue;
		}
		if (!ref.check(*op))
			return *op;
	}
	return make_op(OpKind::shrink);
}

} // namespace fc::props
