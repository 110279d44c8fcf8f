// SPDX-License-Identifier: GPL-2.0
/*
 * reference_model.cc - the ReferenceModel object: statement dispatch, page
 * table lookups, and the Snapshot, whose every count is derived from the
 * holders (holders.cc).
 */
#include "model/reference/reference_state.h"

#include <cstdio>

namespace fc {

std::string ref_hex(Va va)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(va));
	return buf;
}

std::string ref_folio(FolioId f)
{
	return "f" + std::to_string(f);
}

std::string ref_proc(ProcId p)
{
	return "p" + std::to_string(p);
}

ReferenceModel::ReferenceModel(const Config &cfg) : s_(std::make_unique<State>())
{
	s_->cfg = cfg;
	s_->procs.emplace_back(); /* p0 exists at the start */
}

/* A copy has no view(): the explorer copies a model per successor and never asks. */
ReferenceModel::ReferenceModel(const ReferenceModel &o) : s_(std::make_unique<State>(*o.s_)) {}

/*
 * Assignment reuses this model's storage (the explorer's scratch Runner),
 * the view's too, which no longer describes the state.
 */
ReferenceModel &ReferenceModel::operator=(const ReferenceModel &o)
{
	if (this == &o)
		return *this;
	if (s_)
		*s_ = *o.s_;
	else
		s_ = std::make_unique<State>(*o.s_);
	if (view_)
		view_->valid = false;
	return *this;
}

ReferenceModel::ReferenceModel(ReferenceModel &&) noexcept = default;
ReferenceModel &ReferenceModel::operator=(ReferenceModel &&) noexcept = default;
ReferenceModel::~ReferenceModel() = default;

const Config &ReferenceModel::config() const { return s_->cfg; }
Snapshot ReferenceModel::snapshot() const { return s_->snapshot(); }

void ReferenceModel::snapshot_into(Snapshot &snap) const { s_->snapshot_into(snap); }

std::optional<Rejection> ReferenceModel::check(const Op &op) const
{
	return s_->check(op);
}

/*
 * apply - run a statement check() accepted. One it would reject is not
 * applied at all (the note says why), so a caller's mistake cannot corrupt
 * the holders. Folios left without a holder are freed at the end: among
 * the folios the statement touched, if there is a view() to keep
 * (reference_view.cc), else among all.
 */
std::string ReferenceModel::apply(const Op &op)
{
	State &s = *s_;
	std::string note;

	std::optional<Rejection> r;
	if (op.kind == OpKind::expect || (r = s.check(op))) {
		/* nothing applied: a kept view stays, and nothing in it moved */
		if (view_ && view_->valid) {
			view_->kept = true;
			view_->changes.clear();
		}
		return r ? "not applied: " + r->message : "";
	}
	s.version = State::new_version();

	switch (op.kind) {
	case OpKind::fault_anon:
		s.fault_anon(op.proc, op.va, op.order, op.pmd);
		break;
	case OpKind::file_create:
		note = s.file_create(op.file, op.pages, op.order);
		break;
	case OpKind::fault_file:
		s.fault_file(op.proc, op.va, *s.find_file(op.file), op.index, op.pages,
			     op.is_private, op.va + op.at);
		break;
	case OpKind::read:
		note = s.read_fault(op.proc, op.va);
		break;
	case OpKind::write:
		note = s.write_fault(op.proc, op.va, false);
		break;
	case OpKind::fork:
		note = s.fork(op.proc, op.proc2);
		break;
	case OpKind::munmap:
		s.zap_range(op.proc, op.va, op.va + op.pages);
		break;
	case OpKind::mprotect:
		s.mprotect(op.proc, op.va, op.pages, op.ro);
		break;
	case OpKind::mremap:
		s.mremap(op.proc, op.va, op.pages, op.va2);
		break;
	case OpKind::swapout:
		note = s.swapout(op.folio);
		break;
	case OpKind::swapin:
		note = s.swapin(op.proc, op.va, false);
		break;
	case OpKind::madv_free:
		note = s.madv_free(op.proc, op.va, op.pages);
		break;
	case OpKind::reclaim:
		note = s.reclaim();
		break;
	case OpKind::pin:
		note = s.pin(op.proc, op.va, op.pages, op.write, op.longterm);
		break;
	case OpKind::unpin:
		s.release(s.pins[op.handle - 1]);
		break;
	case OpKind::get:
		note = s.get(op.proc, op.va, op.pages);
		break;
	case OpKind::put:
		s.release(s.refs[op.handle - 1]);
		break;
	case OpKind::split_pmd: {
		Va haddr;
		s.pmd_covering(op.proc, op.va, &haddr);
		s.split_pmd(op.proc, haddr);
		break;
	}
	case OpKind::split: {
		bool done;
		note = s.split_folio(op.folio, &done);
		break;
	}
	case OpKind::shrink:
		note = s.shrink();
		break;
	case OpKind::exit:
		s.zap_range(op.proc, 0, s.space());
		s.procs[op.proc].exited = true;
		break;
	default:
		/* check() rejected everything else. */
		break;
	}
	if (view_ && view_->valid)
		s.keep_view(*view_);
	else
		s.free_unreferenced();
	return note;
}

const RPte *ReferenceModel::State::pte_at(ProcId p, Va va) const
{
	auto it = procs[p].ptes.find(va);
	return it == procs[p].ptes.end() ? nullptr : &it->second;
}

const RPmd *ReferenceModel::State::pmd_covering(ProcId p, Va va, Va *haddr) const
{
	Va h = pmd_align(va);
	auto it = procs[p].pmds.find(h);
	if (it == procs[p].pmds.end())
		return nullptr;
	if (haddr)
		*haddr = h;
	return &it->second;
}

const RSwp *ReferenceModel::State::swp_at(ProcId p, Va va) const
{
	auto it = procs[p].swp.find(va);
	return it == procs[p].swp.end() ? nullptr : &it->second;
}

bool ReferenceModel::State::occupied(ProcId p, Va va) const
{
	return lookup(p, va, nullptr, nullptr, nullptr) || swp_at(p, va);
}

/* folio_mapped - some PTE or PMD of some process maps a page of @f. */
bool ReferenceModel::State::folio_mapped(FolioId f) const
{
	for (const RProc &proc : procs) {
		for (const auto &[va, pte] : proc.ptes)
			if (pte.folio == f)
				return true;
		for (const auto &[va, pmd] : proc.pmds)
			if (pmd.folio == f)
				return true;
	}
	return false;
}

/* lookup - what @p maps at @va; any out-parameter may be null. */
bool ReferenceModel::State::lookup(ProcId p, Va va, FolioId *f, uint32_t *page,
				   bool *writable) const
{
	FolioId id;
	uint32_t pg;
	bool w;
	Va haddr;

	if (const RPmd *pmd = pmd_covering(p, va, &haddr)) {
		id = pmd->folio;
		pg = static_cast<uint32_t>(va - haddr);
		w = pmd->writable;
	} else if (const RPte *pte = pte_at(p, va)) {
		id = pte->folio;
		pg = pte->page;
		w = pte->writable;
	} else {
		return false;
	}
	if (f)
		*f = id;
	if (page)
		*page = pg;
	if (writable)
		*writable = w;
	return true;
}

namespace {

/*
 * refill_map - make @out hold @in's entries, each through @view, reusing
 * @out's storage: the Runner refills one Snapshot per statement.
 */
template <class View, class Entry, class Fn>
void refill_map(PageMap<View> &out, const PageMap<Entry> &in, Fn view)
{
	out.clear();
	for (const auto &[va, e] : in)
		out.try_emplace(va, view(e));
}

void refill_handles(const std::vector<RHandle> &in, std::vector<HandleView> &out)
{
	out.resize(in.size());
	for (size_t i = 0; i < in.size(); i++) {
		out[i].id = static_cast<HandleId>(i + 1);
		out[i].proc = in[i].proc;
		out[i].released = in[i].released;
		out[i].pages = in[i].pages;
	}
}

} // namespace

/*
 * fill_folio_view - the observables of folio @id into @v, its counts derived
 * from @h (its holders, all of them) and @queued.
 */
void ReferenceModel::State::fill_folio_view(FolioId id, const Holders &h, bool queued,
					    FolioView &v) const
{
	const RFolio &f = folio(id);
	v.id = id;
	v.order = f.order;
	v.anon = f.anon;
	v.freed = f.freed;
	v.refcount = derived_refcount(f, h);
	v.mapcount = derived_mapcount(h);
	v.entire_mapcount = h.pmds;
	v.nr_pages_mapped = derived_nr_pages_mapped(h);
	v.pincount = derived_pincount(f, h);
	v.maybe_pinned = derived_maybe_pinned(f, h);
	v.queued = queued;
	v.partially_mapped = f.partially_mapped;
	v.lazyfree = f.lazyfree;
	v.page_mapcount.resize(f.nr_pages());
	for (unsigned i = 0; i < f.nr_pages(); i++)
		v.page_mapcount[i] = derived_page_mapcount(h, i);
	v.anon_exclusive = f.anon_exclusive;
}

/* fill_proc_views - the page tables as stored, RSS from them (one page per PTE, nr_pages per PMD). */
void ReferenceModel::State::fill_proc_views(Snapshot &snap) const
{
	snap.procs.resize(procs.size());
	for (ProcId p = 0; p < procs.size(); p++) {
		const RProc &proc = procs[p];
		ProcView &pv = snap.procs[p];
		pv.id = p;
		pv.exited = proc.exited;
		pv.rss_anon = pv.rss_file = 0;
		refill_map(pv.ptes, proc.ptes, [&](const RPte &pte) {
			(folio(pte.folio).anon ? pv.rss_anon : pv.rss_file) += 1;
			return pte_view(pte);
		});
		refill_map(pv.swap, proc.swp, swap_pte_view);
		refill_map(pv.pmds, proc.pmds, [&](const RPmd &pmd) {
			(folio(pmd.folio).anon ? pv.rss_anon : pv.rss_file) +=
				folio(pmd.folio).nr_pages();
			return pmd_view(pmd);
		});
	}
}

/* fill_handle_views - the pins, the references and the queue, as stored. */
void ReferenceModel::State::fill_handle_views(Snapshot &snap) const
{
	refill_handles(pins, snap.pins);
	refill_handles(refs, snap.refs);
	snap.split_queue.assign(split_queue.begin(), split_queue.end());
}

/*
 * snapshot_into - the observables, written over @snap: every count derived
 * from one count of all holders.
 */
void ReferenceModel::State::snapshot_into(Snapshot &snap) const
{
	const std::vector<Holders> &all = counted_holders();
	/* queued() of every folio from one pass over the queue, not one pass per folio */
	static thread_local std::vector<uint8_t> on_queue;
	on_queue.assign(folios.size(), 0);
	for (FolioId q : split_queue)
		on_queue[q - 1] = 1;

	snap.folios.resize(folios.size());
	for (FolioId id = 1; id <= folios.size(); id++)
		fill_folio_view(id, all[id - 1], on_queue[id - 1], snap.folios[id - 1]);
	fill_proc_views(snap);
	fill_handle_views(snap);
}

Snapshot ReferenceModel::State::snapshot() const
{
	Snapshot snap;
	snapshot_into(snap);
	return snap;
}

} // namespace fc
