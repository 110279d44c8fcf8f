// SPDX-License-Identifier: GPL-2.0
/*
 * trace_parse.cc - the trace parser: SPEC.md's statement table and
 * observables, read from any byte string.
 *
 * Grammar (one statement per line; see trace_lex.h for lines and tokens):
 *
 *   statement := KEYWORD positional* option*
 *   option    := KEY=VALUE | FLAG         (any order, each at most once)
 *
 * The positional arguments of each statement come first, in the order of
 * its usage string (kStatements below); options follow in any order. The
 * first malformed token stops the parse with a TraceError naming its line
 * and column and what was expected there; a missing token is reported at
 * the column just past the last token of the line.
 *
 * The parser only checks what the text can tell: spelling, ranges of
 * numbers, known names. Whether a statement is legal in the state it runs
 * in (a VA already mapped, a folio that does not exist yet) is for the
 * models to decide when the trace is replayed.
 */
#include "model/trace.h"
#include "model/trace_lex.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <span>

namespace fc {

/* ---- errors ------------------------------------------------------------ */

/*
 * render_error - "FILE:LINE:COL: error: WHAT"; an error about the file as a
 * whole (line 0: it could not be read) is "FILE: error: WHAT".
 */
static std::string render_error(const std::string &file, SourceLoc loc, const std::string &what)
{
	if (loc.line == 0)
		return file + ": error: " + what;
	return file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col) +
	       ": error: " + what;
}

TraceError::TraceError(std::string file, SourceLoc loc, std::string what)
	: std::runtime_error(render_error(file, loc, what)), file_(std::move(file)), loc_(loc),
	  message_(std::move(what))
{
}

namespace {

using lex::NumStatus;
using lex::quote;
using lex::Token;

/* Largest folio order a trace may name, and the largest pmd_order. */
constexpr uint64_t kMaxOrder = 12;
/* Largest `config procs=`: generous for generators, small enough to bound them. */
constexpr uint64_t kMaxProcs = 1024;
/* Largest `config space=`, in pages (16 TiB of 4 KiB pages). */
constexpr uint64_t kMaxSpace = uint64_t{1} << 32;

/* ---- options ----------------------------------------------------------- */

/* struct OptSpec - an option a statement takes: `key=VALUE` or a bare flag. */
struct OptSpec {
	std::string_view key;
	bool flag;
	std::string_view shape; /* as messages spell it: "pages=N", "pmd" */
};

/* struct OptHit - an option as found on the line. */
struct OptHit {
	bool present = false;
	std::string_view value; /* empty for a flag */
	uint32_t col = 0;       /* column of the value; of the flag itself for flags */
	uint32_t key_col = 0;   /* column of the token */
};

std::string shapes(std::span<const OptSpec> specs)
{
	std::string s;
	for (const OptSpec &o : specs) {
		if (!s.empty())
			s += ", ";
		s += o.shape;
	}
	return s;
}

/*
 * class StatementParser - reads the tokens of one line left to right and
 * throws the TraceError for the first one that does not fit.
 */
class StatementParser {
public:
	StatementParser(const std::string &file, const lex::Line &line) : file_(file), line_(line) {}

	[[noreturn]] void fail(uint32_t col, const std::string &msg) const
	{
		throw TraceError(file_, SourceLoc{line_.number, col}, msg);
	}

	uint32_t line_number() const { return line_.number; }
	uint32_t end_col() const { return line_.end_col; }

	/* take - the next token; "expected @expected, got end of line" if none */
	const Token &take(std::string_view expected)
	{
		if (pos_ < line_.count)
			return line_.tokens[pos_++];
		if (line_.truncated)
			fail(line_.end_col, "too many tokens on one line");
		fail(line_.end_col, "expected " + std::string(expected) + ", got end of line");
	}

	void unget() { pos_--; }

	/* rest_has_key - does a token from the current one on start with "@key="? */
	bool rest_has_key(std::string_view key) const
	{
		for (size_t i = pos_; i < line_.count; i++) {
			const std::string_view t = line_.tokens[i].text;
			if (t.size() > key.size() && t.substr(0, key.size()) == key && t[key.size()] == '=')
				return true;
		}
		return false;
	}

	/* expect_end - a statement without options: nothing may follow */
	void expect_end(std::string_view usage)
	{
		if (pos_ < line_.count) {
			const Token &t = line_.tokens[pos_];
			fail(t.col, "unexpected extra token " + quote(t.text) + " (usage: " +
					    std::string(usage) + ")");
		}
		if (line_.truncated)
			fail(line_.end_col, "too many tokens on one line");
	}

	void options(std::span<const OptSpec> specs, OptHit *hits, std::string_view usage);
	void require(const OptHit &hit, const OptSpec &spec, std::string_view usage) const
	{
		if (!hit.present)
			fail(line_.end_col, "missing option " + std::string(spec.shape) + " (usage: " +
						    std::string(usage) + ")");
	}

	uint64_t u64_at(std::string_view s, uint32_t col, std::string_view what) const;
	uint64_t count_at(std::string_view s, uint32_t col, std::string_view what) const;
	unsigned order_at(std::string_view s, uint32_t col) const;
	std::string file_name_at(std::string_view s, uint32_t col) const;

	ProcId proc();
	Va va();
	FolioId folio();
	void page(FolioId *folio, uint32_t *page);
	HandleId handle(std::string_view prefix, std::string_view what);

private:
	const std::string &file_;
	const lex::Line &line_;
	size_t pos_ = 0;
};

/*
 * options - read the rest of the line as options of @specs into @hits
 * (indexed like @specs). Unknown, repeated and malformed options are errors.
 */
void StatementParser::options(std::span<const OptSpec> specs, OptHit *hits,
			      std::string_view usage)
{
	for (; pos_ < line_.count; pos_++) {
		const Token &t = line_.tokens[pos_];
		const size_t eq = t.text.find('=');
		const std::string_view key = t.text.substr(0, eq);
		if (key.empty())
			fail(t.col, "expected an option (" + shapes(specs) + "), got " + quote(t.text));

		size_t i = 0;
		while (i < specs.size() && specs[i].key != key)
			i++;
		if (i == specs.size()) {
			if (specs.empty())
				fail(t.col, "unexpected extra token " + quote(t.text) + " (usage: " +
						    std::string(usage) + ")");
			if (eq != std::string_view::npos)
				fail(t.col, "unknown option " + quote(key) + "; expected one of: " +
						    shapes(specs));
			fail(t.col, "unexpected token " + quote(t.text) + "; expected one of: " +
					    shapes(specs) + " (usage: " + std::string(usage) + ")");
		}

		const OptSpec &spec = specs[i];
		OptHit &hit = hits[i];
		if (hit.present)
			fail(t.col, "duplicate option " + quote(key));
		if (spec.flag && eq != std::string_view::npos)
			fail(t.col, "option " + quote(key) + " takes no value");
		if (!spec.flag && eq == std::string_view::npos)
			fail(t.col, "option " + quote(key) + " needs a value, like " +
					    std::string(spec.shape));
		hit.present = true;
		hit.key_col = t.col;
		if (spec.flag) {
			hit.col = t.col;
			continue;
		}
		hit.value = t.text.substr(eq + 1);
		hit.col = t.col + static_cast<uint32_t>(eq) + 1;
		if (hit.value.empty())
			fail(hit.col, "missing value after " + quote(t.text) + ": expected " +
					      std::string(spec.shape));
	}
	if (line_.truncated)
		fail(line_.end_col, "too many tokens on one line");
}

/* u64_at - a number (decimal or 0x-hex) describing @what */
uint64_t StatementParser::u64_at(std::string_view s, uint32_t col, std::string_view what) const
{
	uint64_t v = 0;
	switch (lex::parse_u64(s, &v)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		fail(col, "number " + quote(s) + " overflows 64 bits");
	case NumStatus::bad:
		fail(col, "expected " + std::string(what) + " (decimal or 0x-hex), got " + quote(s));
	}
	return v;
}

/* count_at - a page count: a number of at least 1 */
uint64_t StatementParser::count_at(std::string_view s, uint32_t col, std::string_view what) const
{
	const uint64_t v = u64_at(s, col, what);
	if (v == 0)
		fail(col, std::string(what) + " must be at least 1, got " + quote(s));
	return v;
}

unsigned StatementParser::order_at(std::string_view s, uint32_t col) const
{
	const uint64_t v = u64_at(s, col, "a folio order");
	if (v > kMaxOrder)
		fail(col, "folio order must be at most " + std::to_string(kMaxOrder) + ", got " +
				  quote(s));
	return static_cast<unsigned>(v);
}

std::string StatementParser::file_name_at(std::string_view s, uint32_t col) const
{
	if (!lex::is_file_name(s))
		fail(col, "expected a file name ([A-Za-z_][A-Za-z0-9_.-]*), got " + quote(s));
	return std::string(s);
}

ProcId StatementParser::proc()
{
	const Token &t = take("a process name like p0");
	uint32_t p = 0;
	switch (lex::parse_name_number(t.text, "p", 0, &p)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		fail(t.col, "process number in " + quote(t.text) + " is too large");
	case NumStatus::bad:
		fail(t.col, "expected a process name like p0, got " + quote(t.text));
	}
	return p;
}

Va StatementParser::va()
{
	const Token &t = take("a virtual page number");
	return u64_at(t.text, t.col, "a virtual page number");
}

FolioId StatementParser::folio()
{
	const Token &t = take("a folio name like f1");
	uint32_t f = 0;
	switch (lex::parse_name_number(t.text, "f", 1, &f)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		fail(t.col, "folio number in " + quote(t.text) + " is too large");
	case NumStatus::bad:
		fail(t.col, "expected a folio name like f1 (numbered from 1), got " + quote(t.text));
	}
	return f;
}

void StatementParser::page(FolioId *folio, uint32_t *page)
{
	const Token &t = take("a page like f1[0]");
	switch (lex::parse_page_name(t.text, folio, page)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		fail(t.col, "number in page " + quote(t.text) + " is too large");
	case NumStatus::bad:
		fail(t.col, "expected a page like f1[0], got " + quote(t.text));
	}
}

/* handle - a pin ("pin1") or reference ("ref1") name, numbered from 1 */
HandleId StatementParser::handle(std::string_view prefix, std::string_view what)
{
	const std::string expected = "a " + std::string(what) + " name like " +
				     std::string(prefix) + "1";
	const Token &t = take(expected);
	uint32_t h = 0;
	switch (lex::parse_name_number(t.text, prefix, 1, &h)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		fail(t.col, std::string(what) + " number in " + quote(t.text) + " is too large");
	case NumStatus::bad:
		fail(t.col, "expected " + expected + " (numbered from 1), got " + quote(t.text));
	}
	return h;
}

/* ---- statements -------------------------------------------------------- */

constexpr std::string_view kUsageFaultAnon = "fault P VA anon order=K [pmd]";
constexpr std::string_view kUsageFaultFile =
	"fault P VA file=NAME [index=I] [pages=N] [private] [at=VA2]";

/*
 * fault - the two forms differ after the VA: the word `anon`, or options
 * among which is file=NAME.
 */
void parse_fault(StatementParser &p, Op &op)
{
	op.proc = p.proc();
	op.va = p.va();
	const Token &t = p.take("'anon' or file=NAME");
	if (t.text == "anon") {
		static constexpr OptSpec specs[] = {
			{ "order", false, "order=K" },
			{ "pmd", true, "pmd" },
		};
		OptHit hit[std::size(specs)];
		p.options(specs, hit, kUsageFaultAnon);
		p.require(hit[0], specs[0], kUsageFaultAnon);
		op.kind = OpKind::fault_anon;
		op.order = p.order_at(hit[0].value, hit[0].col);
		op.pmd = hit[1].present;
		return;
	}
	p.unget();
	if (!p.rest_has_key("file"))
		p.fail(t.col, "expected 'anon' or file=NAME, got " + quote(t.text));

	static constexpr OptSpec specs[] = {
		{ "file", false, "file=NAME" },
		{ "index", false, "index=I" },
		{ "pages", false, "pages=N" },
		{ "private", true, "private" },
		{ "at", false, "at=VA2" },
	};
	OptHit hit[std::size(specs)];
	p.options(specs, hit, kUsageFaultFile);
	op.kind = OpKind::fault_file;
	op.file = p.file_name_at(hit[0].value, hit[0].col);
	if (hit[1].present)
		op.index = p.u64_at(hit[1].value, hit[1].col, "a file page index");
	if (hit[2].present)
		op.pages = p.count_at(hit[2].value, hit[2].col, "a page count");
	op.is_private = hit[3].present;
	/* at=VA2: the page whose access faulted, one of the range's (seed 004) */
	if (hit[4].present) {
		const Va at = p.u64_at(hit[4].value, hit[4].col, "a virtual page number");
		if (at < op.va || at - op.va >= op.pages)
			p.fail(hit[4].col, "at=VA2 must be a page of the range [VA, VA+pages), got " +
						   quote(hit[4].value));
		op.at = at - op.va;
	}
}

void parse_file(StatementParser &p, Op &op)
{
	static constexpr std::string_view usage = "file NAME pages=N [order=K]";
	static constexpr OptSpec specs[] = {
		{ "pages", false, "pages=N" },
		{ "order", false, "order=K" },
	};
	op.kind = OpKind::file_create;
	const Token &name = p.take("a file name");
	op.file = p.file_name_at(name.text, name.col);
	OptHit hit[std::size(specs)];
	p.options(specs, hit, usage);
	p.require(hit[0], specs[0], usage);
	op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
	if (hit[1].present)
		op.order = p.order_at(hit[1].value, hit[1].col);
}

/* Statements of the form KEYWORD P VA. */
void parse_proc_va(StatementParser &p, Op &op, std::string_view usage)
{
	op.proc = p.proc();
	op.va = p.va();
	p.expect_end(usage);
}

void parse_read(StatementParser &p, Op &op)
{
	op.kind = OpKind::read;
	parse_proc_va(p, op, "read P VA");
}

void parse_write(StatementParser &p, Op &op)
{
	op.kind = OpKind::write;
	parse_proc_va(p, op, "write P VA");
}

void parse_split_pmd(StatementParser &p, Op &op)
{
	op.kind = OpKind::split_pmd;
	parse_proc_va(p, op, "split_pmd P VA");
}

void parse_swapin(StatementParser &p, Op &op)
{
	op.kind = OpKind::swapin;
	parse_proc_va(p, op, "swapin P VA");
}

void parse_fork(StatementParser &p, Op &op)
{
	op.kind = OpKind::fork;
	op.proc = p.proc();
	op.proc2 = p.proc();
	p.expect_end("fork P Q");
}

/* Statements of the form KEYWORD P VA [pages=N]. */
void parse_range(StatementParser &p, Op &op, std::string_view usage)
{
	static constexpr OptSpec specs[] = { { "pages", false, "pages=N" } };
	op.proc = p.proc();
	op.va = p.va();
	OptHit hit[std::size(specs)];
	p.options(specs, hit, usage);
	if (hit[0].present)
		op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
}

void parse_munmap(StatementParser &p, Op &op)
{
	op.kind = OpKind::munmap;
	parse_range(p, op, "munmap P VA [pages=N]");
}

void parse_get(StatementParser &p, Op &op)
{
	op.kind = OpKind::get;
	parse_range(p, op, "get P VA [pages=N]");
}

void parse_madv_free(StatementParser &p, Op &op)
{
	static constexpr std::string_view usage = "madv_free P VA pages=N";
	static constexpr OptSpec specs[] = { { "pages", false, "pages=N" } };
	op.kind = OpKind::madv_free;
	op.proc = p.proc();
	op.va = p.va();
	OptHit hit[std::size(specs)];
	p.options(specs, hit, usage);
	p.require(hit[0], specs[0], usage);
	op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
}

void parse_mremap(StatementParser &p, Op &op)
{
	static constexpr std::string_view usage = "mremap P VA pages=N to=VA2";
	static constexpr OptSpec specs[] = {
		{ "pages", false, "pages=N" },
		{ "to", false, "to=VA2" },
	};
	op.kind = OpKind::mremap;
	op.proc = p.proc();
	op.va = p.va();
	OptHit hit[std::size(specs)];
	p.options(specs, hit, usage);
	p.require(hit[0], specs[0], usage);
	p.require(hit[1], specs[1], usage);
	op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
	op.va2 = p.u64_at(hit[1].value, hit[1].col, "a virtual page number");
}

void parse_mprotect(StatementParser &p, Op &op)
{
	static constexpr std::string_view usage = "mprotect P VA pages=N ro|rw";
	static constexpr OptSpec specs[] = {
		{ "pages", false, "pages=N" },
		{ "ro", true, "ro" },
		{ "rw", true, "rw" },
	};
	op.kind = OpKind::mprotect;
	op.proc = p.proc();
	op.va = p.va();
	OptHit hit[std::size(specs)];
	p.options(specs, hit, usage);
	p.require(hit[0], specs[0], usage);
	op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
	if (hit[1].present && hit[2].present)
		p.fail(std::max(hit[1].col, hit[2].col), "mprotect takes one of ro and rw, not both");
	if (!hit[1].present && !hit[2].present)
		p.fail(p.end_col(), "missing ro or rw (usage: " + std::string(usage) + ")");
	op.ro = hit[1].present;
}

void parse_pin(StatementParser &p, Op &op)
{
	static constexpr OptSpec specs[] = {
		{ "pages", false, "pages=N" },
		{ "write", true, "write" },
		{ "longterm", true, "longterm" },
	};
	op.kind = OpKind::pin;
	op.proc = p.proc();
	op.va = p.va();
	OptHit hit[std::size(specs)];
	p.options(specs, hit, "pin P VA [pages=N] [write] [longterm]");
	if (hit[0].present)
		op.pages = p.count_at(hit[0].value, hit[0].col, "a page count");
	op.write = hit[1].present;
	op.longterm = hit[2].present;
}

void parse_unpin(StatementParser &p, Op &op)
{
	op.kind = OpKind::unpin;
	op.handle = p.handle("pin", "pin");
	p.expect_end("unpin PIN");
}

void parse_put(StatementParser &p, Op &op)
{
	op.kind = OpKind::put;
	op.handle = p.handle("ref", "reference");
	p.expect_end("put REF");
}

void parse_split(StatementParser &p, Op &op)
{
	op.kind = OpKind::split;
	op.folio = p.folio();
	p.expect_end("split FOLIO");
}

void parse_swapout(StatementParser &p, Op &op)
{
	op.kind = OpKind::swapout;
	op.folio = p.folio();
	p.expect_end("swapout FOLIO");
}

void parse_reclaim(StatementParser &p, Op &op)
{
	op.kind = OpKind::reclaim;
	p.expect_end("reclaim");
}

void parse_shrink(StatementParser &p, Op &op)
{
	op.kind = OpKind::shrink;
	p.expect_end("shrink");
}

void parse_exit(StatementParser &p, Op &op)
{
	op.kind = OpKind::exit;
	op.proc = p.proc();
	p.expect_end("exit P");
}

/* ---- expect ------------------------------------------------------------ */

constexpr std::string_view kUsageExpect = "expect OBSERVABLE CMP VALUE";

/* parse_observable - the observable's keyword and its arguments */
void parse_observable(StatementParser &p, Observable &obs)
{
	const Token &t = p.take("an observable like refcount");
	unsigned k = 0;
	while (k < lex::kNrObsKinds && lex::obs_keyword(static_cast<ObsKind>(k)) != t.text)
		k++;
	if (k == lex::kNrObsKinds) {
		std::string all;
		for (unsigned i = 0; i < lex::kNrObsKinds; i++)
			all += (i ? ", " : "") + std::string(lex::obs_keyword(static_cast<ObsKind>(i)));
		p.fail(t.col, "unknown observable " + quote(t.text) + "; expected one of: " + all);
	}
	obs.kind = static_cast<ObsKind>(k);

	switch (obs.kind) {
	case ObsKind::page_mapcount:
	case ObsKind::anon_exclusive:
		p.page(&obs.folio, &obs.page);
		break;
	case ObsKind::mapped:
	case ObsKind::writable:
	case ObsKind::young:
		obs.proc = p.proc();
		obs.va = p.va();
		break;
	case ObsKind::rss: {
		obs.proc = p.proc();
		const Token &r = p.take("'anon' or 'file'");
		if (r.text == "anon")
			obs.rss = RssKind::anon;
		else if (r.text == "file")
			obs.rss = RssKind::file;
		else
			p.fail(r.col, "expected 'anon' or 'file', got " + quote(r.text));
		break;
	}
	case ObsKind::violation: {
		const Token &n = p.take("an invariant name");
		const std::optional<Invariant> inv = parse_invariant(n.text);
		if (!inv) {
			std::string all;
			for (unsigned i = 0; i < kNrInvariants; i++)
				all += (i ? ", " : "") +
				       std::string(invariant_name(static_cast<Invariant>(i)));
			p.fail(n.col, "unknown invariant " + quote(n.text) + "; expected one of: " + all);
		}
		obs.invariant = *inv;
		break;
	}
	case ObsKind::violations:
	case ObsKind::atomics:
	case ObsKind::split_queue_locks:
	case ObsKind::spurious_enqueues:
		break;
	default: /* every other observable names a folio */
		obs.folio = p.folio();
		break;
	}
}

Value parse_value(StatementParser &p, const Token &t)
{
	if (t.text == "none")
		return Value::none();
	FolioId f;
	uint32_t i;
	if (!t.text.empty() && t.text[0] == 'f') {
		switch (lex::parse_page_name(t.text, &f, &i)) {
		case NumStatus::ok:
			return Value::of_page(f, i);
		case NumStatus::overflow:
			p.fail(t.col, "number in page " + quote(t.text) + " is too large");
		case NumStatus::bad:
			p.fail(t.col, "expected a page like f1[0], got " + quote(t.text));
		}
	}
	int64_t v = 0;
	switch (lex::parse_i64(t.text, &v)) {
	case NumStatus::ok:
		break;
	case NumStatus::overflow:
		p.fail(t.col, "number " + quote(t.text) + " does not fit in a signed 64-bit value");
	case NumStatus::bad:
		p.fail(t.col, "expected a value: an integer, a page like f1[0], or none; got " +
				      quote(t.text));
	}
	return Value::of(v);
}

/*
 * parse_expect - `expect OBS CMP VALUE`. A page or `none` has no order, so
 * it only takes == and !=; `mapped` answers a page or none and every other
 * observable an integer, so the value must be of that kind.
 */
void parse_expect(StatementParser &p, Op &op)
{
	op.kind = OpKind::expect;
	parse_observable(p, op.obs);

	const Token &c = p.take("a comparison (== != <= >= < >)");
	unsigned k = 0;
	while (k <= static_cast<unsigned>(Cmp::gt) && format_cmp(static_cast<Cmp>(k)) != c.text)
		k++;
	if (k > static_cast<unsigned>(Cmp::gt))
		p.fail(c.col, "expected a comparison (== != <= >= < >), got " + quote(c.text));
	op.cmp = static_cast<Cmp>(k);

	const Token &v = p.take("a value (an integer, a page like f1[0], or none)");
	op.value = parse_value(p, v);
	const bool is_integer = op.value.kind == Value::Kind::integer;
	if (!is_integer && op.cmp != Cmp::eq && op.cmp != Cmp::ne)
		p.fail(c.col, "a page or none can only be compared with == or !=, got " +
				      quote(c.text));
	const bool wants_page = op.obs.kind == ObsKind::mapped;
	if (wants_page && is_integer)
		p.fail(v.col, "mapped gives a page like f1[0] or none, got " + quote(v.text));
	if (!wants_page && !is_integer)
		p.fail(v.col, std::string(lex::obs_keyword(op.obs.kind)) +
				      " gives an integer, got " + quote(v.text));
	p.expect_end(kUsageExpect);
}

/* ---- config ------------------------------------------------------------ */

enum ConfigKey {
	kVariant, kArch, kMutant, kPmdOrder, kMaxOrderKey, kProcs, kSpace, kPrefault, kNrConfigKeys
};

constexpr OptSpec kConfigSpecs[kNrConfigKeys] = {
	{ "variant", false, "variant=NAME" },
	{ "arch", false, "arch=NAME" },
	{ "mutant", false, "mutant=NAME" },
	{ "pmd_order", false, "pmd_order=K" },
	{ "max_order", false, "max_order=K" },
	{ "procs", false, "procs=N" },
	{ "space", false, "space=PAGES" },
	{ "prefault", false, "prefault=young|old" },
};

/* one_of - "a, b, c" of every name @name_of gives for 0..@n-1 */
template <typename E, typename F>
std::string one_of(unsigned n, F name_of)
{
	std::string s;
	for (unsigned i = 0; i < n; i++)
		s += (i ? ", " : "") + std::string(name_of(static_cast<E>(i)));
	return s;
}

uint64_t config_number(StatementParser &p, const OptHit &hit, std::string_view key,
		       uint64_t min, uint64_t max)
{
	const uint64_t v = p.u64_at(hit.value, hit.col, "a number");
	if (v < min || v > max)
		p.fail(hit.col, std::string(key) + " must be between " + std::to_string(min) +
					" and " + std::to_string(max) + ", got " + quote(hit.value));
	return v;
}

/*
 * parse_config - one `config` line into @cfg. @set_on records the line that
 * set each key: a key set twice, on one line or two, is an error, so a trace
 * never depends on which of two settings wins.
 */
void parse_config(StatementParser &p, ConfigOverrides &cfg, uint32_t (&set_on)[kNrConfigKeys])
{
	static constexpr std::string_view usage = "config KEY=VALUE ...";
	OptHit hit[kNrConfigKeys];
	p.options(kConfigSpecs, hit, usage);

	bool any = false;
	for (unsigned k = 0; k < kNrConfigKeys; k++) {
		if (!hit[k].present)
			continue;
		any = true;
		if (set_on[k])
			p.fail(hit[k].key_col, "config key " + quote(kConfigSpecs[k].key) +
						       " already set on line " + std::to_string(set_on[k]));
		set_on[k] = p.line_number();
	}
	if (!any)
		p.fail(p.end_col(), "expected KEY=VALUE after config (keys: " +
					    shapes(kConfigSpecs) + ")");

	if (hit[kVariant].present) {
		cfg.variant = parse_variant(hit[kVariant].value);
		if (!cfg.variant)
			p.fail(hit[kVariant].col, "unknown variant " + quote(hit[kVariant].value) +
				"; expected one of: " +
				one_of<Variant>(static_cast<unsigned>(Variant::unbatched) + 1, variant_name));
		if (!variant_is_modelled(*cfg.variant))
			p.fail(hit[kVariant].col, "variant " + quote(hit[kVariant].value) +
				" is named by SPEC but not modelled yet; modelled: v6_12, unbatched");
	}
	if (hit[kArch].present) {
		cfg.arch = parse_arch(hit[kArch].value);
		if (!cfg.arch)
			p.fail(hit[kArch].col, "unknown arch " + quote(hit[kArch].value) +
				"; expected one of: " +
				one_of<Arch>(static_cast<unsigned>(Arch::no_gather) + 1, arch_name));
	}
	if (hit[kMutant].present) {
		cfg.mutant = parse_mutant(hit[kMutant].value);
		if (!cfg.mutant)
			p.fail(hit[kMutant].col, "unknown mutant " + quote(hit[kMutant].value) +
				"; expected one of: " +
				one_of<Mutant>(static_cast<unsigned>(Mutant::pte_range_young_once) + 1,
					       mutant_name));
	}
	if (hit[kPrefault].present) {
		cfg.prefault = parse_prefault(hit[kPrefault].value);
		if (!cfg.prefault)
			p.fail(hit[kPrefault].col, "unknown prefault " + quote(hit[kPrefault].value) +
				"; expected one of: " +
				one_of<Prefault>(static_cast<unsigned>(Prefault::old) + 1, prefault_name));
	}
	if (hit[kPmdOrder].present)
		cfg.pmd_order = config_number(p, hit[kPmdOrder], "pmd_order", 1, kMaxOrder);
	if (hit[kMaxOrderKey].present)
		cfg.max_order = config_number(p, hit[kMaxOrderKey], "max_order", 0, kMaxOrder);
	if (hit[kProcs].present)
		cfg.max_procs = config_number(p, hit[kProcs], "procs", 1, kMaxProcs);
	/* space=0 keeps Scope's meaning: the default of four PMDs */
	if (hit[kSpace].present)
		cfg.space = config_number(p, hit[kSpace], "space", 0, kMaxSpace);
}

/* ---- the statement table ------------------------------------------------ */

struct StatementSpec {
	std::string_view keyword;
	void (*parse)(StatementParser &, Op &);
};

constexpr StatementSpec kStatements[] = {
	{ "fault", parse_fault },
	{ "file", parse_file },
	{ "read", parse_read },
	{ "write", parse_write },
	{ "fork", parse_fork },
	{ "munmap", parse_munmap },
	{ "madv_free", parse_madv_free },
	{ "mremap", parse_mremap },
	{ "mprotect", parse_mprotect },
	{ "pin", parse_pin },
	{ "unpin", parse_unpin },
	{ "get", parse_get },
	{ "put", parse_put },
	{ "split_pmd", parse_split_pmd },
	{ "split", parse_split },
	{ "shrink", parse_shrink },
	{ "reclaim", parse_reclaim },
	{ "swapout", parse_swapout },
	{ "swapin", parse_swapin },
	{ "exit", parse_exit },
	{ "expect", parse_expect },
};

const StatementSpec *find_statement(std::string_view keyword)
{
	for (const StatementSpec &s : kStatements)
		if (s.keyword == keyword)
			return &s;
	return nullptr;
}

std::string statement_keywords()
{
	std::string s = "config";
	for (const StatementSpec &st : kStatements)
		s += ", " + std::string(st.keyword);
	return s;
}

Trace parse_lines(std::string_view text, const std::string &file)
{
	Trace trace;
	uint32_t config_set_on[kNrConfigKeys] = {};
	lex::LineReader reader(text);
	lex::Line line;

	while (reader.next(line)) {
		StatementParser p(file, line);
		const Token &kw = p.take("a statement");

		if (kw.text == "config") {
			if (!trace.ops.empty())
				p.fail(kw.col, "config must come before every other statement (line " +
						       std::to_string(trace.ops.front().loc.line) +
						       " has one)");
			parse_config(p, trace.config, config_set_on);
			continue;
		}
		const StatementSpec *spec = find_statement(kw.text);
		if (!spec)
			p.fail(kw.col, "unknown statement " + quote(kw.text) + "; expected one of: " +
					       statement_keywords());
		Op op;
		op.loc = SourceLoc{ line.number, kw.col };
		spec->parse(p, op);
		trace.ops.push_back(std::move(op));
	}
	return trace;
}

} // namespace

/*
 * parse_trace - see trace.h. Memory use is linear in the size of @text (one
 * Op per statement line); a std::bad_alloc on the way is reported as a
 * TraceError like any other failure to read the trace.
 */
Trace parse_trace(std::string_view text, const std::string &file)
{
	try {
		return parse_lines(text, file);
	} catch (const std::bad_alloc &) {
		throw TraceError(file, SourceLoc{}, "out of memory reading the trace");
	}
}

Trace parse_trace_file(const std::string &path)
{
	std::FILE *f = std::fopen(path.c_str(), "rb");
	if (!f)
		throw TraceError(path, SourceLoc{}, std::string("cannot open: ") + std::strerror(errno));
	std::string text;
	char buf[65536];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
		text.append(buf, n);
	const bool failed = std::ferror(f);
	const int err = errno;
	std::fclose(f);
	if (failed)
		throw TraceError(path, SourceLoc{}, std::string("cannot read: ") + std::strerror(err));
	return parse_trace(text, path);
}

/* ---- statement identity and config ------------------------------------- */

/*
 * same_observable - equal in every field @a's kind reads. Fields a kind does
 * not read (the proc of a `refcount`) are not part of the observable.
 */
static bool same_observable(const Observable &a, const Observable &b)
{
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case ObsKind::page_mapcount:
	case ObsKind::anon_exclusive:
		return a.folio == b.folio && a.page == b.page;
	case ObsKind::mapped:
	case ObsKind::writable:
	case ObsKind::young:
		return a.proc == b.proc && a.va == b.va;
	case ObsKind::rss:
		return a.proc == b.proc && a.rss == b.rss;
	case ObsKind::violation:
		return a.invariant == b.invariant;
	case ObsKind::violations:
	case ObsKind::atomics:
	case ObsKind::split_queue_locks:
	case ObsKind::spurious_enqueues:
		return true;
	default:
		return a.folio == b.folio;
	}
}

static bool same_value(const Value &a, const Value &b)
{
	if (a.kind != b.kind)
		return false;
	switch (a.kind) {
	case Value::Kind::integer:
		return a.integer == b.integer;
	case Value::Kind::page:
		return a.folio == b.folio && a.page == b.page;
	case Value::Kind::none:
		return true;
	}
	return false;
}

/*
 * same_statement - the two ops are the same statement: equal kind and equal
 * in every field the statement's text carries (the fields its kind uses, as
 * trace.h documents), whatever their loc. Two ops are the same statement
 * exactly when format_op() prints them alike, so a printed and re-parsed
 * trace compares equal even if a generator left an unused field set.
 */
bool Op::same_statement(const Op &o) const
{
	if (kind != o.kind)
		return false;
	const bool same_pva = proc == o.proc && va == o.va;
	switch (kind) {
	case OpKind::fault_anon:
		return same_pva && order == o.order && pmd == o.pmd;
	case OpKind::file_create:
		return file == o.file && pages == o.pages && order == o.order;
	case OpKind::fault_file:
		return same_pva && file == o.file && index == o.index && pages == o.pages &&
		       is_private == o.is_private && at == o.at;
	case OpKind::read:
	case OpKind::write:
	case OpKind::split_pmd:
	case OpKind::swapin:
		return same_pva;
	case OpKind::fork:
		return proc == o.proc && proc2 == o.proc2;
	case OpKind::munmap:
	case OpKind::madv_free:
	case OpKind::get:
		return same_pva && pages == o.pages;
	case OpKind::mremap:
		return same_pva && pages == o.pages && va2 == o.va2;
	case OpKind::mprotect:
		return same_pva && pages == o.pages && ro == o.ro;
	case OpKind::pin:
		return same_pva && pages == o.pages && write == o.write && longterm == o.longterm;
	case OpKind::unpin:
	case OpKind::put:
		return handle == o.handle;
	case OpKind::split:
	case OpKind::swapout:
		return folio == o.folio;
	case OpKind::shrink:
	case OpKind::reclaim:
		return true;
	case OpKind::exit:
		return proc == o.proc;
	case OpKind::expect:
		return same_observable(obs, o.obs) && cmp == o.cmp && same_value(value, o.value);
	}
	return false;
}

bool ConfigOverrides::empty() const
{
	return !variant && !arch && !mutant && !pmd_order && !max_order && !max_procs && !space &&
	       !prefault;
}

Config ConfigOverrides::apply(Config base) const
{
	if (variant)
		base.variant = *variant;
	if (arch)
		base.arch = *arch;
	if (mutant)
		base.mutant = *mutant;
	if (pmd_order)
		base.scope.pmd_order = *pmd_order;
	if (max_order)
		base.scope.max_order = *max_order;
	if (max_procs)
		base.scope.max_procs = *max_procs;
	if (space)
		base.scope.space = *space;
	if (prefault)
		base.prefault = *prefault;
	return base;
}

/*
 * compare_values - @lhs CMP @rhs. Integers take every comparison. A page or
 * `none` is only equal or unequal (to a value of the same kind naming the
 * same page); an ordering comparison involving one is false, as is == across
 * kinds.
 */
bool compare_values(const Value &lhs, Cmp cmp, const Value &rhs)
{
	if (lhs.kind == Value::Kind::integer && rhs.kind == Value::Kind::integer) {
		switch (cmp) {
		case Cmp::eq: return lhs.integer == rhs.integer;
		case Cmp::ne: return lhs.integer != rhs.integer;
		case Cmp::le: return lhs.integer <= rhs.integer;
		case Cmp::ge: return lhs.integer >= rhs.integer;
		case Cmp::lt: return lhs.integer < rhs.integer;
		case Cmp::gt: return lhs.integer > rhs.integer;
		}
		return false;
	}
	switch (cmp) {
	case Cmp::eq: return same_value(lhs, rhs);
	case Cmp::ne: return !same_value(lhs, rhs);
	default:      return false;
	}
}

} // namespace fc
