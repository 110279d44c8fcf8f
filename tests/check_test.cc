// SPDX-License-Identifier: GPL-2.0
/*
 * check_test.cc - the checker on its own: every invariant on hand-built
 * Snapshots (one where it holds, one where it breaks), the differential on
 * Snapshots that differ in one field each, observe() and its errors, and the
 * Runner on short traces through both models.
 */
#include "model/check/runner.h"

#include <gtest/gtest.h>

#include <functional>

namespace fc {
namespace {

/* ------------------------------------------------------------ builders -- */

/*
 * A consistent world: p0 maps the order-2 anon folio f1 at 0x10..0x13 by
 * PTEs, writable and AnonExclusive, as `fault p0 0x10 anon order=2` leaves it.
 */
Snapshot base_snapshot()
{
	Snapshot s;
	FolioView f;
	f.id = 1;
	f.order = 2;
	f.refcount = 4;
	f.mapcount = 4;
	f.nr_pages_mapped = 4;
	f.page_mapcount = {1, 1, 1, 1};
	f.anon_exclusive = {true, true, true, true};
	s.folios.push_back(f);

	ProcView p;
	p.id = 0;
	for (uint32_t i = 0; i < 4; i++)
		p.ptes[0x10 + i] = PteView{1, i, true};
	p.rss_anon = 4;
	s.procs.push_back(p);
	return s;
}

/* An order-3 folio f1 PMD-mapped by p0 at 0x8 (pmd_order 3), head exclusive. */
Snapshot pmd_snapshot()
{
	Snapshot s;
	FolioView f;
	f.id = 1;
	f.order = 3;
	f.refcount = 1;
	f.mapcount = 1;
	f.entire_mapcount = 1;
	f.page_mapcount.assign(8, 1);
	f.anon_exclusive.assign(8, false);
	f.anon_exclusive[0] = true;
	f.queued = true;
	s.folios.push_back(f);
	s.split_queue = {1};

	ProcView p;
	p.id = 0;
	p.pmds[0x8] = PmdView{1, true};
	p.rss_anon = 8;
	s.procs.push_back(p);
	return s;
}

Config small_config()
{
	Config c;
	c.scope.pmd_order = 3;
	c.scope.max_order = 2;
	return c;
}

/* Add process @id with no mappings. */
ProcView &add_proc(Snapshot &s, ProcId id)
{
	ProcView p;
	p.id = id;
	s.procs.push_back(p);
	return s.procs.back();
}

HandleView pin_of(HandleId id, ProcId proc, std::vector<HandleView::Page> pages)
{
	HandleView h;
	h.id = id;
	h.proc = proc;
	h.pages = std::move(pages);
	return h;
}

bool broke(const std::vector<InvariantFailure> &fails, Invariant inv)
{
	for (const InvariantFailure &f : fails)
		if (f.invariant == inv)
			return true;
	return false;
}

std::string names(const std::vector<InvariantFailure> &fails)
{
	std::string s;
	for (const InvariantFailure &f : fails)
		s += std::string(invariant_name(f.invariant)) + ": " + f.detail + "\n";
	return s;
}

std::vector<InvariantFailure> settled(const Snapshot &s)
{
	return check_invariants(s, small_config(), true);
}

std::vector<InvariantFailure> unsettled(const Snapshot &s)
{
	return check_invariants(s, small_config(), false);
}

/* ---------------------------------------------------------- invariants -- */

TEST(Invariants, ConsistentWorldsHoldEverything)
{
	EXPECT_TRUE(settled(base_snapshot()).empty()) << names(settled(base_snapshot()));
	EXPECT_TRUE(settled(pmd_snapshot()).empty()) << names(settled(pmd_snapshot()));
	EXPECT_TRUE(settled(Snapshot{}).empty());
}

TEST(Invariants, MapcountLeRefcount)
{
	Snapshot s = base_snapshot();
	s.folios[0].refcount = 3;
	auto fails = unsettled(s);
	ASSERT_TRUE(broke(fails, Invariant::mapcount_le_refcount)) << names(fails);
	EXPECT_NE(fails[0].detail.find("mapcount 4 > refcount 3"), std::string::npos)
		<< fails[0].detail;

	s.folios[0].refcount = 4;
	EXPECT_FALSE(broke(unsettled(s), Invariant::mapcount_le_refcount));
	/* A freed folio is no_use_after_free's business, not this one's. */
	s.folios[0].freed = true;
	s.folios[0].refcount = 0;
	EXPECT_FALSE(broke(unsettled(s), Invariant::mapcount_le_refcount));
}

TEST(Invariants, PincountLeRefcount)
{
	Snapshot s = base_snapshot();
	s.folios[0].refcount = 6;
	s.folios[0].pincount = 2;
	s.folios[0].maybe_pinned = true;
	s.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}, {0x11, 1, 1}}));
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));

	s.folios[0].pincount = 7;
	auto fails = unsettled(s);
	EXPECT_TRUE(broke(fails, Invariant::pincount_le_refcount)) << names(fails);
}

TEST(Invariants, NoUseAfterFreeHoldsForACleanlyFreedFolio)
{
	Snapshot s = base_snapshot();
	s.procs[0].ptes.clear();
	s.procs[0].rss_anon = 0;
	FolioView &f = s.folios[0];
	f.freed = true;
	f.refcount = 0;
	f.mapcount = 0;
	f.nr_pages_mapped = 0;
	f.page_mapcount.assign(4, 0);
	f.anon_exclusive.assign(4, false);
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));
}

TEST(Invariants, NoUseAfterFreeBreaks)
{
	Snapshot clean = base_snapshot();
	clean.procs[0].ptes.clear();
	clean.procs[0].rss_anon = 0;
	clean.folios[0].freed = true;
	clean.folios[0].refcount = 0;
	clean.folios[0].mapcount = 0;

	std::vector<std::pair<const char *, std::function<void(Snapshot &)>>> cases = {
		{"freed but mapped", [](Snapshot &s) { s.procs[0].ptes[0x10] = {1, 0, false}; }},
		{"freed with mapcount", [](Snapshot &s) { s.folios[0].mapcount = 16; }},
		{"freed but pinned",
		 [](Snapshot &s) { s.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}})); }},
		{"freed but queued",
		 [](Snapshot &s) {
			 s.folios[0].queued = true;
			 s.split_queue = {1};
		 }},
		{"negative refcount", [](Snapshot &s) { s.folios[0].refcount = -1; }},
		{"live at refcount 0 and mapped",
		 [](Snapshot &s) {
			 s.folios[0].freed = false;
			 s.procs[0].ptes[0x10] = {1, 0, false};
		 }},
	};
	for (auto &[what, mutate] : cases) {
		Snapshot s = clean;
		mutate(s);
		auto fails = unsettled(s);
		EXPECT_TRUE(broke(fails, Invariant::no_use_after_free)) << what << "\n" << names(fails);
	}
	/* A released pin holds nothing. */
	Snapshot s = clean;
	s.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}}));
	s.pins[0].released = true;
	EXPECT_FALSE(broke(unsettled(s), Invariant::no_use_after_free));
}

TEST(Invariants, CountersMatchTablesOnlyWhenSettled)
{
	std::vector<std::pair<const char *, std::function<void(Snapshot &)>>> cases = {
		{"mapcount", [](Snapshot &s) { s.folios[0].mapcount = 3; }},
		{"nr_pages_mapped", [](Snapshot &s) { s.folios[0].nr_pages_mapped = 3; }},
		{"page_mapcount", [](Snapshot &s) { s.folios[0].page_mapcount[2] = 2; }},
		{"entire_mapcount", [](Snapshot &s) { s.folios[0].entire_mapcount = 1; }},
		{"refcount below the pins",
		 [](Snapshot &s) {
			 s.folios[0].refcount = 5;
			 s.folios[0].pincount = 2;
			 s.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}, {0x11, 1, 1}}));
		 }},
	};
	for (auto &[what, mutate] : cases) {
		Snapshot s = base_snapshot();
		mutate(s);
		EXPECT_TRUE(broke(settled(s), Invariant::counters_match_tables)) << what;
		EXPECT_FALSE(broke(unsettled(s), Invariant::counters_match_tables)) << what;
	}
	/* More references than the tables imply is fine (an mmu_gather holds them). */
	Snapshot s = base_snapshot();
	s.folios[0].refcount = 9;
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));

	/* An order-0 pin is GUP_PIN_COUNTING_BIAS references. */
	Snapshot o;
	FolioView f;
	f.id = 1;
	f.refcount = 1 + kGupPinCountingBias;
	f.mapcount = 1;
	f.nr_pages_mapped = 1;
	f.maybe_pinned = true;
	f.page_mapcount = {1};
	f.anon_exclusive = {true};
	o.folios.push_back(f);
	add_proc(o, 0).ptes[0x10] = {1, 0, true};
	o.procs[0].rss_anon = 1;
	o.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}}));
	EXPECT_TRUE(settled(o).empty()) << names(settled(o));
	o.folios[0].refcount = 2;
	EXPECT_TRUE(broke(settled(o), Invariant::counters_match_tables));
}

TEST(Invariants, WritableImpliesExclusive)
{
	Snapshot s = base_snapshot();
	s.folios[0].anon_exclusive[1] = false;
	auto fails = unsettled(s);
	ASSERT_TRUE(broke(fails, Invariant::writable_implies_exclusive)) << names(fails);
	EXPECT_NE(fails[0].detail.find("f1[1]"), std::string::npos) << fails[0].detail;

	s.procs[0].ptes[0x11].writable = false;
	EXPECT_FALSE(broke(unsettled(s), Invariant::writable_implies_exclusive));

	/* A file page may be writable without the bit. */
	Snapshot f = base_snapshot();
	f.folios[0].anon = false;
	f.folios[0].anon_exclusive.assign(4, false);
	EXPECT_FALSE(broke(unsettled(f), Invariant::writable_implies_exclusive));

	/* A writable PMD needs the head's bit, and only the head's. */
	Snapshot p = pmd_snapshot();
	EXPECT_FALSE(broke(unsettled(p), Invariant::writable_implies_exclusive));
	p.folios[0].anon_exclusive[0] = false;
	EXPECT_TRUE(broke(unsettled(p), Invariant::writable_implies_exclusive));
}

TEST(Invariants, ExclusiveSingleMm)
{
	/* After fork: both map f1[0] read-only. */
	Snapshot s = base_snapshot();
	s.procs[0].ptes[0x10].writable = false;
	s.folios[0].anon_exclusive[0] = false;
	add_proc(s, 1).ptes[0x10] = {1, 0, false};
	s.folios[0].refcount = s.folios[0].mapcount = 5;
	s.folios[0].page_mapcount[0] = 2;
	s.procs[1].rss_anon = 1;
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));

	s.folios[0].anon_exclusive[0] = true;
	auto fails = unsettled(s);
	ASSERT_TRUE(broke(fails, Invariant::exclusive_single_mm)) << names(fails);
	EXPECT_NE(fails[0].detail.find("p1 0x10"), std::string::npos) << fails[0].detail;

	/* Mapped twice by one process is as wrong. */
	Snapshot t = base_snapshot();
	t.procs[0].ptes[0x20] = {1, 3, false};
	EXPECT_TRUE(broke(unsettled(t), Invariant::exclusive_single_mm));
}

TEST(Invariants, PinnedAnonExclusive)
{
	Snapshot s = base_snapshot();
	s.folios[0].refcount = 5;
	s.folios[0].pincount = 1;
	s.folios[0].maybe_pinned = true;
	s.pins.push_back(pin_of(1, 0, {{0x12, 1, 2}}));
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));

	s.folios[0].anon_exclusive[2] = false;
	s.procs[0].ptes[0x12].writable = false;
	auto fails = unsettled(s);
	ASSERT_EQ(fails.size(), 1u) << names(fails);
	EXPECT_EQ(fails[0].invariant, Invariant::pinned_anon_exclusive);

	/* No longer mapped anywhere: nothing to keep exclusive. */
	s.procs[0].ptes.erase(0x12);
	EXPECT_FALSE(broke(unsettled(s), Invariant::pinned_anon_exclusive));

	/* Released pins do not count. */
	Snapshot r = base_snapshot();
	r.folios[0].anon_exclusive[2] = false;
	r.procs[0].ptes[0x12].writable = false;
	r.pins.push_back(pin_of(1, 0, {{0x12, 1, 2}}));
	r.pins[0].released = true;
	EXPECT_FALSE(broke(unsettled(r), Invariant::pinned_anon_exclusive));

	/* PMD-mapped: the head's bit is the one that counts. */
	Snapshot p = pmd_snapshot();
	p.pins.push_back(pin_of(1, 0, {{0xa, 1, 2}}));
	EXPECT_FALSE(broke(unsettled(p), Invariant::pinned_anon_exclusive));
	p.folios[0].anon_exclusive[0] = false;
	p.procs[0].pmds[0x8].writable = false;
	EXPECT_TRUE(broke(unsettled(p), Invariant::pinned_anon_exclusive));
}

TEST(Invariants, PartiallyMappedQueuedOnlyWhenSettled)
{
	Snapshot s = base_snapshot();
	s.procs[0].ptes.erase(0x12);
	s.procs[0].ptes.erase(0x13);
	s.procs[0].rss_anon = 2;
	s.folios[0].refcount = s.folios[0].mapcount = s.folios[0].nr_pages_mapped = 2;
	s.folios[0].page_mapcount = {1, 1, 0, 0};
	auto fails = settled(s);
	ASSERT_EQ(fails.size(), 1u) << names(fails);
	EXPECT_EQ(fails[0].invariant, Invariant::partially_mapped_queued);
	EXPECT_NE(fails[0].detail.find("2 of 4"), std::string::npos) << fails[0].detail;
	EXPECT_TRUE(unsettled(s).empty());

	s.folios[0].queued = true;
	s.folios[0].partially_mapped = true;
	s.split_queue = {1};
	EXPECT_TRUE(settled(s).empty()) << names(settled(s));

	/* Order 1 has no deferred list: deferred_split_folio() ignores it. */
	Snapshot o = base_snapshot();
	FolioView &f = o.folios[0];
	f.order = 1;
	f.refcount = f.mapcount = f.nr_pages_mapped = 1;
	f.page_mapcount = {1, 0};
	f.anon_exclusive = {true, true};
	o.procs[0].ptes = {{0x10, {1, 0, true}}};
	o.procs[0].rss_anon = 1;
	EXPECT_TRUE(settled(o).empty()) << names(settled(o));
}

TEST(Invariants, RssConsistent)
{
	Snapshot s = base_snapshot();
	s.procs[0].rss_anon = 3;
	auto fails = settled(s);
	ASSERT_EQ(fails.size(), 1u) << names(fails);
	EXPECT_EQ(fails[0].invariant, Invariant::rss_consistent);
	EXPECT_TRUE(unsettled(s).empty());

	/* A PMD counts 1 << pmd_order pages. */
	Snapshot p = pmd_snapshot();
	p.procs[0].rss_anon = 1;
	EXPECT_TRUE(broke(settled(p), Invariant::rss_consistent));

	/* File pages count in MM_FILEPAGES. */
	Snapshot f = base_snapshot();
	f.folios[0].anon = false;
	f.folios[0].anon_exclusive.assign(4, false);
	f.procs[0].ptes[0x10].writable = false;
	EXPECT_TRUE(broke(settled(f), Invariant::rss_consistent));
	f.procs[0].rss_anon = 0;
	f.procs[0].rss_file = 4;
	EXPECT_TRUE(settled(f).empty()) << names(settled(f));
}

TEST(Invariants, PinStaysMapped)
{
	Snapshot s = base_snapshot();
	s.pins.push_back(pin_of(1, 0, {{0x11, 1, 1}}));
	auto fails = check_page_replaced(s, PageReplaced{0, 0x11, 1, 1});
	ASSERT_EQ(fails.size(), 1u);
	EXPECT_EQ(fails[0].invariant, Invariant::pin_stays_mapped);
	EXPECT_NE(fails[0].detail.find("pin1"), std::string::npos) << fails[0].detail;

	/* Another page, another process, a released pin: nothing replaced under a pin. */
	EXPECT_TRUE(check_page_replaced(s, PageReplaced{0, 0x12, 1, 2}).empty());
	EXPECT_TRUE(check_page_replaced(s, PageReplaced{1, 0x11, 1, 1}).empty());
	s.pins[0].released = true;
	EXPECT_TRUE(check_page_replaced(s, PageReplaced{0, 0x11, 1, 1}).empty());
}

/* -------------------------------------------------------- differential -- */

TEST(Differential, IdenticalSnapshotsDoNotDiffer)
{
	EXPECT_TRUE(diff_snapshots(base_snapshot(), base_snapshot()).empty());
	EXPECT_TRUE(diff_snapshots(pmd_snapshot(), pmd_snapshot()).empty());
}

TEST(Differential, EachFieldIsOneNamedRow)
{
	struct Case {
		std::function<void(Snapshot &)> mutate;
		const char *observable;
		const char *reference;
		const char *kernel;
	};
	std::vector<Case> cases = {
		{[](Snapshot &s) { s.folios[0].refcount = 5; }, "refcount f1", "4", "5"},
		{[](Snapshot &s) { s.folios[0].mapcount = 3; }, "mapcount f1", "4", "3"},
		{[](Snapshot &s) { s.folios[0].entire_mapcount = 1; }, "entire_mapcount f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].nr_pages_mapped = 2; }, "nr_pages_mapped f1", "4", "2"},
		{[](Snapshot &s) { s.folios[0].pincount = 1; }, "pincount f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].maybe_pinned = true; }, "maybe_pinned f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].queued = true; }, "queued f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].partially_mapped = true; }, "partially_mapped f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].freed = true; }, "freed f1", "0", "1"},
		{[](Snapshot &s) { s.folios[0].order = 3; }, "order f1", "2", "3"},
		{[](Snapshot &s) { s.folios[0].anon = false; }, "anon f1", "1", "0"},
		{[](Snapshot &s) { s.folios[0].page_mapcount[3] = 2; }, "page_mapcount f1[3]", "1", "2"},
		{[](Snapshot &s) { s.folios[0].anon_exclusive[2] = false; }, "anon_exclusive f1[2]", "1", "0"},
		{[](Snapshot &s) { s.procs[0].ptes[0x11].page = 3; }, "mapped p0 0x11", "f1[1] rw", "f1[3] rw"},
		{[](Snapshot &s) { s.procs[0].ptes[0x11].writable = false; }, "mapped p0 0x11", "f1[1] rw", "f1[1] ro"},
		{[](Snapshot &s) { s.procs[0].ptes.erase(0x13); }, "mapped p0 0x13", "f1[3] rw", "none"},
		{[](Snapshot &s) { s.procs[0].pmds[0x8] = {1, false}; }, "mapped p0 0x8 (PMD)", "none", "PMD f1 ro"},
		{[](Snapshot &s) { s.procs[0].rss_anon = 5; }, "rss p0 anon", "4", "5"},
		{[](Snapshot &s) { s.procs[0].rss_file = 1; }, "rss p0 file", "0", "1"},
		{[](Snapshot &s) { s.procs[0].exited = true; }, "exited p0", "0", "1"},
		{[](Snapshot &s) { add_proc(s, 1); }, "processes", "1", "2"},
		{[](Snapshot &s) {
			 FolioView f;
			 f.id = 2;
			 s.folios.push_back(f);
		 }, "folios allocated", "1", "2"},
		{[](Snapshot &s) { s.split_queue = {1}; }, "split_queue", "empty", "f1"},
	};
	for (const Case &c : cases) {
		Snapshot k = base_snapshot();
		c.mutate(k);
		auto d = diff_snapshots(base_snapshot(), k);
		ASSERT_FALSE(d.empty()) << c.observable;
		EXPECT_EQ(d[0].observable, c.observable);
		EXPECT_EQ(d[0].reference, c.reference) << c.observable;
		EXPECT_EQ(d[0].kernel, c.kernel) << c.observable;
		/* one field, one row (a new folio also names itself) */
		EXPECT_LE(d.size(), 2u) << c.observable;
	}
}

TEST(Differential, HandlesAndQueueOrder)
{
	Snapshot r = base_snapshot();
	r.pins.push_back(pin_of(1, 0, {{0x10, 1, 0}}));
	r.refs.push_back(pin_of(1, 0, {{0x11, 1, 1}}));
	Snapshot k = r;
	k.pins[0].released = true;
	auto d = diff_snapshots(r, k);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0].observable, "pin1 released");

	k = r;
	k.refs[0].pages[0].page = 2;
	d = diff_snapshots(r, k);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0].observable, "ref1 pages");
	EXPECT_EQ(d[0].reference, "0x11=f1[1]");
	EXPECT_EQ(d[0].kernel, "0x11=f1[2]");

	r.folios.push_back(r.folios[0]);
	r.folios[1].id = 2;
	r.split_queue = {1, 2};
	k = r;
	k.split_queue = {2, 1};
	d = diff_snapshots(r, k);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0].observable, "split_queue");
	EXPECT_EQ(d[0].reference, "f1 f2");
	EXPECT_EQ(d[0].kernel, "f2 f1");
}

TEST(Differential, FreedFoliosCompareOnFreedAndQueuedOnly)
{
	Snapshot r = base_snapshot();
	r.folios[0].freed = true;
	Snapshot k = r;
	k.folios[0].refcount = 0;
	k.folios[0].mapcount = 7; /* the kernel leaves counters as they were */
	EXPECT_TRUE(diff_snapshots(r, k).empty());
	k.folios[0].queued = true;
	auto d = diff_snapshots(r, k);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0].observable, "queued f1");
}

/* A field with no row of its own (here a process's id) still diverges. */
TEST(Differential, UnlistedFieldsStillDiffer)
{
	Snapshot k = base_snapshot();
	k.procs[0].id = 5;
	auto d = diff_snapshots(base_snapshot(), k);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0].reference, "differs");
}

/* ------------------------------------------------------------- observe -- */

Observable obs(ObsKind k, FolioId f = 0, uint32_t page = 0)
{
	Observable o;
	o.kind = k;
	o.folio = f;
	o.page = page;
	return o;
}

Observable proc_obs(ObsKind k, ProcId p, Va va = 0)
{
	Observable o;
	o.kind = k;
	o.proc = p;
	o.va = va;
	return o;
}

TEST(Observe, FolioObservables)
{
	Snapshot s = base_snapshot();
	CostCounters c;
	ViolationCounts v;
	std::string err;
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::refcount, 1), &err), Value::of(4));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::page_mapcount, 1, 3), &err), Value::of(1));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::anon_exclusive, 1, 2), &err), Value::of(1));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::nr_pages_mapped, 1), &err), Value::of(4));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::freed, 1), &err), Value::of(0));
	EXPECT_TRUE(err.empty()) << err;
}

TEST(Observe, Errors)
{
	Snapshot s = base_snapshot();
	add_proc(s, 1).exited = true;
	CostCounters c;
	ViolationCounts v;
	auto error_of = [&](const Observable &o) {
		std::string err;
		auto val = observe(s, c, v, o, &err);
		EXPECT_FALSE(val.has_value()) << format_observable(o);
		return err;
	};
	EXPECT_NE(error_of(obs(ObsKind::refcount, 2)).find("no folio f2"), std::string::npos);
	EXPECT_NE(error_of(obs(ObsKind::refcount, 0)).find("no folio"), std::string::npos);
	EXPECT_NE(error_of(obs(ObsKind::page_mapcount, 1, 4)).find("f1[4]"), std::string::npos);
	EXPECT_NE(error_of(proc_obs(ObsKind::rss, 2)).find("no process p2"), std::string::npos);
	EXPECT_NE(error_of(proc_obs(ObsKind::mapped, 1, 0x10)).find("exited"), std::string::npos);

	s.folios[0].freed = true;
	EXPECT_NE(error_of(obs(ObsKind::refcount, 1)).find("freed"), std::string::npos);
	EXPECT_NE(error_of(obs(ObsKind::anon_exclusive, 1, 0)).find("freed"), std::string::npos);
	std::string err;
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::freed, 1), &err), Value::of(1));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::queued, 1), &err), Value::of(0));
}

TEST(Observe, MappingsRssAndCounters)
{
	Snapshot s = base_snapshot();
	s.procs[0].ptes[0x11].writable = false;
	ProcView &p1 = add_proc(s, 1);
	p1.pmds[0x8] = {1, true};
	s.folios[0].order = 3; /* p1's PMD spans 0x8..0xf */
	p1.rss_anon = 8;
	p1.rss_file = 2;
	CostCounters c{7, 3, 1};
	ViolationCounts v;
	v.by_invariant[static_cast<unsigned>(Invariant::rss_consistent)] = 2;
	std::string err;

	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::mapped, 0, 0x12), &err), Value::of_page(1, 2));
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::mapped, 0, 0x20), &err), Value::none());
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::mapped, 1, 0xb), &err), Value::of_page(1, 3));
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::mapped, 1, 0x10), &err), Value::none());
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::writable, 0, 0x10), &err), Value::of(1));
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::writable, 0, 0x11), &err), Value::of(0));
	EXPECT_EQ(observe(s, c, v, proc_obs(ObsKind::writable, 1, 0xf), &err), Value::of(1));
	Observable rss = proc_obs(ObsKind::rss, 1);
	EXPECT_EQ(observe(s, c, v, rss, &err), Value::of(8));
	rss.rss = RssKind::file;
	EXPECT_EQ(observe(s, c, v, rss, &err), Value::of(2));

	EXPECT_EQ(observe(s, c, v, obs(ObsKind::atomics), &err), Value::of(7));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::split_queue_locks), &err), Value::of(3));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::spurious_enqueues), &err), Value::of(1));
	EXPECT_EQ(observe(s, c, v, obs(ObsKind::violations), &err), Value::of(2));
	Observable one = obs(ObsKind::violation);
	one.invariant = Invariant::rss_consistent;
	EXPECT_EQ(observe(s, c, v, one, &err), Value::of(1));
	one.invariant = Invariant::mapcount_le_refcount;
	EXPECT_EQ(observe(s, c, v, one, &err), Value::of(0));
	EXPECT_TRUE(err.empty()) << err;
}

/* -------------------------------------------------------------- Runner -- */

TEST(Runner, CleanTraceWithExpects)
{
	Trace t = parse_trace("fault p0 0x10 anon order=4\n"
			      "expect refcount f1 == 16\n"
			      "munmap p0 0x10 pages=4\n"
			      "expect nr_pages_mapped f1 == 12\n"
			      "expect queued f1 == 1\n"
			      "expect mapped p0 0x14 == f1[4]\n"
			      "expect mapped p0 0x10 == none\n"
			      "expect violations == 0\n");
	TraceRun run = run_trace(t, Config{});
	EXPECT_FALSE(run.rejected_at);
	ASSERT_EQ(run.steps.size(), t.ops.size());
	for (const StepResult &s : run.steps)
		EXPECT_EQ(s.status, StepStatus::ok) << s.note;
	EXPECT_FALSE(run.runner.failed());
	EXPECT_EQ(run.runner.steps(), t.ops.size());
}

TEST(Runner, FailedExpectIsRecorded)
{
	Trace t = parse_trace("fault p0 0x10 anon order=2\n"
			      "expect refcount f1 == 5\n");
	TraceRun run = run_trace(t, Config{});
	ASSERT_EQ(run.steps.size(), 2u);
	EXPECT_EQ(run.steps[1].status, StepStatus::failed);
	ASSERT_EQ(run.runner.expect_failures().size(), 1u);
	EXPECT_EQ(run.runner.expect_failures()[0].step, 1u);
	EXPECT_NE(run.runner.expect_failures()[0].detail.find("got 4"), std::string::npos)
		<< run.runner.expect_failures()[0].detail;
	EXPECT_TRUE(run.runner.failed());
}

TEST(Runner, RejectionStopsAndAppliesNothing)
{
	Trace t = parse_trace("fault p0 0x10 anon order=2\n"
			      "fault p0 0x11 anon order=2\n"
			      "expect refcount f1 == 4\n");
	TraceRun run = run_trace(t, Config{});
	ASSERT_TRUE(run.rejected_at);
	EXPECT_EQ(*run.rejected_at, 1u);
	EXPECT_EQ(run.steps.size(), 2u);
	ASSERT_TRUE(run.steps[1].rejection);
	EXPECT_EQ(run.runner.kernel().snapshot().folios.size(), 1u);
	EXPECT_EQ(run.runner.reference().snapshot().folios.size(), 1u);
	EXPECT_EQ(run.runner.steps(), 1u);
}

/*
 * corpus/regressions/split_after_divergence.trace: past a divergence a
 * statement naming a folio only the reference model has runs on neither
 * model (the kernel model used to index past its folio table).
 */
TEST(Runner, StatementNamingWhatOnlyTheReferenceHasRunsNowhere)
{
	Trace t = parse_trace_file(std::string(FOLIOCHECK_SOURCE_DIR) +
				   "/corpus/regressions/split_after_divergence.trace");
	TraceRun run = run_trace(t, Config{});
	ASSERT_FALSE(run.rejected_at);
	ASSERT_TRUE(run.runner.divergence());
	EXPECT_EQ(run.runner.divergence()->step, 2u);
	ASSERT_GE(run.steps.size(), 5u);
	for (size_t i : {3u, 4u}) {
		EXPECT_EQ(run.steps[i].status, StepStatus::failed);
		EXPECT_NE(run.steps[i].note.find("not run on either model: the kernel model has no f2"),
			  std::string::npos)
			<< run.steps[i].note;
	}
	/* nothing ran: the reference still has f1 and f2, the kernel f1 */
	EXPECT_EQ(run.runner.kernel().snapshot().folios.size(), 1u);
	EXPECT_EQ(run.runner.reference().snapshot().folios.size(), 2u);
	EXPECT_FALSE(run.runner.reference().snapshot().folios[1].freed);
	EXPECT_EQ(run.runner.kernel().costs().atomics, 2u);
}

/*
 * The same statements with the differential comparison off (as the solver's
 * agreement test runs its Runners): the divergence goes unseen, but the
 * kernel model must still not be handed f2. Before the fix this read and
 * wrote past the kernel model's folio table (a `put` of a handle only the
 * reference had crashed solver_test).
 */
TEST(Runner, StatementNamingWhatOnlyTheReferenceHasRunsNowhereWithoutTheComparison)
{
	Trace t = parse_trace_file(std::string(FOLIOCHECK_SOURCE_DIR) +
				   "/corpus/regressions/split_after_divergence.trace");
	Runner r(t.config.apply(Config{}), RunnerOptions{true, false});
	/* the write breaks exclusive_single_mm (the mutant), unseen by the comparison */
	for (size_t i = 0; i < 3; i++)
		ASSERT_FALSE(r.step(t.ops[i]).rejection) << format_op(t.ops[i]);
	EXPECT_FALSE(r.divergence());
	for (size_t i : {3u, 4u}) {
		StepResult res = r.step(t.ops[i]);
		EXPECT_EQ(res.status, StepStatus::failed);
		EXPECT_NE(res.note.find("not run on either model: the kernel model has no f2 (the "
					"models have diverged; the differential comparison is off)"),
			  std::string::npos)
			<< res.note;
	}
	EXPECT_EQ(r.kernel().snapshot().folios.size(), 1u);
	EXPECT_EQ(r.reference().snapshot().folios.size(), 2u);
}

TEST(Runner, ExpectOnAFreedFolioCountIsARejection)
{
	Runner r{Config{}};
	ASSERT_EQ(r.step(parse_trace("fault p0 0x10 anon order=0").ops[0]).status, StepStatus::ok);
	ASSERT_EQ(r.step(parse_trace("munmap p0 0x10").ops[0]).status, StepStatus::ok);
	StepResult res = r.step(parse_trace("expect refcount f1 == 0").ops[0]);
	EXPECT_EQ(res.status, StepStatus::rejected);
	ASSERT_TRUE(res.rejection);
	EXPECT_NE(res.rejection->message.find("freed"), std::string::npos);
	EXPECT_EQ(r.step(parse_trace("expect freed f1 == 1").ops[0]).status, StepStatus::ok);
}

Config seed000_mutant()
{
	Config c;
	c.arch = Arch::no_gather;
	c.mutant = Mutant::zap_no_folio_get;
	return c;
}

/*
 * Seed 000: mapcount > refcount is only visible in the middle of the zap;
 * the Runner sees it at a visible point, once per step.
 */
TEST(Runner, ViolationAtAVisiblePointOncePerStep)
{
	Trace t = parse_trace("fault p0 0x10 anon order=4\n"
			      "munmap p0 0x10 pages=16\n"
			      "expect violation mapcount_le_refcount == 1\n");
	TraceRun run = run_trace(t, seed000_mutant());
	EXPECT_EQ(run.steps[1].status, StepStatus::failed);
	EXPECT_EQ(run.steps[2].status, StepStatus::ok);
	unsigned mapcount_reports = 0;
	for (const ViolationReport &v : run.runner.violations()) {
		EXPECT_EQ(v.step, 1u);
		if (v.invariant == Invariant::mapcount_le_refcount) {
			mapcount_reports++;
			EXPECT_NE(v.point, "end of operation");
			EXPECT_NE(v.detail.find("mapcount 16 > refcount 15"), std::string::npos)
				<< v.detail;
		}
	}
	EXPECT_EQ(mapcount_reports, 1u);
	EXPECT_EQ(run.runner.violation_counts().by_invariant[0], 1u);

	/* The same trace on the real v6.12 path is clean. */
	Config real;
	real.arch = Arch::no_gather;
	TraceRun clean = run_trace(t, real);
	EXPECT_TRUE(clean.runner.violations().empty());
	EXPECT_EQ(clean.steps[2].status, StepStatus::failed); /* the expect says 1 */
}

TEST(Runner, VisiblePointsCanBeSkipped)
{
	Trace t = parse_trace("fault p0 0x10 anon order=4\nmunmap p0 0x10 pages=16\n");
	RunnerOptions o;
	o.check_visible_points = false;
	TraceRun run = run_trace(t, seed000_mutant(), o);
	for (const ViolationReport &v : run.runner.violations()) {
		EXPECT_NE(v.invariant, Invariant::mapcount_le_refcount);
		EXPECT_EQ(v.point, "end of operation");
	}
}

/* A copy watches its own kernel model: the observer is re-pointed. */
TEST(Runner, CopiesObserveTheirOwnKernelModel)
{
	Runner a(seed000_mutant());
	a.step(parse_trace("fault p0 0x10 anon order=4").ops[0]);
	Runner b = a;
	Runner c(Config{});
	c = a;
	const Op zap = parse_trace("munmap p0 0x10 pages=16").ops[0];
	for (Runner *r : {&b, &c}) {
		r->step(zap);
		ASSERT_FALSE(r->violations().empty());
		EXPECT_EQ(r->violations()[0].invariant, Invariant::mapcount_le_refcount);
	}
	EXPECT_TRUE(a.violations().empty());
	EXPECT_EQ(a.kernel().snapshot().folios[0].freed, false);
}

TEST(Runner, FirstDivergenceIsKept)
{
	Config cfg;
	cfg.mutant = Mutant::dup_ignores_pin;
	Trace t = parse_trace("fault p0 0x10 anon order=0\n"
			      "pin p0 0x10\n"
			      "fork p0 p1\n"
			      "write p0 0x10\n");
	TraceRun run = run_trace(t, cfg);
	ASSERT_TRUE(run.runner.divergence());
	EXPECT_EQ(run.runner.divergence()->step, 2u);
	EXPECT_EQ(run.steps[2].status, StepStatus::failed);
	EXPECT_EQ(run.steps[3].status, StepStatus::failed);
	bool saw_refcount = false;
	for (const Difference &d : run.runner.divergence()->differences)
		saw_refcount |= d.observable == "refcount f1";
	EXPECT_TRUE(saw_refcount);

	RunnerOptions no_diff;
	no_diff.differential = false;
	EXPECT_FALSE(run_trace(t, cfg, no_diff).runner.divergence());
}

TEST(Runner, TraceConfigOverridesTheBase)
{
	Trace t = parse_trace("config arch=no_gather mutant=zap_no_folio_get\n"
			      "fault p0 0x10 anon order=4\n"
			      "munmap p0 0x10 pages=16\n");
	TraceRun run = run_trace(t, Config{});
	EXPECT_EQ(run.runner.config().arch, Arch::no_gather);
	EXPECT_EQ(run.runner.config().mutant, Mutant::zap_no_folio_get);
	EXPECT_TRUE(run.runner.failed());
}

} // namespace
} // namespace fc
