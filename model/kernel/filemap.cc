// SPDX-License-Identifier: GPL-2.0
/*
 * filemap.cc - mm/filemap.c as of v6.12 (and set_pte_range() of
 * mm/memory.c, seed 004): page-cache folios and the batched fault-around
 * that maps them, one set_pte_range() per folio run.
 *
 * foliocheck's files behave like tmpfs files without writenotify: a shared
 * mapping's vm_page_prot has the write bit, so its PTEs are writable from
 * the first fault; a private mapping's PTEs are read-only and a write
 * copies the page into anon memory. The page cache holds one reference per
 * page; nothing ever evicts or truncates a file.
 */
#include "model/kernel/kernel_state.h"

#include <algorithm>

namespace fc {

uint32_t KernelModel::State::file_number(const std::string &name) const
{
	for (uint32_t i = 0; i < files.size(); i++)
		if (files[i].name == name)
			return i;
	return 0; /* ReferenceModel::check() made sure it exists */
}

/*
 * filemap_create - a file of @pages pages read into folios of @order in
 * index order: each folio_alloc()ed with one reference, added by
 * filemap_add_folio() (__filemap_add_folio(): folio_ref_add(nr)), and the
 * reader's reference dropped once the read completed, leaving the page
 * cache's nr.
 */
std::string KernelModel::State::filemap_create(const std::string &name, uint64_t pages,
					       unsigned order)
{
	KFile file;
	file.name = name;
	file.order = order;
	const uint32_t number = static_cast<uint32_t>(files.size());
	files.push_back(file);

	FolioId first = 0, last = 0;
	for (uint64_t index = 0; index < pages; index += 1u << order) {
		FolioId id = folio_alloc(order);
		KFolio &f = folio(id);
		f.anon = false;
		f.mapping = number + 1;
		f.index = index;
		folio_ref_add(f, f.nr_pages());
		for (unsigned i = 0; i < f.nr_pages(); i++)
			files[number].i_pages.push_back(id);
		visible("filemap_add_folio", true);
		folio_put(f);
		first = first ? first : id;
		last = id;
	}
	std::string note = "file " + name + ": f" + std::to_string(first);
	if (last != first)
		note += "..f" + std::to_string(last);
	return note;
}

/* filemap_get_folio - the page-cache folio holding page @index of @file. */
KFolio &KernelModel::State::filemap_get_folio(uint32_t file, uint64_t index)
{
	return folio(files[file].i_pages[index]);
}

/*
 * set_pte_range - map @nr pages of @f from @page at @addr (mm/memory.c,
 * v6.12): PTEs from vm_page_prot (writable in a writable shared mapping),
 * maybe_mkwrite() on a write fault; a private write maps a new anon folio
 * (folio_add_new_anon_rmap(), nr == 1), everything else is one
 * folio_add_file_rmap_ptes() for the whole run. The caller adds the
 * references and the RSS.
 *
 * Young or old (seed 004): prefault = !in_range(vmf->address, addr, nr)
 * (v6.12; the polarity fixed by "mm: fix old/young bit handling in the
 * faulting path"), one value for the whole run: a run holding the faulting
 * address @address is young, prefaulted pages of the faulting folio
 * included; any other run is old if arch_wants_old_prefaulted_pte()
 * (prefault=old), else young (pte_sw_mkyoung(); vm_page_prot is young).
 *
 * Mutant pte_range_young_once: the v4 patch's prefault = vmf->address !=
 * addr, evaluated once for the whole range: a run that holds the faulting
 * address but starts before it is mapped old, faulting PTE included.
 */
void KernelModel::State::set_pte_range(ProcId p, KFolio &f, uint32_t page, unsigned nr, Va addr,
				       bool write, Va address)
{
	const KVma &vma = find_vma(p, addr);
	bool writable = (vma.write && vma.shared) || (write && vma.write);
	bool prefault = !(address >= addr && address < addr + nr);
	if (mutant(Mutant::pte_range_young_once))
		prefault = address != addr;
	bool young = !(prefault && cfg.prefault == Prefault::old);

	if (write && !vma.shared)
		folio_add_new_anon_rmap(f, true, false);
	else
		folio_add_file_rmap_ptes(f, page, nr);
	for (unsigned i = 0; i < nr; i++)
		mms[p].ptes[addr + i] = KPte{f.id, page + i, writable, false, young};
}

/*
 * fault_file - `fault P VA file=NAME … [at=ADDR]`: mmap_region() of a new
 * file VMA (MAP_FIXED), then fault-around over all of it for an access at
 * @address (vmf->address): filemap_map_pages() once per PTE table the
 * range touches.
 */
void KernelModel::State::fault_file(ProcId p, Va va, uint32_t file, uint64_t index, uint64_t nr,
				    bool priv, Va address)
{
	KVma vma;
	vma.write = true;
	vma.shared = !priv;
	vma.file = file + 1;
	vma.pgoff = index;
	mmap_region(p, va, va + nr, vma);

	for (Va addr = va; addr < va + nr;) {
		Va end = std::min(va + nr, pmd_align(addr) + pmd_nr());
		filemap_map_pages(p, addr, end, address);
		addr = end;
	}
}

/*
 * filemap_map_pages - map [@start, @end) (one PTE table, one VMA) from the
 * page cache: per folio, next_uptodate_folio() takes a reference
 * (folio_try_get()), filemap_map_folio_range() maps the run with one
 * set_pte_range() and one folio_ref_add(count) (order 0:
 * filemap_map_order0_folio(), folio_ref_inc()), and the lookup reference
 * is dropped; the RSS is added once at the end (add_mm_counter(…, rss)).
 * @address is vmf->address, the faulting page: set_pte_range() maps its
 * run young.
 * Between the rmap update and the RSS the page tables and the counters
 * disagree: those points are not settled.
 */
void KernelModel::State::filemap_map_pages(ProcId p, Va start, Va end, Va address)
{
	const KVma &vma = find_vma(p, start);
	const uint32_t file = vma.file - 1;
	long rss = 0;

	for (Va addr = start; addr < end;) {
		uint64_t index = vma.pgoff + (addr - vma.start);
		KFolio &f = filemap_get_folio(file, index);
		uint32_t page = static_cast<uint32_t>(index - f.index);
		unsigned count = static_cast<unsigned>(
			std::min<Va>(end - addr, f.nr_pages() - page));

		folio_get(f);
		visible("next_uptodate_folio: folio_try_get");
		set_pte_range(p, f, page, count, addr, false, address);
		visible("set_pte_range");
		folio_ref_add(f, count);
		rss += count;
		visible("filemap_map_folio_range: folio_ref_add");
		folio_put(f);
		addr += count;
	}
	mms[p].rss[MM_FILEPAGES] += rss;
	visible("filemap_map_pages: add_mm_counter", true);
}

} // namespace fc
