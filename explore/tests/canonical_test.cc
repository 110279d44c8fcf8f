// SPDX-License-Identifier: GPL-2.0
/*
 * canonical_test.cc - the canonical form merges states that differ only by
 * names or by a symmetry, and keeps apart states that can behave differently.
 */
#include "explore/canonical.h"
#include "explore/explorer.h"

#include <gtest/gtest.h>

namespace fc::explore {
namespace {

/* A folio of @order whose every page is mapped @per_page times, each AnonExclusive or not. */
FolioView mapped_folio(FolioId id, unsigned order, long per_page, bool exclusive)
{
	FolioView f;
	f.id = id;
	f.order = order;
	long pages = 1L << order;
	f.refcount = f.mapcount = per_page * pages;
	f.nr_pages_mapped = per_page ? pages : 0;
	f.page_mapcount.assign(pages, per_page);
	f.anon_exclusive.assign(pages, exclusive);
	return f;
}

FolioView order0(FolioId id, long mapcount, bool exclusive)
{
	return mapped_folio(id, 0, mapcount, exclusive);
}

FolioView freed(FolioId id)
{
	FolioView f;
	f.id = id;
	f.freed = true;
	f.page_mapcount = {0};
	f.anon_exclusive = {false};
	return f;
}

Snapshot procs(unsigned n)
{
	Snapshot s;
	s.procs.resize(n);
	for (unsigned i = 0; i < n; i++)
		s.procs[i].id = i;
	return s;
}

void map(Snapshot &s, ProcId p, Va va, FolioId f, bool writable = true)
{
	s.procs[p].ptes[va] = {f, 0, writable};
	s.procs[p].rss_anon++;
}

std::vector<uint32_t> enc(const Snapshot &s, Symmetry sym = Symmetry::full)
{
	Canonicalizer c(default_explore_config(), {sym, true});
	std::vector<uint32_t> out;
	c.encode(s, s, out);
	return out;
}

TEST(Canonical, FoliosAreRenamedByFirstAppearance)
{
	Snapshot a = procs(1), b = procs(1);
	a.folios = {freed(1), order0(2, 1, true)};
	map(a, 0, 3, 2);
	b.folios = {order0(1, 1, true)};
	map(b, 0, 3, 1);
	EXPECT_EQ(enc(a, Symmetry::none), enc(b, Symmetry::none));
	Canonicalizer c(default_explore_config());
	EXPECT_EQ(c.fingerprint(a, a), c.fingerprint(b, b));
}

/* @nprocs processes, of which @p maps one exclusive order-0 page at @va. */
Snapshot one_page(unsigned nprocs, ProcId p, Va va)
{
	Snapshot s = procs(nprocs);
	s.folios = {order0(1, 1, true)};
	map(s, p, va, 1);
	return s;
}

TEST(Canonical, LiveProcessesAreInterchangeable)
{
	Snapshot a = one_page(2, 0, 2), b = one_page(2, 1, 2);
	EXPECT_NE(enc(a, Symmetry::none), enc(b, Symmetry::none));
	EXPECT_EQ(enc(a, Symmetry::procs), enc(b, Symmetry::procs));
}

TEST(Canonical, PmdBlocksAreInterchangeableOnlyWithFullSymmetry)
{
	Snapshot a = one_page(1, 0, 1), b = one_page(1, 0, 5);
	EXPECT_NE(enc(a, Symmetry::procs), enc(b, Symmetry::procs));
	EXPECT_EQ(enc(a, Symmetry::full), enc(b, Symmetry::full));
	/* a different offset inside the block is a different state */
	Snapshot c = one_page(1, 0, 6);
	EXPECT_NE(enc(a, Symmetry::full), enc(c, Symmetry::full));
}

TEST(Canonical, TreeSwapsTheHalvesOfRangesNoFolioSpans)
{
	/* an order-0 page anywhere in either block */
	Snapshot a = one_page(1, 0, 1), c = one_page(1, 0, 6);
	EXPECT_NE(enc(a, Symmetry::full), enc(c, Symmetry::full));
	EXPECT_EQ(enc(a, Symmetry::tree), enc(c, Symmetry::tree));

	/* an order-1 folio and an order-0 page trade halves of a block */
	Snapshot d = procs(1), e = procs(1);
	d.folios = e.folios = {mapped_folio(1, 1, 1, true), order0(2, 1, true)};
	for (Va va : {0, 1})
		d.procs[0].ptes[va] = {1, static_cast<uint32_t>(va), true};
	d.procs[0].ptes[3] = {2, 0, true};
	for (Va va : {2, 3})
		e.procs[0].ptes[va] = {1, static_cast<uint32_t>(va - 2), true};
	e.procs[0].ptes[0] = {2, 0, true};
	EXPECT_NE(enc(d, Symmetry::full), enc(e, Symmetry::full));
	EXPECT_EQ(enc(d, Symmetry::tree), enc(e, Symmetry::tree));

	/* a handle's pages are listed in renamed VA order */
	Snapshot h = d, i = e;
	h.refs = {{1, 0, false, {{0, 1, 0}, {1, 1, 1}, {3, 2, 0}}}};
	i.refs = {{1, 0, false, {{0, 2, 0}, {2, 1, 0}, {3, 1, 1}}}};
	EXPECT_EQ(enc(h, Symmetry::tree), enc(i, Symmetry::tree));

	/* which page of a folio a PTE maps is never swapped away */
	Snapshot p0 = procs(1), p1 = procs(1);
	p0.folios = p1.folios = {mapped_folio(1, 1, 1, true)};
	p0.procs[0].ptes[0] = {1, 0, true};
	p1.procs[0].ptes[1] = {1, 1, true};
	EXPECT_NE(enc(p0, Symmetry::tree), enc(p1, Symmetry::tree));
}

TEST(Canonical, WhatAffectsTheFutureIsKept)
{
	Snapshot base = procs(1);
	base.folios = {order0(1, 1, true)};
	map(base, 0, 0, 1);

	Snapshot ro = base;
	ro.procs[0].ptes[0].writable = false;
	EXPECT_NE(enc(base), enc(ro));

	Snapshot shared = base;
	shared.folios[0].anon_exclusive = {false};
	EXPECT_NE(enc(base), enc(shared));

	/* MMF_HAS_PINNED survives the pin that set it */
	Snapshot pinned_once = base;
	pinned_once.pins.push_back({1, 0, true, {{0, 1, 0}}});
	EXPECT_NE(enc(base), enc(pinned_once));

	Snapshot queued = base;
	queued.folios[0].queued = true;
	queued.split_queue = {1};
	EXPECT_NE(enc(base), enc(queued));
}

TEST(Canonical, QueueOrderIsKept)
{
	Snapshot a = procs(1);
	a.folios = {order0(1, 1, true), order0(2, 1, true)};
	map(a, 0, 0, 1);
	map(a, 0, 1, 2);
	a.folios[1].refcount = 2; /* tell the two apart */
	Snapshot b = a;
	a.split_queue = {1, 2};
	b.split_queue = {2, 1};
	EXPECT_NE(enc(a), enc(b));
}

TEST(Canonical, HandlesAreRenamedAndReleasedOnesDropped)
{
	Snapshot a = procs(1);
	a.folios = {order0(1, 1, true), order0(2, 1, true)};
	map(a, 0, 0, 1);
	map(a, 0, 1, 2);
	Snapshot b = a;
	a.refs = {{1, 0, false, {{0, 1, 0}}}, {2, 0, false, {{1, 2, 0}}}};
	b.refs = {{1, 0, false, {{1, 2, 0}}}, {2, 0, false, {{0, 1, 0}}}};
	EXPECT_EQ(enc(a), enc(b));

	Snapshot c = a;
	c.refs = {{1, 0, true, {{1, 2, 0}}}, {2, 0, false, {{0, 1, 0}}}, {3, 0, false, {{1, 2, 0}}}};
	EXPECT_EQ(enc(a), enc(c));
	c.refs[0].released = false;
	EXPECT_NE(enc(a), enc(c));
}

TEST(Canonical, KernelSnapshotCountsWhenItDiffers)
{
	Snapshot s = procs(1);
	s.folios = {order0(1, 1, true)};
	map(s, 0, 0, 1);
	Snapshot k = s;
	k.folios[0].refcount = 2;
	Canonicalizer c(default_explore_config());
	std::vector<uint32_t> same, differ;
	c.encode(s, s, same);
	c.encode(s, k, differ);
	EXPECT_NE(same, differ);
	EXPECT_NE(c.fingerprint(s, s), c.fingerprint(s, k));
}

TEST(Canonical, ExitedProcessesAreAnonymous)
{
	/* a reference taken by p1, which exited; or by p2, which exited */
	Snapshot a = procs(3), b = procs(3);
	for (Snapshot *s : {&a, &b}) {
		s->procs[1].exited = s->procs[2].exited = true;
		s->folios = {order0(1, 1, false)};
		s->folios[0].refcount = 2;
		map(*s, 0, 0, 1);
	}
	a.refs = {{1, 1, false, {{0, 1, 0}}}};
	b.refs = {{1, 2, false, {{0, 1, 0}}}};
	EXPECT_EQ(enc(a), enc(b));
}

TEST(Canonical, HashSpreadsSmallDifferences)
{
	std::vector<uint32_t> w = {1, 2, 3, 4, 5};
	uint64_t h = hash_words(w.data(), w.size());
	w[4] = 6;
	EXPECT_NE(h, hash_words(w.data(), w.size()));
	EXPECT_NE(hash_words(w.data(), 4), hash_words(w.data(), 5));
}

} // namespace
} // namespace fc::explore
