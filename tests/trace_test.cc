// SPDX-License-Identifier: GPL-2.0
/*
 * trace_test.cc - the trace format: names of the vocabulary, the parser on
 * well-formed and malformed input, the canonical printer and the round-trip
 * law parse(format_trace(t)) == t.
 */
#include "model/snapshot.h"
#include "model/trace.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fc {
namespace {

/* ---- names ------------------------------------------------------------- */

TEST(TraceNames, VariantArchMutantInvariantRoundTrip)
{
	const Variant variants[] = { Variant::v6_8, Variant::v6_12, Variant::mm_id, Variant::tuple,
				     Variant::unbatched };
	const char *vnames[] = { "v6_8", "v6_12", "mm_id", "tuple", "unbatched" };
	for (size_t i = 0; i < std::size(variants); i++) {
		EXPECT_EQ(variant_name(variants[i]), vnames[i]);
		EXPECT_EQ(parse_variant(vnames[i]), variants[i]);
	}
	EXPECT_EQ(arch_name(Arch::gather), "gather");
	EXPECT_EQ(arch_name(Arch::no_gather), "no_gather");
	EXPECT_EQ(parse_arch("no_gather"), Arch::no_gather);
	EXPECT_EQ(parse_mutant("none"), Mutant::none);
	EXPECT_EQ(mutant_name(Mutant::none), "none");

	const char *inames[] = { "mapcount_le_refcount", "pincount_le_refcount",
				 "no_use_after_free", "counters_match_tables",
				 "writable_implies_exclusive", "exclusive_single_mm",
				 "pinned_anon_exclusive", "pin_stays_mapped",
				 "partially_mapped_queued", "rss_consistent" };
	ASSERT_EQ(std::size(inames), kNrInvariants);
	for (unsigned i = 0; i < kNrInvariants; i++) {
		EXPECT_EQ(invariant_name(static_cast<Invariant>(i)), inames[i]);
		EXPECT_EQ(parse_invariant(inames[i]), static_cast<Invariant>(i));
	}

	EXPECT_FALSE(parse_variant("V6_12"));
	EXPECT_FALSE(parse_variant(""));
	EXPECT_FALSE(parse_arch("x86"));
	EXPECT_FALSE(parse_mutant("zap"));
	EXPECT_FALSE(parse_invariant("count_"));
	EXPECT_EQ(variant_name(static_cast<Variant>(200)), "?");
}

TEST(TraceNames, MutantCatalogue)
{
	const auto &cat = mutant_catalogue();
	/* the nine starter mutants, then the ones later paths added, in enum order */
	ASSERT_GE(cat.size(), 9u);
	std::set<std::string_view> names;
	for (size_t i = 0; i < cat.size(); i++) {
		const MutantInfo &m = cat[i];
		/* catalogue order is enum order, none excluded */
		EXPECT_EQ(static_cast<size_t>(m.mutant), i + 1);
		EXPECT_EQ(m.name, mutant_name(m.mutant));
		EXPECT_EQ(parse_mutant(m.name), m.mutant);
		EXPECT_FALSE(m.breaks.empty()) << m.name;
		names.insert(m.name);
		/* needs is a config body the parser accepts */
		if (!m.needs.empty()) {
			const Trace t = parse_trace("config " + std::string(m.needs));
			EXPECT_FALSE(t.config.empty()) << m.name;
		}
	}
	EXPECT_EQ(names.size(), cat.size());
	EXPECT_EQ(cat[0].needs, "arch=no_gather");
	EXPECT_EQ(cat[1].needs, "arch=no_gather");
	EXPECT_EQ(parse_trace("config " + std::string(cat[0].needs)).config.arch, Arch::no_gather);
}

TEST(TraceNames, Printers)
{
	EXPECT_EQ(folio_name(3), "f3");
	EXPECT_EQ(proc_name(1), "p1");
	EXPECT_EQ(page_name(3, 2), "f3[2]");
	EXPECT_EQ(format_value(Value::of(-5)), "-5");
	EXPECT_EQ(format_value(Value::of_page(7, 0)), "f7[0]");
	EXPECT_EQ(format_value(Value::none()), "none");
	EXPECT_EQ(format_cmp(Cmp::le), "<=");
	EXPECT_EQ(format_cmp(Cmp::gt), ">");
}

TEST(Snapshot, LookupsByName)
{
	Snapshot s;
	s.folios.resize(2);
	s.folios[0].id = 1;
	s.folios[1].id = 2;
	s.procs.resize(1);
	EXPECT_EQ(s.folio(0), nullptr);
	EXPECT_EQ(s.folio(1)->id, 1u);
	EXPECT_EQ(s.folio(2)->id, 2u);
	EXPECT_EQ(s.folio(3), nullptr);
	EXPECT_EQ(s.proc(0), &s.procs[0]);
	EXPECT_EQ(s.proc(1), nullptr);
	EXPECT_EQ(s.proc(0xffffffffu), nullptr);
}

/* ---- parsing well-formed text ------------------------------------------ */

const Op &only_op(const Trace &t)
{
	EXPECT_EQ(t.ops.size(), 1u);
	static const Op empty;
	return t.ops.empty() ? empty : t.ops[0];
}

TEST(TraceParse, EveryStatementsFields)
{
	Op op = only_op(parse_trace("fault p1 0x200 anon pmd order=9"));
	EXPECT_EQ(op.kind, OpKind::fault_anon);
	EXPECT_EQ(op.proc, 1u);
	EXPECT_EQ(op.va, 0x200u);
	EXPECT_EQ(op.order, 9u);
	EXPECT_TRUE(op.pmd);

	op = only_op(parse_trace("fault p0 16 pages=3 private file=lib.so-1 index=0x4"));
	EXPECT_EQ(op.kind, OpKind::fault_file);
	EXPECT_EQ(op.va, 16u);
	EXPECT_EQ(op.file, "lib.so-1");
	EXPECT_EQ(op.index, 4u);
	EXPECT_EQ(op.pages, 3u);
	EXPECT_TRUE(op.is_private);

	op = only_op(parse_trace("fault p0 16 file=x"));
	EXPECT_EQ(op.pages, 1u);
	EXPECT_EQ(op.index, 0u);
	EXPECT_FALSE(op.is_private);

	op = only_op(parse_trace("file _data pages=64 order=2"));
	EXPECT_EQ(op.kind, OpKind::file_create);
	EXPECT_EQ(op.file, "_data");
	EXPECT_EQ(op.pages, 64u);
	EXPECT_EQ(op.order, 2u);

	op = only_op(parse_trace("fork p0 p12"));
	EXPECT_EQ(op.kind, OpKind::fork);
	EXPECT_EQ(op.proc2, 12u);

	op = only_op(parse_trace("munmap p0 0x10"));
	EXPECT_EQ(op.kind, OpKind::munmap);
	EXPECT_EQ(op.pages, 1u);

	op = only_op(parse_trace("mremap p2 0x10 to=0x40 pages=4"));
	EXPECT_EQ(op.kind, OpKind::mremap);
	EXPECT_EQ(op.proc, 2u);
	EXPECT_EQ(op.va2, 0x40u);
	EXPECT_EQ(op.pages, 4u);

	op = only_op(parse_trace("mprotect p0 0 ro pages=2"));
	EXPECT_TRUE(op.ro);
	op = only_op(parse_trace("mprotect p0 0 pages=2 rw"));
	EXPECT_FALSE(op.ro);

	op = only_op(parse_trace("pin p0 0x10 longterm pages=4 write"));
	EXPECT_EQ(op.kind, OpKind::pin);
	EXPECT_TRUE(op.write);
	EXPECT_TRUE(op.longterm);
	EXPECT_EQ(op.pages, 4u);

	op = only_op(parse_trace("unpin pin3"));
	EXPECT_EQ(op.kind, OpKind::unpin);
	EXPECT_EQ(op.handle, 3u);
	op = only_op(parse_trace("put ref10"));
	EXPECT_EQ(op.kind, OpKind::put);
	EXPECT_EQ(op.handle, 10u);

	op = only_op(parse_trace("split f4"));
	EXPECT_EQ(op.kind, OpKind::split);
	EXPECT_EQ(op.folio, 4u);

	op = only_op(parse_trace("expect mapped p1 0x2e != none"));
	EXPECT_EQ(op.obs.kind, ObsKind::mapped);
	EXPECT_EQ(op.obs.proc, 1u);
	EXPECT_EQ(op.obs.va, 0x2eu);
	EXPECT_EQ(op.cmp, Cmp::ne);
	EXPECT_EQ(op.value, Value::none());

	op = only_op(parse_trace("expect page_mapcount f2[511] >= -0x10"));
	EXPECT_EQ(op.obs.kind, ObsKind::page_mapcount);
	EXPECT_EQ(op.obs.folio, 2u);
	EXPECT_EQ(op.obs.page, 511u);
	EXPECT_EQ(op.value, Value::of(-16));

	op = only_op(parse_trace("expect rss p3 file < 9223372036854775807"));
	EXPECT_EQ(op.obs.rss, RssKind::file);
	EXPECT_EQ(op.value.integer, INT64_MAX);
	op = only_op(parse_trace("expect atomics > -9223372036854775808"));
	EXPECT_EQ(op.value.integer, INT64_MIN);

	op = only_op(parse_trace("expect violation pin_stays_mapped == 1"));
	EXPECT_EQ(op.obs.invariant, Invariant::pin_stays_mapped);
}

TEST(TraceParse, LayoutCommentsCrlfLocations)
{
	const Trace t = parse_trace("# header\r\n"
				    "\r\n"
				    "   \t# indented comment\n"
				    "config  pmd_order=3\tarch=no_gather\r\n"
				    "config variant=unbatched\n"
				    "\t fault\tp0   8 anon order=3 pmd\r\n"
				    "\n"
				    "  shrink", "x.trace");
	EXPECT_EQ(t.config.pmd_order, 3u);
	EXPECT_EQ(t.config.arch, Arch::no_gather);
	EXPECT_EQ(t.config.variant, Variant::unbatched);
	EXPECT_FALSE(t.config.mutant);
	ASSERT_EQ(t.ops.size(), 2u);
	EXPECT_EQ(t.ops[0].loc.line, 6u);
	EXPECT_EQ(t.ops[0].loc.col, 3u);
	EXPECT_EQ(t.ops[1].kind, OpKind::shrink);
	EXPECT_EQ(t.ops[1].loc.line, 8u);
	EXPECT_EQ(t.ops[1].loc.col, 3u);

	EXPECT_TRUE(parse_trace("").ops.empty());
	EXPECT_TRUE(parse_trace("\n\n# only comments\n").config.empty());
}

TEST(TraceParse, ConfigKeysAndApply)
{
	const Trace t = parse_trace("config variant=unbatched arch=gather mutant=none pmd_order=12 "
				    "max_order=0 procs=3 space=0x100");
	const ConfigOverrides &c = t.config;
	EXPECT_EQ(c.variant, Variant::unbatched);
	EXPECT_EQ(c.arch, Arch::gather);
	EXPECT_EQ(c.mutant, Mutant::none);
	EXPECT_EQ(c.pmd_order, 12u);
	EXPECT_EQ(c.max_order, 0u);
	EXPECT_EQ(c.max_procs, 3u);
	EXPECT_EQ(c.space, 256u);

	Config base;
	base.mutant = Mutant::cow_reuse_shared;
	const Config out = c.apply(base);
	EXPECT_EQ(out.variant, Variant::unbatched);
	EXPECT_EQ(out.mutant, Mutant::none);
	EXPECT_EQ(out.scope.pmd_order, 12u);
	EXPECT_EQ(out.scope.max_order, 0u);
	EXPECT_EQ(out.scope.max_procs, 3u);
	EXPECT_EQ(out.scope.space, 256u);

	/* unset overrides leave the base alone */
	ConfigOverrides only_arch;
	only_arch.arch = Arch::no_gather;
	EXPECT_FALSE(only_arch.empty());
	EXPECT_TRUE(ConfigOverrides{}.empty());
	const Config kept = only_arch.apply(base);
	EXPECT_EQ(kept.mutant, Mutant::cow_reuse_shared);
	EXPECT_EQ(kept.variant, Variant::v6_12);
	EXPECT_EQ(kept.arch, Arch::no_gather);
	EXPECT_EQ(kept.scope.pmd_order, 9u);
}

/* seed 004: config prefault=, fault … at=, expect young */
TEST(TraceParse, PrefaultFaultAtAndYoung)
{
	EXPECT_EQ(prefault_name(Prefault::young), "young");
	EXPECT_EQ(prefault_name(Prefault::old), "old");
	EXPECT_EQ(parse_prefault("old"), Prefault::old);
	EXPECT_FALSE(parse_prefault("Old"));
	EXPECT_EQ(Config{}.prefault, Prefault::young);   /* x86 */

	const Trace t = parse_trace("config prefault=old\n"
				    "fault p0 0x20 file=a pages=8 at=0x27\n"
				    "expect young p1 0x27 == 1\n");
	EXPECT_EQ(t.config.prefault, Prefault::old);
	EXPECT_FALSE(t.config.empty());
	EXPECT_EQ(t.config.apply(Config{}).prefault, Prefault::old);
	ConfigOverrides none;
	Config base;
	base.prefault = Prefault::old;
	EXPECT_EQ(none.apply(base).prefault, Prefault::old);
	ASSERT_EQ(t.ops.size(), 2u);
	EXPECT_EQ(t.ops[0].at, 7u);
	EXPECT_EQ(t.ops[1].obs.kind, ObsKind::young);
	EXPECT_EQ(t.ops[1].obs.proc, 1u);
	EXPECT_EQ(t.ops[1].obs.va, 0x27u);
	/* canonical text: at= after private, left out at its default VA */
	EXPECT_EQ(format_trace(t), "config prefault=old\n"
				   "fault p0 0x20 file=a pages=8 at=0x27\n"
				   "expect young p1 0x27 == 1\n");
	EXPECT_EQ(format_op(parse_trace("fault p0 0x20 file=a pages=8 at=0x20").ops[0]),
		  "fault p0 0x20 file=a pages=8");
	EXPECT_EQ(format_op(parse_trace("fault p0 0x20 at=0x21 private file=a pages=2").ops[0]),
		  "fault p0 0x20 file=a pages=2 private at=0x21");
	/* at= is part of the statement */
	const Trace u = parse_trace("fault p0 0x20 file=a pages=8 at=0x21\n"
				    "fault p0 0x20 file=a pages=8\n"
				    "expect writable p1 0x27 == 1\n");
	EXPECT_FALSE(u.ops[0].same_statement(u.ops[1]));
	EXPECT_FALSE(u.ops[0].same_statement(t.ops[0]));
	EXPECT_FALSE(u.ops[2].same_statement(t.ops[1]));

	/* the mutant of seed 004 needs the arch that wants old prefaulted PTEs */
	const MutantInfo &m = mutant_catalogue().back();
	EXPECT_EQ(m.mutant, Mutant::pte_range_young_once);
	EXPECT_EQ(m.needs, "prefault=old");
	EXPECT_EQ(parse_trace("config " + std::string(m.needs)).config.prefault, Prefault::old);
}

/* ---- the round-trip law ------------------------------------------------ */

void expect_round_trip(const Trace &t)
{
	const std::string text = format_trace(t);
	Trace back;
	try {
		back = parse_trace(text, "<round trip>");
	} catch (const TraceError &e) {
		FAIL() << e.what() << "\n" << text;
	}
	EXPECT_EQ(back.config, t.config) << text;
	ASSERT_EQ(back.ops.size(), t.ops.size()) << text;
	for (size_t i = 0; i < t.ops.size(); i++)
		EXPECT_TRUE(back.ops[i].same_statement(t.ops[i]))
			<< format_op(t.ops[i]) << " came back as " << format_op(back.ops[i]);
	/* printing is canonical: a second trip prints the same text */
	EXPECT_EQ(format_trace(back), text);
}

TEST(TraceRoundTrip, EveryStatementAndObservableFromText)
{
	/* canonical spellings; the printer must give these lines back verbatim */
	const std::string text =
		"config variant=unbatched arch=no_gather mutant=unpin_once_per_folio pmd_order=3 "
		"max_order=2 procs=5 space=64\n"
		"fault p0 0x10 anon order=4\n"
		"fault p0 0x200 anon order=9 pmd\n"
		"file lib.so pages=8 order=2\n"
		"fault p1 0x40 file=lib.so index=3 pages=2 private\n"
		"fault p1 0x40 file=lib.so\n"
		"read p0 0x0\n"
		"write p1 0xff\n"
		"fork p0 p1\n"
		"munmap p0 0x10 pages=16\n"
		"munmap p0 0x10\n"
		"madv_free p0 0x10 pages=1\n"
		"mremap p0 0x10 pages=4 to=0x80\n"
		"mprotect p0 0x10 pages=4 ro\n"
		"mprotect p0 0x10 pages=4 rw\n"
		"pin p0 0x10 pages=4 write longterm\n"
		"pin p0 0x10\n"
		"unpin pin1\n"
		"get p1 0x3 pages=2\n"
		"put ref2\n"
		"split_pmd p0 0x200\n"
		"split f3\n"
		"shrink\n"
		"swapout f2\n"
		"swapin p0 0x10\n"
		"exit p1\n"
		"expect refcount f1 == 16\n"
		"expect mapcount f1 != 0\n"
		"expect entire_mapcount f2 <= 1\n"
		"expect page_mapcount f1[3] >= 1\n"
		"expect nr_pages_mapped f1 < 17\n"
		"expect pincount f1 > -1\n"
		"expect maybe_pinned f1 == 1\n"
		"expect anon_exclusive f1[15] == 0\n"
		"expect queued f1 == 0\n"
		"expect partially_mapped f1 == 0\n"
		"expect freed f4 == 1\n"
		"expect mapped p0 0x10 == f1[0]\n"
		"expect mapped p0 0x11 == none\n"
		"expect writable p1 0x40 == 1\n"
		"expect rss p0 anon == 16\n"
		"expect rss p1 file == 2\n"
		"expect violations == 0\n"
		"expect violation rss_consistent == 0\n"
		"expect atomics == 12\n"
		"expect split_queue_locks == 2\n"
		"expect spurious_enqueues == 0\n";
	const Trace t = parse_trace(text);
	EXPECT_EQ(format_trace(t), text);
	expect_round_trip(t);

	std::set<OpKind> kinds;
	std::set<ObsKind> observables;
	for (const Op &op : t.ops) {
		kinds.insert(op.kind);
		if (op.kind == OpKind::expect)
			observables.insert(op.obs.kind);
	}
	EXPECT_EQ(kinds.size(), static_cast<size_t>(OpKind::expect) + 1);
	EXPECT_EQ(observables.size(), static_cast<size_t>(ObsKind::spurious_enqueues) + 1);
}

/*
 * random_op - an op of kind @k with random fields in the ranges the parser
 * accepts; fields the kind does not use get random garbage too, which
 * same_statement must ignore.
 */
Op random_op(std::mt19937_64 &rng, OpKind k)
{
	auto pick = [&](uint64_t n) { return rng() % n; };
	auto big = [&]() -> uint64_t {
		switch (pick(4)) {
		case 0: return pick(16);
		case 1: return pick(1 << 20);
		case 2: return UINT64_MAX - pick(3);
		default: return rng();
		}
	};
	static const char *files[] = { "a", "lib.so", "_x-1.2", "Z" };
	Op op;
	/* garbage everywhere first */
	op.proc = static_cast<ProcId>(rng());
	op.proc2 = static_cast<ProcId>(rng());
	op.va = rng();
	op.va2 = rng();
	op.pages = rng() | 1;
	op.index = rng();
	op.order = static_cast<unsigned>(pick(13));
	op.pmd = pick(2);
	op.write = pick(2);
	op.longterm = pick(2);
	op.is_private = pick(2);
	op.ro = pick(2);
	op.folio = static_cast<FolioId>(pick(1000) + 1);
	op.handle = static_cast<HandleId>(pick(1000) + 1);
	op.file = files[pick(std::size(files))];
	op.loc = SourceLoc{ static_cast<uint32_t>(pick(100)), static_cast<uint32_t>(pick(100)) };

	op.kind = k;
	op.va = big();
	op.va2 = big();
	op.pages = std::max<uint64_t>(1, big());
	if (pick(3) == 0)
		op.pages = 1;
	op.index = pick(2) ? 0 : big();
	op.proc = pick(2) ? static_cast<ProcId>(pick(8)) : static_cast<ProcId>(rng());
	if (k == OpKind::file_create && pick(2))
		op.order = 0;
	if (k == OpKind::unpin || k == OpKind::put || k == OpKind::split || k == OpKind::swapout)
		op.handle = op.folio = static_cast<uint32_t>(std::max<uint64_t>(1, rng() >> 32));
	if (k == OpKind::expect) {
		op.obs.kind = static_cast<ObsKind>(pick(static_cast<uint64_t>(ObsKind::spurious_enqueues) + 1));
		op.obs.folio = static_cast<FolioId>(pick(1u << 31) + 1);
		op.obs.page = static_cast<uint32_t>(rng());
		op.obs.proc = static_cast<ProcId>(pick(10));
		op.obs.va = big();
		op.obs.rss = pick(2) ? RssKind::anon : RssKind::file;
		op.obs.invariant = static_cast<Invariant>(pick(kNrInvariants));
		op.cmp = static_cast<Cmp>(pick(6));
		if (op.obs.kind == ObsKind::mapped) {
			op.cmp = pick(2) ? Cmp::eq : Cmp::ne;
			op.value = pick(2) ? Value::none()
					   : Value::of_page(static_cast<FolioId>(pick(100) + 1),
							    static_cast<uint32_t>(pick(512)));
		} else {
			op.value = Value::of(static_cast<int64_t>(rng()));
		}
	}
	return op;
}

TEST(TraceRoundTrip, RandomOpsOfEveryKind)
{
	std::mt19937_64 rng(20240601);
	for (int round = 0; round < 40; round++) {
		Trace t;
		if (round % 2) {
			t.config.variant = rng() % 2 ? Variant::v6_12 : Variant::unbatched;
			t.config.mutant = static_cast<Mutant>(rng() % 10);
			t.config.pmd_order = static_cast<unsigned>(rng() % 12 + 1);
			t.config.space = rng() % (uint64_t{1} << 32);
		}
		if (round % 3 == 0) {
			t.config.arch = static_cast<Arch>(rng() % 2);
			t.config.max_order = static_cast<unsigned>(rng() % 13);
			t.config.max_procs = static_cast<unsigned>(rng() % 1024 + 1);
		}
		for (unsigned k = 0; k <= static_cast<unsigned>(OpKind::expect); k++)
			for (int n = 0; n < 3; n++)
				t.ops.push_back(random_op(rng, static_cast<OpKind>(k)));
		expect_round_trip(t);
	}
}

TEST(TraceRoundTrip, SameStatementComparesWhatTheTextCarries)
{
	Op a = only_op(parse_trace("pin p0 0x10 pages=4 write"));
	Op b = a;
	b.loc = SourceLoc{ 99, 7 };
	EXPECT_TRUE(a.same_statement(b));
	b.folio = 5; /* pin does not name a folio */
	EXPECT_TRUE(a.same_statement(b));
	b = a;
	b.longterm = true;
	EXPECT_FALSE(a.same_statement(b));
	b = a;
	b.pages = 5;
	EXPECT_FALSE(a.same_statement(b));
	b = a;
	b.proc = 1;
	EXPECT_FALSE(a.same_statement(b));
	b = a;
	b.kind = OpKind::get;
	EXPECT_FALSE(a.same_statement(b));

	Op e = only_op(parse_trace("expect mapped p0 0x10 == f1[2]"));
	Op f = e;
	f.value = Value::of_page(1, 3);
	EXPECT_FALSE(e.same_statement(f));
	f = e;
	f.obs.va = 0x11;
	EXPECT_FALSE(e.same_statement(f));
	f = e;
	f.obs.folio = 9; /* mapped names a process and a VA, not a folio */
	EXPECT_TRUE(e.same_statement(f));
	f = e;
	f.cmp = Cmp::ne;
	EXPECT_FALSE(e.same_statement(f));

	Op g = only_op(parse_trace("fault p0 0 file=a"));
	Op h = g;
	h.file = "b";
	EXPECT_FALSE(g.same_statement(h));
}

TEST(TraceRoundTrip, CorpusFilesParseAndRoundTrip)
{
	namespace fs = std::filesystem;
	size_t files = 0;
	for (const char *dir : { "scenarios", "mutants", "regressions" }) {
		const fs::path d = fs::path(FOLIOCHECK_SOURCE_DIR) / "corpus" / dir;
		if (!fs::exists(d))
			continue;
		for (const auto &e : fs::directory_iterator(d)) {
			if (e.path().extension() != ".trace")
				continue;
			SCOPED_TRACE(e.path().string());
			Trace t;
			ASSERT_NO_THROW(t = parse_trace_file(e.path().string()));
			EXPECT_FALSE(t.ops.empty());
			expect_round_trip(t);
			files++;
		}
	}
	EXPECT_GT(files, 10u);
}

/* ---- compare_values ---------------------------------------------------- */

TEST(TraceValues, CompareValues)
{
	const Value one = Value::of(1), two = Value::of(2), neg = Value::of(-3);
	EXPECT_TRUE(compare_values(one, Cmp::eq, Value::of(1)));
	EXPECT_FALSE(compare_values(one, Cmp::eq, two));
	EXPECT_TRUE(compare_values(one, Cmp::ne, two));
	EXPECT_TRUE(compare_values(one, Cmp::lt, two));
	EXPECT_FALSE(compare_values(two, Cmp::lt, two));
	EXPECT_TRUE(compare_values(two, Cmp::le, two));
	EXPECT_TRUE(compare_values(neg, Cmp::le, one));
	EXPECT_TRUE(compare_values(two, Cmp::gt, neg));
	EXPECT_FALSE(compare_values(neg, Cmp::gt, neg));
	EXPECT_TRUE(compare_values(neg, Cmp::ge, neg));
	EXPECT_FALSE(compare_values(neg, Cmp::ge, one));

	const Value p = Value::of_page(1, 2), q = Value::of_page(1, 3), r = Value::of_page(2, 2);
	EXPECT_TRUE(compare_values(p, Cmp::eq, Value::of_page(1, 2)));
	EXPECT_FALSE(compare_values(p, Cmp::eq, q));
	EXPECT_FALSE(compare_values(p, Cmp::eq, r));
	EXPECT_TRUE(compare_values(p, Cmp::ne, q));
	EXPECT_FALSE(compare_values(p, Cmp::ne, p));
	EXPECT_TRUE(compare_values(Value::none(), Cmp::eq, Value::none()));
	EXPECT_FALSE(compare_values(Value::none(), Cmp::eq, p));
	EXPECT_TRUE(compare_values(p, Cmp::ne, Value::none()));
	/* a page has no order, and an integer is never a page */
	EXPECT_FALSE(compare_values(p, Cmp::le, p));
	EXPECT_FALSE(compare_values(p, Cmp::lt, q));
	EXPECT_FALSE(compare_values(Value::none(), Cmp::ge, Value::none()));
	EXPECT_FALSE(compare_values(Value::of(0), Cmp::eq, Value::none()));
	EXPECT_TRUE(compare_values(Value::of(0), Cmp::ne, Value::none()));
}

/* ---- malformed input --------------------------------------------------- */

struct BadCase {
	const char *what;    /* the kind of mistake */
	std::string text;
	uint32_t line, col;
	const char *fragment; /* part of the message */
};

class TraceErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(TraceErrors, NamesLineColumnAndWhatWasExpected)
{
	const BadCase &c = GetParam();
	try {
		parse_trace(c.text, "t.trace");
		FAIL() << c.what << ": parsed without error";
	} catch (const TraceError &e) {
		EXPECT_EQ(e.file(), "t.trace");
		EXPECT_EQ(e.loc().line, c.line) << e.what();
		EXPECT_EQ(e.loc().col, c.col) << e.what();
		EXPECT_NE(e.message().find(c.fragment), std::string::npos) << e.what();
		const std::string prefix = "t.trace:" + std::to_string(c.line) + ":" +
					   std::to_string(c.col) + ": error: ";
		EXPECT_EQ(std::string(e.what()), prefix + e.message());
		EXPECT_LT(e.message().size(), 600u) << "messages stay short on huge input";
	}
}

const BadCase kBadCases[] = {
	{ "unknown statement", "shrink\nfaults p0 0 anon order=0", 2, 1,
	  "unknown statement 'faults'; expected one of: config, fault" },
	{ "missing argument", "fault p0", 1, 9, "expected a virtual page number, got end of line" },
	{ "missing argument after spaces", "fork p0   ", 1, 8, "expected a process name like p0, got end of line" },
	{ "missing observable argument", "expect refcount", 1, 16, "expected a folio name like f1" },
	{ "missing value", "expect refcount f1 ==", 1, 22, "expected a value" },
	{ "extra token", "read p0 0x10 junk", 1, 14, "unexpected extra token 'junk'" },
	{ "trailing comment", "shrink # note", 1, 8, "unexpected extra token '#'" },
	{ "extra token after expect", "expect violations == 0 0", 1, 24, "unexpected extra token '0'" },
	{ "bad number", "read p0 0x1g", 1, 9,
	  "expected a virtual page number (decimal or 0x-hex), got '0x1g'" },
	{ "bare 0x", "read p0 0x", 1, 9, "got '0x'" },
	{ "negative VA", "read p0 -1", 1, 9, "got '-1'" },
	{ "decimal overflow", "read p0 18446744073709551616", 1, 9, "overflows 64 bits" },
	{ "hex overflow", "munmap p0 0 pages=0x10000000000000000", 1, 19, "overflows 64 bits" },
	{ "value overflow", "expect atomics == -9223372036854775809", 1, 19,
	  "does not fit in a signed 64-bit value" },
	{ "unknown key", "munmap p0 0 page=4", 1, 13, "unknown option 'page'; expected one of: pages=N" },
	{ "unknown key of fault anon", "fault p0 0 anon file=x order=0", 1, 17,
	  "unknown option 'file'; expected one of: order=K, pmd" },
	{ "duplicate key", "munmap p0 0 pages=4 pages=5", 1, 21, "duplicate option 'pages'" },
	{ "duplicate flag", "pin p0 0 write write", 1, 16, "duplicate option 'write'" },
	{ "missing value after '='", "munmap p0 0 pages=", 1, 19, "missing value after 'pages='" },
	{ "option without '='", "munmap p0 0 pages", 1, 13, "needs a value, like pages=N" },
	{ "flag with a value", "fault p0 0 anon order=1 pmd=1", 1, 25, "option 'pmd' takes no value" },
	{ "empty key", "munmap p0 0 =4", 1, 13, "expected an option" },
	{ "missing required option", "fault p0 0 anon pmd", 1, 20, "missing option order=K" },
	{ "missing pages= of madv_free", "madv_free p0 0", 1, 15, "missing option pages=N" },
	{ "missing to= of mremap", "mremap p0 0 pages=2", 1, 20, "missing option to=VA2" },
	{ "zero pages", "get p0 0 pages=0", 1, 16, "must be at least 1" },
	{ "order too large", "fault p0 0 anon order=13", 1, 23, "folio order must be at most 12" },
	{ "neither anon nor file", "fault p0 0 order=2", 1, 12, "expected 'anon' or file=NAME, got 'order=2'" },
	{ "bad file name", "file 9lives pages=1", 1, 6, "expected a file name" },
	{ "bad process name", "# c\n\nfork p0 q1", 3, 9, "expected a process name like p0, got 'q1'" },
	{ "process number with leading zero", "exit p01", 1, 6, "expected a process name like p0" },
	{ "process number too large", "exit p4294967296", 1, 6, "too large" },
	{ "folio zero", "split f0", 1, 7, "expected a folio name like f1 (numbered from 1), got 'f0'" },
	{ "pin zero", "unpin pin0", 1, 7, "expected a pin name like pin1" },
	{ "ref name for unpin", "unpin ref1", 1, 7, "expected a pin name like pin1" },
	{ "bad reference name", "put r1", 1, 5, "expected a reference name like ref1" },
	{ "bad page reference", "expect page_mapcount f1[ == 1", 1, 22, "expected a page like f1[0], got 'f1['" },
	{ "page reference without index", "expect anon_exclusive f1[] == 1", 1, 23, "expected a page like f1[0]" },
	{ "bad page value", "expect mapped p0 0 == f1[x]", 1, 23, "expected a page like f1[0]" },
	{ "unknown observable", "expect refcnt f1 == 1", 1, 8, "unknown observable 'refcnt'; expected one of: refcount" },
	{ "bad rss kind", "expect rss p0 shmem == 0", 1, 15, "expected 'anon' or 'file', got 'shmem'" },
	{ "bad comparison", "expect refcount f1 = 1", 1, 20, "expected a comparison (== != <= >= < >), got '='" },
	{ "page value with <", "expect mapped p0 0x10 < f1[0]", 1, 23, "only be compared with == or !=" },
	{ "none with >=", "expect mapped p0 0x10 >= none", 1, 23, "only be compared with == or !=" },
	{ "integer for mapped", "expect mapped p0 0x10 == 3", 1, 26, "mapped gives a page like f1[0] or none" },
	{ "page for an integer observable", "expect refcount f1 == f1[0]", 1, 23, "refcount gives an integer" },
	{ "bad value", "expect refcount f1 == many", 1, 23, "expected a value: an integer" },
	{ "config after an operation", "shrink\n# c\nconfig arch=gather", 3, 1,
	  "config must come before every other statement (line 1" },
	{ "config key set twice", "config arch=gather\nconfig pmd_order=2 arch=no_gather", 2, 20,
	  "config key 'arch' already set on line 1" },
	{ "empty config", "config", 1, 7, "expected KEY=VALUE after config" },
	{ "unknown config key", "config color=red", 1, 8, "unknown option 'color'" },
	{ "unknown variant", "config variant=v7", 1, 16, "unknown variant 'v7'; expected one of: v6_8, v6_12, mm_id, tuple, unbatched" },
	{ "variant not modelled", "config variant=mm_id", 1, 16, "variant 'mm_id' is named by SPEC but not modelled yet; modelled: v6_12, unbatched" },
	{ "unknown arch", "config arch=x86", 1, 13, "unknown arch 'x86'; expected one of: gather, no_gather" },
	{ "unknown mutant", "config mutant=zap", 1, 15, "unknown mutant 'zap'; expected one of: none, zap_no_folio_get" },
	{ "unknown mutant lists the last", "config mutant=zap", 1, 15, "madv_free_skips_batch_check, pte_range_young_once" },
	{ "unknown prefault", "config prefault=new", 1, 17, "unknown prefault 'new'; expected one of: young, old" },
	{ "at= before the range", "fault p0 0x20 file=a pages=4 at=0x1f", 1, 33,
	  "at=VA2 must be a page of the range [VA, VA+pages), got '0x1f'" },
	{ "at= past the range", "fault p0 0x20 file=a at=0x21", 1, 25, "at=VA2 must be a page of the range" },
	{ "young without a VA", "expect young p0 == 1", 1, 17, "expected a virtual page number (decimal or 0x-hex), got '=='" },
	{ "pmd_order out of range", "config pmd_order=0", 1, 18, "pmd_order must be between 1 and 12" },
	{ "max_order out of range", "config max_order=13", 1, 18, "max_order must be between 0 and 12" },
	{ "procs out of range", "config procs=0", 1, 14, "procs must be between 1 and 1024" },
	{ "space out of range", "config space=0x100000001", 1, 14, "space must be between 0 and 4294967296" },
	{ "unknown invariant", "expect violation refcount_ok == 1", 1, 18,
	  "unknown invariant 'refcount_ok'; expected one of: mapcount_le_refcount" },
	{ "mprotect without ro|rw", "mprotect p0 0 pages=1", 1, 22, "missing ro or rw" },
	{ "mprotect with both", "mprotect p0 0 rw pages=1 ro", 1, 26, "not both" },
	{ "binary garbage", std::string("\x01\xff\0zz", 5), 1, 1, "unknown statement '\\x01\\xff\\x00zz'" },
	{ "NUL inside a token", std::string("read p0 1\0", 10), 1, 9, "got '1\\x00'" },
	{ "CR inside a line", "shrink\r\nread p0\r0\r\n", 2, 6, "got 'p0\\x0d0'" },
	{ "tab columns", "read\tp0\tq", 1, 9, "got 'q'" },
	{ "huge token", "read p0 " + std::string(1 << 20, '9'), 1, 9, "overflows 64 bits" },
	{ "huge bad token", "read p0 " + std::string(1 << 20, 'z'), 1, 9, "zzz..." },
	{ "many tokens", "shrink" + [] { std::string s; for (int i = 0; i < 100000; i++) s += " a"; return s; }(),
	  1, 8, "unexpected extra token 'a'" },
};

INSTANTIATE_TEST_SUITE_P(Malformed, TraceErrors, ::testing::ValuesIn(kBadCases),
			 [](const ::testing::TestParamInfo<BadCase> &info) {
				 std::string n;
				 for (const char *p = info.param.what; *p; p++)
					 n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
				 return n + "_" + std::to_string(info.index);
			 });

TEST(TraceErrors, MessageFormatExample)
{
	try {
		parse_trace("shrink\nshrink\nfork p0 q1\n", "t.trace");
		FAIL();
	} catch (const TraceError &e) {
		EXPECT_STREQ(e.what(), "t.trace:3:9: error: expected a process name like p0, got 'q1'");
	}
}

TEST(TraceErrors, MissingFileNamesTheFile)
{
	const std::string path = ::testing::TempDir() + "/no-such-dir/absent.trace";
	try {
		parse_trace_file(path);
		FAIL() << "no error for a missing file";
	} catch (const TraceError &e) {
		EXPECT_EQ(e.file(), path);
		EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
		EXPECT_NE(e.message().find("cannot open"), std::string::npos) << e.what();
	}

	/* a directory opens but does not read */
	try {
		parse_trace_file(::testing::TempDir());
		FAIL() << "no error for a directory";
	} catch (const TraceError &e) {
		EXPECT_NE(std::string(e.what()).find(::testing::TempDir()), std::string::npos);
	}
}

TEST(TraceErrors, FileErrorsCarryTheFileName)
{
	const std::string path = ::testing::TempDir() + "/trace_test_bad.trace";
	{
		std::ofstream out(path, std::ios::binary);
		out << "fault p0 0x10 anon order=4\r\nmunmap p0 0x10 pages=zz\r\n";
	}
	try {
		parse_trace_file(path);
		FAIL();
	} catch (const TraceError &e) {
		EXPECT_EQ(std::string(e.what()),
			  path + ":2:22: error: expected a page count (decimal or 0x-hex), got 'zz'");
	}
	std::filesystem::remove(path);
}

/*
 * Any bytes: the parser either returns a trace that round-trips or throws a
 * TraceError, never anything else. Inputs are random mixtures of trace
 * fragments and raw bytes, so many get deep into the statement grammar.
 */
TEST(TraceErrors, RandomInputOnlyTraceErrors)
{
	static const char *frags[] = {
		"fault", "file", "read", "write", "fork", "munmap", "madv_free", "mremap",
		"mprotect", "pin", "unpin", "get", "put", "split_pmd", "split", "shrink",
		"swapout", "swapin", "exit", "expect", "config", "p0", "p1", "p99999999999",
		"0x10", "16", "0x", "-", "anon", "order=2", "order=", "pmd", "file=a", "index=1",
		"pages=4", "pages=0", "private", "to=0x20", "ro", "rw", "write", "longterm",
		"pin1", "ref1", "f1", "f1[0]", "f1[", "none", "==", "<", "!=", "refcount",
		"mapped", "rss", "violation", "mapcount_le_refcount", "variant=v6_8",
		"arch=no_gather", "mutant=none", "pmd_order=3", "space=8", "procs=2", "#",
		" ", " ", " ", "\t", "\n", "\n", "\r\n", "=", "[", "]",
	};
	std::mt19937_64 rng(7);
	size_t parsed = 0, rejected = 0;
	for (int i = 0; i < 20000; i++) {
		std::string s;
		const int n = static_cast<int>(rng() % 24);
		for (int j = 0; j < n; j++) {
			if (rng() % 8 == 0)
				s += static_cast<char>(rng() & 0xff);
			else
				s += frags[rng() % std::size(frags)];
			if (rng() % 2)
				s += ' ';
		}
		try {
			const Trace t = parse_trace(s, "fuzz");
			parsed++;
			const Trace back = parse_trace(format_trace(t), "fuzz-back");
			ASSERT_EQ(back.ops.size(), t.ops.size()) << s;
			ASSERT_EQ(back.config, t.config) << s;
			for (size_t k = 0; k < t.ops.size(); k++)
				ASSERT_TRUE(back.ops[k].same_statement(t.ops[k])) << s;
		} catch (const TraceError &e) {
			rejected++;
			ASSERT_EQ(std::string(e.what()).rfind("fuzz:", 0), 0u) << e.what();
		} catch (...) {
			FAIL() << "non-TraceError exception on input: " << ::testing::PrintToString(s);
		}
	}
	/* the mixture must exercise both outcomes */
	EXPECT_GT(parsed, 100u);
	EXPECT_GT(rejected, 1000u);
}

} // namespace
} // namespace fc
