// SPDX-License-Identifier: GPL-2.0
/*
 * sym_mremap.cc - model/kernel/mremap.cc on symbolic state: move_vma() and
 * move_page_tables() (mm/mremap.c, v6.12). Entries move, counters stay: a
 * folio may end up mapped at VAs that are not contiguous, which every
 * folio_pte_batch() user must respect. The range and the destination are
 * concrete (transitions.cc makes each legal triple its own path), so the
 * extents are the kernel model's, one for one.
 */
#include "solver/sym_kernel.h"

#include <algorithm>

namespace fc::solver {

/*
 * move_vma - mremap(MREMAP_MAYMOVE|MREMAP_FIXED) of [@old_addr, +@nr) to
 * @new_addr: the VMAs are split at the ends of the old range, the page
 * tables moved, the old range left as a fresh anonymous VMA (the world has
 * no holes), and the moved pages' VMAs (same vm_pgoff, same anon_vma) put
 * at the new place; then neighbours merge.
 */
void SymKernel::move_vma(const z3::expr &g, ProcId p, Va old_addr, Va nr, Va new_addr)
{
	if (g.is_false())
		return;
	const Va old_end = old_addr + nr;
	split_vma(g, p, num(static_cast<int64_t>(old_addr)));
	split_vma(g, p, num(static_cast<int64_t>(old_end)));
	const std::vector<SymVmaPage> moved(s.procs[p].vmas.begin() + old_addr,
					    s.procs[p].vmas.begin() + old_end);

	move_page_tables(g, p, old_addr, nr, new_addr);

	mmap_region(g, p, num(static_cast<int64_t>(old_addr)), num(static_cast<int64_t>(old_end)), T(),
		    F(), num(0), num(static_cast<int64_t>(old_addr)));
	split_vma(g, p, num(static_cast<int64_t>(new_addr)));
	split_vma(g, p, num(static_cast<int64_t>(new_addr + nr)));
	for (Va i = 0; i < nr; i++) {
		SymVmaPage &to = s.procs[p].vmas[new_addr + i];
		assign(to.write, g, moved[i].write);
		assign(to.shared, g, moved[i].shared);
		assign(to.file, g, moved[i].file);
		assign(to.pgoff, g, moved[i].pgoff);
		assign(to.anon_vma, g, moved[i].anon_vma);
	}
	vma_merge(g, p);
	visible(g, "move_vma: done", true);
}

/*
 * move_page_tables - per extent (get_extent(): up to the next PMD boundary
 * of both the old and the new address): a PMD moves whole when the extent
 * is a whole PMD (move_huge_pmd()), else it is split first; move_ptes()
 * moves PTEs and swap PTEs one by one, no rmap or refcount change.
 */
void SymKernel::move_page_tables(const z3::expr &g, ProcId p, Va old_addr, Va nr, Va new_addr)
{
	SymProc &pr = s.procs[p];
	const Va old_end = old_addr + nr;
	for (Va addr = old_addr; addr < old_end;) {
		const Va new_a = new_addr + (addr - old_addr);
		const Va haddr = addr - addr % nb();
		Va extent = std::min(haddr + nb(), old_end) - addr;
		extent = std::min(extent, new_a - new_a % nb() + nb() - new_a);
		const unsigned b = static_cast<unsigned>(addr / nb());
		const z3::expr had_pmd = pr.pmds[b].present;

		z3::expr ptes = g;
		if (extent == nb()) {
			z3::expr gm = mk_and(g, had_pmd);
			const SymPmd from = pr.pmds[b];
			set_pmd(gm, p, static_cast<unsigned>(new_a / nb()), from.folio, from.writable,
				from.clean);
			clear_pmd(gm, p, b);
			visible(gm, "move_huge_pmd", true);
			ptes = mk_and(g, mk_not(had_pmd));
		} else {
			split_huge_pmd_locked(mk_and(g, had_pmd), p, b);
		}

		/* move_ptes(): the old and the new range are disjoint */
		z3::expr any = F();
		for (Va i = 0; i < extent; i++) {
			const SymPte from = pr.ptes[addr + i];
			z3::expr gp = mk_and(ptes, from.present);
			any = mk_or(any, gp);
			set_pte(gp, p, new_a + i, from.folio, from.page, from.writable, from.clean);
			clear_pte(gp, p, addr + i);
			const SymSwp e = pr.swps[addr + i];
			z3::expr gs = mk_and(ptes, e.present);
			set_swp(gs, p, new_a + i, e.slot, e.exclusive);
			clear_swp(gs, p, addr + i);
		}
		visible(any, "move_ptes", true);
		addr += extent;
	}
}

} // namespace fc::solver
