// SPDX-License-Identifier: GPL-2.0
/*
 * induction.cc - the base case and one inductive step per statement kind.
 */
#include "solver/induction.h"

#include "solver/formula.h"
#include "solver/step_check.h"
#include "solver/transitions.h"

namespace fc::solver {

namespace {

/* The structural ones are always assumed; the accounting ones if asked. */
bool structural(const std::string &name)
{
	return name == "scope_bounds" || name == "pages_beyond_order_clear" ||
	       name == "tables_well_formed" ||
	       name == "handles_well_formed" || name == "queue_well_formed";
}

/*
 * The hidden state of the opt-in statements is unreachable without them:
 * no swap entry, slot, swap-cache folio or non-anon folio without swapout
 * (the only statement that makes swap entries), no clean mapping or
 * lazyfree folio without madv_free. Structural for such an alphabet. With
 * those statements the strengthening set has no invariants for that state
 * (docs/solver.md).
 */
std::vector<NamedFormula> alphabet_facts(const SymState &s, const std::vector<OpKind> &kinds)
{
	z3::context &c = s.ctx();
	std::vector<NamedFormula> out;
	if (!alphabet_has(kinds, OpKind::swapout)) {
		z3::expr f = mk_eq(s.nr_slots, c.int_val(0));
		for (const SymSlot &k : s.slots)
			f = mk_and(f, mk_and(mk_eq(k.count, c.int_val(0)), mk_eq(k.cache, c.int_val(0))));
		for (const SymFolio &fo : s.folios)
			f = mk_and(f, mk_and(mk_or(fo.anon, mk_ne(fo.mapping, c.int_val(0))),
					     mk_not(fo.swapcache)));
		for (const SymProc &p : s.procs)
			for (const SymSwp &e : p.swps)
				f = mk_and(f, mk_not(e.present));
		out.push_back({"no_swap_state",
			       "without swapout: no swap entry, slot or swap-cache folio; every folio "
			       "anon or in the page cache",
			       f});
	}
	if (!alphabet_has(kinds, OpKind::file_create) && !alphabet_has(kinds, OpKind::fault_file)) {
		z3::expr f = mk_eq(s.nr_files, c.int_val(0));
		for (const SymFile &file : s.files)
			f = mk_and(f, mk_eq(file.size, c.int_val(0)));
		for (const SymFolio &fo : s.folios)
			f = mk_and(f, mk_eq(fo.mapping, c.int_val(0)));
		for (const SymProc &p : s.procs) {
			f = mk_and(f, mk_eq(p.rss_file, c.int_val(0)));
			for (const SymVmaPage &v : p.vmas)
				f = mk_and(f, mk_and(mk_eq(v.file, c.int_val(0)),
						     mk_and(mk_not(v.shared), mk_not(v.anon_vma))));
		}
		out.push_back({"no_file_state",
			       "without file and fault file=: no file, no page-cache folio, every VMA "
			       "anonymous and private",
			       f});
	}
	if (!alphabet_has(kinds, OpKind::mprotect)) {
		z3::expr f = c.bool_val(true);
		for (const SymProc &p : s.procs)
			for (const SymVmaPage &v : p.vmas)
				f = mk_and(f, v.write);
		out.push_back({"no_readonly_vma", "without mprotect: every VMA writable", f});
	}
	if (!alphabet_has(kinds, OpKind::mremap)) {
		z3::expr f = c.bool_val(true);
		for (const SymProc &p : s.procs)
			for (size_t a = 0; a < p.vmas.size(); a++)
				f = mk_and(f, mk_implies(mk_eq(p.vmas[a].file, c.int_val(0)),
							 mk_eq(p.vmas[a].pgoff, c.int_val(a))));
		out.push_back({"no_moved_vma",
			       "without mremap: an anonymous page's vm_pgoff is its address", f});
	}
	if (!alphabet_has(kinds, OpKind::madv_free)) {
		z3::expr f = c.bool_val(true);
		for (const SymFolio &fo : s.folios)
			f = mk_and(f, mk_not(fo.lazyfree));
		for (const SymProc &p : s.procs) {
			for (const SymPte &e : p.ptes)
				f = mk_and(f, mk_not(e.clean));
			for (const SymPmd &e : p.pmds)
				f = mk_and(f, mk_not(e.clean));
		}
		out.push_back({"no_lazyfree_state",
			       "without madv_free: no clean mapping, no lazyfree folio", f});
	}
	return out;
}

std::vector<NamedFormula> assumed(SymTables &t, bool strengthen, const std::vector<OpKind> &kinds)
{
	std::vector<NamedFormula> all = strengthening(t), out;
	for (NamedFormula &f : all)
		if (strengthen || structural(f.name))
			out.push_back(std::move(f));
	for (NamedFormula &f : alphabet_facts(t.state(), kinds))
		out.push_back(std::move(f));
	return out;
}

} // namespace

InductionResult prove_inductive(const Config &cfg, const SolverScope &sc, const Query &q,
				const InductionOptions &o)
{
	InductionResult r;
	Budget budget(o.timeout_seconds);
	const std::vector<OpKind> &kinds = query_alphabet(q, o.kinds);

	/* base: the initial world */
	{
		auto t0 = std::chrono::steady_clock::now();
		z3::context c;
		SymState s0 = initial_state(c, sc);
		SymTables t(s0, sc);
		Evaluator ev = ground_evaluator();
		r.base_ok = true;
		for (const NamedFormula &f : assumed(t, o.strengthen, kinds)) {
			r.strengthening.emplace_back(f.name, f.statement);
			if (r.base_ok && !eval_bool(ev, f.formula)) {
				r.base_ok = false;
				r.base_failure = f.name;
			}
		}
		if (r.base_ok && !eval_bool(ev, query_holds(q, t, sc, true, true))) {
			r.base_ok = false;
			r.base_failure = "the query itself";
		}
		r.stats.encode_seconds += seconds_since(t0);
		if (!r.base_ok) {
			r.verdict = Verdict::not_inductive;
			r.broken = "base case: " + r.base_failure + " is false in the initial world";
			return r;
		}
	}

	/*
	 * One question per statement kind and concrete statement (process,
	 * VA, pages, ...: concrete_ops()), the pre-state fully symbolic. With
	 * the statement's fields concrete the encoder folds the dispatch and
	 * the walks; many small questions answer far faster than one with a
	 * symbolic statement (docs/solver.md, "Results").
	 */
	for (OpKind kind : kinds) {
		auto t0 = std::chrono::steady_clock::now();
		z3::context c;
		SymState pre = fresh_state(c, sc, "pre");
		SymTables tp(pre, sc);
		std::vector<z3::expr> assumptions;
		for (const NamedFormula &f : assumed(tp, o.strengthen, kinds))
			assumptions.push_back(f.formula);
		assumptions.push_back(query_holds(q, tp, sc, true, true));
		r.stats.encode_seconds += seconds_since(t0);

		for (const Op &concrete : concrete_ops(kind, sc, alphabet_has(kinds, OpKind::fault_file))) {
			auto t1 = std::chrono::steady_clock::now();
			SymOp op = concrete_op(c, concrete);
			Transition t = encode_transition(cfg, sc, pre, op, {kind});
			z3::expr enabled = mk_and(mk_and(t.op_ok, t.legal), t.in_scope);
			if (enabled.is_false())
				continue;
			z3::solver s = make_solver(c);
			for (const z3::expr &a : assumptions)
				s.add(a);
			s.add(enabled);
			StepCheck check = check_step(q, t, sc);
			SymTables tq(t.post, sc);
			std::vector<NamedFormula> after = assumed(tq, o.strengthen, kinds);
			z3::expr broken = check.violated;
			for (const NamedFormula &f : after)
				broken = mk_or(broken, mk_not(f.formula));
			s.add(broken);
			r.stats.encode_seconds += seconds_since(t1);

			if (budget.exhausted()) {
				r.verdict = Verdict::unknown;
				r.reason = "timeout";
				return r;
			}
			z3::check_result res = r.stats.check(s, budget);

			if (res == z3::unknown) {
				r.verdict = Verdict::unknown;
				r.reason = s.reason_unknown() + " (" + format_op(concrete) + ")";
				if (budget.exhausted())
					r.reason = "timeout (" + format_op(concrete) + ")";
				r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
				return r;
			}
			if (res == z3::sat) {
				z3::model m = s.get_model();
				Evaluator ev = model_evaluator(m);
				r.verdict = Verdict::not_inductive;
				r.op = decode_op(ev, op, pre, sc);
				r.pre = decode_snapshot(ev, pre, sc);
				r.pre_has_pinned = decode_has_pinned(ev, pre);
				std::string point = first_broken_point(ev, check, t);
				if (!point.empty()) {
					r.broken = "the query at visible point \"" + point + "\"";
				} else {
					for (const NamedFormula &f : after)
						if (!eval_bool(ev, f.formula)) {
							r.broken = "strengthening invariant " + f.name +
								   " at the end of the statement";
							break;
						}
				}
				r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
				return r;
			}
		}
		r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
		if (o.on_kind)
			o.on_kind(kind, r.seconds_per_kind.back().second);
	}
	r.verdict = Verdict::inductive;
	return r;
}

} // namespace fc::solver
