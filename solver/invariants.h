// SPDX-License-Identifier: GPL-2.0
/*
 * invariants.h - SPEC's invariants as formulas over a symbolic state, and
 * the strengthening invariants the inductive check assumes.
 *
 * invariant_holds() states exactly what model/check/invariants.cc checks on
 * a Snapshot (same folios, same "known page" rules, same settled-only set),
 * so a violation the solver finds is one the Runner reports on replay.
 *
 * The strengthening invariants are what the kernel model keeps true between
 * statements when it is right: every counter equals what the holders (page
 * tables, live handles, the queue) imply. They are the lemmas an inductive
 * proof of mapcount_le_refcount needs — a state where refcount merely
 * happens to exceed mapcount can lose that in one zap — and each is itself
 * checked to be preserved by every statement (induction.h).
 */
#pragma once

#include "solver/encoding.h"
#include "solver/transitions.h"

#include <string>
#include <vector>

namespace fc::solver {

/*
 * class SymTables - what the holders of a state imply per folio (the
 * Tables of model/check/invariants.cc): PTEs mapping each page, PMDs
 * mapping the folio, references live handles hold. Terms are built on first
 * use and cached.
 */
class SymTables {
public:
	SymTables(const SymState &s, const SolverScope &sc);

	/* PTEs of created processes mapping page @j of slot @i (j < its nr_pages). */
	const z3::expr &pte(unsigned i, unsigned j);
	/* PMDs of created processes mapping slot @i. */
	const z3::expr &pmd(unsigned i);
	/* Some PTE (any page) or PMD maps slot @i. */
	const z3::expr &mapped_anywhere(unsigned i);
	/* References held by live pins (1024 each on order 0) and refs. */
	const z3::expr &handle_refs(unsigned i);
	/* Pages of slot @i held by live pins. */
	const z3::expr &pinned_pages(unsigned i);
	/* Slot @i is among the first queue_len queue entries. */
	const z3::expr &on_queue(unsigned i);
	/* Mappings the tables imply: PMDs + PTEs of existing pages. */
	z3::expr mappings(unsigned i);
	/* Page @j of slot @i is mapped by a PTE or a PMD. */
	z3::expr page_mapped(unsigned i, unsigned j);
	/*
	 * References the holders of slot @i account for: mappings, live
	 * handles, the page cache's nr_pages for a page-cache folio.
	 */
	z3::expr held_refs(unsigned i);

	const SymState &state() const { return s_; }

private:
	const SymState &s_;
	SolverScope sc_;
	std::vector<std::vector<std::optional<z3::expr>>> pte_;
	std::vector<std::optional<z3::expr>> pmd_, anywhere_, handle_refs_, pinned_, on_queue_;
};

/* @inv holds in @s; the settled-only ones are true where @settled is false. */
z3::expr invariant_holds(Invariant inv, SymTables &t, bool settled);
/* pin_stays_mapped at a page-replaced event. */
z3::expr page_replaced_ok(const SymPageReplaced &r, const SolverScope &sc);

/*
 * accounting_holds - the reference model's derived counts equal the kernel
 * model's counters (what the Runner's differential check compares): for
 * every live folio refcount, mapcount, entire and page mapcounts,
 * nr_pages_mapped and pincount equal what the holders imply. Not a SPEC
 * invariant (counters_match_tables only asks refcount >= holders); it is
 * how the solver sees a leaked reference.
 */
z3::expr accounting_holds(SymTables &t);

struct NamedFormula {
	std::string name;
	std::string statement;
	z3::expr formula;
};

/* The strengthening invariants, each a conjunct with its name and statement. */
std::vector<NamedFormula> strengthening(SymTables &t);
/* Some of them alone, for the stepping stones inside a zap (induction.cc). */
NamedFormula scope_bounds(SymTables &t);
NamedFormula tables_well_formed(SymTables &t);
NamedFormula queue_well_formed(SymTables &t);
NamedFormula mapcounts_count_mappings(SymTables &t);

/*
 * refcount_accounts_gathered - refcount_accounts_holders inside a zap,
 * where an mmu_gather holds @gathered[i] references to slot @i that its
 * flush will drop: a folio is live iff held + gathered references remain,
 * and then its refcount is their sum. What makes the end of a walk follow
 * from its start point by point (a lemma for induction, not an invariant
 * of SPEC).
 */
z3::expr refcount_accounts_gathered(SymTables &t, const std::vector<z3::expr> &gathered);

} // namespace fc::solver
