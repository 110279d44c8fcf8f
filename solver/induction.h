// SPDX-License-Identifier: GPL-2.0
/*
 * induction.h - is the query inductive: does every statement, from any
 * state satisfying the query and the strengthening invariants, keep the
 * query at every visible point and the strengthening invariants at its end?
 *
 * Per statement kind, with a fully symbolic pre-state and statement:
 *   base:  the initial world satisfies the strengthening invariants;
 *   step:  S(pre) and Q(pre) and the statement legal and in scope
 *          imply Q at every visible point and S(post).
 * S is the conjunction of strengthening() (invariants.h). If every kind
 * passes, Q holds at every visible point of every execution inside the scope,
 * of any length. A failing kind is reported with the statement and the
 * pre-state the solver chose, and which of Q or S broke.
 *
 * The step of one statement is proved goal by goal: Q at each visible point
 * and each invariant of S at the end are split into their conjuncts
 * (conjuncts(), formula.h: per folio slot, page, process, ...), and each
 * conjunct is an obligation, "bad" = its negation (under the point's path
 * condition). The step holds iff every obligation is unsatisfiable with the
 * same assumptions. Obligations are asked in groups, a group that gets no
 * answer within a time slice is halved, a single obligation that gets none
 * waits for a last pass with the whole remaining budget; every obligation
 * proved is added as a fact (lemma) to the later checks of the same
 * statement, which is sound since it follows from the same assumptions.
 */
#pragma once

#include "solver/bmc.h"
#include "solver/invariants.h"
#include "solver/proof_cache.h"
#include "solver/transitions.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fc::solver {

struct InductionOptions {
	double timeout_seconds = 0;
	std::vector<OpKind> kinds;   /* empty: anon_ops(), the default alphabet */
	bool strengthen = true;      /* assume the strengthening invariants */
	/* Called after each statement kind is answered, with its seconds. */
	std::function<void(OpKind, double)> on_kind;
	/*
	 * Seconds a group of obligations gets before it is halved (a single
	 * obligation: before it waits for the last pass). 0: no slice, one
	 * check per statement with the whole budget.
	 */
	double slice_seconds = 4;
	/*
	 * Seconds a stepping stone gets before it is left out (0: the slice).
	 * A stone left out breaks the chain the later ones lean on, so a
	 * longer one pays off where some stones are slow (fork's copies: up
	 * to 37 s each on a loaded machine), not where many are.
	 */
	double stone_slice_seconds = 0;
	/*
	 * Seconds a statement's step gets as one question before it is split
	 * into obligations (0: split at once).
	 */
	double whole_seconds = 60;
	/* Add each proved obligation as a fact for the later ones. */
	bool lemmas = true;
	/*
	 * Inside a zap, first prove at each point of the walk and of the
	 * flush that refcount = held references + the mmu_gather's pending
	 * ones (refcount_accounts_gathered()) and that the queue is well
	 * formed, point by point, and add each one proved as a fact; one not
	 * proved within the slice is left out (gather_lemmas()). The same
	 * between fork's copies of one VA and the next (nothing gathered).
	 */
	bool gather_lemmas = true;
	/*
	 * With gather_lemmas, also mapcounts_count_mappings at each of those
	 * points: without it the end's mapcounts (and freed_is_unreferenced,
	 * which follows from them) had to be rebuilt from the pre-state
	 * through the whole walk, up to 30 minutes each (docs/solver.md).
	 */
	bool mapcount_lemmas = true;
	/*
	 * With gather_lemmas, also tables_well_formed at each of those
	 * points: the end's tables_well_formed (a PTE of the other process
	 * still maps a live folio after this one's references are dropped; a
	 * PTE a split restored maps a live tail) was the obligation split,
	 * exit and long munmaps stalled on, rebuilt through the whole walk.
	 */
	bool table_lemmas = true;
	/*
	 * Non-empty: only the concrete statements whose format_op() is listed
	 * are asked ("exit p0"); the verdict is then about those statements
	 * alone, and a name no statement prints is std::invalid_argument.
	 * For tests and for re-asking the one statement a run did not answer.
	 */
	std::vector<std::string> statements;
	/*
	 * Not null: a statement whose step @cache has proved before (the same
	 * formula, step_key()) is not asked again, and each step proved is
	 * recorded there at once (proof_cache.h).
	 */
	ProofCache *cache = nullptr;
	/* Non-empty: each check without an answer is written there as N.smt2. */
	std::string dump_dir;
	/* Called with a line of progress: per statement, and per check if @log_checks. */
	std::function<void(const std::string &)> on_progress;
	bool log_checks = false;
};

struct InductionResult {
	Verdict verdict = Verdict::unknown;   /* inductive, not_inductive or unknown */
	/* what was assumed: (name, statement) of each strengthening invariant */
	std::vector<std::pair<std::string, std::string>> strengthening;
	bool base_ok = false;
	std::string base_failure;             /* a strengthening invariant false initially */
	/* not inductive: */
	std::optional<Op> op;                 /* the breaking statement */
	Snapshot pre;                         /* the pre-state the solver chose */
	std::vector<bool> pre_has_pinned;
	std::string broken;                   /* "the query at <point>" or a strengthening name */
	std::string reason;                   /* why unknown: names the statement and the obligation */
	unsigned statements = 0;              /* concrete statements whose step was proved */
	unsigned obligations = 0;             /* obligations proved over them (this run) */
	unsigned from_cache = 0;              /* of @statements, proved by an earlier run */
	std::vector<std::pair<OpKind, double>> seconds_per_kind;
	SolverStats stats;
};

InductionResult prove_inductive(const Config &cfg, const SolverScope &sc, const Query &q,
				const InductionOptions &o);

/*
 * stepping_stones - what induction proves at the point @vp, in order,
 * before a statement's obligations (InductionOptions::gather_lemmas):
 * where references are in flight (@vp.gathered: an mmu_gather's, a
 * split's or the shrinker's own), refcount = held + those
 * (refcount_accounts_gathered()), scope_bounds, queue_well_formed unless
 * the shrinker holds the queue on its private list, with @mapcounts
 * mapcounts_count_mappings and with @with_tables tables_well_formed. Nothing
 * elsewhere. True of every point the unmutated models reach
 * (Agreement.SteppingStonesHoldAlongStatements).
 */
std::vector<NamedFormula> stepping_stones(const SymVisiblePoint &vp, const SolverScope &sc,
					  bool mapcounts, bool with_tables);

} // namespace fc::solver
