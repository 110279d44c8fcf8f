// SPDX-License-Identifier: GPL-2.0
/*
 * hints.cc - follow files and swap entries through a statement sequence.
 */
#include "props/hints.h"

#include <vector>

namespace fc::props {

namespace {

/* Forget the swap entries of @p in [va, va + n). */
void forget_range(std::set<std::pair<ProcId, Va>> &swapped, ProcId p, Va va, uint64_t n)
{
	auto it = swapped.lower_bound({p, va});
	while (it != swapped.end() && it->first == p && it->second < va + n)
		it = swapped.erase(it);
}

/* The (process, VA) pairs that map folio @f in @s, PTE or PMD. */
std::vector<std::pair<ProcId, Va>> mappers(const Snapshot &s, FolioId f)
{
	std::vector<std::pair<ProcId, Va>> out;
	for (const ProcView &pv : s.procs) {
		if (pv.exited)
			continue;
		for (const auto &[va, pte] : pv.ptes)
			if (pte.folio == f)
				out.push_back({pv.id, va});
		for (const auto &[haddr, pmd] : pv.pmds) {
			if (pmd.folio != f)
				continue;
			const FolioView *fv = s.folio(f);
			for (Va i = 0; fv && i < fv->nr_pages(); i++)
				out.push_back({pv.id, haddr + i});
		}
	}
	return out;
}

} // namespace

void GenHints::note(const Op &op, const Snapshot *before)
{
	switch (op.kind) {
	case OpKind::file_create:
		files[op.file] = FileHint{op.pages, op.order};
		break;
	case OpKind::swapout:
		if (before)
			for (const auto &pv : mappers(*before, op.folio))
				swapped.insert(pv);
		break;
	case OpKind::swapin:
		forget_range(swapped, op.proc, op.va, 1);
		break;
	case OpKind::fault_anon:
		forget_range(swapped, op.proc, op.va, uint64_t{1} << op.order);
		break;
	case OpKind::fault_file:
	case OpKind::munmap:
	case OpKind::madv_free:
		forget_range(swapped, op.proc, op.va, op.pages);
		break;
	case OpKind::write:
		forget_range(swapped, op.proc, op.va, 1);
		break;
	case OpKind::mremap: {
		/* the swap entries move with the PTEs */
		std::vector<Va> moved;
		for (Va va = op.va; va < op.va + op.pages; va++)
			if (swapped.count({op.proc, va}))
				moved.push_back(va - op.va);
		forget_range(swapped, op.proc, op.va, op.pages);
		for (Va off : moved)
			swapped.insert({op.proc, op.va2 + off});
		break;
	}
	case OpKind::fork: {
		/* copy_nonpresent_pte(): the child gets the parent's swap entries */
		std::vector<Va> parent;
		for (const auto &[p, va] : swapped)
			if (p == op.proc)
				parent.push_back(va);
		for (Va va : parent)
			swapped.insert({op.proc2, va});
		break;
	}
	case OpKind::exit:
		forget_range(swapped, op.proc, 0, ~Va{0});
		break;
	default:
		break;
	}
}

} // namespace fc::props
