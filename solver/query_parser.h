// SPDX-License-Identifier: GPL-2.0
/*
 * query_parser.h - the EXPR language of `foliocheck query`.
 *
 *   query  := NAME                      a SPEC invariant (mapcount_le_refcount, ...)
 *           | "all"                     every SPEC invariant
 *           | "accounting"              counters equal what the holders imply
 *           | expr
 *   expr   := ("forall" | "exists") VAR ("," VAR)* ":" expr
 *           | or ("->" expr)?           implication, right-associative
 *   or     := and ("||" and)*
 *   and    := cmp ("&&" cmp)*
 *   cmp    := sum (("==" | "!=" | "<=" | ">=" | "<" | ">") sum)?
 *   sum    := unary (("+" | "-") unary)*
 *   unary  := ("!" | "-") unary | primary
 *   primary:= INT | "true" | "false" | fN | pN | VAR
 *           | OBS "(" arg ("," arg)* ")" | "(" expr ")"
 *
 * Observables (SPEC names): refcount mapcount entire_mapcount nr_pages_mapped
 * pincount maybe_pinned queued partially_mapped freed order nr_pages (F);
 * page_mapcount anon_exclusive (F, i); rss rss_anon rss_file (P).
 * A variable's sort comes from where it is an argument; free variables are
 * quantified universally, outermost. Booleans count as 0/1 in arithmetic.
 */
#pragma once

#include "solver/query.h"

#include <stdexcept>
#include <string>

namespace fc::solver {

/* A malformed query: what is wrong, at which 1-based column. */
class QueryError : public std::runtime_error {
public:
	QueryError(uint32_t col, const std::string &message)
		: std::runtime_error(message), col_(col), message_(message) {}
	uint32_t col() const { return col_; }
	const std::string &message() const { return message_; }

private:
	uint32_t col_;
	std::string message_;
};

/* parse_query - @text as a Query. Throws QueryError, never anything else. */
Query parse_query(const std::string &text);

/* "query:1:COL: error: MESSAGE", then the text and a caret under the column. */
std::string format_query_error(const std::string &text, const QueryError &e);

/* The observables an expression may use, for messages and docs. */
std::string known_observables();

} // namespace fc::solver
