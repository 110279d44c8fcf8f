// SPDX-License-Identifier: GPL-2.0
/*
 * vma.cc - the VMA of every page, as attributes of the page (docs/semantics.md
 * "VMAs"): anonymous or a file at an offset, shared or private, read-only or
 * read-write, and for a private file mapping whether it has an anon_vma.
 *
 * A VMA is a maximal run of consecutive pages with equal attributes: the
 * kernel merges neighbours that vma_merge() allows, and splits where the
 * attributes change, so the runs are its VMAs. Batches (folio runs) end at a
 * VMA boundary because the kernel walks page tables one VMA at a time.
 */
#include "model/reference/reference_state.h"

namespace fc {

/* vma_at - the attributes of the page at @va; the default VMA if none. */
RVma ReferenceModel::State::vma_at(ProcId p, Va va) const
{
	auto it = procs[p].vmas.find(va);
	return it == procs[p].vmas.end() ? RVma{} : it->second;
}

void ReferenceModel::State::set_vma(ProcId p, Va va, const RVma &v)
{
	if (v.is_default())
		procs[p].vmas.erase(va);
	else
		procs[p].vmas[va] = v;
}

/* same_vma - whether @a and @b (consecutive VAs) lie in one VMA. */
bool ReferenceModel::State::same_vma(ProcId p, Va a, Va b) const
{
	return vma_at(p, a).same_vma(vma_at(p, b));
}

/*
 * vma_normalize - after attributes changed, give every VMA one anon_vma
 * bit: the OR over its pages, as a merged VMA takes the anon_vma of the
 * neighbour that had one (is_mergeable_anon_vma()).
 */
void ReferenceModel::State::vma_normalize(ProcId p)
{
	auto &vmas = procs[p].vmas;
	for (auto it = vmas.begin(); it != vmas.end();) {
		auto end = std::next(it);
		bool anon_vma = it->second.anon_vma;
		Va last = it->first;
		while (end != vmas.end() && end->first == last + 1 &&
		       end->second.same_vma(it->second)) {
			anon_vma |= end->second.anon_vma;
			last = end->first;
			++end;
		}
		for (auto i = it; i != end; ++i)
			i->second.anon_vma = anon_vma && i->second.file;
		it = end;
	}
}

/*
 * anon_vma_prepare - a COW into anon memory happened at @va: a private file
 * VMA gets an anon_vma (the whole VMA). Anonymous VMAs need no record: fork
 * copies them whatever their anon_vma.
 */
void ReferenceModel::State::anon_vma_prepare(ProcId p, Va va)
{
	RVma v = vma_at(p, va);
	if (!v.file || v.anon_vma)
		return;
	Va lo = va;
	while (lo > 0 && same_vma(p, lo - 1, lo))
		lo--;
	for (Va a = lo; a < space() && (a == lo || same_vma(p, a - 1, a)); a++)
		procs[p].vmas[a].anon_vma = true;
}

/*
 * vma_needs_copy - whether fork copies the page table entries at @va
 * (vma_needs_copy(), v6.12): anonymous VMAs yes; a file VMA only with an
 * anon_vma, which a shared mapping never has: the child faults those pages
 * in from the page cache instead.
 */
bool ReferenceModel::State::vma_needs_copy(ProcId p, Va va) const
{
	RVma v = vma_at(p, va);
	return !v.file || v.anon_vma;
}

} // namespace fc
