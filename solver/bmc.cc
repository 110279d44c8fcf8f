// SPDX-License-Identifier: GPL-2.0
/*
 * bmc.cc - unroll, ask, decode, replay.
 */
#include "solver/bmc.h"

#include "solver/formula.h"
#include "solver/step_check.h"
#include "solver/transitions.h"

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

BmcResult bounded_model_check(const Config &cfg, const SolverScope &sc, const Query &q,
			      const BmcOptions &o)
{
	BmcResult r;
	Budget budget(o.timeout_seconds);
	const std::vector<OpKind> &kinds = o.kinds.empty() ? anon_ops() : o.kinds;
	z3::context c;
	std::vector<SymState> states{initial_state(c, sc)};
	std::vector<SymOp> ops;
	/*
	 * The unrolling so far: each step legal and in scope, its post-state
	 * named, and no violation at the depths already answered. Each depth
	 * is asked of a fresh solver (make_solver(): preprocessing, then the
	 * SMT core) given these facts and "step k breaks the query"; the
	 * incremental solver with an assumption literal per depth skipped the
	 * preprocessing and was several times slower.
	 */
	std::vector<z3::expr> facts;

	for (unsigned k = 0; k < o.steps; k++) {
		auto t0 = std::chrono::steady_clock::now();
		SymOp op = fresh_op(c, "op" + std::to_string(k + 1));
		Transition t = encode_transition(cfg, sc, states.back(), op, kinds);
		StepCheck check = check_step(q, t, sc);
		facts.push_back(t.op_ok);
		facts.push_back(t.legal);
		facts.push_back(t.in_scope);
		SymState post = t.post;
		for (const z3::expr &d : name_state(post, "s" + std::to_string(k + 1)))
			facts.push_back(d);
		ops.push_back(op);
		z3::solver s = make_solver(c);
		for (const z3::expr &e : facts)
			s.add(e);
		s.add(check.violated);
		r.stats.encode_seconds += seconds_since(t0);

		if (budget.exhausted()) {
			r.verdict = Verdict::unknown;
			r.reason = "timeout";
			r.stats.add(s);
			return r;
		}
		z3::check_result res = r.stats.check(s, budget);
		r.seconds_per_depth.push_back(seconds_since(t0));
		if (o.on_depth)
			o.on_depth(k + 1, r.seconds_per_depth.back());

		if (res == z3::sat) {
			z3::model m = s.get_model();
			Evaluator ev = model_evaluator(m);
			std::vector<Op> trace_ops;
			for (unsigned u = 0; u <= k; u++)
				trace_ops.push_back(decode_op(ev, ops[u], states[u], sc));
			Counterexample cex;
			cex.trace = make_trace(cfg, sc, trace_ops);
			cex.step = k;
			cex.point = first_broken_point(ev, check, t);
			confirm_by_replay(cex, q, cfg);
			r.cex = std::move(cex);
			r.verdict = Verdict::violated;
			r.depth = k;
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
		facts.push_back(!check.violated);
		states.push_back(post);
		r.depth = k + 1;
	}
	r.verdict = Verdict::holds;
	return r;
}

} // namespace fc::solver
