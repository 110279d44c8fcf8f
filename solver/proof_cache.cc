// SPDX-License-Identifier: GPL-2.0
/*
 * proof_cache.cc - the proof cache file: reading it, appending to it, and
 * the key of a step.
 */
#include "solver/proof_cache.h"
#include "model/hash_mix.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <utility>

namespace fc::solver {

namespace {

uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/*
 * murmur3_128 - MurmurHash3_x64_128 (Austin Appleby, public domain) of
 * @s, seed 0: a well-mixed 128-bit hash, so that two formulas share a key
 * with probability ~2^-128 unless built to.
 */
void murmur3_128(const std::string &s, uint64_t *out1, uint64_t *out2)
{
	const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
	const size_t len = s.size(), nblocks = len / 16;
	const auto *data = reinterpret_cast<const uint8_t *>(s.data());
	uint64_t h1 = 0, h2 = 0;
	auto load = [&](size_t at) {
		uint64_t v;
		std::memcpy(&v, data + at, 8);
		return v;
	};
	for (size_t i = 0; i < nblocks; i++) {
		uint64_t k1 = load(i * 16), k2 = load(i * 16 + 8);
		k1 *= c1, k1 = rotl(k1, 31), k1 *= c2, h1 ^= k1;
		h1 = rotl(h1, 27), h1 += h2, h1 = h1 * 5 + 0x52dce729;
		k2 *= c2, k2 = rotl(k2, 33), k2 *= c1, h2 ^= k2;
		h2 = rotl(h2, 31), h2 += h1, h2 = h2 * 5 + 0x38495ab5;
	}
	const uint8_t *tail = data + nblocks * 16;
	uint64_t k1 = 0, k2 = 0;
	for (size_t i = len & 15; i > 8; i--)
		k2 ^= uint64_t(tail[i - 1]) << ((i - 9) * 8);
	if (len & 15) {
		k2 *= c2, k2 = rotl(k2, 33), k2 *= c1, h2 ^= k2;
		for (size_t i = std::min<size_t>(len & 15, 8); i > 0; i--)
			k1 ^= uint64_t(tail[i - 1]) << ((i - 1) * 8);
		k1 *= c1, k1 = rotl(k1, 31), k1 *= c2, h1 ^= k1;
	}
	h1 ^= len, h2 ^= len;
	h1 += h2, h2 += h1;
	h1 = fmix64(h1), h2 = fmix64(h2);
	h1 += h2, h2 += h1;
	*out1 = h1;
	*out2 = h2;
}

bool is_key(const std::string &s)
{
	if (s.size() != 32)
		return false;
	for (char ch : s)
		if (!std::isxdigit(static_cast<unsigned char>(ch)) || std::isupper(static_cast<unsigned char>(ch)))
			return false;
	return true;
}

/* append_hash - @h's 16 bytes at the end of @buf: what a parent hashes of a child. */
void append_hash(std::string &buf, const std::pair<uint64_t, uint64_t> &h)
{
	buf.append(reinterpret_cast<const char *>(&h.first), 8);
	buf.append(reinterpret_cast<const char *>(&h.second), 8);
}

/* A field of a line: the text from @at to the next blank, and its column (1-based). */
struct Field {
	std::string text;
	size_t col;
};

Field next_field(const std::string &line, size_t &at)
{
	while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
		at++;
	size_t start = at;
	while (at < line.size() && line[at] != ' ' && line[at] != '\t')
		at++;
	return {line.substr(start, at - start), start + 1};
}

/*
 * struct StructuralHash - a 128-bit hash of a term from its structure
 * alone: the operator (its declaration as SMT-LIB prints it), the sort,
 * a numeral's value, and the hashes of the arguments in order, each shared
 * subterm hashed once. Not the SMT-LIB text of the formula: Z3 prints
 * shared subterms in an order that follows their internal ids, which
 * depend on every term made before in the context (the same statement's
 * step printed differently after other statements had been solved).
 */
class StructuralHash {
public:
	using H = std::pair<uint64_t, uint64_t>;

	H of(const z3::expr &root)
	{
		std::vector<std::pair<z3::expr, bool>> stack{{root, false}};
		while (!stack.empty()) {
			auto [e, args_done] = stack.back();
			stack.pop_back();
			const unsigned id = Z3_get_ast_id(e.ctx(), e);
			if (memo_.count(id))
				continue;
			if (e.is_app() && !e.is_numeral() && !args_done) {
				stack.push_back({e, true});
				for (unsigned i = e.num_args(); i-- > 0;)
					if (!memo_.count(Z3_get_ast_id(e.ctx(), e.arg(i))))
						stack.push_back({e.arg(i), false});
				continue;
			}
			memo_.emplace(id, node(e));
		}
		return memo_.at(Z3_get_ast_id(root.ctx(), root));
	}

private:
	H node(const z3::expr &e)
	{
		std::string buf = e.get_sort().to_string();
		buf += '\0';
		if (e.is_numeral()) {
			buf += "num ";
			buf += Z3_get_numeral_string(e.ctx(), e);
		} else if (e.is_app()) {
			buf += "app ";
			buf += e.decl().to_string();
			for (unsigned i = 0; i < e.num_args(); i++)
				append_hash(buf, memo_.at(Z3_get_ast_id(e.ctx(), e.arg(i))));
		} else {
			/* quantifiers and bound variables: none in the encoding; their text */
			buf += "other ";
			buf += e.to_string();
		}
		H h;
		murmur3_128(buf, &h.first, &h.second);
		return h;
	}

	std::unordered_map<unsigned, H> memo_;
};

} // namespace

std::string step_key(const std::vector<z3::expr> &facts, const z3::expr &bad)
{
	StructuralHash hash;
	std::string all;
	for (const z3::expr &f : facts)
		append_hash(all, hash.of(f));
	all += "bad";
	append_hash(all, hash.of(bad));
	uint64_t h1, h2;
	murmur3_128(all, &h1, &h2);
	char buf[33];
	std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h1),
		      static_cast<unsigned long long>(h2));
	return buf;
}

/*
 * parse_line - line @n of @path into @proved; false with @err if it is
 * neither blank, a comment nor a well-formed "proved" line.
 */
static bool parse_line(const std::string &path, size_t n, const std::string &line,
		       std::unordered_map<std::string, std::string> &proved, std::string *err)
{
	auto bad = [&](size_t col, const std::string &what) {
		*err = path + ":" + std::to_string(n) + ":" + std::to_string(col) + ": expected " + what;
		return false;
	};
	size_t at = 0;
	Field word = next_field(line, at);
	if (word.text.empty() || word.text[0] == '#')
		return true;
	if (word.text != "proved")
		return bad(word.col, "\"proved\" or a # comment, got \"" + word.text + "\"");
	Field key = next_field(line, at);
	if (!is_key(key.text))
		return bad(key.col, "a key of 32 lower-case hex digits, got \"" + key.text + "\"");
	Field secs = next_field(line, at);
	char *end = nullptr;
	errno = 0;
	double v = std::strtod(secs.text.c_str(), &end);
	if (secs.text.empty() || *end || errno || !(v >= 0))
		return bad(secs.col, "the seconds the proof took, got \"" + secs.text + "\"");
	while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
		at++;
	if (at >= line.size())
		return bad(at + 1, "the statement after the seconds");
	proved.emplace(key.text, line.substr(at));
	return true;
}

/*
 * open - read every complete line; a last line without its newline is what
 * a run killed in the middle of record() leaves: it is dropped (the file
 * cut back to the last newline) rather than taken for a malformed entry,
 * so an interrupted run never makes the cache unreadable.
 */
std::optional<ProofCache> ProofCache::open(const std::string &path, std::string *err)
{
	std::unordered_map<std::string, std::string> proved;
	std::string text;
	{
		std::ifstream in(path, std::ios::binary);
		text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
	}
	const size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
	size_t n = 1;
	for (size_t at = 0; at < complete; n++) {
		size_t nl = text.find('\n', at);
		if (!parse_line(path, n, text.substr(at, nl - at), proved, err))
			return std::nullopt;
		at = nl + 1;
	}
	const bool torn = complete < text.size();
	if (torn) {
		std::error_code ec;
		std::filesystem::resize_file(path, complete, ec);
		if (ec) {
			*err = path + ":" + std::to_string(n) + ": cannot drop the unfinished last line: " +
			       ec.message();
			return std::nullopt;
		}
	}
	FILE *out = std::fopen(path.c_str(), "a");
	if (!out) {
		*err = path + ": cannot open for appending: " + std::strerror(errno);
		return std::nullopt;
	}
	if (complete == 0) {
		std::fputs("# foliocheck proof cache: induction steps proved, one per line\n"
			   "# (solver/proof_cache.h): proved KEY SECONDS STATEMENT\n",
			   out);
		std::fflush(out);
	}
	ProofCache cache(path, out);
	cache.proved_ = std::move(proved);
	cache.dropped_torn_line_ = torn;
	return std::optional<ProofCache>(std::move(cache));
}

ProofCache::ProofCache(ProofCache &&o) noexcept
	: path_(std::move(o.path_)), out_(o.out_), proved_(std::move(o.proved_)),
	  dropped_torn_line_(o.dropped_torn_line_)
{
	o.out_ = nullptr;
}

ProofCache &ProofCache::operator=(ProofCache &&o) noexcept
{
	if (this != &o) {
		if (out_)
			std::fclose(out_);
		path_ = std::move(o.path_);
		out_ = o.out_;
		proved_ = std::move(o.proved_);
		dropped_torn_line_ = o.dropped_torn_line_;
		o.out_ = nullptr;
	}
	return *this;
}

ProofCache::~ProofCache()
{
	if (out_)
		std::fclose(out_);
}

const std::string *ProofCache::proved(const std::string &key) const
{
	auto it = proved_.find(key);
	return it == proved_.end() ? nullptr : &it->second;
}

bool ProofCache::record(const std::string &key, const std::string &statement, double seconds,
			std::string *err)
{
	if (std::fprintf(out_, "proved %s %.2f %s\n", key.c_str(), seconds, statement.c_str()) < 0 ||
	    std::fflush(out_) != 0) {
		*err = path_ + ": cannot append: " + std::strerror(errno);
		return false;
	}
	proved_.emplace(key, statement);
	return true;
}

} // namespace fc::solver
