// SPDX-License-Identifier: GPL-2.0
/*
 * trace_lex.h - the lexical layer of the trace format: lines, tokens, and the
 * scalar spellings (numbers, names) that statements are built from.
 *
 * Internal to the parser (trace_parse.cc); nothing outside model/ includes it.
 *
 * The input is any byte string. Lines end at '\n' (one trailing '\r' is
 * dropped, so CRLF files read the same); tokens are separated by spaces and
 * tabs; every other byte, NUL and invalid UTF-8 included, is part of a token.
 * Columns count bytes from 1. Nothing here allocates in proportion to the
 * input: a line keeps at most kMaxTokens tokens, as views into the text.
 */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/trace.h"

namespace fc::lex {

struct Token {
	std::string_view text;
	uint32_t col = 0;   /* 1-based byte column of the first byte */

	/* the column just past the token: where a missing next token belongs */
	uint32_t end_col() const;
};

/*
 * More tokens than any well-formed statement has (config with every key is
 * eight). A longer line is malformed before its kMaxTokens-th token, so the
 * parser reports an error among the kept ones; @truncated records the rest.
 */
inline constexpr size_t kMaxTokens = 16;

/* struct Line - one statement line, split into tokens. */
struct Line {
	uint32_t number = 0;       /* 1-based line number */
	std::array<Token, kMaxTokens> tokens;
	size_t count = 0;          /* tokens kept */
	bool truncated = false;    /* more than kMaxTokens tokens */
	uint32_t end_col = 1;      /* column just past the last token kept */
};

/*
 * class LineReader - walks the text line by line, skipping blank lines and
 * whole-line comments (first non-blank byte '#').
 */
class LineReader {
public:
	explicit LineReader(std::string_view text) : rest_(text) {}

	/* next - fill @line with the next statement line; false at the end. */
	bool next(Line &line);

private:
	std::string_view rest_;
	uint32_t line_no_ = 0;
	bool done_ = false;
};

enum class NumStatus { ok, bad, overflow };

/*
 * parse_u64 - a number as the trace spells it: decimal digits, or "0x"
 * followed by hex digits. No sign, no spaces, no suffix.
 */
NumStatus parse_u64(std::string_view s, uint64_t *out);

/* parse_i64 - like parse_u64 with an optional leading '-'; any int64_t. */
NumStatus parse_i64(std::string_view s, int64_t *out);

/*
 * parse_name_number - the number in a name like "p0", "f12" or "pin3":
 * @prefix, then canonical decimal (no leading zero, except "0" itself), at
 * least @min and at most UINT32_MAX.
 */
NumStatus parse_name_number(std::string_view s, std::string_view prefix, uint32_t min,
			    uint32_t *out);

/*
 * parse_page_name - "f<N>[<I>]": folio N >= 1 and page index I, both
 * canonical decimal.
 */
NumStatus parse_page_name(std::string_view s, uint32_t *folio, uint32_t *page);

/* is_file_name - [A-Za-z_][A-Za-z0-9_.-]* */
bool is_file_name(std::string_view s);

/*
 * quote - @s for an error message: single-quoted, bytes outside printable
 * ASCII as \xNN, cut after a few dozen bytes with "...".
 */
std::string quote(std::string_view s);

/*
 * The keywords the parser reads and the printer writes, in one place so the
 * two cannot drift apart. op_keyword(OpKind::fault_anon) and
 * op_keyword(OpKind::fault_file) are both "fault"; the two forms differ by
 * their arguments.
 */
std::string_view op_keyword(OpKind k);
std::string_view obs_keyword(ObsKind k);
inline constexpr unsigned kNrObsKinds = static_cast<unsigned>(ObsKind::young) + 1;

} // namespace fc::lex
