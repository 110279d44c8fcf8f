// SPDX-License-Identifier: GPL-2.0
/*
 * bmc.cc - unroll, ask, decode, replay.
 */
#include "solver/bmc.h"

#include "solver/formula.h"
#include "solver/step_check.h"
#include "solver/transitions.h"

#include <algorithm>
#include <unordered_set>

namespace fc::solver {

std::string_view verdict_name(Verdict v)
{
	switch (v) {
	case Verdict::holds:
		return "holds";
	case Verdict::violated:
		return "violated";
	case Verdict::inductive:
		return "inductive";
	case Verdict::not_inductive:
		return "not inductive";
	case Verdict::unknown:
		return "unknown";
	}
	return "?";
}

namespace {

/* A state a concrete prefix reached: literal terms, and the statements. */
struct PrefixState {
	SymState state;
	std::vector<Op> path;
};

/* The symbolic unrolling from one prefix state: states[0] is that state. */
struct Unrolling {
	std::vector<SymState> states;
	std::vector<SymOp> ops;
	std::vector<z3::expr> facts;
	std::vector<Op> prefix;
};

/* Distinct literal states: the values of every field, in order. */
std::string state_key(const SymState &s)
{
	std::string key;
	for (const z3::expr *f : s.fields()) {
		if (f->is_true())
			key += 't';
		else if (f->is_false())
			key += 'f';
		else if (auto v = numeral(*f))
			key += std::to_string(*v);
		else
			key += f->to_string();
		key += ',';
	}
	return key;
}

/* The counterexample @ops (breaking the query at statement @k, point @where), replayed. */
void report_violation(const Config &cfg, const SolverScope &sc, const Query &q,
		      const std::vector<Op> &ops, unsigned k, const std::string &where, BmcResult &r)
{
	Counterexample cex;
	cex.trace = make_trace(cfg, sc, ops);
	cex.step = k;
	cex.point = where;
	confirm_by_replay(cex, q, cfg);
	r.cex = std::move(cex);
	r.verdict = Verdict::violated;
	r.depth = k;
}

/*
 * expand_prefix - breadth first to depth @prefix from @frontier (the
 * initial world): every statement concrete_ops() lists for @kinds, run on
 * literal terms where it is in the domain, legal and inside the scope; the
 * query evaluated at its visible points. Leaves in @frontier the distinct
 * states first reached at depth @prefix. Returns true with @r filled in
 * when a statement breaks the query (the first in breadth-first order: a
 * shortest counterexample); on a timeout @r says unknown.
 */
bool expand_prefix(const Config &cfg, const SolverScope &sc, const Query &q,
		   const std::vector<OpKind> &kinds, unsigned prefix, const Budget &budget,
		   std::vector<PrefixState> &frontier, BmcResult &r,
		   const std::function<void(unsigned, double)> &on_depth)
{
	z3::context &c = frontier.front().state.ctx();
	const Evaluator ground = ground_evaluator();
	std::unordered_set<std::string> seen{state_key(frontier.front().state)};
	std::vector<std::vector<Op>> ops_of_kind;
	for (OpKind k : kinds)
		ops_of_kind.push_back(concrete_ops(k, sc, alphabet_has(kinds, OpKind::fault_file)));

	for (unsigned d = 0; d < prefix; d++) {
		auto t0 = std::chrono::steady_clock::now();
		std::vector<PrefixState> next;
		for (const PrefixState &from : frontier) {
			if (budget.exhausted()) {
				r.verdict = Verdict::unknown;
				r.reason = "timeout";
				r.depth = d;
				return false;
			}
			for (const std::vector<Op> &ops : ops_of_kind)
				for (Op op : ops) {
					SymOp sop = concrete_op(c, op);
					StatementCheck allowed = check_statement(sc, from.state, sop, kinds);
					if (!eval_bool(ground, mk_and(allowed.op_ok, allowed.legal)))
						continue;
					Transition t = encode_transition(cfg, sc, from.state, sop, kinds);
					if (!eval_bool(ground, t.in_scope))
						continue;
					r.prefix_statements++;
					if (op.kind == OpKind::fork)
						op.proc2 = static_cast<ProcId>(eval_int(ground, from.state.nr_procs));
					if (op.kind == OpKind::file_create)
						op.file = solver_file_name(static_cast<uint32_t>(
							eval_int(ground, from.state.nr_files)));
					StepCheck check = check_step(q, t, sc);
					if (eval_bool(ground, check.violated)) {
						std::vector<Op> path = from.path;
						path.push_back(op);
						r.seconds_per_depth.push_back(seconds_since(t0));
						report_violation(cfg, sc, q, path, d,
								 first_broken_point(ground, check, t), r);
						return true;
					}
					/* the encoder folds most fields already: simplify the rest */
					for (z3::expr *f : t.post.fields())
						if (!is_literal(*f))
							*f = f->simplify();
					if (!seen.insert(state_key(t.post)).second)
						continue;
					std::vector<Op> path = from.path;
					path.push_back(op);
					next.push_back(PrefixState{std::move(t.post), std::move(path)});
				}
		}
		frontier = std::move(next);
		r.prefix_states.push_back(frontier.size());
		r.seconds_per_depth.push_back(seconds_since(t0));
		/* encoding and evaluating is all the prefix does */
		r.stats.encode_seconds += r.seconds_per_depth.back();
		r.depth = d + 1;
		if (on_depth)
			on_depth(d + 1, r.seconds_per_depth.back());
	}
	return false;
}

} // namespace

BmcResult bounded_model_check(const Config &cfg, const SolverScope &sc, const Query &q,
			      const BmcOptions &o)
{
	BmcResult r;
	Budget budget(o.timeout_seconds);
	const std::vector<OpKind> &kinds = query_alphabet(q, o.kinds);
	z3::context c;

	std::vector<PrefixState> frontier{{initial_state(c, sc), {}}};
	const unsigned prefix = std::min(o.concrete_prefix, o.steps);
	if (prefix > 0) {
		/* a violation, or the budget ran out (r.reason says so) */
		if (expand_prefix(cfg, sc, q, kinds, prefix, budget, frontier, r, o.on_depth) ||
		    !r.reason.empty())
			return r;
	}

	/*
	 * One unrolling per state the prefix reached, deepened in step: each
	 * step legal and in scope, its post-state named, and no violation at
	 * the depths already answered. Each depth is asked of a fresh solver
	 * (make_solver(): preprocessing, then the SMT core) given these facts
	 * and "step k breaks the query"; the incremental solver with an
	 * assumption literal per depth skipped the preprocessing and was
	 * several times slower.
	 */
	std::vector<Unrolling> unrollings;
	for (PrefixState &p : frontier)
		unrollings.push_back(Unrolling{{std::move(p.state)}, {}, {}, std::move(p.path)});

	for (unsigned k = prefix; k < o.steps; k++) {
		auto t0 = std::chrono::steady_clock::now();
		const unsigned step = k - prefix;
		for (size_t u = 0; u < unrollings.size(); u++) {
			Unrolling &un = unrollings[u];
			auto e0 = std::chrono::steady_clock::now();
			std::string tag = (unrollings.size() > 1 ? "u" + std::to_string(u) + "." : "");
			SymOp op = fresh_op(c, tag + "op" + std::to_string(k + 1));
			Transition t = encode_transition(cfg, sc, un.states.back(), op, kinds);
			StepCheck check = check_step(q, t, sc);
			un.facts.push_back(t.op_ok);
			un.facts.push_back(t.legal);
			un.facts.push_back(t.in_scope);
			SymState post = t.post;
			for (const z3::expr &d : name_state(post, tag + "s" + std::to_string(k + 1)))
				un.facts.push_back(d);
			un.ops.push_back(op);
			z3::solver s = make_solver(c);
			for (const z3::expr &e : un.facts)
				s.add(e);
			s.add(check.violated);
			r.stats.encode_seconds += seconds_since(e0);

			if (budget.exhausted()) {
				r.verdict = Verdict::unknown;
				r.reason = "timeout";
				r.stats.add(s);
				r.depth = k;
				return r;
			}
			z3::check_result res = r.stats.check(s, budget);

			if (res == z3::sat) {
				z3::model m = s.get_model();
				Evaluator ev = model_evaluator(m);
				std::vector<Op> trace_ops = un.prefix;
				for (unsigned v = 0; v <= step; v++)
					trace_ops.push_back(decode_op(ev, un.ops[v], un.states[v], sc));
				report_violation(cfg, sc, q, trace_ops, k, first_broken_point(ev, check, t), r);
				return r;
			}
			if (res == z3::unknown) {
				r.verdict = Verdict::unknown;
				r.reason = s.reason_unknown();
				if (budget.exhausted() || r.reason == "canceled" || r.reason == "timeout")
					r.reason = "timeout";
				r.depth = k;
				return r;
			}
			/* No violation at this depth: keep that as a fact for the deeper ones. */
			un.facts.push_back(!check.violated);
			un.states.push_back(post);
		}
		r.seconds_per_depth.push_back(seconds_since(t0));
		if (o.on_depth)
			o.on_depth(k + 1, r.seconds_per_depth.back());
		r.depth = k + 1;
	}
	r.verdict = Verdict::holds;
	return r;
}

} // namespace fc::solver
