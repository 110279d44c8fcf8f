// SPDX-License-Identifier: GPL-2.0
/*
 * induction.cc - the base case and one inductive step per statement kind.
 */
#include "solver/induction.h"

#include "solver/formula.h"
#include "solver/step_check.h"
#include "solver/transitions.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <optional>
#include <unordered_set>

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

/*
 * struct Obligation - one conjunct of what a step must keep: @bad is a way
 * the statement breaks it (the point's path condition and the conjunct's
 * negation, or the negation of a strengthening invariant's conjunct on the
 * post-state); @what names the query point or the invariant, as the
 * not-inductive report does.
 */
struct Obligation {
	std::string what;
	z3::expr bad;
};

void add_obligations(std::vector<Obligation> &out, std::unordered_set<unsigned> &seen,
		     const std::string &what, const z3::expr &guard, const z3::expr &holds)
{
	for (const z3::expr &part : conjuncts(holds)) {
		z3::expr bad = mk_and(guard, mk_not(part));
		if (bad.is_false() || !seen.insert(bad.id()).second)
			continue;
		out.push_back({what, bad});
	}
}

/*
 * obligations - the disjunction "@q broken at some visible point or page-
 * replaced event of @t, or some invariant of @after false at its end", as
 * the list of its disjuncts, each split into the conjuncts of the formula
 * it negates (conjuncts()). The step holds iff every obligation's bad is
 * unsatisfiable: their disjunction is equivalent to check_step()'s
 * violated or some invariant of @after broken. Duplicates (the same term
 * at two points with the same state) are asked once.
 */
std::vector<Obligation> obligations(const Query &q, const Transition &t, const SolverScope &sc,
				    const std::vector<NamedFormula> &after)
{
	std::vector<Obligation> out;
	std::unordered_set<unsigned> seen;
	for (const SymVisiblePoint &vp : t.points) {
		SymTables tables(vp.state, sc);
		bool end = vp.where == "end of operation";
		add_obligations(out, seen, "the query at visible point \"" + vp.where + "\"", vp.guard,
				query_holds(q, tables, sc, vp.settled, end));
	}
	for (const SymPageReplaced &e : t.replaced)
		add_obligations(out, seen, "the query at visible point \"page replaced\"", e.guard,
				query_holds_replaced(q, e, sc));
	z3::context &c = t.post.ctx();
	for (const NamedFormula &f : after)
		add_obligations(out, seen, "strengthening invariant " + f.name + " at the end of the statement",
				c.bool_val(true), f.formula);
	return out;
}

/*
 * gather_lemmas - the stepping_stones() of each point of @t where
 * references are in flight (a zap's walk's visible points, then its
 * flush's lemma points; a split's and the shrinker's points) and of the
 * lemma points between fork's copies, a conjunct per obligation: facts
 * that hold along the walk, so that the end follows from the start one
 * point at a time.
 */
std::vector<Obligation> gather_lemmas(const Transition &t, const SolverScope &sc, bool mapcounts,
				      bool with_tables)
{
	std::vector<Obligation> out;
	std::unordered_set<unsigned> seen;
	auto state_at = [&](const SymVisiblePoint &vp) {
		for (const NamedFormula &f : stepping_stones(vp, sc, mapcounts, with_tables))
			add_obligations(out, seen, "lemma " + f.name + " at \"" + vp.where + "\"", vp.guard,
					f.formula);
	};
	/* in the order the statement reached them: each stone leans on the ones before */
	std::vector<const SymVisiblePoint *> in_order;
	for (const SymVisiblePoint &vp : t.points)
		in_order.push_back(&vp);
	for (const SymVisiblePoint &vp : t.lemma_points)
		in_order.push_back(&vp);
	std::stable_sort(in_order.begin(), in_order.end(),
			 [](const SymVisiblePoint *a, const SymVisiblePoint *b) { return a->seq < b->seq; });
	for (const SymVisiblePoint *vp : in_order)
		state_at(*vp);
	return out;
}

/* The answer for one statement's step. */
struct StepProof {
	Verdict verdict = Verdict::inductive;
	std::string what;                 /* the obligation refuted or unanswered */
	std::string reason;               /* unknown: "timeout" or Z3's reason */
	std::optional<z3::model> model;   /* refuted: the pre-state and statement */
	unsigned checks = 0, halvings = 0, last_pass = 0;

	std::string summary(size_t n, double seconds) const
	{
		char buf[200];
		const char *v = verdict == Verdict::inductive ? "proved" :
				verdict == Verdict::not_inductive ? "refuted" : "unknown";
		std::snprintf(buf, sizeof(buf), "%s, %zu obligations, %u checks (%u halvings, %u in the last pass), %.1f s",
			      v, n, checks, halvings, last_pass, seconds);
		return buf;
	}
};

/*
 * window_seconds - how long a window of @n obligations or stone conjuncts
 * is asked before it is halved: a window answers in about the time of its
 * hardest member, so one that takes much longer than the last window
 * proved (@last_proved seconds) holds a hard member and is halved after 4x
 * that time (at least 1 s); a single one gets the whole @slice.
 */
double window_seconds(size_t n, double slice, double last_proved)
{
	return n == 1 ? slice : std::min(slice, std::max(1.0, 4 * last_proved));
}

/* The obligations of @group, named for a log line. */
std::string group_name(const std::vector<Obligation> &obs, const std::vector<size_t> &group)
{
	if (group.size() == 1)
		return obs[group[0]].what + " #" + std::to_string(group[0]);
	return std::to_string(group.size()) + " obligations #" + std::to_string(group.front()) + ".." +
	       std::to_string(group.back());
}

/*
 * prove_step - every obligation of @obs unsatisfiable with @facts (the
 * assumptions on the pre-state and the statement enabled)?
 *
 * The obligations are asked in order, a window of them per check: @facts,
 * the lemmas so far and the disjunction of the window's bads. unsat proves
 * the window (its negated bads become lemmas when @o.lemmas) and, if it
 * took under a quarter of the slice, doubles the window; sat refutes the
 * step (the model, and the first obligation of the window it breaks); no
 * answer within the slice (@o.slice_seconds for one obligation, less for a
 * window: below) halves the window and asks again, and a
 * single obligation without an answer is put off to the last pass, which
 * asks each with what is left of @budget and every lemma proved by then.
 * @window carries the size learned over to the kind's next statement.
 * Before any window the step is asked as one question (@whole, below), and
 * before that each of @helpers, in order, alone within the slice: one
 * proved becomes a lemma, one refuted or unanswered is left out (a helper
 * is a stepping stone, not an obligation).
 */
StepProof prove_step(z3::context &c, const std::vector<z3::expr> &facts,
		     const std::vector<Obligation> &obs, const std::vector<Obligation> &helpers,
		     const InductionOptions &o, const Budget &budget, SolverStats &stats,
		     const std::string &stmt, size_t &window, const z3::expr &whole)
{
	StepProof p;
	std::vector<z3::expr> lemmas;
	std::vector<std::vector<size_t>> last;
	double last_unsat = o.slice_seconds;   /* seconds of the last proved window */

	/* A solver holding @facts and the lemmas proved so far. */
	auto solver_with_lemmas = [&] {
		z3::solver s = make_solver(c);
		for (const z3::expr &f : facts)
			s.add(f);
		for (const z3::expr &l : lemmas)
			s.add(l);
		return s;
	};

	/* One check of @group within @seconds (0: what is left of the budget). */
	auto ask = [&](const std::vector<size_t> &group, double seconds,
		       const z3::expr *as_one = nullptr) {
		auto t0 = std::chrono::steady_clock::now();
		z3::solver s = solver_with_lemmas();
		z3::expr bad = c.bool_val(false);
		if (as_one)
			bad = *as_one;
		else
			for (size_t i : group)
				bad = mk_or(bad, obs[i].bad);
		s.add(bad);
		double left = budget.limited() ? std::max(0.001, o.timeout_seconds - budget.elapsed()) : 0;
		double limit = seconds > 0 && (left == 0 || seconds < left) ? seconds : left;
		z3::check_result res = stats.check(s, Budget(limit));
		p.checks++;
		double took = seconds_since(t0);
		if (o.on_progress && o.log_checks) {
			char buf[64];
			std::snprintf(buf, sizeof(buf), " %.2f s", took);
			o.on_progress("  " + stmt + ": " + (as_one ? "the whole step" : group_name(obs, group)) + ": " +
				      (res == z3::unsat ? "unsat" : res == z3::sat ? "sat" : "unknown") + buf);
		}
		if (res == z3::unknown && !o.dump_dir.empty()) {
			std::string path = o.dump_dir + "/" + std::to_string(p.checks) + ".smt2";
			if (FILE *out = std::fopen(path.c_str(), "w")) {
				std::fputs(s.to_smt2().c_str(), out);
				std::fclose(out);
			}
		}
		if (res == z3::unsat && !as_one) {
			last_unsat = took;
			if (o.lemmas)
				for (size_t i : group)
					lemmas.push_back(mk_not(obs[i].bad));
			if (took < o.slice_seconds / 4)
				window = std::min(window, obs.size()) * 2;
		} else if (res == z3::sat) {
			/* the window's (or the whole step's) first obligation the model breaks */
			p.verdict = Verdict::not_inductive;
			p.model = s.get_model();
			Evaluator ev = model_evaluator(*p.model);
			for (size_t i : group)
				if (eval_bool(ev, obs[i].bad)) {
					p.what = obs[i].what;
					break;
				}
			if (p.what.empty())
				p.what = "the step (no single obligation false in the model)";
		} else {
			p.reason = budget.exhausted() ? "timeout" : s.reason_unknown();
		}
		return res;
	};

	/*
	 * A stepping stone's conjuncts at one point (a run of helpers with
	 * the same name) are asked together first: each check rebuilds the
	 * solver from the facts and lemmas, which costs about as much as the
	 * conjunct itself once a walk's lemmas have piled up. Without an
	 * answer (or refuted), in windows as the obligations are below: a
	 * window not answered in 4x the time of the last one proved (at least
	 * 1 s) is halved, a proved one quickly doubles the next, and a single
	 * conjunct gets the whole stone slice before it is left out. One by
	 * one, a point's 516 tables_well_formed conjuncts along a split took
	 * minutes each when together they took just over the slice.
	 */
	const double stone_slice = o.stone_slice_seconds > 0 ? o.stone_slice_seconds : o.slice_seconds;
	auto ask_stones = [&](size_t from, size_t to, double seconds) {
		auto t0 = std::chrono::steady_clock::now();
		z3::solver s = solver_with_lemmas();
		z3::expr bad = c.bool_val(false);
		for (size_t i = from; i < to; i++)
			bad = mk_or(bad, helpers[i].bad);
		s.add(bad);
		z3::check_result res = stats.check(s, Budget(seconds));
		p.checks++;
		if (res == z3::unsat)
			for (size_t i = from; i < to; i++)
				lemmas.push_back(mk_not(helpers[i].bad));
		const double took = seconds_since(t0);
		if (o.on_progress && o.log_checks) {
			char buf[64];
			std::snprintf(buf, sizeof(buf), " %.2f s", took);
			std::string which = "#" + std::to_string(from);
			if (to - from > 1)
				which += "..#" + std::to_string(to - 1);
			o.on_progress("  " + stmt + ": " + helpers[from].what + " " + which + ": " +
				      (res == z3::unsat ? "proved" :
				       to - from > 1	 ? (res == z3::sat ? "sat, halved" : "unknown, halved") :
				       res == z3::sat	 ? "false, left out" : "unknown, left out") +
				      buf);
		}
		return std::make_pair(res, took);
	};
	for (size_t i = 0; i < helpers.size() && !budget.exhausted();) {
		size_t end = i + 1;
		while (end < helpers.size() && helpers[end].what == helpers[i].what)
			end++;
		size_t w = end - i;
		double last_proved = stone_slice;
		for (size_t k = i; k < end && !budget.exhausted();) {
			const size_t to = std::min(end, k + std::max<size_t>(w, 1));
			const double slice = window_seconds(to - k, stone_slice, last_proved);
			auto [res, took] = ask_stones(k, to, slice);
			if (res == z3::unsat) {
				last_proved = took;
				if (took < slice / 4)
					w *= 2;
				k = to;
			} else if (to - k == 1) {
				k++;
			} else {
				w = (to - k) / 2;
			}
		}
		i = end;
	}

	/*
	 * The step as one question first, in its compact form (@whole, the
	 * disjunction the obligations split): most statements answer it
	 * faster than any split (the split conjuncts repeat the terms they
	 * were distributed over; `write p0 0x2`: 15 s whole, 32-46 s split).
	 * No answer within @o.whole_seconds: the windows below.
	 */
	if (o.whole_seconds > 0 && !obs.empty()) {
		std::vector<size_t> all;
		for (size_t i = 0; i < obs.size(); i++)
			all.push_back(i);
		if (ask(all, o.whole_seconds, &whole) != z3::unknown)
			return p;
		p.reason.clear();
	}

	for (size_t next = 0; next < obs.size();) {
		std::vector<size_t> g;
		for (size_t i = next; i < obs.size() && g.size() < std::max<size_t>(window, 1); i++)
			g.push_back(i);
		if (budget.exhausted()) {
			p.verdict = Verdict::unknown;
			p.reason = "timeout";
			p.what = group_name(obs, g);
			return p;
		}
		z3::check_result res = ask(g, window_seconds(g.size(), o.slice_seconds, last_unsat));
		if (res == z3::sat)
			return p;
		if (res == z3::unsat) {
			next += g.size();
			continue;
		}
		if (g.size() == 1) {
			last.push_back(g);
			next++;
			continue;
		}
		p.halvings++;
		window = g.size() / 2;
	}
	for (const std::vector<size_t> &g : last) {
		p.last_pass++;
		z3::check_result res = ask(g, 0);
		if (res == z3::sat)
			return p;
		if (res == z3::unknown) {
			p.verdict = Verdict::unknown;
			p.what = group_name(obs, g);
			return p;
		}
	}
	return p;
}

/* Each of @asked must be a statement of @kinds' alphabet, as format_op() prints it. */
void check_statements_asked(const std::vector<std::string> &asked, const std::vector<OpKind> &kinds,
			    const SolverScope &sc)
{
	std::vector<std::string> listed;
	for (OpKind k : kinds)
		for (const Op &op : concrete_ops(k, sc, alphabet_has(kinds, OpKind::fault_file)))
			listed.push_back(format_op(op));
	const std::unordered_set<std::string> known(listed.begin(), listed.end());
	for (const std::string &s : asked) {
		if (known.count(s))
			continue;
		/* the alphabet's own statements, so the right spelling is at hand */
		const size_t shown = std::min<size_t>(listed.size(), 6);
		std::string some;
		for (size_t i = 0; i < shown; i++)
			some += (i ? ", \"" : "\"") + listed[i] + "\"";
		if (shown < listed.size())
			some += ", ... (" + std::to_string(listed.size()) + " in all)";
		throw std::invalid_argument("--statement \"" + s +
					    "\": no statement of the alphabet prints so; it has " + some);
	}
}

} // namespace

std::vector<NamedFormula> stepping_stones(const SymVisiblePoint &vp, const SolverScope &sc,
					  bool mapcounts, bool with_tables)
{
	if (vp.gathered.empty())
		return {};
	SymTables tables(vp.state, sc);
	std::vector<NamedFormula> out{
		{"refcount = held + gathered", "", refcount_accounts_gathered(tables, vp.gathered)},
		scope_bounds(tables)};
	/* the queue the walk's rmap removals fill and the flush's frees empty */
	if (!vp.queue_detached)
		out.push_back(queue_well_formed(tables));
	if (mapcounts)
		out.push_back(mapcounts_count_mappings(tables));
	if (with_tables)
		out.push_back(tables_well_formed(tables));
	return out;
}

InductionResult prove_inductive(const Config &cfg, const SolverScope &sc, const Query &q,
				const InductionOptions &o)
{
	InductionResult r;
	Budget budget(o.timeout_seconds);
	const std::vector<OpKind> &kinds = query_alphabet(q, o.kinds);
	check_statements_asked(o.statements, kinds, sc);

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
	 * One step per statement kind and concrete statement (process, VA,
	 * pages, ...: concrete_ops()), the pre-state fully symbolic. With the
	 * statement's fields concrete the encoder folds the dispatch and the
	 * walks; many small questions answer far faster than one with a
	 * symbolic statement (docs/solver.md, "Results"). Each step is proved
	 * obligation by obligation (prove_step()).
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

		/* Obligations per check; prove_step() adapts it from statement to statement. */
		size_t window = 64;
		for (const Op &concrete : concrete_ops(kind, sc, alphabet_has(kinds, OpKind::fault_file))) {
			const std::string stmt = format_op(concrete);
			if (!o.statements.empty() &&
			    std::find(o.statements.begin(), o.statements.end(), stmt) == o.statements.end())
				continue;
			auto t1 = std::chrono::steady_clock::now();
			SymOp op = concrete_op(c, concrete);
			Transition t = encode_transition(cfg, sc, pre, op, {kind}, o.gather_lemmas);
			z3::expr enabled = mk_and(mk_and(t.op_ok, t.legal), t.in_scope);
			if (enabled.is_false())
				continue;
			SymTables tq(t.post, sc);
			std::vector<NamedFormula> after = assumed(tq, o.strengthen, kinds);
			std::vector<Obligation> obs = obligations(q, t, sc, after);
			std::vector<z3::expr> facts = assumptions;
			facts.push_back(enabled);
			z3::expr whole = check_step(q, t, sc).violated;
			for (const NamedFormula &f : after)
				whole = mk_or(whole, mk_not(f.formula));
			r.stats.encode_seconds += seconds_since(t1);

			std::string key;
			if (o.cache) {
				key = step_key(facts, whole);
				if (o.cache->proved(key)) {
					if (o.on_progress)
						o.on_progress(stmt + ": proved by an earlier run (proof cache " +
							      o.cache->path() + ")");
					r.statements++;
					r.from_cache++;
					continue;
				}
			}
			const std::vector<Obligation> helpers =
				o.gather_lemmas ? gather_lemmas(t, sc, o.mapcount_lemmas, o.table_lemmas) : std::vector<Obligation>{};
			StepProof p = prove_step(c, facts, obs, helpers, o, budget, r.stats, stmt, window, whole);
			if (o.on_progress)
				o.on_progress(stmt + ": " + p.summary(obs.size(), seconds_since(t1)));
			if (p.verdict == Verdict::unknown) {
				r.verdict = Verdict::unknown;
				r.reason = p.reason + " (" + stmt + ", " + p.what + ")";
				r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
				return r;
			}
			if (p.verdict == Verdict::not_inductive) {
				Evaluator ev = model_evaluator(*p.model);
				r.verdict = Verdict::not_inductive;
				r.op = decode_op(ev, op, pre, sc);
				r.pre = decode_snapshot(ev, pre, sc);
				r.pre_has_pinned = decode_has_pinned(ev, pre);
				r.broken = p.what;
				r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
				return r;
			}
			r.statements++;
			r.obligations += static_cast<unsigned>(obs.size());
			if (std::string err; o.cache && !o.cache->record(key, stmt, seconds_since(t1), &err))
				throw std::runtime_error(err);
		}
		r.seconds_per_kind.emplace_back(kind, seconds_since(t0));
		if (o.on_kind)
			o.on_kind(kind, r.seconds_per_kind.back().second);
	}
	r.verdict = Verdict::inductive;
	return r;
}

} // namespace fc::solver
