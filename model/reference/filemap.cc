// SPDX-License-Identifier: GPL-2.0
/*
 * filemap.cc - files and their page cache (docs/semantics.md `file`,
 * `fault … file=`): a file is a sequence of folios, every page of which the
 * page cache holds; a file fault maps a range of them.
 */
#include "model/reference/reference_state.h"

namespace fc {

std::optional<uint32_t> ReferenceModel::State::find_file(const std::string &name) const
{
	for (uint32_t i = 0; i < files.size(); i++)
		if (files[i].name == name)
			return i;
	return std::nullopt;
}

/*
 * file_create - a file of @pages pages in folios of @order, allocated in
 * index order; the page cache holds every page (filemap_add_folio(): one
 * reference per page). Page-cache folios are not anon.
 */
std::string ReferenceModel::State::file_create(const std::string &name, uint64_t pages,
					       unsigned order)
{
	RFile file;
	file.name = name;
	file.order = order;
	const uint32_t number = static_cast<uint32_t>(files.size());
	FolioId first = 0, last = 0;
	for (uint64_t index = 0; index < pages; index += 1u << order) {
		FolioId id = folio_alloc(order);
		folio(id).anon = false;
		folio(id).file = number + 1;
		for (uint32_t i = 0; i < (1u << order); i++)
			file.cache.push_back(RCachedPage{id, i});
		first = first ? first : id;
		last = id;
	}
	files.push_back(std::move(file));
	std::string note = "file " + name + ": " + ref_folio(first);
	if (last != first)
		note += ".." + ref_folio(last);
	return note;
}

/*
 * map_file_page - map the page-cache page of the file VMA at @va (one PTE,
 * read-only or @writable, young or old).
 */
void ReferenceModel::State::map_file_page(ProcId p, Va va, bool writable, bool young)
{
	RVma v = vma_at(p, va);
	const RCachedPage &pg = files[v.file - 1].cache[va + v.off];
	procs[p].ptes[va] = RPte{pg.folio, pg.page, writable, false, young};
}

/*
 * fault_file - [@va, @va + @nr) becomes a VMA of file @file from page
 * @index, shared unless @priv (mmap with MAP_FIXED), and every page of it
 * is mapped by a PTE (filemap_map_pages()): writable in a shared mapping
 * (its vm_page_prot has the write bit: no writenotify), read-only in a
 * private one, whose writes copy into anon memory.
 *
 * Young or old (seed 004): the access at @address faulted, every other page
 * is prefaulted. With prefault=young every PTE is young; with prefault=old
 * only the pages mapped together with the faulting one are: those of the
 * same folio in the same PTE table (one set_pte_range() run), the others
 * are old.
 */
void ReferenceModel::State::fault_file(ProcId p, Va va, uint32_t file, uint64_t index,
				       uint64_t nr, bool priv, Va address)
{
	RVma v;
	v.file = file + 1;
	v.shared = !priv;
	v.off = static_cast<int64_t>(index - va);
	for (Va a = va; a < va + nr; a++)
		set_vma(p, a, v);
	vma_normalize(p);
	const std::vector<RCachedPage> &cache = files[file].cache;
	const FolioId faulting = cache[address + v.off].folio;
	for (Va a = va; a < va + nr; a++) {
		bool with_fault = cache[a + v.off].folio == faulting &&
				  pmd_align(a) == pmd_align(address);
		map_file_page(p, a, !priv, with_fault || cfg.prefault == Prefault::young);
	}
}

} // namespace fc
