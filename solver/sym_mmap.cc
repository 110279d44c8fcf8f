// SPDX-License-Identifier: GPL-2.0
/*
 * sym_mmap.cc - model/kernel/mmap.cc on symbolic state: VMAs (mm/mmap.c,
 * mm/vma.c as of v6.12), stored per page (encoding.h, SymVmaPage).
 *
 * The kernel model keeps a map of VMAs and merges every pair of neighbours
 * vma_merge() would at the end of each statement that split one; so which
 * VMA a page lies in follows from the pages' attributes: neighbours are in
 * one VMA exactly when vma_linked() says so. split_vma() then changes no
 * attribute (both halves keep theirs) and only splits a PMD across the cut.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

z3::expr SymKernel::min_of(const z3::expr &x, const z3::expr &y) const
{
	auto a = numeral(x), b = numeral(y);
	if (a && b)
		return *a <= *b ? x : y;
	return mk_ite(mk_lt(y, x), y, x);
}

/* vma_merge()'s test (KernelModel::State::vma_merge()): same flags and file, linear vm_pgoff. */
z3::expr SymKernel::vma_linked(ProcId p, Va a) const
{
	const SymVmaPage &x = s.procs[p].vmas[a], &y = s.procs[p].vmas[a + 1];
	return mk_and(mk_and(mk_eq(x.write, y.write), mk_eq(x.shared, y.shared)),
		      mk_and(mk_eq(x.file, y.file), mk_eq(y.pgoff, mk_add(x.pgoff, num(1)))));
}

z3::expr SymKernel::same_vma(ProcId p, Va a, Va b) const
{
	if (a > b)
		std::swap(a, b);
	z3::expr r = T();
	for (Va k = a; k < b; k++)
		r = mk_and(r, vma_linked(p, k));
	return r;
}

/* find_vma(p, va)->vm_end: the first page past @va that starts another VMA, or the space's end. */
z3::expr SymKernel::vma_end(ProcId p, Va va) const
{
	z3::expr r = num(sc.space);
	for (Va e = sc.space - 1; e > va; e--)
		r = mk_ite(vma_linked(p, e - 1), r, num(static_cast<int64_t>(e)));
	return r;
}

z3::expr SymKernel::end_in_vma(ProcId p, Va va, const z3::expr &end) const
{
	return min_of(end, vma_end(p, va));
}

/*
 * vma_needs_copy - mm/memory.c: fork copies the page tables of a VMA with
 * an anon_vma. An anonymous VMA without one maps nothing (SymVmaPage), so
 * copying it changes nothing either: only a file VMA's anon_vma is kept.
 */
z3::expr SymKernel::vma_needs_copy(ProcId p, Va va) const
{
	const SymVmaPage &v = s.procs[p].vmas[va];
	return mk_or(mk_eq(v.file, num(0)), v.anon_vma);
}

/* anon_vma_prepare - the VMA holding @va gets an anon_vma (a file VMA's is the one kept). */
void SymKernel::anon_vma_prepare(const z3::expr &g, ProcId p, Va va)
{
	if (g.is_false())
		return;
	for (Va j = 0; j < sc.space; j++) {
		SymVmaPage &v = s.procs[p].vmas[j];
		z3::expr file = mk_ne(v.file, num(0));
		if (!file.is_false())
			assign(v.anon_vma, mk_and(g, mk_and(file, same_vma(p, va, j))), T());
	}
}

/*
 * split_vma - __split_vma() at @addr: the halves keep their attributes; a
 * PMD mapping across @addr is split first (vma_adjust_trans_huge()). A PMD
 * never straddles a VMA boundary, so one across @addr means @addr was
 * inside a VMA, as the kernel model's check for vm_start == addr asks.
 */
void SymKernel::split_vma(const z3::expr &g, ProcId p, const z3::expr &addr)
{
	if (g.is_false())
		return;
	for (unsigned b = 0; b < sc.blocks(); b++) {
		z3::expr bs = num(static_cast<int64_t>(Va{b} * nb()));
		z3::expr be = num(static_cast<int64_t>(Va{b + 1} * nb()));
		z3::expr inside = mk_and(g, mk_and(mk_lt(bs, addr), mk_lt(addr, be)));
		/* A copy: the guard must not follow the PMD it clears. */
		const z3::expr present = s.procs[p].pmds[b].present;
		split_huge_pmd_locked(mk_and(inside, present), p, b);
	}
}

/*
 * vma_merge - neighbours that vma_linked() joins are one VMA, with an
 * anon_vma if any of its parts had one.
 */
void SymKernel::vma_merge(const z3::expr &g, ProcId p)
{
	if (g.is_false())
		return;
	std::vector<z3::expr> merged;
	for (Va j = 0; j < sc.space; j++) {
		z3::expr file = mk_ne(s.procs[p].vmas[j].file, num(0));
		z3::expr any = F();
		for (Va k = 0; k < sc.space && !file.is_false(); k++)
			if (!s.procs[p].vmas[k].anon_vma.is_false())
				any = mk_or(any, mk_and(same_vma(p, j, k), s.procs[p].vmas[k].anon_vma));
		merged.push_back(mk_and(file, any));
	}
	for (Va j = 0; j < sc.space; j++)
		assign(s.procs[p].vmas[j].anon_vma, g, merged[j]);
}

/*
 * mmap_region - MAP_FIXED over [@start, @end), which the caller made sure
 * is unmapped (so split_vma() at its ends splits no PMD): one new VMA
 * without an anon_vma, then merged with its neighbours.
 */
void SymKernel::mmap_region(const z3::expr &g, ProcId p, const z3::expr &start,
			    const z3::expr &end, const z3::expr &write, const z3::expr &shared,
			    const z3::expr &file, const z3::expr &pgoff)
{
	if (g.is_false())
		return;
	for (Va a = 0; a < sc.space; a++) {
		z3::expr in = mk_and(g, in_pages(static_cast<unsigned>(a), start, mk_sub(end, start)));
		if (in.is_false())
			continue;
		SymVmaPage &v = s.procs[p].vmas[a];
		assign(v.write, in, write);
		assign(v.shared, in, shared);
		assign(v.file, in, file);
		assign(v.pgoff, in, mk_add(pgoff, mk_sub(num(static_cast<int64_t>(a)), start)));
		assign(v.anon_vma, in, F());
	}
	vma_merge(g, p);
}

void SymKernel::dup_vmas(const z3::expr &g, ProcId src, ProcId dst)
{
	for (Va a = 0; a < sc.space; a++) {
		const SymVmaPage from = s.procs[src].vmas[a];
		SymVmaPage &to = s.procs[dst].vmas[a];
		assign(to.write, g, from.write);
		assign(to.shared, g, from.shared);
		assign(to.file, g, from.file);
		assign(to.pgoff, g, from.pgoff);
		assign(to.anon_vma, g, from.anon_vma);
	}
}

} // namespace fc::solver
