// SPDX-License-Identifier: GPL-2.0
/*
 * query.h - what `foliocheck query` asks: a SPEC invariant, or an
 * expression over the observables, and where in an operation it must hold.
 *
 * An expression is typed: folio, page, process, integer, boolean. Variables
 * range over live folios (allocated, not freed), the pages of the folios
 * they index, and live processes; free variables are universally quantified
 * outermost (folios, then processes, then pages). The same Query is
 * evaluated on a symbolic state (the solver) and on a Snapshot (replaying a
 * counterexample), with one meaning; query_parser.h builds it from text.
 */
#pragma once

#include "model/snapshot.h"
#include "model/types.h"
#include "solver/invariants.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fc::solver {

enum class Sort : uint8_t { boolean, integer, folio, page, process };

std::string_view sort_name(Sort s);

/* One node of a typed expression; @col is the 1-based column of its first token. */
struct QueryExpr {
	enum class Kind : uint8_t {
		literal,      /* integer or boolean (@value) */
		var,          /* @name, of sort @sort */
		folio_const,  /* fN: @value = N */
		proc_const,   /* pN: @value = N */
		observable,   /* @name(@args) */
		unary,        /* @name: "!" or "-" */
		binary,       /* @name: "&&" "||" "->" "==" "!=" "<=" ">=" "<" ">" "+" "-" */
		quantifier,   /* @name: "forall" or "exists", over @vars */
	};
	Kind kind = Kind::literal;
	uint32_t col = 0;
	Sort sort = Sort::integer;
	int64_t value = 0;
	std::string name;
	std::vector<std::string> vars;     /* quantifier */
	std::vector<Sort> var_sorts;       /* quantifier */
	std::vector<std::shared_ptr<QueryExpr>> args;
};

/* One thing that must hold; a query may ask several (a violation of any). */
struct Goal {
	enum class Kind : uint8_t { invariant, accounting, expression };
	Kind kind = Kind::expression;
	Invariant invariant = Invariant::mapcount_le_refcount;
	std::shared_ptr<QueryExpr> expr;
	std::string name() const;
};

struct Query {
	/* Where an expression goal is checked (invariants keep their own rule). */
	enum class At : uint8_t {
		every_point,  /* every visible point, as the Runner checks invariants */
		settled,      /* visible points where the counters are settled */
		end,          /* the end of each statement */
	};

	std::string text;
	std::vector<Goal> goals;
	At at = At::every_point;

	/* One line: "SPEC invariant mapcount_le_refcount at every visible point". */
	std::string describe() const;
	/* Some goal is pin_stays_mapped (checked at page-replaced events). */
	bool watches_page_replaced() const;
};

std::optional<Query::At> parse_at(std::string_view s);
std::string_view at_name(Query::At at);

/* Query for every SPEC invariant (and, if @accounting, the exact accounting). */
Query all_invariants_query(bool accounting);

/*
 * query_holds - the goals of @q hold in the symbolic state of @t at a
 * visible point (@settled, @end: the "end of operation" point).
 */
z3::expr query_holds(const Query &q, SymTables &t, const SolverScope &sc, bool settled, bool end);
/* At a page-replaced event: pin_stays_mapped, if asked. */
z3::expr query_holds_replaced(const Query &q, const SymPageReplaced &r, const SolverScope &sc);

/*
 * Concrete counterparts, on what the kernel model shows. @failed is set to
 * the first goal that fails, and @detail to what the Runner's invariant
 * check or the expression evaluation saw.
 */
bool query_holds_concrete(const Query &q, const Snapshot &snap, const Config &cfg, bool settled,
			  bool end, std::string *failed, std::string *detail);
bool query_holds_replaced_concrete(const Query &q, const Snapshot &snap, const PageReplaced &r,
				   std::string *failed, std::string *detail);

} // namespace fc::solver
