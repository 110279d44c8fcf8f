// SPDX-License-Identifier: GPL-2.0
/*
 * trace_lex.cc - lines, tokens and scalar spellings of the trace format.
 * See trace_lex.h for the rules; every function here is total on any bytes.
 */
#include "model/trace_lex.h"

#include <algorithm>
#include <limits>

namespace fc::lex {

namespace {

/* Positions beyond 4G bytes saturate rather than wrap. */
uint32_t clamp32(size_t v)
{
	return static_cast<uint32_t>(std::min<size_t>(v, std::numeric_limits<uint32_t>::max()));
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* digits in @base into @out; bad on an empty string or a foreign byte */
NumStatus parse_digits(std::string_view s, unsigned base, uint64_t *out)
{
	if (s.empty())
		return NumStatus::bad;
	uint64_t v = 0;
	bool overflow = false;
	for (char c : s) {
		const int d = base == 16 ? hex_digit(c) : (is_digit(c) ? c - '0' : -1);
		if (d < 0)
			return NumStatus::bad;
		/* keep scanning after an overflow: a bad byte later wins */
		if (v > (std::numeric_limits<uint64_t>::max() - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (overflow)
		return NumStatus::overflow;
	*out = v;
	return NumStatus::ok;
}

/* canonical decimal of a name: no sign, no leading zero, fits in uint32_t */
NumStatus parse_canonical_u32(std::string_view s, uint32_t *out)
{
	if (s.size() > 1 && s[0] == '0')
		return NumStatus::bad;
	uint64_t v;
	const NumStatus st = parse_digits(s, 10, &v);
	if (st != NumStatus::ok)
		return st;
	if (v > std::numeric_limits<uint32_t>::max())
		return NumStatus::overflow;
	*out = static_cast<uint32_t>(v);
	return NumStatus::ok;
}

} // namespace

uint32_t Token::end_col() const
{
	return clamp32(size_t{col} + text.size());
}

/*
 * split_tokens - cut @text (one line, '\n' and trailing '\r' removed) at
 * spaces and tabs. Scans the whole line but keeps only kMaxTokens tokens.
 */
static void split_tokens(std::string_view text, Line &line)
{
	line.count = 0;
	line.truncated = false;
	line.end_col = 1;
	size_t i = 0;
	while (i < text.size()) {
		while (i < text.size() && is_blank(text[i]))
			i++;
		if (i == text.size())
			break;
		const size_t start = i;
		while (i < text.size() && !is_blank(text[i]))
			i++;
		if (line.count == kMaxTokens) {
			line.truncated = true;
			break;
		}
		Token &t = line.tokens[line.count++];
		t.text = text.substr(start, i - start);
		t.col = clamp32(start + 1);
		line.end_col = t.end_col();
	}
}

bool LineReader::next(Line &line)
{
	while (!done_) {
		std::string_view text;
		const size_t nl = rest_.find('\n');
		if (nl == std::string_view::npos) {
			text = rest_;
			rest_ = {};
			done_ = true;
		} else {
			text = rest_.substr(0, nl);
			rest_.remove_prefix(nl + 1);
		}
		if (line_no_ < std::numeric_limits<uint32_t>::max())
			line_no_++;
		if (!text.empty() && text.back() == '\r')
			text.remove_suffix(1);

		size_t first = 0;
		while (first < text.size() && is_blank(text[first]))
			first++;
		if (first == text.size() || text[first] == '#')
			continue;

		line.number = line_no_;
		split_tokens(text, line);
		return true;
	}
	return false;
}

NumStatus parse_u64(std::string_view s, uint64_t *out)
{
	if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_digits(s.substr(2), 16, out);
	return parse_digits(s, 10, out);
}

NumStatus parse_i64(std::string_view s, int64_t *out)
{
	const bool negative = !s.empty() && s[0] == '-';
	uint64_t mag;
	const NumStatus st = parse_u64(negative ? s.substr(1) : s, &mag);
	if (st != NumStatus::ok)
		return st;
	const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) +
			       (negative ? 1 : 0);
	if (mag > limit)
		return NumStatus::overflow;
	/* -(2^63) has no positive int64_t; negate in unsigned arithmetic */
	*out = negative ? static_cast<int64_t>(~mag + 1) : static_cast<int64_t>(mag);
	return NumStatus::ok;
}

NumStatus parse_name_number(std::string_view s, std::string_view prefix, uint32_t min,
			    uint32_t *out)
{
	if (s.size() <= prefix.size() || s.substr(0, prefix.size()) != prefix)
		return NumStatus::bad;
	uint32_t v;
	const NumStatus st = parse_canonical_u32(s.substr(prefix.size()), &v);
	if (st != NumStatus::ok)
		return st;
	if (v < min)
		return NumStatus::bad;
	*out = v;
	return NumStatus::ok;
}

NumStatus parse_page_name(std::string_view s, uint32_t *folio, uint32_t *page)
{
	const size_t open = s.find('[');
	if (open == std::string_view::npos || s.size() < open + 3 || s.back() != ']')
		return NumStatus::bad;
	uint32_t f, i;
	NumStatus st = parse_name_number(s.substr(0, open), "f", 1, &f);
	if (st != NumStatus::ok)
		return st;
	st = parse_canonical_u32(s.substr(open + 1, s.size() - open - 2), &i);
	if (st != NumStatus::ok)
		return st;
	*folio = f;
	*page = i;
	return NumStatus::ok;
}

bool is_file_name(std::string_view s)
{
	if (s.empty())
		return false;
	const auto alpha = [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
	};
	if (!alpha(s[0]))
		return false;
	return std::all_of(s.begin() + 1, s.end(), [&](char c) {
		return alpha(c) || is_digit(c) || c == '.' || c == '-';
	});
}

std::string quote(std::string_view s)
{
	constexpr size_t kMaxShown = 40;
	static const char hex[] = "0123456789abcdef";
	std::string q = "'";
	for (size_t i = 0; i < s.size() && i < kMaxShown; i++) {
		const auto c = static_cast<unsigned char>(s[i]);
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			q += static_cast<char>(c);
		} else {
			q += "\\x";
			q += hex[c >> 4];
			q += hex[c & 15];
		}
	}
	if (s.size() > kMaxShown)
		q += "...";
	q += "'";
	return q;
}

std::string_view op_keyword(OpKind k)
{
	switch (k) {
	case OpKind::fault_anon:  return "fault";
	case OpKind::file_create: return "file";
	case OpKind::fault_file:  return "fault";
	case OpKind::read:        return "read";
	case OpKind::write:       return "write";
	case OpKind::fork:        return "fork";
	case OpKind::munmap:      return "munmap";
	case OpKind::madv_free:   return "madv_free";
	case OpKind::mremap:      return "mremap";
	case OpKind::mprotect:    return "mprotect";
	case OpKind::pin:         return "pin";
	case OpKind::unpin:       return "unpin";
	case OpKind::get:         return "get";
	case OpKind::put:         return "put";
	case OpKind::split_pmd:   return "split_pmd";
	case OpKind::split:       return "split";
	case OpKind::shrink:      return "shrink";
	case OpKind::swapout:     return "swapout";
	case OpKind::swapin:      return "swapin";
	case OpKind::exit:        return "exit";
	case OpKind::expect:      return "expect";
	case OpKind::reclaim:     return "reclaim";
	}
	return "?";
}

std::string_view obs_keyword(ObsKind k)
{
	switch (k) {
	case ObsKind::refcount:          return "refcount";
	case ObsKind::mapcount:          return "mapcount";
	case ObsKind::entire_mapcount:   return "entire_mapcount";
	case ObsKind::page_mapcount:     return "page_mapcount";
	case ObsKind::nr_pages_mapped:   return "nr_pages_mapped";
	case ObsKind::pincount:          return "pincount";
	case ObsKind::maybe_pinned:      return "maybe_pinned";
	case ObsKind::anon_exclusive:    return "anon_exclusive";
	case ObsKind::queued:            return "queued";
	case ObsKind::partially_mapped:  return "partially_mapped";
	case ObsKind::freed:             return "freed";
	case ObsKind::mapped:            return "mapped";
	case ObsKind::writable:          return "writable";
	case ObsKind::rss:               return "rss";
	case ObsKind::violations:        return "violations";
	case ObsKind::violation:         return "violation";
	case ObsKind::atomics:           return "atomics";
	case ObsKind::split_queue_locks: return "split_queue_locks";
	case ObsKind::spurious_enqueues: return "spurious_enqueues";
	case ObsKind::lazyfree:          return "lazyfree";
	case ObsKind::young:             return "young";
	}
	return "?";
}

} // namespace fc::lex
