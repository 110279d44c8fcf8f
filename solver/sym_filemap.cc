// SPDX-License-Identifier: GPL-2.0
/*
 * sym_filemap.cc - model/kernel/filemap.cc on symbolic state: page-cache
 * folios (mm/filemap.c, v6.12), the batched fault-around that maps them with
 * one set_pte_range() per folio run (seed 004), and the file faults of
 * mm/memory.c (do_read_fault(), do_cow_fault()).
 *
 * Files behave like tmpfs files without writenotify, as in the kernel
 * model: a shared mapping's PTEs are writable from the first fault, a
 * private one's read-only until a write copies the page into anon memory.
 * The accessed bit (young or old prefaulted PTEs) is not encoded.
 */
#include "solver/sym_kernel.h"

namespace fc::solver {

/*
 * filemap_create - the file's folios in index order: each folio_alloc()ed
 * with one reference, added to the page cache (__filemap_add_folio():
 * folio_ref_add(nr)), and the reader's reference dropped, leaving the
 * cache's nr. One path per folio order; the folios past @pages are not
 * allocated.
 */
void SymKernel::filemap_create(const z3::expr &g, const z3::expr &file, const z3::expr &pages,
			       const z3::expr &order)
{
	if (g.is_false())
		return;
	for (unsigned k = 0; k <= sc.pte_max_order; k++) {
		const unsigned nr = 1u << k;
		z3::expr gk = mk_and(g, mk_eq(order, num(k)));
		for (unsigned first = 0; first < sc.space; first += nr) {
			z3::expr gf = mk_and(gk, mk_lt(num(first), pages));
			if (gf.is_false())
				continue;
			z3::expr fid = folio_alloc(gf, num(k));
			for_folio(gf, fid, [&](unsigned i, const z3::expr &gi) {
				SymFolio &f = s.folios[i];
				assign(f.anon, gi, F());
				assign(f.mapping, gi, mk_add(file, num(1)));
				assign(f.index, gi, num(first));
			});
			folio_ref_add(gf, fid, num(nr));
			for (unsigned n = 0; n < sc.files; n++)
				for (unsigned x = first; x < first + nr; x++)
					assign(s.files[n].pages[x], mk_and(gf, mk_eq(file, num(n))), fid);
			visible(gf, "filemap_add_folio", true);
			folio_put(gf, fid);
		}
	}
	for (unsigned n = 0; n < sc.files; n++) {
		z3::expr gn = mk_and(g, mk_eq(file, num(n)));
		assign(s.files[n].size, gn, pages);
		assign(s.files[n].order, gn, order);
	}
	assign(s.nr_files, g, mk_add(file, num(1)));
}

z3::expr SymKernel::filemap_get_folio(const z3::expr &file, const z3::expr &index) const
{
	z3::expr r = num(0);
	for (unsigned n = sc.files; n-- > 0;)
		for (unsigned x = sc.space; x-- > 0;)
			r = mk_ite(mk_and(mk_eq(file, num(n)), mk_eq(index, num(x))), s.files[n].pages[x],
				   r);
	return r;
}

/* The page-cache folio the file VMA holding @va maps there (vma->vm_pgoff + offset). */
z3::expr SymKernel::vma_folio(ProcId p, Va va) const
{
	const SymVmaPage &v = s.procs[p].vmas[va];
	return filemap_get_folio(mk_sub(v.file, num(1)), v.pgoff);
}

/* Its page: the index minus the folio's first index. */
z3::expr SymKernel::vma_page(ProcId p, Va va) const
{
	z3::expr first = select(vma_folio(p, va), [](const SymFolio &f) { return f.index; });
	return mk_sub(s.procs[p].vmas[va].pgoff, first);
}

/*
 * set_pte_range - map @nr pages of @fid from @page at @addr (mm/memory.c,
 * v6.12): PTEs writable in a writable shared mapping (vm_page_prot), or on
 * a write fault in a writable VMA (maybe_mkwrite()). A write to a private
 * mapping (@write: do_cow_fault()) maps a new anon page,
 * folio_add_new_anon_rmap(); anything else is one folio_add_file_rmap_ptes()
 * for the whole run. The caller adds the references and the RSS.
 */
void SymKernel::set_pte_range(const z3::expr &g, ProcId p, Va addr, const z3::expr &fid,
			      const z3::expr &page, const z3::expr &nr, bool write)
{
	if (g.is_false())
		return;
	const SymVmaPage vma = s.procs[p].vmas[addr];
	z3::expr writable = mk_and(vma.write, write ? T() : vma.shared);

	if (write)
		folio_add_new_anon_rmap(g, fid, false);
	else
		folio_add_file_rmap_ptes(g, fid, page, nr);
	const Va table_end = addr - addr % nb() + nb();
	for (Va x = addr; x < table_end; x++) {
		z3::expr off = num(static_cast<int64_t>(x - addr));
		set_pte(mk_and(g, mk_lt(off, nr)), p, x, fid, mk_add(page, off), writable);
	}
}

/*
 * fault_file - `fault P VA file=NAME`: mmap_region() of a new file VMA
 * (MAP_FIXED; pgoff = index=), then fault-around over all of it:
 * filemap_map_pages() once per PTE table the range touches.
 */
void SymKernel::fault_file(const z3::expr &g, ProcId p, const z3::expr &va, const z3::expr &file,
			   const z3::expr &index, const z3::expr &nr, const z3::expr &priv)
{
	if (g.is_false())
		return;
	z3::expr end = mk_add(va, nr);
	mmap_region(g, p, va, end, T(), mk_not(priv), mk_add(file, num(1)), index);
	for (unsigned b = 0; b < sc.blocks(); b++) {
		BlockRange r = block_range(g, b, va, end);
		filemap_map_pages(r.overlap, p, b, r.lo, r.hi);
	}
}

/*
 * filemap_map_pages - map [@lo, @hi) of block @b (one PTE table, one VMA)
 * from the page cache, one folio run at a time: a run starts at @lo and at
 * every page 0 of a folio (the page cache holds consecutive indices, so a
 * run ends where its folio or the range does). Per run: folio_try_get(),
 * one set_pte_range(), folio_ref_add(count), the lookup reference dropped;
 * the RSS once at the end (add_mm_counter()). Between the rmap update and
 * the RSS the counters and the page tables disagree: those points are not
 * settled.
 */
void SymKernel::filemap_map_pages(const z3::expr &g, ProcId p, unsigned b, const z3::expr &lo,
				  const z3::expr &hi)
{
	if (g.is_false())
		return;
	const Va start = Va{b} * nb(), end = start + nb();
	z3::expr rss = num(0);

	for (Va a = start; a < end; a++) {
		z3::expr va = num(static_cast<int64_t>(a));
		z3::expr in = mk_and(g, mk_and(mk_le(lo, va), mk_lt(va, hi)));
		if (in.is_false())
			continue;
		z3::expr fid = vma_folio(p, a), page = vma_page(p, a);
		z3::expr run = mk_and(in, mk_or(mk_eq(va, lo), mk_eq(page, num(0))));
		z3::expr nr_pages = select(fid, [](const SymFolio &f) { return folio_nr_pages(f); });
		z3::expr count = min_of(mk_sub(hi, va), mk_sub(nr_pages, page));

		folio_get(run, fid);
		visible(run, "next_uptodate_folio: folio_try_get");
		set_pte_range(run, p, a, fid, page, count, false);
		visible(run, "set_pte_range");
		folio_ref_add(run, fid, count);
		rss = mk_add(rss, mk_ite(run, count, num(0)));
		visible(run, "filemap_map_folio_range: folio_ref_add");
		folio_put(run, fid);
	}
	assign(s.procs[p].rss_file, g, mk_add(s.procs[p].rss_file, rss));
	visible(g, "filemap_map_pages: add_mm_counter", true);
}

/*
 * handle_read_fault - a read access at @va: do_swap_page() on a swap PTE,
 * do_read_fault() on an unmapped page of a file VMA; an unmapped anonymous
 * page would map the shared zeropage: nothing to account.
 */
void SymKernel::handle_read_fault(const z3::expr &g, ProcId p, Va va)
{
	if (g.is_false())
		return;
	z3::expr swapped = mk_and(g, s.procs[p].swps[va].present);
	do_swap_page(swapped, p, va, F());
	SymMapping m = mapping_at(p, va);
	z3::expr file = mk_ne(s.procs[p].vmas[va].file, num(0));
	do_read_fault(mk_and(mk_and(g, mk_not(swapped)), mk_and(mk_not(m.present), file)), p, va);
}

/*
 * do_read_fault - filemap_fault() (the page-cache folio with a reference,
 * which becomes the PTE's) and finish_fault(): one page (no fault-around on
 * a single fault), set_pte_range(), add_mm_counter(MM_FILEPAGES). A write
 * fault on a shared mapping, do_shared_fault(), ends the same way.
 */
void SymKernel::do_read_fault(const z3::expr &g, ProcId p, Va va)
{
	if (g.is_false())
		return;
	z3::expr fid = vma_folio(p, va), page = vma_page(p, va);
	folio_get(g, fid);
	visible(g, "filemap_fault: folio_try_get");
	set_pte_range(g, p, va, fid, page, num(1), false);
	assign(s.procs[p].rss_file, g, mk_add(s.procs[p].rss_file, num(1)));
}

/*
 * do_cow_fault - a write fault on an unmapped page of a private file
 * mapping: anon_vma_prepare(), a new anon folio filled from the page-cache
 * page __do_fault() holds meanwhile, mapped writable and exclusive by
 * set_pte_range(), MM_ANONPAGES.
 */
void SymKernel::do_cow_fault(const z3::expr &g, ProcId p, Va va)
{
	if (g.is_false())
		return;
	z3::expr cached = vma_folio(p, va);
	anon_vma_prepare(g, p, va);
	z3::expr nid = folio_alloc(g, num(0));
	folio_get(g, cached);
	visible(g, "do_cow_fault: __do_fault");
	set_pte_range(g, p, va, nid, num(0), num(1), true);
	assign(s.procs[p].rss_anon, g, mk_add(s.procs[p].rss_anon, num(1)));
	folio_put(g, cached);
}

} // namespace fc::solver
