// SPDX-License-Identifier: GPL-2.0
/*
 * trace.h - the trace format of SPEC.md as data: statements, observables,
 * values, and the parser and printer that round-trip them.
 *
 * A trace is the one currency of foliocheck: every engine reports a violation
 * as a Trace that `foliocheck replay` runs.
 */
#pragma once

#include "model/types.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

/* Where a statement or one of its tokens came from (1-based; 0: generated). */
struct SourceLoc {
	uint32_t line = 0;
	uint32_t col = 0;
};

enum class OpKind : uint8_t {
	fault_anon,  /* fault P VA anon order=K [pmd] */
	file_create, /* file NAME pages=N [order=K] */
	fault_file,  /* fault P VA file=NAME [index=I] [pages=N] [private] [at=VA2] */
	read,        /* read P VA */
	write,       /* write P VA */
	fork,        /* fork P Q */
	munmap,      /* munmap P VA [pages=N] */
	madv_free,   /* madv_free P VA pages=N */
	mremap,      /* mremap P VA pages=N to=VA2 */
	mprotect,    /* mprotect P VA pages=N ro|rw */
	pin,         /* pin P VA [pages=N] [write] [longterm] */
	unpin,       /* unpin PIN */
	get,         /* get P VA [pages=N] */
	put,         /* put REF */
	split_pmd,   /* split_pmd P VA */
	split,       /* split FOLIO */
	shrink,      /* shrink */
	swapout,     /* swapout FOLIO */
	swapin,      /* swapin P VA */
	exit,        /* exit P */
	expect,      /* expect OBSERVABLE CMP VALUE */
	reclaim,     /* reclaim (issue 6: frees clean lazyfree folios) */
};

enum class ObsKind : uint8_t {
	refcount, mapcount, entire_mapcount, page_mapcount, nr_pages_mapped,
	pincount, maybe_pinned, anon_exclusive, queued, partially_mapped, freed,
	mapped, writable, rss, violations, violation, atomics, split_queue_locks,
	spurious_enqueues,
	lazyfree,    /* issue 6: MADV_FREE made the folio lazyfree (!PG_swapbacked) */
	young,       /* issue 6: young P VA, the accessed bit of the PTE/PMD (seed 004) */
};

enum class RssKind : uint8_t { anon, file };

/* An observable: `refcount f1`, `page_mapcount f1[3]`, `rss p0 anon`, ... */
struct Observable {
	ObsKind kind = ObsKind::refcount;
	FolioId folio = 0;     /* folio observables */
	uint32_t page = 0;     /* page_mapcount, anon_exclusive */
	ProcId proc = 0;       /* mapped, writable, young, rss */
	Va va = 0;             /* mapped, writable, young */
	RssKind rss = RssKind::anon;
	Invariant invariant = Invariant::mapcount_le_refcount; /* violation */

	bool operator==(const Observable &) const = default;
};

/* A value: an integer, a page `F[i]`, or `none` (answers of `mapped`). */
struct Value {
	enum class Kind : uint8_t { integer, page, none } kind = Kind::integer;
	int64_t integer = 0;
	FolioId folio = 0;
	uint32_t page = 0;

	static Value of(int64_t v) { return Value{Kind::integer, v, 0, 0}; }
	static Value of_page(FolioId f, uint32_t i) { return Value{Kind::page, 0, f, i}; }
	static Value none() { return Value{Kind::none, 0, 0, 0}; }
	bool operator==(const Value &) const = default;
};

enum class Cmp : uint8_t { eq, ne, le, ge, lt, gt };

/*
 * struct Op - one statement. Only the fields its kind uses are meaningful;
 * `pages` is 1 where the statement's `pages=` is optional and absent.
 */
struct Op {
	OpKind kind = OpKind::shrink;
	ProcId proc = 0;       /* P */
	ProcId proc2 = 0;      /* Q of fork */
	Va va = 0;             /* VA */
	Va va2 = 0;            /* to=VA2 of mremap */
	uint64_t pages = 1;    /* pages=N */
	uint64_t index = 0;    /* index=I of a file fault */
	uint64_t at = 0;       /* at=VA2 of a file fault: the faulting page is VA + at */
	unsigned order = 0;    /* order=K */
	bool pmd = false;      /* fault ... pmd */
	bool write = false;    /* pin ... write */
	bool longterm = false; /* pin ... longterm */
	bool is_private = false; /* fault ... file=NAME private */
	bool ro = false;       /* mprotect ... ro (false: rw) */
	FolioId folio = 0;     /* split / swapout FOLIO */
	HandleId handle = 0;   /* unpin PIN / put REF */
	std::string file;      /* file NAME / fault ... file=NAME */
	/* expect */
	Observable obs;
	Cmp cmp = Cmp::eq;
	Value value;

	SourceLoc loc;         /* where it was parsed; not compared */

	bool same_statement(const Op &o) const;
};

/* `config` settings of a trace; unset ones leave the command line's value. */
struct ConfigOverrides {
	std::optional<Variant> variant;
	std::optional<Arch> arch;
	std::optional<Mutant> mutant;
	std::optional<Prefault> prefault;
	std::optional<unsigned> pmd_order;
	std::optional<unsigned> max_order;
	std::optional<unsigned> max_procs;
	std::optional<Va> space;

	bool empty() const;
	/* Applies the overrides to @base and returns the result. */
	Config apply(Config base) const;
	bool operator==(const ConfigOverrides &) const = default;
};

struct Trace {
	ConfigOverrides config;
	std::vector<Op> ops;
};

/*
 * struct TraceError - bad input. what() is the full message in the form
 * `FILE:LINE:COL: error: WHAT`; the parts are kept for JSON output.
 */
class TraceError : public std::runtime_error {
public:
	TraceError(std::string file, SourceLoc loc, std::string what);
	const std::string &file() const { return file_; }
	SourceLoc loc() const { return loc_; }
	const std::string &message() const { return message_; }

private:
	std::string file_;
	SourceLoc loc_;
	std::string message_;
};

/*
 * parse_trace - parse trace text. @file names the input in error messages.
 * Throws TraceError on the first malformed statement; never anything else.
 */
Trace parse_trace(std::string_view text, const std::string &file = "<trace>");
/* parse_trace_file - read and parse a file; an unreadable file is a TraceError. */
Trace parse_trace_file(const std::string &path);

/* Printing: the canonical text form, which parse_trace reads back. */
std::string format_op(const Op &op);
std::string format_observable(const Observable &obs);
std::string format_value(const Value &v);
std::string format_cmp(Cmp c);
std::string format_trace(const Trace &t);

std::string folio_name(FolioId f);   /* "f3" */
std::string proc_name(ProcId p);     /* "p1" */
std::string page_name(FolioId f, uint32_t i); /* "f3[2]" */

bool compare_values(const Value &lhs, Cmp cmp, const Value &rhs);

} // namespace fc
