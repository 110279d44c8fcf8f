// SPDX-License-Identifier: GPL-2.0
/*
 * report.cc - build a ReplayReport from a run and print it, as text or JSON.
 *
 * What changed in a step is the kernel model's Snapshot before and after it,
 * compared with the differential's own field-by-field comparison (so a
 * change row is named like the observable that shows it), plus the cost
 * counters, new folios, new processes and new handles.
 */
#include "cli/report.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>

namespace fc::cli {

namespace {

/* Rows of changes shown per step before "... N more". */
constexpr size_t kMaxChangeRows = 40;

std::string num(long long v) { return std::to_string(v); }

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

} // namespace

/* ---------------------------------------------------------------- JSON -- */

std::string JsonWriter::escape(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s) {
		switch (c) {
		case '"':  out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			if (c < 0x20) {
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\u%04x", c);
				out += buf;
			} else {
				out += static_cast<char>(c);
			}
		}
	}
	return out + "\"";
}

/* comma - separate this element from the previous one of its container. */
void JsonWriter::comma()
{
	if (after_key_) {
		after_key_ = false;
		return;
	}
	if (!first_.empty()) {
		if (!first_.back())
			out_ += ",";
		first_.back() = false;
	}
}

void JsonWriter::begin_object()
{
	comma();
	out_ += "{";
	first_.push_back(true);
}

void JsonWriter::end_object()
{
	out_ += "}";
	first_.pop_back();
}

void JsonWriter::begin_array()
{
	comma();
	out_ += "[";
	first_.push_back(true);
}

void JsonWriter::end_array()
{
	out_ += "]";
	first_.pop_back();
}

void JsonWriter::key(const std::string &k)
{
	comma();
	out_ += escape(k) + ":";
	after_key_ = true;
}

void JsonWriter::value(const std::string &s)
{
	comma();
	out_ += escape(s);
}

void JsonWriter::value(long long v)
{
	comma();
	out_ += std::to_string(v);
}

void JsonWriter::value(unsigned long long v)
{
	comma();
	out_ += std::to_string(v);
}

void JsonWriter::value(double v)
{
	comma();
	if (!std::isfinite(v)) {
		out_ += "null";
		return;
	}
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.6g", v);
	out_ += buf;
}

void JsonWriter::value(bool b)
{
	comma();
	out_ += b ? "true" : "false";
}

void JsonWriter::null()
{
	comma();
	out_ += "null";
}

/* ------------------------------------------------------ folio summary -- */

std::string format_bitmap(const std::vector<bool> &bits)
{
	std::string s;
	if (bits.size() <= 32) {
		for (bool b : bits)
			s += b ? '1' : '0';
		return s;
	}
	for (size_t i = 0; i < bits.size();) {
		size_t j = i;
		while (j < bits.size() && bits[j] == bits[i])
			j++;
		if (!s.empty())
			s += ",";
		s += std::to_string(j - i) + "x" + (bits[i] ? "1" : "0");
		i = j;
	}
	return s;
}

namespace {

std::string folio_line(const FolioView &f)
{
	return folio_name(f.id) + " order=" + num(f.order) + (f.anon ? " anon" : " file") +
	       " refcount=" + num(f.refcount) + " mapcount=" + num(f.mapcount) +
	       " entire=" + num(f.entire_mapcount) + " nr_pages_mapped=" +
	       num(f.nr_pages_mapped) + " pincount=" + num(f.pincount) +
	       " maybe_pinned=" + num(f.maybe_pinned) + " queued=" + num(f.queued) +
	       " partially_mapped=" + num(f.partially_mapped) +
	       " exclusive=" + format_bitmap(f.anon_exclusive);
}

} // namespace

std::vector<std::string> format_folio_summary(const Snapshot &snap)
{
	std::vector<std::string> lines;
	std::string freed;
	for (const FolioView &f : snap.folios) {
		if (!f.freed) {
			lines.push_back(folio_line(f));
			continue;
		}
		freed += " " + folio_name(f.id);
		/* Only a bug leaves a freed folio queued: say so where it shows. */
		if (f.queued)
			freed += "(queued!)";
	}
	if (!freed.empty())
		lines.push_back("freed:" + freed);
	if (lines.empty())
		lines.push_back("no folios");
	return lines;
}

/* ---------------------------------------------------- change compression -- */

namespace {

/*
 * struct Indexed - a string with one number in it taken out: "f1[3] rw" is
 * template "f1[#] rw" with 3; "mapped p0 0x1f" is "mapped p0 #" with 0x1f.
 * A string with no such number is a constant.
 */
struct Indexed {
	std::string tmpl;
	uint64_t n = 0;
	bool has_number = false;
	bool is_hex = false;
};

/* @hex_too: a " 0x…" token also counts (observable names; never values). */
Indexed split_index(const std::string &s, bool hex_too)
{
	Indexed ix{s};
	size_t open = s.find('[');
	if (open != std::string::npos) {
		size_t close = s.find(']', open);
		if (close != std::string::npos && close > open + 1 &&
		    s.find_first_not_of("0123456789", open + 1) == close) {
			ix.n = std::stoull(s.substr(open + 1, close - open - 1));
			ix.tmpl = s.substr(0, open + 1) + "#" + s.substr(close);
			ix.has_number = true;
			return ix;
		}
	}
	if (!hex_too)
		return ix;
	size_t at = s.find(" 0x");
	if (at == std::string::npos)
		return ix;
	size_t start = at + 3;
	size_t end = s.find_first_not_of("0123456789abcdef", start);
	if (end == std::string::npos)
		end = s.size();
	if (end == start)
		return ix;
	ix.n = std::stoull(s.substr(start, end - start), nullptr, 16);
	ix.tmpl = s.substr(0, at + 1) + "#" + s.substr(end);
	ix.has_number = true;
	ix.is_hex = true;
	return ix;
}

std::string fill_range(const Indexed &ix, uint64_t len)
{
	std::string a = ix.is_hex ? hex(ix.n) : num(static_cast<long long>(ix.n));
	std::string b = ix.is_hex ? hex(ix.n + len - 1) : num(static_cast<long long>(ix.n + len - 1));
	std::string r = len > 1 ? a + ".." + b : a;
	size_t at = ix.tmpl.find('#');
	return ix.tmpl.substr(0, at) + r + ix.tmpl.substr(at + 1);
}

/* Does side value @v continue group side @g at offset @len? */
bool continues(const Indexed &g, const Indexed &v, uint64_t len)
{
	if (g.has_number != v.has_number || g.tmpl != v.tmpl)
		return false;
	return !g.has_number || v.n == g.n + len;
}

} // namespace

std::vector<Difference> compress_changes(const std::vector<Difference> &rows)
{
	std::vector<Difference> out;
	for (size_t i = 0; i < rows.size();) {
		Indexed obs = split_index(rows[i].observable, true);
		Indexed ref = split_index(rows[i].reference, false);
		Indexed ker = split_index(rows[i].kernel, false);
		uint64_t len = 1;
		if (obs.has_number) {
			while (i + len < rows.size()) {
				Indexed o2 = split_index(rows[i + len].observable, true);
				if (o2.tmpl != obs.tmpl || !o2.has_number || o2.n != obs.n + len ||
				    !continues(ref, split_index(rows[i + len].reference, false), len) ||
				    !continues(ker, split_index(rows[i + len].kernel, false), len))
					break;
				len++;
			}
		}
		if (len == 1) {
			out.push_back(rows[i]);
		} else {
			out.push_back({fill_range(obs, len),
				       ref.has_number ? fill_range(ref, len) : ref.tmpl,
				       ker.has_number ? fill_range(ker, len) : ker.tmpl});
		}
		i += len;
	}
	return out;
}

/* ------------------------------------------------------- building -- */

namespace {

std::string handle_text(const HandleView &h)
{
	return proc_name(h.proc) + ", " + std::to_string(h.pages.size()) +
	       (h.pages.size() == 1 ? " page" : " pages") +
	       (h.pages.empty() ? "" : " from " + hex(h.pages.front().va));
}

/*
 * kernel_changes - what a step changed in the kernel model. New processes
 * are compared against an empty one (so a fork shows the child's PTEs), new
 * folios and handles are described whole.
 */
std::vector<Difference> kernel_changes(Snapshot before, const Snapshot &after,
				       const CostCounters &c0, const CostCounters &c1)
{
	std::vector<Difference> rows;
	for (size_t p = before.procs.size(); p < after.procs.size(); p++) {
		rows.push_back({"process " + proc_name(ProcId(p)), "none", "created"});
		ProcView empty;
		empty.id = ProcId(p);
		before.procs.push_back(empty);
	}
	for (size_t f = before.folios.size(); f < after.folios.size(); f++)
		rows.push_back({"new folio", "none", folio_line(after.folios[f])});
	for (size_t i = before.pins.size(); i < after.pins.size(); i++)
		rows.push_back({"pin" + std::to_string(i + 1), "none", handle_text(after.pins[i])});
	for (size_t i = before.refs.size(); i < after.refs.size(); i++)
		rows.push_back({"ref" + std::to_string(i + 1), "none", handle_text(after.refs[i])});

	for (Difference &d : diff_snapshots(before, after)) {
		/* described above */
		if (d.observable == "folios allocated" || d.observable.rfind("folio f", 0) == 0 ||
		    d.observable == "pins taken" || d.observable == "refs taken")
			continue;
		rows.push_back(std::move(d));
	}
	auto cost = [&](const char *name, uint64_t a, uint64_t b) {
		if (a != b)
			rows.push_back({name, std::to_string(a), std::to_string(b)});
	};
	cost("atomics", c0.atomics, c1.atomics);
	cost("split_queue_locks", c0.split_queue_locks, c1.split_queue_locks);
	cost("spurious_enqueues", c0.spurious_enqueues, c1.spurious_enqueues);
	return compress_changes(rows);
}

ReplayReport::Error make_error(const std::string &file, SourceLoc loc, const std::string &msg)
{
	return {file, loc, msg,
		file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col) +
			": error: " + msg};
}

} // namespace

int ReplayReport::exit_code() const
{
	if (error)
		return 2;
	return violations.empty() && !divergence && expect_failures.empty() ? 0 : 1;
}

ReplayReport replay_trace(const std::string &file, const Trace &trace, const Config &cfg)
{
	ReplayReport rep;
	rep.file = file;
	rep.config = cfg;

	Runner runner(cfg);
	for (size_t i = 0; i < trace.ops.size(); i++) {
		const Op &op = trace.ops[i];
		StepRecord rec;
		rec.index = i;
		rec.loc = op.loc;
		rec.statement = format_op(op);

		const Snapshot before = runner.kernel().snapshot();
		const CostCounters c0 = runner.kernel().costs();
		const size_t nviol = runner.violations().size();
		const bool had_divergence = runner.divergence().has_value();

		StepResult res = runner.step(op);
		rec.note = res.note;
		if (res.status == StepStatus::rejected) {
			const Rejection &why = *res.rejection;
			SourceLoc loc = op.loc;
			if (why.col)
				loc.col = why.col;
			rep.error = make_error(file, loc, why.message);
			rec.note = "rejected: " + why.message;
			rep.steps.push_back(std::move(rec));
			break;
		}

		if (op.kind == OpKind::expect) {
			rep.expects++;
			rec.is_expect = true;
			rec.expect_held = res.status != StepStatus::failed;
			if (std::optional<Value> v = runner.observe(op.obs, nullptr))
				rec.expect_value = format_value(*v);
			rec.note.clear();
		} else {
			rec.changes = kernel_changes(before, runner.kernel().snapshot(), c0,
						     runner.kernel().costs());
		}
		rec.violations.assign(runner.violations().begin() + nviol, runner.violations().end());
		if (!had_divergence && runner.divergence())
			rec.divergence = runner.divergence();
		else if (had_divergence && op.kind != OpKind::expect)
			rec.still_differ = diff_snapshots(runner.reference().snapshot(),
							  runner.kernel().snapshot())
						   .size();
		rep.steps.push_back(std::move(rec));
	}

	rep.violations = runner.violations();
	rep.divergence = runner.divergence();
	rep.expect_failures = runner.expect_failures();
	rep.final_kernel = runner.kernel().snapshot();
	rep.costs = runner.kernel().costs();
	return rep;
}

ReplayReport replay_error(const TraceError &e)
{
	ReplayReport rep;
	rep.file = e.file();
	rep.error = ReplayReport::Error{e.file(), e.loc(), e.message(), e.what()};
	return rep;
}

/* ------------------------------------------------------------ text -- */

namespace {

std::string config_line(const Config &c)
{
	return "variant=" + std::string(variant_name(c.variant)) +
	       " arch=" + std::string(arch_name(c.arch)) +
	       " mutant=" + std::string(mutant_name(c.mutant)) +
	       " pmd_order=" + num(c.scope.pmd_order) + " max_order=" + num(c.scope.max_order) +
	       " space=" + num(static_cast<long long>(c.scope.space_pages()));
}

/* A table with a header row and columns padded to their widest cell. */
void print_table(std::FILE *out, const char *indent,
		 const std::vector<std::vector<std::string>> &rows)
{
	std::vector<size_t> w;
	for (const auto &r : rows)
		for (size_t c = 0; c < r.size(); c++) {
			if (w.size() <= c)
				w.push_back(0);
			w[c] = std::max(w[c], r[c].size());
		}
	for (size_t i = 0; i < rows.size(); i++) {
		std::string line = indent;
		for (size_t c = 0; c < rows[i].size(); c++) {
			line += rows[i][c];
			if (c + 1 < rows[i].size())
				line += std::string(w[c] - rows[i][c].size(), ' ') + " | ";
		}
		std::fprintf(out, "%s\n", line.c_str());
		if (i == 0) {
			std::string rule = indent;
			for (size_t c = 0; c < w.size(); c++)
				rule += std::string(w[c], '-') + (c + 1 < w.size() ? "-+-" : "");
			std::fprintf(out, "%s\n", rule.c_str());
		}
	}
}

void print_divergence(std::FILE *out, const DivergenceReport &d)
{
	std::fprintf(out, "    DIVERGENCE: the models disagree on %zu observable%s\n",
		     d.differences.size(), d.differences.size() == 1 ? "" : "s");
	std::vector<std::vector<std::string>> rows{{"observable", "reference", "kernel"}};
	for (const Difference &x : compress_changes(d.differences))
		rows.push_back({x.observable, x.reference, x.kernel});
	print_table(out, "      ", rows);
}

std::string violation_text(const ViolationReport &v)
{
	return std::string(invariant_name(v.invariant)) + " at " + v.point + ": " + v.detail;
}

bool step_failed(const StepRecord &s)
{
	return (s.is_expect && !s.expect_held) || !s.violations.empty() || s.divergence ||
	       s.still_differ;
}

void print_step(std::FILE *out, const StepRecord &s)
{
	std::fprintf(out, "[step %zu] line %u: %s\n", s.index + 1, s.loc.line, s.statement.c_str());
	if (!s.note.empty())
		std::fprintf(out, "    %s\n", s.note.c_str());
	if (s.is_expect)
		std::fprintf(out, "    %s (value %s)\n", s.expect_held ? "holds" : "EXPECT FAILED",
			     s.expect_value.c_str());
	for (size_t i = 0; i < s.changes.size() && i < kMaxChangeRows; i++) {
		const Difference &d = s.changes[i];
		if (d.observable == "new folio")
			std::fprintf(out, "    new folio %s\n", d.kernel.c_str());
		else
			std::fprintf(out, "    %s: %s -> %s\n", d.observable.c_str(),
				     d.reference.c_str(), d.kernel.c_str());
	}
	if (s.changes.size() > kMaxChangeRows)
		std::fprintf(out, "    ... and %zu more changes\n", s.changes.size() - kMaxChangeRows);
	for (const ViolationReport &v : s.violations)
		std::fprintf(out, "    VIOLATION %s\n", violation_text(v).c_str());
	if (s.divergence)
		print_divergence(out, *s.divergence);
	if (s.still_differ)
		std::fprintf(out, "    models still differ on %zu observable%s\n", s.still_differ,
			     s.still_differ == 1 ? "" : "s");
}

/* The source line of step @step, for the summaries. */
uint32_t line_of(const ReplayReport &r, size_t step)
{
	return step < r.steps.size() ? r.steps[step].loc.line : 0;
}

} // namespace

void print_report(const ReplayReport &r, std::FILE *out, bool quiet)
{
	if (!quiet) {
		std::fprintf(out, "replay %s\n", r.file.c_str());
		std::fprintf(out, "config: %s\n", config_line(r.config).c_str());
	}
	for (const std::string &n : r.notes)
		std::fprintf(out, "note: %s\n", n.c_str());

	for (const StepRecord &s : r.steps)
		if (!quiet || step_failed(s))
			print_step(out, s);

	/* The caller prints the error itself, on stderr. */
	if (r.error)
		return;

	if (!r.violations.empty()) {
		std::fprintf(out, "violations:\n");
		for (const ViolationReport &v : r.violations)
			std::fprintf(out, "    step %zu (line %u): %s\n", v.step + 1,
				     line_of(r, v.step), violation_text(v).c_str());
	}
	if (!r.expect_failures.empty()) {
		std::fprintf(out, "failed expects:\n");
		for (const ExpectFailure &e : r.expect_failures)
			std::fprintf(out, "    step %zu (line %u): %s\n", e.step + 1,
				     line_of(r, e.step), e.detail.c_str());
	}
	if (r.divergence)
		std::fprintf(out, "divergence: first after step %zu (line %u), %zu observables\n",
			     r.divergence->step + 1, line_of(r, r.divergence->step),
			     r.divergence->differences.size());
	if (!quiet) {
		std::fprintf(out, "folios:\n");
		for (const std::string &l : format_folio_summary(r.final_kernel))
			std::fprintf(out, "    %s\n", l.c_str());
		std::fprintf(out,
			     "costs: atomics=%" PRIu64 " split_queue_locks=%" PRIu64
			     " spurious_enqueues=%" PRIu64 "\n",
			     r.costs.atomics, r.costs.split_queue_locks, r.costs.spurious_enqueues);
	}
	size_t failed_expects = r.expect_failures.size();
	std::fprintf(out,
		     "result: %s: %zu statements, %zu invariant violation%s, %s, %zu of %zu "
		     "expects failed\n",
		     r.exit_code() == 0 ? "PASS" : "FAIL", r.steps.size(), r.violations.size(),
		     r.violations.size() == 1 ? "" : "s",
		     r.divergence ? "models diverged" : "models agree", failed_expects, r.expects);
}

/* ------------------------------------------------------------ JSON -- */

namespace {

void json_differences(JsonWriter &j, const std::vector<Difference> &ds, const char *a,
		      const char *b)
{
	j.begin_array();
	for (const Difference &d : ds) {
		j.begin_object();
		j.key("observable");
		j.value(d.observable);
		j.key(a);
		j.value(d.reference);
		j.key(b);
		j.value(d.kernel);
		j.end_object();
	}
	j.end_array();
}

void json_violation(JsonWriter &j, const ReplayReport &r, const ViolationReport &v)
{
	j.begin_object();
	j.key("invariant");
	j.value(std::string(invariant_name(v.invariant)));
	j.key("step");
	j.value(v.step + 1);
	j.key("line");
	j.value(line_of(r, v.step));
	j.key("point");
	j.value(v.point);
	j.key("detail");
	j.value(v.detail);
	j.end_object();
}

void json_divergence(JsonWriter &j, const ReplayReport &r, const DivergenceReport &d)
{
	j.begin_object();
	j.key("step");
	j.value(d.step + 1);
	j.key("line");
	j.value(line_of(r, d.step));
	j.key("differences");
	json_differences(j, d.differences, "reference", "kernel");
	j.end_object();
}

void json_config(JsonWriter &j, const Config &c)
{
	j.begin_object();
	j.key("variant");
	j.value(std::string(variant_name(c.variant)));
	j.key("arch");
	j.value(std::string(arch_name(c.arch)));
	j.key("mutant");
	j.value(std::string(mutant_name(c.mutant)));
	j.key("pmd_order");
	j.value(c.scope.pmd_order);
	j.key("max_order");
	j.value(c.scope.max_order);
	j.key("space");
	j.value(static_cast<unsigned long long>(c.scope.space_pages()));
	j.end_object();
}

void json_step(JsonWriter &j, const ReplayReport &r, const StepRecord &s)
{
	j.begin_object();
	j.key("step");
	j.value(s.index + 1);
	j.key("line");
	j.value(s.loc.line);
	j.key("statement");
	j.value(s.statement);
	j.key("note");
	j.value(s.note);
	if (s.is_expect) {
		j.key("expect");
		j.begin_object();
		j.key("holds");
		j.value(s.expect_held);
		j.key("value");
		j.value(s.expect_value);
		j.end_object();
	}
	j.key("changes");
	json_differences(j, s.changes, "before", "after");
	j.key("violations");
	j.begin_array();
	for (const ViolationReport &v : s.violations)
		json_violation(j, r, v);
	j.end_array();
	j.key("divergence");
	if (s.divergence)
		json_divergence(j, r, *s.divergence);
	else
		j.null();
	j.key("still_differ");
	j.value(s.still_differ);
	j.end_object();
}

void json_folio(JsonWriter &j, const FolioView &f)
{
	j.begin_object();
	j.key("folio");
	j.value(folio_name(f.id));
	j.key("freed");
	j.value(f.freed);
	j.key("queued");
	j.value(f.queued);
	if (!f.freed) {
		j.key("order");
		j.value(f.order);
		j.key("anon");
		j.value(f.anon);
		j.key("refcount");
		j.value(f.refcount);
		j.key("mapcount");
		j.value(f.mapcount);
		j.key("entire_mapcount");
		j.value(f.entire_mapcount);
		j.key("nr_pages_mapped");
		j.value(f.nr_pages_mapped);
		j.key("pincount");
		j.value(f.pincount);
		j.key("maybe_pinned");
		j.value(f.maybe_pinned);
		j.key("partially_mapped");
		j.value(f.partially_mapped);
		j.key("anon_exclusive");
		j.value(format_bitmap(f.anon_exclusive));
	}
	j.end_object();
}

} // namespace

void print_report_json(const ReplayReport &r, std::FILE *out)
{
	std::string s;
	JsonWriter j(s);
	j.begin_object();
	j.key("file");
	j.value(r.file);
	j.key("exit");
	j.value(r.exit_code());
	j.key("result");
	j.value(r.error ? "error" : r.exit_code() == 0 ? "pass" : "fail");
	j.key("error");
	if (r.error) {
		j.begin_object();
		j.key("file");
		j.value(r.error->file);
		j.key("line");
		j.value(r.error->loc.line);
		j.key("col");
		j.value(r.error->loc.col);
		j.key("message");
		j.value(r.error->message);
		j.key("text");
		j.value(r.error->rendered);
		j.end_object();
	} else {
		j.null();
	}
	j.key("config");
	json_config(j, r.config);
	j.key("notes");
	j.begin_array();
	for (const std::string &n : r.notes)
		j.value(n);
	j.end_array();
	j.key("steps");
	j.begin_array();
	for (const StepRecord &st : r.steps)
		json_step(j, r, st);
	j.end_array();
	j.key("violations");
	j.begin_array();
	for (const ViolationReport &v : r.violations)
		json_violation(j, r, v);
	j.end_array();
	j.key("divergence");
	if (r.divergence)
		json_divergence(j, r, *r.divergence);
	else
		j.null();
	j.key("expect_failures");
	j.begin_array();
	for (const ExpectFailure &e : r.expect_failures) {
		j.begin_object();
		j.key("step");
		j.value(e.step + 1);
		j.key("line");
		j.value(line_of(r, e.step));
		j.key("detail");
		j.value(e.detail);
		j.end_object();
	}
	j.end_array();
	j.key("expects");
	j.value(r.expects);
	j.key("folios");
	j.begin_array();
	for (const FolioView &f : r.final_kernel.folios)
		json_folio(j, f);
	j.end_array();
	j.key("costs");
	j.begin_object();
	j.key("atomics");
	j.value(static_cast<unsigned long long>(r.costs.atomics));
	j.key("split_queue_locks");
	j.value(static_cast<unsigned long long>(r.costs.split_queue_locks));
	j.key("spurious_enqueues");
	j.value(static_cast<unsigned long long>(r.costs.spurious_enqueues));
	j.end_object();
	j.end_object();
	std::fprintf(out, "%s\n", s.c_str());
}

} // namespace fc::cli
