// SPDX-License-Identifier: GPL-2.0
/*
 * minimize.cc - chunk removal with renaming, then statement simplification,
 * to a fixpoint or the time budget.
 */
#include "props/minimize.h"

#include "model/check/runner.h"
#include "model/reference/reference_model.h"

#include <algorithm>
#include <chrono>
#include <functional>

namespace fc::props {

namespace {

/* How many names of each kind exist: the next name is this count (+1). */
struct NameCounts {
	size_t folios = 0;
	size_t procs = 0;
	size_t pins = 0;
	size_t refs = 0;
};

NameCounts counts_of(const Snapshot &s)
{
	return {s.folios.size(), s.procs.size(), s.pins.size(), s.refs.size()};
}

/*
 * name_counts - the counts before each statement and after the last: [k] is
 * the state after k statements. Statements the reference rejects are
 * skipped (the candidate will fail anyway).
 */
std::vector<NameCounts> name_counts(const Trace &t, const Config &base)
{
	ReferenceModel ref(t.config.apply(base));
	std::vector<NameCounts> out;
	out.reserve(t.ops.size() + 1);
	out.push_back(counts_of(ref.snapshot()));
	for (const Op &op : t.ops) {
		if (op.kind != OpKind::expect && !ref.check(op))
			ref.apply(op);
		out.push_back(counts_of(ref.snapshot()));
	}
	return out;
}

/*
 * shift - the id a later statement must use once the names in [from, to)
 * (0-based positions in allocation order) are gone. Ids are 1-based for
 * folios and handles (@one_based) and 0-based for processes.
 */
uint32_t shift(uint32_t id, size_t from, size_t to, bool one_based)
{
	size_t pos = one_based ? id - 1 : id;
	if (one_based && id == 0)
		return id;
	if (pos >= to)
		return static_cast<uint32_t>(id - (to - from));
	return id; /* before the chunk, or named by it: left to be rejected */
}

/* rename - @op after the names created between @before and @after are gone. */
void rename(Op &op, const NameCounts &before, const NameCounts &after)
{
	auto proc = [&](ProcId p) { return shift(p, before.procs, after.procs, false); };
	auto folio = [&](FolioId f) { return shift(f, before.folios, after.folios, true); };
	op.proc = proc(op.proc);
	op.proc2 = proc(op.proc2);
	op.folio = folio(op.folio);
	if (op.kind == OpKind::unpin)
		op.handle = shift(op.handle, before.pins, after.pins, true);
	else if (op.kind == OpKind::put)
		op.handle = shift(op.handle, before.refs, after.refs, true);
	op.obs.proc = proc(op.obs.proc);
	op.obs.folio = folio(op.obs.folio);
}

/* The trace without statements [from, to), later names renamed. */
Trace without(const Trace &t, const std::vector<NameCounts> &counts, size_t from, size_t to)
{
	Trace out;
	out.config = t.config;
	for (size_t i = 0; i < from; i++)
		out.ops.push_back(t.ops[i]);
	for (size_t i = to; i < t.ops.size(); i++) {
		Op op = t.ops[i];
		rename(op, counts[from], counts[to]);
		out.ops.push_back(op);
	}
	return out;
}

/* Simpler versions of one statement, simplest first. */
std::vector<Op> simplifications(const Op &op)
{
	std::vector<Op> out;
	if (op.pages > 1) {
		for (uint64_t p : {uint64_t{1}, op.pages / 2, op.pages - 1}) {
			if (p >= 1 && p < op.pages) {
				Op s = op;
				s.pages = p;
				s.at = std::min(s.at, p - 1); /* the faulting page stays in the range */
				out.push_back(s);
			}
		}
	}
	if (op.kind == OpKind::fault_file && op.is_private) {
		Op s = op;
		s.is_private = false;
		out.push_back(s);
	}
	if (op.kind == OpKind::fault_anon && !op.pmd && op.order > 0) {
		for (unsigned k = 0; k < op.order; k++) {
			Op s = op;
			s.order = k;
			out.push_back(s);
		}
	}
	if (op.kind == OpKind::pin && (op.write || op.longterm)) {
		Op s = op;
		s.longterm = false;
		if (op.longterm)
			out.push_back(s);
		s.write = false;
		if (op.write)
			out.push_back(s);
	}
	return out;
}

class Minimizer {
public:
	Minimizer(const Config &base, const Verdict &target, double seconds,
		  const volatile std::sig_atomic_t *stop)
		: base_(base), target_(target), stop_(stop),
		  deadline_(std::chrono::steady_clock::now() +
			    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
				    std::chrono::duration<double>(seconds)))
	{
	}

	bool out_of_time() const
	{
		return (stop_ && *stop_) || std::chrono::steady_clock::now() >= deadline_;
	}

	/* Run @t: if it fails like the target, cut it after the failing step and keep it. */
	bool try_candidate(const Trace &t)
	{
		runs_++;
		TraceRun run = run_trace(t, base_);
		Verdict v = verdict_of(run);
		if (!v.failed() || !v.same_failure(target_))
			return false;
		best_ = t;
		if (best_.ops.size() > v.step + 1)
			best_.ops.resize(v.step + 1);
		verdict_ = v;
		return true;
	}

	/* Remove chunks of halving size; true if anything went. */
	bool remove_chunks()
	{
		bool changed = false;
		for (size_t chunk = std::max<size_t>(best_.ops.size() / 2, 1); chunk >= 1; chunk /= 2) {
			std::vector<NameCounts> counts = name_counts(best_, base_);
			for (size_t from = 0; from + chunk <= best_.ops.size();) {
				if (out_of_time())
					return changed;
				if (best_.ops.size() > 1 &&
				    try_candidate(without(best_, counts, from, from + chunk))) {
					changed = true;
					counts = name_counts(best_, base_);
					continue; /* same position, new neighbours */
				}
				from += chunk;
			}
			if (chunk == 1)
				break;
		}
		return changed;
	}

	/* Replace statements by simpler ones; true if any was. */
	bool simplify()
	{
		bool changed = false;
		for (size_t i = 0; i < best_.ops.size(); i++) {
			for (const Op &s : simplifications(best_.ops[i])) {
				if (out_of_time())
					return changed;
				Trace cand = best_;
				cand.ops[i] = s;
				if (try_candidate(cand)) {
					changed = true;
					break;
				}
			}
		}
		return changed;
	}

	MinimizeResult run(const Trace &t)
	{
		if (!try_candidate(t)) {
			TraceRun run = run_trace(t, base_);
			return {t, verdict_of(run), runs_};
		}
		while (!out_of_time()) {
			bool changed = remove_chunks();
			changed |= simplify();
			if (!changed)
				break;
		}
		return {best_, verdict_, runs_};
	}

private:
	Config base_;
	Verdict target_;
	const volatile std::sig_atomic_t *stop_;
	std::chrono::steady_clock::time_point deadline_;
	Trace best_;
	Verdict verdict_;
	uint64_t runs_ = 0;
};

} // namespace

MinimizeResult minimize_trace(const Trace &t, const Config &base, double seconds,
			      const volatile std::sig_atomic_t *stop)
{
	TraceRun first = run_trace(t, base);
	Verdict target = verdict_of(first);
	if (!target.failed())
		return {t, target, 1};
	Minimizer m(base, target, seconds, stop);
	MinimizeResult r = m.run(t);
	r.runs++;
	return r;
}

} // namespace fc::props
