// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_model.cc - the KernelModel object: statement dispatch and the
 * refcount primitives of include/linux/mm.h and page_ref.h (what a reader
 * sees of it is in snapshot.cc).
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>
#include <cassert>

namespace fc {

KernelModel::KernelModel(const Config &cfg) : s_(std::make_unique<State>())
{
	s_->cfg = cfg;
	s_->owner = this;
	s_->mms.emplace_back(); /* p0 exists at the start */
	/* p0's one anonymous VMA covers the address space */
	const Va space = cfg.scope.space_pages();
	s_->mms[0].vmas[0] = KVma{0, space, true, false, 0, 0, false};
}

KernelModel::KernelModel(const KernelModel &o) : s_(std::make_unique<State>(*o.s_))
{
	s_->owner = this;
	s_->observer = nullptr;
}

/* Assignment reuses this model's storage (the explorer's scratch Runner). */
KernelModel &KernelModel::operator=(const KernelModel &o)
{
	if (this == &o)
		return *this;
	if (s_)
		*s_ = *o.s_;
	else
		s_ = std::make_unique<State>(*o.s_);
	s_->owner = this;
	s_->observer = nullptr;
	return *this;
}

KernelModel::KernelModel(KernelModel &&o) noexcept : s_(std::move(o.s_))
{
	s_->owner = this;
}

KernelModel &KernelModel::operator=(KernelModel &&o) noexcept
{
	s_ = std::move(o.s_);
	s_->owner = this;
	return *this;
}

KernelModel::~KernelModel() = default;

void KernelModel::set_observer(KernelObserver *obs) { s_->observer = obs; }
const CostCounters &KernelModel::costs() const { return s_->costs; }
const Config &KernelModel::config() const { return s_->cfg; }
Snapshot KernelModel::snapshot() const { return s_->snapshot(); }

/*
 * apply - run one legal statement. At its end the folios that
 * deferred_split_folio(…, true) queued during it are checked: one that is not
 * partially mapped any more was queued spuriously (seed 000).
 */
std::string KernelModel::missing_name(const Op &op) const
{
	const State &s = *s_;
	switch (op.kind) {
	case OpKind::split:
	case OpKind::swapout:
		if (op.folio == 0 || op.folio > s.folios.size())
			return "the kernel model has no " + folio_name(op.folio);
		break;
	case OpKind::unpin:
		if (op.handle == 0 || op.handle > s.pins.size())
			return "the kernel model has no pin" + std::to_string(op.handle);
		break;
	case OpKind::put:
		if (op.handle == 0 || op.handle > s.refs.size())
			return "the kernel model has no ref" + std::to_string(op.handle);
		break;
	default:
		break;
	}
	return "";
}

std::string KernelModel::apply(const Op &op)
{
	State &s = *s_;
	std::string note;

	s.queued_partial_this_op.clear();
	switch (op.kind) {
	case OpKind::fault_anon: {
		KVma anon;
		anon.pgoff = op.va;
		s.mmap_region(op.proc, op.va, op.va + (Va{1} << op.order), anon);
		if (op.pmd)
			s.do_huge_pmd_anonymous_page(op.proc, op.va);
		else
			s.do_anonymous_page(op.proc, op.va, op.order);
		break;
	}
	case OpKind::file_create:
		note = s.filemap_create(op.file, op.pages, op.order);
		break;
	case OpKind::fault_file:
		s.fault_file(op.proc, op.va, s.file_number(op.file), op.index, op.pages,
			     op.is_private, op.va + op.at);
		break;
	case OpKind::read:
		note = s.handle_read_fault(op.proc, op.va);
		s.pte_mkyoung(op.proc, op.va);   /* the access itself */
		break;
	case OpKind::write:
		note = s.handle_mm_fault_write(op.proc, op.va, false);
		break;
	case OpKind::fork:
		if (s.mms.size() <= op.proc2)
			s.mms.resize(op.proc2 + 1);
		s.mms[op.proc2] = KMm{};
		s.copy_page_range(op.proc, op.proc2);
		break;
	case OpKind::munmap:
		s.zap_page_range(op.proc, op.va, op.va + op.pages);
		break;
	case OpKind::mprotect:
		s.mprotect_fixup(op.proc, op.va, op.va + op.pages, op.ro);
		break;
	case OpKind::mremap:
		s.move_vma(op.proc, op.va, op.pages, op.va2);
		break;
	case OpKind::swapout:
		note = s.shrink_folio_list(op.folio);
		break;
	case OpKind::swapin:
		note = s.do_swap_page(op.proc, op.va, false);
		break;
	case OpKind::madv_free:
		note = s.madvise_free(op.proc, op.va, op.va + op.pages);
		break;
	case OpKind::reclaim:
		note = s.reclaim_lazyfree();
		break;
	case OpKind::pin:
		note = "pin" + std::to_string(s.pin_user_pages(op.proc, op.va, op.pages, op.write, op.longterm));
		break;
	case OpKind::unpin:
		s.unpin_user_pages(op.handle);
		break;
	case OpKind::get:
		note = "ref" + std::to_string(s.get_user_pages(op.proc, op.va, op.pages));
		break;
	case OpKind::put:
		s.put_user_pages(op.handle);
		break;
	case OpKind::split_pmd:
		s.__split_huge_pmd(op.proc, op.va);
		break;
	case OpKind::split: {
		KFolio &f = s.folio(op.folio);
		/* The caller's reference, as split_huge_pages_pid() takes it. */
		s.folio_get(f);
		s.visible("split: caller reference taken");
		s.split_folio(f, &note);
		s.folio_put(s.folio(op.folio));
		break;
	}
	case OpKind::shrink:
		note = s.deferred_split_scan();
		break;
	case OpKind::exit:
		s.zap_page_range(op.proc, 0, s.cfg.scope.space_pages());
		s.mms[op.proc].exited = true;
		break;
	case OpKind::expect:
		break;
	default:
		/* ReferenceModel::check() rejects statements not modelled yet. */
		assert(!"statement not modelled by the kernel model");
		break;
	}

	for (FolioId id : s.queued_partial_this_op) {
		const KFolio &f = s.folio(id);
		if (f.freed || !s.folio_state_partially_mapped(f))
			s.costs.spurious_enqueues++;
	}
	s.visible("end of operation", true);
	return note;
}

void KernelModel::State::visible(const char *where, bool settled) const
{
	if (observer)
		observer->on_visible_point(*owner, VisiblePoint{where, settled});
}

void KernelModel::State::page_replaced(ProcId p, Va va, FolioId f, uint32_t page) const
{
	if (observer)
		observer->on_page_replaced(*owner, PageReplaced{p, va, f, page});
}

/* folio_alloc(): a new folio with one reference, counters reset. */
FolioId KernelModel::State::folio_alloc(unsigned order)
{
	KFolio f;
	f.id = static_cast<FolioId>(folios.size() + 1);
	f.order = order;
	f._refcount = 1;
	f.pages.resize(f.nr_pages());
	folios.push_back(std::move(f));
	return folios.back().id;
}

void KernelModel::State::folio_get(KFolio &f)
{
	note_folio_write(f.id);
	atomic_rmw();
	f._refcount++;
}

void KernelModel::State::folio_ref_add(KFolio &f, long nr)
{
	note_folio_write(f.id);
	atomic_rmw();
	f._refcount += nr;
}

/* folio_ref_sub(): never frees; callers know another reference remains. */
void KernelModel::State::folio_ref_sub(KFolio &f, long nr)
{
	note_folio_write(f.id);
	atomic_rmw();
	f._refcount -= nr;
}

/* folio_put_refs() -> __folio_put() when the count reaches zero. */
void KernelModel::State::folio_put_refs(KFolio &f, long nr)
{
	note_folio_write(f.id);
	atomic_rmw();
	f._refcount -= nr;
	if (f._refcount == 0)
		free_folio(f);
}

/*
 * free_folio - __folio_put(): a large folio leaves the deferred split queue
 * (folio_unqueue_deferred_split()), page flags are reset by
 * free_pages_prepare(). Counters are left as they are: a folio freed while
 * still mapped is exactly what no_use_after_free looks for.
 */
void KernelModel::State::free_folio(KFolio &f)
{
	note_folio_write(f.id);
	folio_unqueue_deferred_split(f);
	f.freed = true;
	for (KPage &pg : f.pages.write_all())
		pg.anon_exclusive = false;
}

const KPte *KernelModel::State::pte_at(ProcId p, Va va) const
{
	auto it = mms[p].ptes.find(va);
	return it == mms[p].ptes.end() ? nullptr : &it->second;
}

const KSwp *KernelModel::State::swp_at(ProcId p, Va va) const
{
	auto it = mms[p].swp.find(va);
	return it == mms[p].swp.end() ? nullptr : &it->second;
}

const KPmd *KernelModel::State::pmd_covering(ProcId p, Va va, Va *haddr) const
{
	Va h = pmd_align(va);
	auto it = mms[p].pmds.find(h);
	if (it == mms[p].pmds.end())
		return nullptr;
	if (haddr)
		*haddr = h;
	return &it->second;
}

} // namespace fc
