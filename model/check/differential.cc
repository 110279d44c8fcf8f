// SPDX-License-Identifier: GPL-2.0
/*
 * differential.cc - compare the two models' Snapshots field by field.
 *
 * Each Difference is named like the SPEC observable a trace would use to see
 * it ("refcount f2", "page_mapcount f1[3]", "mapped p1 0x10"), so a row can
 * be pasted into an `expect` line. Snapshot::operator== is the fast path; the
 * rows are built only when the snapshots differ.
 *
 * A folio freed in either model is compared on `freed` and `queued` only: a
 * freed folio answers nothing else (SPEC), and the kernel model leaves its
 * counters as they were when the last reference went.
 */
#include "model/check/differential.h"
#include "model/trace.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace fc {

namespace {

std::string hex(Va va)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(va));
	return buf;
}

std::string num(long v) { return std::to_string(v); }

class Differ {
public:
	explicit Differ(std::vector<Difference> &out) : out_(out) {}

	void field(const std::string &name, long ref, long kern)
	{
		if (ref != kern)
			out_.push_back({name, num(ref), num(kern)});
	}
	void field(const std::string &name, const std::string &ref, const std::string &kern)
	{
		if (ref != kern)
			out_.push_back({name, ref, kern});
	}

	void folio(const FolioView &r, const FolioView &k);
	void procs(const Snapshot &r, const Snapshot &k);
	void proc(const ProcView &r, const ProcView &k);
	void handles(const char *kind, const std::vector<HandleView> &r,
		     const std::vector<HandleView> &k);
	void split_queue(const Snapshot &r, const Snapshot &k);

private:
	std::vector<Difference> &out_;
};

void Differ::folio(const FolioView &r, const FolioView &k)
{
	const std::string f = " " + folio_name(r.id);

	field("freed" + f, r.freed, k.freed);
	field("queued" + f, r.queued, k.queued);
	if (r.freed || k.freed)
		return;
	field("order" + f, r.order, k.order);
	field("anon" + f, r.anon, k.anon);
	field("refcount" + f, r.refcount, k.refcount);
	field("mapcount" + f, r.mapcount, k.mapcount);
	field("entire_mapcount" + f, r.entire_mapcount, k.entire_mapcount);
	field("nr_pages_mapped" + f, r.nr_pages_mapped, k.nr_pages_mapped);
	field("pincount" + f, r.pincount, k.pincount);
	field("maybe_pinned" + f, r.maybe_pinned, k.maybe_pinned);
	field("partially_mapped" + f, r.partially_mapped, k.partially_mapped);
	field("lazyfree" + f, r.lazyfree, k.lazyfree);

	size_t pages = std::max(r.page_mapcount.size(), k.page_mapcount.size());
	for (size_t i = 0; i < pages; i++) {
		auto at = [i](const std::vector<long> &v) {
			return i < v.size() ? num(v[i]) : std::string("none");
		};
		field("page_mapcount " + page_name(r.id, uint32_t(i)), at(r.page_mapcount),
		      at(k.page_mapcount));
	}
	pages = std::max(r.anon_exclusive.size(), k.anon_exclusive.size());
	for (size_t i = 0; i < pages; i++) {
		auto at = [i](const std::vector<bool> &v) {
			return i < v.size() ? num(v[i]) : std::string("none");
		};
		field("anon_exclusive " + page_name(r.id, uint32_t(i)), at(r.anon_exclusive),
		      at(k.anon_exclusive));
	}
}

std::string pte_text(const PteView &p)
{
	return page_name(p.folio, p.page) + (p.writable ? " rw" : " ro");
}

std::string pmd_text(const PmdView &p)
{
	return "PMD " + folio_name(p.folio) + (p.writable ? " rw" : " ro");
}

void Differ::procs(const Snapshot &r, const Snapshot &k)
{
	field("processes", num(long(r.procs.size())), num(long(k.procs.size())));
	size_t n = std::min(r.procs.size(), k.procs.size());
	for (size_t i = 0; i < n; i++)
		proc(r.procs[i], k.procs[i]);
}

void Differ::proc(const ProcView &r, const ProcView &k)
{
	const std::string p = " " + proc_name(r.id);

	field("exited" + p, r.exited, k.exited);
	field("rss" + p + " anon", r.rss_anon, k.rss_anon);
	field("rss" + p + " file", r.rss_file, k.rss_file);

	std::set<Va> vas;
	for (const auto &[va, pte] : r.ptes)
		vas.insert(va);
	for (const auto &[va, pte] : k.ptes)
		vas.insert(va);
	for (Va va : vas) {
		auto ri = r.ptes.find(va), ki = k.ptes.find(va);
		field("mapped" + p + " " + hex(va),
		      ri == r.ptes.end() ? "none" : pte_text(ri->second),
		      ki == k.ptes.end() ? "none" : pte_text(ki->second));
		/* the accessed bit of a PTE both map (issue 6, seed 004) */
		if (ri != r.ptes.end() && ki != k.ptes.end())
			field("young" + p + " " + hex(va), ri->second.young, ki->second.young);
	}
	vas.clear();
	for (const auto &[va, pmd] : r.pmds)
		vas.insert(va);
	for (const auto &[va, pmd] : k.pmds)
		vas.insert(va);
	for (Va va : vas) {
		auto ri = r.pmds.find(va), ki = k.pmds.find(va);
		field("mapped" + p + " " + hex(va) + " (PMD)",
		      ri == r.pmds.end() ? "none" : pmd_text(ri->second),
		      ki == k.pmds.end() ? "none" : pmd_text(ki->second));
		if (ri != r.pmds.end() && ki != k.pmds.end())
			field("young" + p + " " + hex(va) + " (PMD)", ri->second.young,
			      ki->second.young);
	}
	vas.clear();
	for (const auto &[va, e] : r.swap)
		vas.insert(va);
	for (const auto &[va, e] : k.swap)
		vas.insert(va);
	auto swap_text = [](const PageMap<SwapPteView> &m, Va va) {
		auto it = m.find(va);
		if (it == m.end())
			return std::string("none");
		return "slot " + std::to_string(it->second.slot) +
		       (it->second.exclusive ? " exclusive" : "");
	};
	for (Va va : vas)
		field("swap entry" + p + " " + hex(va), swap_text(r.swap, va), swap_text(k.swap, va));
}

std::string handle_pages(const HandleView &h)
{
	std::string s;
	for (const HandleView::Page &pg : h.pages) {
		if (!s.empty())
			s += " ";
		s += hex(pg.va) + "=" + page_name(pg.folio, pg.page);
	}
	return s;
}

void Differ::handles(const char *kind, const std::vector<HandleView> &r,
		     const std::vector<HandleView> &k)
{
	field(std::string(kind) + "s taken", num(long(r.size())), num(long(k.size())));
	size_t n = std::min(r.size(), k.size());
	for (size_t i = 0; i < n; i++) {
		const std::string h = kind + std::to_string(i + 1);
		field(h + " process", proc_name(r[i].proc), proc_name(k[i].proc));
		field(h + " released", r[i].released, k[i].released);
		field(h + " pages", handle_pages(r[i]), handle_pages(k[i]));
	}
}

void Differ::split_queue(const Snapshot &r, const Snapshot &k)
{
	auto text = [](const std::vector<FolioId> &q) {
		std::string s;
		for (FolioId f : q)
			s += (s.empty() ? "" : " ") + folio_name(f);
		return s.empty() ? std::string("empty") : s;
	};
	field("split_queue", text(r.split_queue), text(k.split_queue));
}

/*
 * same_folio_observables - @r and @k look the same to an observer: a freed
 * folio shows `freed` and `queued` only (SPEC), its other fields being what
 * the kernel model left when the last reference went.
 */
bool same_folio_observables(const FolioView &r, const FolioView &k)
{
	if (r.freed || k.freed)
		return r.freed == k.freed && r.queued == k.queued && r.id == k.id;
	return r == k;
}

} // namespace

std::vector<Difference> diff_snapshots(const Snapshot &reference, const Snapshot &kernel)
{
	return diff_snapshots_of(reference, kernel, nullptr, nullptr);
}

std::vector<Difference> diff_snapshots_of(const Snapshot &reference, const Snapshot &kernel,
					  const std::vector<FolioId> *folios,
					  std::vector<FolioId> *differing)
{
	std::vector<Difference> out;
	Differ d(out);
	bool differs = false;  /* observably: a row is owed */
	if (differing)
		differing->clear();

	const size_t nr = reference.folios.size(), nk = kernel.folios.size();
	d.field("folios allocated", num(long(nr)), num(long(nk)));
	differs |= nr != nk;
	auto look = [&](size_t i) {
		const FolioId id = static_cast<FolioId>(i + 1);
		if (i < nr && i < nk && same_folio_observables(reference.folios[i], kernel.folios[i]))
			return;
		differs = true;
		if (differing)
			differing->push_back(id);
		if (i < nr && i < nk)
			d.folio(reference.folios[i], kernel.folios[i]);
		else
			d.field("folio " + folio_name(id), i < nr ? "exists" : "none",
				i < nk ? "exists" : "none");
	};
	if (folios) {
		for (FolioId id : *folios)
			if (id >= 1 && id <= std::max(nr, nk))
				look(id - 1);
	} else {
		for (size_t i = 0; i < std::max(nr, nk); i++)
			look(i);
	}

	if (!(reference.procs == kernel.procs)) {
		differs = true;
		d.procs(reference, kernel);
	}
	if (!(reference.pins == kernel.pins)) {
		differs = true;
		d.handles("pin", reference.pins, kernel.pins);
	}
	if (!(reference.refs == kernel.refs)) {
		differs = true;
		d.handles("ref", reference.refs, kernel.refs);
	}
	if (reference.split_queue != kernel.split_queue) {
		differs = true;
		d.split_queue(reference, kernel);
	}
	/* a Snapshot field Differ does not know yet still shows, instead of passing silently */
	if (out.empty() && differs)
		out.push_back({"snapshot field without a row in differential.cc", "differs",
			       "differs"});
	return out;
}

} // namespace fc
