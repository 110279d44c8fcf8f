// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.cc - VMAs (mm/mmap.c, mm/vma.c as of v6.12), as much of them as the
 * accounting needs: which VMA a page lies in decides its protection, its
 * file, whether fork copies it (anon_vma), and where page table walks stop.
 *
 * The VMAs of a process tile its address space. mmap_region() replaces a
 * range with a new VMA; split_vma() cuts one at an address (splitting a PMD
 * that straddles the cut, vma_adjust_trans_huge()); vma_merge() joins
 * neighbours the kernel would merge: same flags and file, linear vm_pgoff,
 * anon_vmas taken as compatible (the merged VMA has one if either had).
 */
#include "model/kernel/kernel_state.h"

namespace fc {

/* find_vma - the VMA containing @va (the VMAs tile the address space). */
KVma &KernelModel::State::find_vma(ProcId p, Va va)
{
	auto it = mms[p].vmas.upper_bound(va);
	return std::prev(it)->second;
}

const KVma &KernelModel::State::find_vma(ProcId p, Va va) const
{
	auto it = mms[p].vmas.upper_bound(va);
	return std::prev(it)->second;
}

/*
 * split_vma - __split_vma() at @addr, if @addr falls inside a VMA: the
 * second half starts at @addr with vm_pgoff advanced; both keep the
 * anon_vma. A PMD mapping across @addr is split first
 * (vma_adjust_trans_huge()).
 */
void KernelModel::State::split_vma(ProcId p, Va addr)
{
	if (addr == 0 || addr >= cfg.scope.space_pages())
		return;
	KVma &vma = find_vma(p, addr);
	if (vma.start == addr)
		return;
	if (pmd_align(addr) != addr)
		__split_huge_pmd(p, addr);
	KVma tail = vma;
	tail.start = addr;
	tail.pgoff = vma.pgoff + (addr - vma.start);
	vma.end = addr;
	mms[p].vmas[addr] = tail;
}

/*
 * vma_merge - merge every pair of neighbours that vma_merge_new_range() /
 * vma_modify() would: same VM_WRITE and VM_SHARED, same file, and the
 * second's vm_pgoff continuing the first's.
 */
void KernelModel::State::vma_merge(ProcId p)
{
	auto &vmas = mms[p].vmas;
	for (auto it = vmas.begin(); std::next(it) != vmas.end();) {
		KVma &prev = it->second;
		const KVma &next = std::next(it)->second;
		if (prev.write == next.write && prev.shared == next.shared &&
		    prev.file == next.file && next.pgoff == prev.pgoff + (prev.end - prev.start)) {
			prev.end = next.end;
			prev.anon_vma |= next.anon_vma;
			vmas.erase(std::next(it));
			continue;
		}
		++it;
	}
}

/*
 * mmap_region - mmap(MAP_FIXED) of [@start, @end): the VMAs there are cut
 * away (the caller made sure nothing is mapped there) and one VMA like
 * @proto takes their place, then merged with its neighbours.
 */
void KernelModel::State::mmap_region(ProcId p, Va start, Va end, const KVma &proto)
{
	split_vma(p, start);
	split_vma(p, end);
	auto &vmas = mms[p].vmas;
	vmas.erase(vmas.lower_bound(start), vmas.lower_bound(end));
	KVma vma = proto;
	vma.start = start;
	vma.end = end;
	vmas[start] = vma;
	vma_merge(p);
}

/* anon_vma_prepare - the VMA at @va gets an anon_vma before its first anon page. */
void KernelModel::State::anon_vma_prepare(ProcId p, Va va)
{
	find_vma(p, va).anon_vma = true;
}

} // namespace fc
