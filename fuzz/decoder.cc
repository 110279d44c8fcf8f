// SPDX-License-Identifier: GPL-2.0
/*
 * decoder.cc - records to legal statements (see decoder.h and record.h).
 */
#include "fuzz/decoder.h"

#include <algorithm>

namespace fc::fuzz {

Decoder::Decoder(const Config &cfg) : cfg_(cfg) {}

Va Decoder::va_of(uint16_t where) const
{
	if (!(where & kWhereHot) || hot_.empty())
		return static_cast<Va>(where & kWhereVaMask) % space();
	const HotRange &h = hot_[((where >> 8) & 0x7f) % hot_.size()];
	return (h.va + (where & 0xff) % h.pages) % space();
}

/* Clamp [va, va + pages) to the address space, so a wide size still means "to the end". */
uint64_t Decoder::clamp_pages(Va va, uint64_t pages) const
{
	return std::min<uint64_t>(pages, space() - va);
}

void Decoder::add_hot(Va va, uint64_t pages)
{
	hot_.insert(hot_.begin(), HotRange{va, pages});
	if (hot_.size() > kHotRanges)
		hot_.pop_back();
}

/* mremap's to=: the aux byte read as the who byte's bits 6-7 say (record.h). */
Va Decoder::mremap_target(const Record &r, Va va) const
{
	const int64_t s = static_cast<int64_t>(space());
	const int8_t delta = static_cast<int8_t>(r.aux);
	switch (r.who & kToMask) {
	case kToNear:
		return static_cast<Va>(((static_cast<int64_t>(va) + delta) % s + s) % s);
	case kToFar:
		return static_cast<Va>(((static_cast<int64_t>(va) + 8 * delta) % s + s) % s);
	case kToAbsolute: {
		unsigned lg = log2_ceil(space());
		return (Va{r.aux} << (lg > 8 ? lg - 8 : 0)) % space();
	}
	default:
		if (hot_.empty())
			return va;
		return hot_[(r.aux & 0x0f) % hot_.size()].va;
	}
}

std::optional<Op> Decoder::propose(const Record &r, const Runner &runner) const
{
	Op op;
	op.kind = kind_of_byte(r.kind);
	const bool big = r.who & kFlagBig;
	const Va va = va_of(r.where);
	const uint64_t pages = clamp_pages(va, pages_of_size(r.size, space()));

	switch (op.kind) {
	case OpKind::shrink:
	case OpKind::reclaim:
		return op;
	case OpKind::unpin:
	case OpKind::put: {
		const auto &live = op.kind == OpKind::unpin ? pins_ : refs_;
		if (live.empty())
			return std::nullopt;
		op.handle = live[r.aux % live.size()];
		return op;
	}
	case OpKind::split:
	case OpKind::swapout: {
		/* Only these two name a folio: ask the reference model which live. */
		const Snapshot &snap = runner.reference_snapshot();
		std::vector<FolioId> live;
		for (const FolioView &f : snap.folios)
			if (!f.freed)
				live.push_back(f.id);
		if (live.empty())
			return std::nullopt;
		op.folio = live[r.aux % live.size()];
		return op;
	}
	case OpKind::file_create:
		op.file = "file" + std::to_string(files_.size());
		op.pages = pages_of_size(r.size, space());
		op.order = r.aux % (cfg_.scope.pte_max_order() + 1);
		return op;
	default:
		break;
	}

	/* Everything else acts on a live process. */
	if (procs_.empty())
		return std::nullopt;
	op.proc = procs_[(r.who & kProcMask) % procs_.size()];
	op.va = va;

	switch (op.kind) {
	case OpKind::fault_anon:
		if (big && cfg_.scope.pmd_faults()) {
			op.pmd = true;
			op.order = cfg_.scope.pmd_order;
		} else {
			op.order = r.size % (cfg_.scope.pte_max_order() + 1);
		}
		op.va = va & ~((Va{1} << op.order) - 1);
		break;
	case OpKind::read:
	case OpKind::write:
	case OpKind::swapin:
	case OpKind::split_pmd:
	case OpKind::exit:
		break;
	case OpKind::fork:
		/* Q must be the next process number; keep within the scope's processes. */
		if (procs_.size() >= std::max(1u, cfg_.scope.max_procs))
			return std::nullopt;
		op.proc2 = next_proc_;
		break;
	case OpKind::munmap:
	case OpKind::madv_free:
	case OpKind::get:
		op.pages = pages;
		break;
	case OpKind::mprotect:
		op.pages = pages;
		op.ro = big;
		break;
	case OpKind::pin:
		op.pages = pages;
		op.write = r.who & kFlagWrite;
		op.longterm = r.who & kFlagLongterm;
		break;
	case OpKind::mremap:
		op.va2 = mremap_target(r, va);
		op.pages = std::min(pages, space() - op.va2);
		break;
	case OpKind::fault_file:
		if (files_.empty())
			return std::nullopt;
		op.file = files_[(r.aux & 3) % files_.size()];
		op.index = r.aux >> 2;
		op.pages = pages;
		op.is_private = big;
		/* the faulting page: fault-around maps the range around it (seed 004) */
		op.at = ((r.who >> kAtShift) & kAtMax) % pages;
		break;
	default:
		return std::nullopt;
	}
	return op;
}

std::optional<Op> Decoder::repair(const Op &op) const
{
	Op fix = op;
	switch (op.kind) {
	case OpKind::fault_anon:
		/* Something in the way of a large fault: the single page may be free. */
		if (op.order == 0)
			return std::nullopt;
		fix.pmd = false;
		fix.order = 0;
		return fix;
	case OpKind::pin:
	case OpKind::get:
	case OpKind::munmap:
	case OpKind::madv_free:
	case OpKind::mprotect:
	case OpKind::mremap:
		/* A hole in the range: the first page alone. */
		if (op.pages == 1)
			return std::nullopt;
		fix.pages = 1;
		return fix;
	case OpKind::fault_file:
		if (op.index == 0 && op.pages == 1)
			return std::nullopt;
		fix.index = 0;
		fix.pages = 1;
		fix.at = 0;
		return fix;
	default:
		return std::nullopt;
	}
}

void Decoder::applied(const Op &op)
{
	switch (op.kind) {
	case OpKind::fault_anon:
		add_hot(op.va, uint64_t{1} << op.order);
		break;
	case OpKind::fault_file:
		add_hot(op.va, op.pages);
		break;
	case OpKind::mremap:
		add_hot(op.va2, op.pages);
		break;
	case OpKind::fork:
		procs_.push_back(op.proc2);
		next_proc_ = std::max(next_proc_, op.proc2 + 1);
		break;
	case OpKind::exit:
		std::erase(procs_, op.proc);
		break;
	case OpKind::pin:
		pins_.push_back(next_pin_++);
		break;
	case OpKind::get:
		refs_.push_back(next_ref_++);
		break;
	case OpKind::unpin:
		std::erase(pins_, op.handle);
		break;
	case OpKind::put:
		std::erase(refs_, op.handle);
		break;
	case OpKind::file_create:
		files_.push_back(op.file);
		break;
	default:
		break;
	}
}

Session::Session(const Config &cfg, RunnerOptions opts) : runner_(cfg, opts), decoder_(cfg) {}

/*
 * first_mapping - the first range (lowest process, then lowest VA) where
 * @folio is mapped in @snap: its PMD, or the run of PTEs mapping it from
 * there. Nullopt if it is not mapped.
 */
static std::optional<HotRange> first_mapping(const Snapshot &snap, FolioId folio)
{
	for (const ProcView &p : snap.procs) {
		if (p.exited)
			continue;
		for (const auto &[va, pmd] : p.pmds)
			if (pmd.folio == folio)
				return HotRange{va, uint64_t{1} << snap.folio(folio)->order};
		for (auto it = p.ptes.begin(); it != p.ptes.end(); ++it) {
			if (it->second.folio != folio)
				continue;
			HotRange h{it->first, 1};
			for (auto next = std::next(it); next != p.ptes.end() &&
							 next->first == h.va + h.pages &&
							 next->second.folio == folio;
			     ++next)
				h.pages++;
			return h;
		}
	}
	return std::nullopt;
}

/* Run @op if the reference model accepts it; true if it ran. */
bool Session::try_op(const Op &op)
{
	/* swapout: remember where the folio was mapped, for a swapin to hit */
	std::optional<HotRange> swapped;
	if (op.kind == OpKind::swapout)
		swapped = first_mapping(runner_.reference_snapshot(), op.folio);
	StepResult res = runner_.step(op);
	if (res.status == StepStatus::rejected)
		return false;
	decoder_.applied(op);
	if (swapped)
		decoder_.swapped_out(*swapped);
	last_note_ = std::move(res.note);
	ops_.push_back(op);
	op_records_.push_back(records_);
	return true;
}

Fed Session::feed(const Record &r)
{
	Fed fed = Fed::skipped;
	std::optional<Op> op = decoder_.propose(r, runner_);
	if (op) {
		bool ran = try_op(*op);
		if (!ran) {
			std::optional<Op> fix = decoder_.repair(*op);
			ran = fix && try_op(*fix);
		}
		if (ran)
			fed = runner_.failed() ? Fed::failed : Fed::applied;
	}
	records_++;
	return fed;
}

} // namespace fc::fuzz
