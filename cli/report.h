// SPDX-License-Identifier: GPL-2.0
/*
 * report.h - what `foliocheck replay` found, and its two renderings: text
 * for a person at a terminal, one JSON object for a script.
 *
 * A ReplayReport is built once from a run (replay_trace) and printed either
 * way, so the human and the JSON output always carry the same content.
 */
#pragma once

#include "model/check/runner.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace fc::cli {

/* One statement that ran (or was rejected). */
struct StepRecord {
	size_t index = 0;                  /* 0-based step */
	SourceLoc loc;
	std::string statement;             /* canonical text (format_op) */
	std::string note;                  /* outcome note, or "" */
	std::vector<Difference> changes;   /* kernel model: observable | before | after */
	bool is_expect = false;
	bool expect_held = false;
	std::string expect_value;          /* what the observable was */
	std::vector<ViolationReport> violations;      /* broken in this step */
	std::optional<DivergenceReport> divergence;   /* first divergence, at this step */
	size_t still_differ = 0;           /* observables differing after an earlier divergence */
};

struct ReplayReport {
	std::string file;
	Config config;
	std::vector<std::string> notes;    /* flags the trace's config overrode */
	std::vector<StepRecord> steps;
	std::vector<ViolationReport> violations;
	std::optional<DivergenceReport> divergence;
	std::vector<ExpectFailure> expect_failures;
	size_t expects = 0;                /* expect statements run */
	Snapshot final_kernel;             /* for the folio summary */
	CostCounters costs;

	/* Bad input: a TraceError or a rejected statement. */
	struct Error {
		std::string file;
		SourceLoc loc;
		std::string message;
		std::string rendered;      /* FILE:LINE:COL: error: MESSAGE */
	};
	std::optional<Error> error;

	/* 0 every check held, 1 one failed, 2 bad input. */
	int exit_code() const;
};

/*
 * replay_trace - run @trace (its config lines already applied to @cfg by the
 * caller) statement by statement, recording what changed in the kernel model
 * and every check's outcome. Stops at the first rejected statement, which
 * becomes the report's error.
 */
ReplayReport replay_trace(const std::string &file, const Trace &trace, const Config &cfg);

/* A ReplayReport for input that did not parse. */
ReplayReport replay_error(const TraceError &e);

/*
 * print_report - the human report. @quiet leaves out the steps that went
 * well and the folio summary: failures and the result line remain. A
 * report with an error ends at the rejected step; the caller prints the
 * error (on stderr, in the FILE:LINE:COL form compilers use).
 */
void print_report(const ReplayReport &r, std::FILE *out, bool quiet);

/* print_report_json - the same content as one JSON object, one line. */
void print_report_json(const ReplayReport &r, std::FILE *out);

/*
 * format_folio_summary - one line per folio in the style of dump_page():
 * "f1 order=4 anon refcount=16 mapcount=16 ... exclusive=1111111111111111"
 * (long bitmaps run-length compressed, e.g. "512x1"); freed folios briefly.
 */
std::vector<std::string> format_folio_summary(const Snapshot &snap);

/* Long AnonExclusive bitmaps as runs: "1111" stays, 512 ones become "512x1". */
std::string format_bitmap(const std::vector<bool> &bits);

/*
 * compress_changes - merge rows that differ only in a page index or a VA
 * that advance together ("mapped p0 0x10".."mapped p0 0x1f": none -> f1[0]
 * rw .. f1[15] rw) into one row "mapped p0 0x10..0x1f: none -> f1[0..15] rw".
 */
std::vector<Difference> compress_changes(const std::vector<Difference> &rows);

/* A small JSON writer: objects, arrays, properly escaped strings. */
class JsonWriter {
public:
	explicit JsonWriter(std::string &out) : out_(out) {}

	void begin_object();
	void end_object();
	void begin_array();
	void end_array();
	void key(const std::string &k);
	void value(const std::string &s);
	void value(const char *s) { value(std::string(s)); }
	void value(long long v);
	void value(unsigned long long v);
	void value(int v) { value(static_cast<long long>(v)); }
	void value(long v) { value(static_cast<long long>(v)); }
	void value(unsigned v) { value(static_cast<unsigned long long>(v)); }
	void value(unsigned long v) { value(static_cast<unsigned long long>(v)); }
	void value(double v);
	void value(bool b);
	void null();

	static std::string escape(const std::string &s);

private:
	void comma();

	std::string &out_;
	std::vector<bool> first_;  /* per open container: no element yet */
	bool after_key_ = false;
};

} // namespace fc::cli
