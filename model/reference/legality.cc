// SPDX-License-Identifier: GPL-2.0
/*
 * legality.cc - ReferenceModel::check(): whether a statement may run in the
 * current state, and if not, why, in words a trace author can act on. Every
 * statement check() accepts can be applied without meeting anything
 * illegal; apply() relies on that.
 */
#include "model/reference/reference_state.h"

namespace fc {

namespace {

using Verdict = std::optional<Rejection>;

Verdict reject(std::string message)
{
	return Rejection{std::move(message), 0};
}

std::string pages_of_order(unsigned order)
{
	unsigned long nr = 1ul << order;
	return std::to_string(nr) + (nr == 1 ? " page" : " pages");
}

} // namespace

/* @p exists and has not exited. */
Verdict ReferenceModel::State::check_live_proc(ProcId p) const
{
	if (p >= procs.size())
		return reject(ref_proc(p) + " does not exist");
	if (procs[p].exited)
		return reject(ref_proc(p) + " has exited");
	return std::nullopt;
}

/* A single VA inside the address space. */
Verdict ReferenceModel::State::check_in_space(ProcId p, Va va) const
{
	if (va >= space())
		return reject(ref_proc(p) + " " + ref_hex(va) + " is outside the address space of " +
			      std::to_string(space()) + " pages");
	return std::nullopt;
}

/* [va, va + pages) non-empty and inside the address space (no overflow). */
Verdict ReferenceModel::State::check_range(Va va, uint64_t pages) const
{
	if (pages == 0)
		return reject("pages=0: the range is empty");
	if (va >= space() || pages > space() - va)
		return reject("range " + ref_hex(va) + "+" + std::to_string(pages) +
			      " exceeds the address space of " + std::to_string(space()) +
			      " pages");
	return std::nullopt;
}

/* For statements on [va, va + pages) of a live process. */
Verdict ReferenceModel::State::check_proc_range(ProcId p, Va va,
						uint64_t pages) const
{
	if (Verdict v = check_live_proc(p))
		return v;
	return check_range(va, pages);
}

/*
 * GUP needs every page of the range mapped or swapped out (it faults swap
 * entries in); foliocheck does not fault in pages that were never mapped.
 */
Verdict ReferenceModel::State::check_mapped(const char *what, ProcId p, Va va,
					    uint64_t pages) const
{
	for (Va a = va; a < va + pages; a++)
		if (!occupied(p, a))
			return reject(std::string(what) + " needs every page mapped: " +
				      ref_proc(p) + " " + ref_hex(a) + " is not");
	return std::nullopt;
}

/* Nothing (PTE, PMD or swap entry) in [va, va + pages) of @p. */
Verdict ReferenceModel::State::check_unmapped(ProcId p, Va va, uint64_t pages) const
{
	for (Va a = va; a < va + pages; a++)
		if (occupied(p, a))
			return reject(ref_proc(p) + " " + ref_hex(a) + " is already mapped" +
				      (swp_at(p, a) ? " (swap entry)" : ""));
	return std::nullopt;
}

/* A write access to a read-only VMA would be SIGSEGV, a write pin -EFAULT. */
Verdict ReferenceModel::State::check_writable_vma(ProcId p, Va va, uint64_t pages) const
{
	for (Va a = va; a < va + pages; a++)
		if (vma_at(p, a).ro)
			return reject(ref_proc(p) + " " + ref_hex(a) +
				      " is read-only (mprotect): a write would fault with SIGSEGV");
	return std::nullopt;
}

/*
 * check_mremap - both ranges inside the address space, not overlapping
 * (mremap() returns -EINVAL), and nothing mapped at the destination: the
 * kernel would unmap it first (MREMAP_FIXED), foliocheck asks the trace to
 * do so explicitly.
 */
Verdict ReferenceModel::State::check_mremap(const Op &op) const
{
	if (Verdict v = check_proc_range(op.proc, op.va, op.pages))
		return v;
	if (Verdict v = check_range(op.va2, op.pages))
		return v;
	if (op.va < op.va2 + op.pages && op.va2 < op.va + op.pages)
		return reject("mremap: source " + ref_hex(op.va) + "+" + std::to_string(op.pages) +
			      " and destination " + ref_hex(op.va2) + " overlap");
	for (Va a = op.va2; a < op.va2 + op.pages; a++)
		if (occupied(op.proc, a))
			return reject("mremap: destination " + ref_proc(op.proc) + " " + ref_hex(a) +
				      " is mapped; munmap it first");
	return std::nullopt;
}

/*
 * check_file - a new name; folios of an order a PTE-mapped anon folio could
 * have (no PMD-mapped page cache); a whole number of folios, no more pages
 * than the address space.
 */
Verdict ReferenceModel::State::check_file(const Op &op) const
{
	const Scope &scope = cfg.scope;
	if (find_file(op.file))
		return reject("file " + op.file + " already exists");
	if (op.order > scope.max_order)
		return reject("order=" + std::to_string(op.order) + " exceeds max_order " +
			      std::to_string(scope.max_order));
	if (op.order >= scope.pmd_order)
		return reject("order=" + std::to_string(op.order) + " is not below pmd_order " +
			      std::to_string(scope.pmd_order) +
			      ": page-cache folios are PTE-mapped only");
	if (op.pages == 0 || op.pages > space())
		return reject("file " + op.file + ": pages=" + std::to_string(op.pages) +
			      " must be 1.." + std::to_string(space()));
	if (op.pages & ((uint64_t{1} << op.order) - 1))
		return reject("file " + op.file + ": pages=" + std::to_string(op.pages) +
			      " is not a multiple of the folio size (" + pages_of_order(op.order) +
			      ")");
	return std::nullopt;
}

/*
 * check_fault_file - a known file, the pages inside it, the faulting page
 * (at=) one of the range's, the range unmapped.
 */
Verdict ReferenceModel::State::check_fault_file(const Op &op) const
{
	if (Verdict v = check_proc_range(op.proc, op.va, op.pages))
		return v;
	std::optional<uint32_t> file = find_file(op.file);
	if (!file)
		return reject("no file named " + op.file);
	uint64_t size = files[*file].cache.size();
	if (op.index >= size || op.pages > size - op.index)
		return reject("file " + op.file + " has " + std::to_string(size) +
			      " pages: index=" + std::to_string(op.index) + " pages=" +
			      std::to_string(op.pages) + " is beyond its end");
	if (op.at >= op.pages)
		return reject("the faulting page at=" + ref_hex(op.va + op.at) +
			      " is not in the range");
	return check_unmapped(op.proc, op.va, op.pages);
}

/* check_swapout - a live anon folio (page-cache folios are not swapped). */
Verdict ReferenceModel::State::check_swapout(const Op &op) const
{
	if (Verdict v = check_split(op))
		return v;
	if (!folio(op.folio).anon)
		return reject(ref_folio(op.folio) +
			      " is a page-cache folio: only anon folios are swapped out");
	return std::nullopt;
}

/* check_madv_free - MADV_FREE works on anonymous VMAs only (-EINVAL). */
Verdict ReferenceModel::State::check_madv_free(const Op &op) const
{
	if (Verdict v = check_proc_range(op.proc, op.va, op.pages))
		return v;
	for (Va a = op.va; a < op.va + op.pages; a++)
		if (vma_at(op.proc, a).file)
			return reject("madv_free needs anonymous memory: " + ref_proc(op.proc) + " " +
				      ref_hex(a) + " is in a file mapping (-EINVAL)");
	return std::nullopt;
}

/* check_swapin - a swap entry at the VA. */
Verdict ReferenceModel::State::check_swapin(const Op &op) const
{
	if (Verdict v = check_live_proc(op.proc))
		return v;
	if (Verdict v = check_in_space(op.proc, op.va))
		return v;
	if (!swp_at(op.proc, op.va))
		return reject(ref_proc(op.proc) + " " + ref_hex(op.va) + " holds no swap entry");
	return std::nullopt;
}

/*
 * check_fault_anon - order within bounds (pmd: exactly pmd_order; PTEs:
 * at most max_order and below pmd_order), VA aligned to the folio, the
 * whole folio inside the address space and unmapped.
 */
Verdict ReferenceModel::State::check_fault_anon(const Op &op) const
{
	const Scope &scope = cfg.scope;
	if (Verdict v = check_live_proc(op.proc))
		return v;
	if (op.pmd) {
		if (op.order != scope.pmd_order)
			return reject("order must be pmd_order (" + std::to_string(scope.pmd_order) +
				      ") with pmd");
	} else {
		if (op.order > scope.max_order)
			return reject("order=" + std::to_string(op.order) + " exceeds max_order " +
				      std::to_string(scope.max_order));
		if (op.order >= scope.pmd_order)
			return reject("order=" + std::to_string(op.order) +
				      " is not below pmd_order " + std::to_string(scope.pmd_order) +
				      ": a folio that size is mapped with pmd");
	}
	Va nr = Va{1} << op.order;
	if (op.va & (nr - 1))
		return reject(ref_proc(op.proc) + " " + ref_hex(op.va) + ": not aligned to order " +
			      std::to_string(op.order) + " (" + pages_of_order(op.order) + ")");
	if (Verdict v = check_range(op.va, nr))
		return v;
	for (Va a = op.va; a < op.va + nr; a++) {
		if (!occupied(op.proc, a))
			continue;
		std::string range = ref_hex(op.va);
		if (nr > 1)
			range += ".." + ref_hex(op.va + nr - 1);
		return reject(ref_proc(op.proc) + " " + range + " already mapped at " + ref_hex(a));
	}
	return std::nullopt;
}

/* Process numbers are never reused: the child is the next number. */
Verdict ReferenceModel::State::check_fork(const Op &op) const
{
	if (Verdict v = check_live_proc(op.proc))
		return v;
	ProcId next = static_cast<ProcId>(procs.size());
	if (op.proc2 == next)
		return std::nullopt;
	std::string stmt = "fork " + ref_proc(op.proc) + " " + ref_proc(op.proc2) + ": ";
	if (op.proc2 < next)
		return reject(stmt + ref_proc(op.proc2) + " already exists; the next process is " +
			      ref_proc(next));
	return reject(stmt + "the next process is " + ref_proc(next));
}

Verdict ReferenceModel::State::check_gup(const char *what, const Op &op) const
{
	if (Verdict v = check_proc_range(op.proc, op.va, op.pages))
		return v;
	return check_mapped(what, op.proc, op.va, op.pages);
}

/* A handle is released once: unpin/put name a live one. */
Verdict ReferenceModel::State::check_handle(const std::vector<RHandle> &handles,
					    const char *prefix, const char *what,
					    HandleId id) const
{
	if (id == 0 || id > handles.size() || handles[id - 1].released)
		return reject(prefix + std::to_string(id) + " is not a live " + what);
	return std::nullopt;
}

/* Any VA inside a PMD of the process names that PMD. */
Verdict ReferenceModel::State::check_split_pmd(const Op &op) const
{
	if (Verdict v = check_live_proc(op.proc))
		return v;
	if (Verdict v = check_in_space(op.proc, op.va))
		return v;
	if (!pmd_covering(op.proc, op.va, nullptr))
		return reject(ref_proc(op.proc) + " " + ref_hex(op.va) + " is not mapped by a PMD");
	return std::nullopt;
}

/* A folio that exists and is not freed (order 0 fails, but is legal). */
Verdict ReferenceModel::State::check_split(const Op &op) const
{
	if (op.folio == 0 || op.folio > folios.size())
		return reject(ref_folio(op.folio) + " does not exist");
	if (folio(op.folio).freed)
		return reject(ref_folio(op.folio) + " is freed");
	return std::nullopt;
}

/* check - the reason @op may not run now, or nothing. */
std::optional<Rejection> ReferenceModel::State::check(const Op &op) const
{
	switch (op.kind) {
	case OpKind::fault_anon:
		return check_fault_anon(op);
	case OpKind::read:
		if (Verdict v = check_live_proc(op.proc))
			return v;
		return check_in_space(op.proc, op.va);
	case OpKind::write:
		if (Verdict v = check_live_proc(op.proc))
			return v;
		if (Verdict v = check_in_space(op.proc, op.va))
			return v;
		return check_writable_vma(op.proc, op.va, 1);
	case OpKind::fork:
		return check_fork(op);
	case OpKind::munmap:
	case OpKind::mprotect:
		return check_proc_range(op.proc, op.va, op.pages);
	case OpKind::mremap:
		return check_mremap(op);
	case OpKind::file_create:
		return check_file(op);
	case OpKind::fault_file:
		return check_fault_file(op);
	case OpKind::swapout:
		return check_swapout(op);
	case OpKind::swapin:
		return check_swapin(op);
	case OpKind::madv_free:
		return check_madv_free(op);
	case OpKind::pin:
		if (Verdict v = check_gup("pin", op))
			return v;
		return op.write ? check_writable_vma(op.proc, op.va, op.pages) : std::nullopt;
	case OpKind::get:
		return check_gup("get", op);
	case OpKind::unpin:
		return check_handle(pins, "pin", "pin", op.handle);
	case OpKind::put:
		return check_handle(refs, "ref", "reference", op.handle);
	case OpKind::split_pmd:
		return check_split_pmd(op);
	case OpKind::split:
		return check_split(op);
	case OpKind::exit:
		return check_live_proc(op.proc);
	case OpKind::shrink:
	case OpKind::reclaim:
	case OpKind::expect:
		return std::nullopt;
	default:
		return reject("unknown statement");
	}
}

} // namespace fc
