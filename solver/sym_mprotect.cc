// SPDX-License-Identifier: GPL-2.0
/*
 * sym_mprotect.cc - model/kernel/mprotect.cc on symbolic state:
 * mprotect_fixup() and change_protection() (mm/mprotect.c, v6.12). Only
 * write bits change; a PMD only partly inside the range is split first.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/*
 * mprotect_fixup - give [@start, @end) of @p VM_WRITE (@ro false) or not:
 * the VMAs are split at the ends of the range (split_vma(): the PMDs there),
 * every page of the range gets the new flag and change_protection(), and
 * neighbours merge again.
 */
void SymKernel::mprotect_fixup(const z3::expr &g, ProcId p, const z3::expr &start,
			       const z3::expr &end, const z3::expr &ro)
{
	if (g.is_false())
		return;
	split_vma(g, p, start);
	split_vma(g, p, end);
	for (Va a = 0; a < sc.space; a++)
		assign(s.procs[p].vmas[a].write,
		       mk_and(g, in_pages(static_cast<unsigned>(a), start, mk_sub(end, start))),
		       mk_not(ro));
	change_protection(g, p, start, end);
	vma_merge(g, p);
	visible(g, "mprotect_fixup: done", true);
}

/*
 * change_protection - change_pmd_range() over [@start, @end) with each
 * page's own VMA: a PMD the range covers goes through change_huge_pmd()
 * (the head page's AnonExclusive decides), one it covers in part is split;
 * each present PTE gets the write bit of vm_page_prot (a writable shared
 * mapping), or in a writable private mapping (MM_CP_TRY_CHANGE_WRITABLE)
 * can_change_pte_writable(): an exclusive anon page only.
 */
void SymKernel::change_protection(const z3::expr &g, ProcId p, const z3::expr &start,
				  const z3::expr &end)
{
	SymProc &pr = s.procs[p];
	auto writable = [&](Va a, const z3::expr &fid, const z3::expr &page) {
		const SymVmaPage &vma = pr.vmas[a];
		z3::expr prot_write = mk_and(vma.write, vma.shared);
		z3::expr try_writable = mk_and(vma.write, mk_not(vma.shared));
		z3::expr anon = select(fid, [](const SymFolio &f) { return f.anon; });
		return mk_or(prot_write, mk_and(try_writable, mk_and(anon, page_exclusive(fid, page))));
	};

	for (unsigned b = 0; b < sc.blocks(); b++) {
		BlockRange r = block_range(g, b, start, end);
		if (r.overlap.is_false())
			continue;
		const Va bs = Va{b} * nb();
		const SymPmd pmd = pr.pmds[b];
		z3::expr whole = mk_and(mk_and(r.overlap, pmd.present), r.whole);
		assign(pr.pmds[b].writable, whole, writable(bs, pmd.folio, num(0)));
		split_huge_pmd_locked(mk_and(mk_and(r.overlap, pmd.present), mk_not(r.whole)), p, b);
		for (Va a = bs; a < bs + nb(); a++) {
			const SymPte pte = pr.ptes[a];
			z3::expr in = mk_and(mk_and(r.overlap, mk_not(whole)), pte.present);
			in = mk_and(in, in_pages(static_cast<unsigned>(a), r.lo, mk_sub(r.hi, r.lo)));
			assign(pr.ptes[a].writable, in, writable(a, pte.folio, pte.page));
		}
	}
}

} // namespace fc::solver
