// SPDX-License-Identifier: GPL-2.0
/*
 * query_parser_test.cc - the EXPR language of `foliocheck query`: the
 * issue's example expressions parse to what they say, and a malformed query
 * is rejected with the column of the offending token.
 */
#include "solver/query_parser.h"

#include <gtest/gtest.h>

namespace fc::solver {
namespace {

/* The column parse_query() reports for @text, or 0 if it parsed. */
uint32_t error_column(const std::string &text, std::string *message = nullptr)
{
	try {
		parse_query(text);
	} catch (const QueryError &e) {
		if (message)
			*message = e.message();
		return e.col();
	}
	return 0;
}

TEST(QueryParser, NamedInvariants)
{
	Query q = parse_query("mapcount_le_refcount");
	ASSERT_EQ(q.goals.size(), 1u);
	EXPECT_EQ(q.goals[0].kind, Goal::Kind::invariant);
	EXPECT_EQ(q.goals[0].invariant, Invariant::mapcount_le_refcount);
	EXPECT_EQ(parse_query(" pincount_le_refcount ").goals[0].invariant,
		  Invariant::pincount_le_refcount);
	EXPECT_EQ(parse_query("all").goals.size(), kNrInvariants);
	EXPECT_EQ(parse_query("accounting").goals[0].kind, Goal::Kind::accounting);
}

TEST(QueryParser, IssueExamples)
{
	for (const char *text : {"mapcount(F) <= refcount(F)",
				 "anon_exclusive(F, i) -> page_mapcount(F, i) == 1",
				 "queued(F) || !partially_mapped(F)"}) {
		SCOPED_TRACE(text);
		Query q;
		ASSERT_NO_THROW(q = parse_query(text));
		ASSERT_EQ(q.goals.size(), 1u);
		const QueryExpr &e = *q.goals[0].expr;
		EXPECT_EQ(e.sort, Sort::boolean);
		/* F (and i) are free: quantified universally, outermost. */
		ASSERT_EQ(e.kind, QueryExpr::Kind::quantifier);
		EXPECT_EQ(e.name, "forall");
	}
	/* The free variables get their sorts from where they are arguments. */
	Query q = parse_query("anon_exclusive(F, i) -> page_mapcount(F, i) == 1");
	std::vector<Sort> sorts;
	for (const QueryExpr *e = q.goals[0].expr.get(); e->kind == QueryExpr::Kind::quantifier;
	     e = e->args[0].get())
		sorts.insert(sorts.end(), e->var_sorts.begin(), e->var_sorts.end());
	EXPECT_EQ(sorts, (std::vector<Sort>{Sort::folio, Sort::page}));
}

TEST(QueryParser, ExplicitQuantifiersAndConstants)
{
	EXPECT_NO_THROW(parse_query("forall F: exists P: rss_anon(P) >= 0 && refcount(F) >= 1"));
	EXPECT_NO_THROW(parse_query("pincount(f1) + 1 <= refcount(f1)"));
	EXPECT_NO_THROW(parse_query("exists F: pincount(F) > 0"));
	EXPECT_NO_THROW(parse_query("rss(p0) <= 8"));
}

TEST(QueryParser, MalformedQueriesReportTheColumn)
{
	std::string msg;
	/* a bare '&' */
	EXPECT_EQ(error_column("queued(F) & partially_mapped(F)", &msg), 11u);
	EXPECT_NE(msg.find("&&"), std::string::npos) << msg;
	/* an unknown observable */
	EXPECT_EQ(error_column("mapcount(F) <= refcnt(F)", &msg), 16u);
	EXPECT_NE(msg.find("refcnt"), std::string::npos) << msg;
	/* a missing operand at the end */
	EXPECT_EQ(error_column("mapcount(F) <=", &msg), 15u);
	/* wrong number of arguments */
	EXPECT_NE(error_column("page_mapcount(F) == 1", &msg), 0u);
	/* a folio where a page is expected is a sort error at the argument */
	EXPECT_EQ(error_column("page_mapcount(F, f1) == 1", &msg), 18u);
	/* an integer query: reported at its top operator */
	EXPECT_EQ(error_column("refcount(F) + 1", &msg), 13u);
	EXPECT_NE(msg.find("condition"), std::string::npos) << msg;
	/* a stray character */
	EXPECT_EQ(error_column("refcount(F) <= 3 $", &msg), 18u);
	/* unbalanced parenthesis */
	EXPECT_NE(error_column("(refcount(F) <= 3", &msg), 0u);
	/* chained comparison */
	EXPECT_EQ(error_column("0 <= mapcount(F) <= refcount(F)", &msg), 18u);
	EXPECT_EQ(error_column("", &msg), 1u);
	/* a well-formed query for contrast */
	EXPECT_EQ(error_column("mapcount(F) <= refcount(F)"), 0u);
}

TEST(QueryParser, ErrorFormatPointsAtTheColumn)
{
	const std::string text = "mapcount(F) <= refcnt(F)";
	try {
		parse_query(text);
		FAIL() << "parsed";
	} catch (const QueryError &e) {
		std::string out = format_query_error(text, e);
		EXPECT_EQ(out.rfind("query:1:16: error: ", 0), 0u) << out;
		/* the caret line: two spaces of indent, then 15 spaces, then ^ */
		EXPECT_NE(out.find("\n  " + std::string(15, ' ') + "^"), std::string::npos) << out;
	}
}

} // namespace
} // namespace fc::solver
