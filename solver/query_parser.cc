// SPDX-License-Identifier: GPL-2.0
/*
 * query_parser.cc - lexer, recursive-descent parser and type checker of the
 * query language (grammar in query_parser.h).
 */
#include "solver/query_parser.h"

#include <cctype>
#include <map>
#include <set>

namespace fc::solver {

namespace {

struct ObsInfo {
	const char *name;
	std::vector<Sort> args;
	Sort result;
};

const std::vector<ObsInfo> &observables()
{
	static const std::vector<ObsInfo> obs = {
		{"refcount", {Sort::folio}, Sort::integer},
		{"mapcount", {Sort::folio}, Sort::integer},
		{"entire_mapcount", {Sort::folio}, Sort::integer},
		{"nr_pages_mapped", {Sort::folio}, Sort::integer},
		{"pincount", {Sort::folio}, Sort::integer},
		{"order", {Sort::folio}, Sort::integer},
		{"nr_pages", {Sort::folio}, Sort::integer},
		{"maybe_pinned", {Sort::folio}, Sort::boolean},
		{"queued", {Sort::folio}, Sort::boolean},
		{"partially_mapped", {Sort::folio}, Sort::boolean},
		{"freed", {Sort::folio}, Sort::boolean},
		{"page_mapcount", {Sort::folio, Sort::page}, Sort::integer},
		{"anon_exclusive", {Sort::folio, Sort::page}, Sort::boolean},
		{"rss", {Sort::process}, Sort::integer},
		{"rss_anon", {Sort::process}, Sort::integer},
		{"rss_file", {Sort::process}, Sort::integer},
	};
	return obs;
}

const ObsInfo *find_observable(const std::string &name)
{
	for (const ObsInfo &o : observables())
		if (name == o.name)
			return &o;
	return nullptr;
}

/* --- lexer --- */

struct Token {
	enum class Kind : uint8_t { ident, number, op, end } kind = Kind::end;
	std::string text;
	int64_t value = 0;
	uint32_t col = 0;
};

std::vector<Token> lex(const std::string &s)
{
	static const char *ops[] = {"&&", "||", "->", "==", "!=", "<=", ">=", "<", ">",
				    "!",  "+",  "-",  "(",  ")",  ",",  ":"};
	std::vector<Token> out;
	size_t i = 0;
	while (i < s.size()) {
		unsigned char ch = static_cast<unsigned char>(s[i]);
		uint32_t col = static_cast<uint32_t>(i + 1);
		if (std::isspace(ch)) {
			i++;
			continue;
		}
		if (std::isalpha(ch) || ch == '_') {
			size_t j = i;
			while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_'))
				j++;
			out.push_back({Token::Kind::ident, s.substr(i, j - i), 0, col});
			i = j;
			continue;
		}
		if (std::isdigit(ch)) {
			size_t j = i;
			int base = 10;
			if (s.compare(i, 2, "0x") == 0 || s.compare(i, 2, "0X") == 0) {
				base = 16;
				j += 2;
			}
			size_t digits = j;
			while (j < s.size() && std::isxdigit(static_cast<unsigned char>(s[j])) &&
			       (base == 16 || std::isdigit(static_cast<unsigned char>(s[j]))))
				j++;
			if (j == digits || (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) ||
							     s[j] == '_')))
				throw QueryError(col, "malformed number '" + s.substr(i, j - i + 1) + "'");
			std::string text = s.substr(i, j - i);
			if (text.size() > 12)
				throw QueryError(col, "number " + text + " is too large");
			out.push_back({Token::Kind::number, text,
				       static_cast<int64_t>(std::stoll(text.substr(base == 16 ? 2 : 0),
								       nullptr, base)),
				       col});
			i = j;
			continue;
		}
		bool matched = false;
		for (const char *op : ops) {
			size_t n = std::char_traits<char>::length(op);
			if (s.compare(i, n, op) == 0) {
				out.push_back({Token::Kind::op, op, 0, col});
				i += n;
				matched = true;
				break;
			}
		}
		if (!matched) {
			std::string what(1, s[i]);
			if (s[i] == '&' || s[i] == '|' || s[i] == '=')
				throw QueryError(col, "unexpected '" + what + "' (did you mean '" + what + what +
							      "'?)");
			throw QueryError(col, "unexpected character '" + what + "'");
		}
	}
	out.push_back({Token::Kind::end, "", 0, static_cast<uint32_t>(s.size() + 1)});
	return out;
}

/* --- parser --- */

using Node = std::shared_ptr<QueryExpr>;

Node make(QueryExpr::Kind kind, uint32_t col, std::string name = "")
{
	auto n = std::make_shared<QueryExpr>();
	n->kind = kind;
	n->col = col;
	n->name = std::move(name);
	return n;
}

bool is_numbered(const std::string &s, char prefix, int64_t *n)
{
	if (s.size() < 2 || s[0] != prefix)
		return false;
	for (size_t i = 1; i < s.size(); i++)
		if (!std::isdigit(static_cast<unsigned char>(s[i])))
			return false;
	if (s.size() > 10)
		return false;
	*n = std::stoll(s.substr(1));
	return true;
}

class Parser {
public:
	explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

	Node parse()
	{
		Node e = expr();
		if (peek().kind != Token::Kind::end)
			throw QueryError(peek().col, "unexpected '" + peek().text + "' after the expression");
		return e;
	}

private:
	const Token &peek() const { return t_[pos_]; }
	bool is_op(const char *op) const
	{
		return peek().kind == Token::Kind::op && peek().text == op;
	}
	Token take() { return t_[pos_++]; }
	void expect(const char *op, const char *what)
	{
		if (!is_op(op))
			throw QueryError(peek().col, std::string("expected '") + op + "' " + what +
							     (peek().kind == Token::Kind::end
								      ? ", found the end of the query"
								      : ", found '" + peek().text + "'"));
		pos_++;
	}

	Node expr()
	{
		if (peek().kind == Token::Kind::ident &&
		    (peek().text == "forall" || peek().text == "exists")) {
			Token q = take();
			Node n = make(QueryExpr::Kind::quantifier, q.col, q.text);
			do {
				if (peek().kind != Token::Kind::ident)
					throw QueryError(peek().col, "expected a variable name after '" + q.text + "'");
				Token v = take();
				check_var_name(v);
				n->vars.push_back(v.text);
				var_cols_[v.text] = v.col;
			} while (is_op(",") && (take(), true));
			expect(":", ("after the variables of '" + q.text + "'").c_str());
			n->args.push_back(expr());
			return n;
		}
		Node l = or_expr();
		if (is_op("->")) {
			Token op = take();
			Node n = make(QueryExpr::Kind::binary, op.col, "->");
			n->args = {l, expr()};
			return n;
		}
		return l;
	}

	/* left_assoc - operand (@op operand)*, grouped to the left */
	Node left_assoc(const char *op, Node (Parser::*operand)())
	{
		Node l = (this->*operand)();
		while (is_op(op)) {
			Token t = take();
			Node n = make(QueryExpr::Kind::binary, t.col, op);
			n->args = {l, (this->*operand)()};
			l = n;
		}
		return l;
	}

	Node or_expr() { return left_assoc("||", &Parser::and_expr); }

	Node and_expr() { return left_assoc("&&", &Parser::cmp_expr); }

	Node cmp_expr()
	{
		Node l = sum_expr();
		for (const char *op : {"==", "!=", "<=", ">=", "<", ">"}) {
			if (is_op(op)) {
				Token t = take();
				Node n = make(QueryExpr::Kind::binary, t.col, op);
				n->args = {l, sum_expr()};
				for (const char *again : {"==", "!=", "<=", ">=", "<", ">"})
					if (is_op(again))
						throw QueryError(peek().col, "comparisons do not chain: use '&&'");
				return n;
			}
		}
		return l;
	}

	Node sum_expr()
	{
		Node l = unary();
		while (is_op("+") || is_op("-")) {
			Token op = take();
			Node n = make(QueryExpr::Kind::binary, op.col, op.text);
			n->args = {l, unary()};
			l = n;
		}
		return l;
	}

	Node unary()
	{
		if (is_op("!") || is_op("-")) {
			Token op = take();
			Node n = make(QueryExpr::Kind::unary, op.col, op.text);
			n->args.push_back(unary());
			return n;
		}
		return primary();
	}

	Node primary()
	{
		const Token &t = peek();
		if (t.kind == Token::Kind::number) {
			Token n = take();
			Node e = make(QueryExpr::Kind::literal, n.col);
			e->value = n.value;
			e->sort = Sort::integer;
			return e;
		}
		if (is_op("(")) {
			take();
			Node e = expr();
			expect(")", "to close the parenthesis");
			return e;
		}
		if (t.kind == Token::Kind::ident) {
			if (t.text == "forall" || t.text == "exists")
				return expr();
			Token id = take();
			if (id.text == "true" || id.text == "false") {
				Node e = make(QueryExpr::Kind::literal, id.col);
				e->value = id.text == "true";
				e->sort = Sort::boolean;
				return e;
			}
			if (is_op("("))
				return call(id);
			if (find_observable(id.text))
				throw QueryError(id.col, id.text + " needs its arguments, e.g. " + id.text +
								 (find_observable(id.text)->args.size() == 2
									  ? "(F, i)"
									  : find_observable(id.text)->args[0] ==
											    Sort::process
										    ? "(P)"
										    : "(F)"));
			if (parse_invariant(id.text) || id.text == "all" || id.text == "accounting")
				throw QueryError(id.col, id.text +
								 " names an invariant: give it as the whole query");
			int64_t n;
			if (is_numbered(id.text, 'f', &n)) {
				Node e = make(QueryExpr::Kind::folio_const, id.col, id.text);
				e->value = n;
				e->sort = Sort::folio;
				if (n == 0)
					throw QueryError(id.col, "folios are numbered from f1");
				return e;
			}
			if (is_numbered(id.text, 'p', &n)) {
				Node e = make(QueryExpr::Kind::proc_const, id.col, id.text);
				e->value = n;
				e->sort = Sort::process;
				return e;
			}
			check_var_name(id);
			return make(QueryExpr::Kind::var, id.col, id.text);
		}
		if (t.kind == Token::Kind::end)
			throw QueryError(t.col, "expected an operand, found the end of the query");
		throw QueryError(t.col, "expected an operand, found '" + t.text + "'");
	}

	Node call(const Token &id)
	{
		const ObsInfo *info = find_observable(id.text);
		if (!info)
			throw QueryError(id.col, "unknown observable '" + id.text + "' (known: " +
							 known_observables() + ")");
		take(); /* ( */
		Node n = make(QueryExpr::Kind::observable, id.col, id.text);
		if (!is_op(")")) {
			n->args.push_back(expr());
			while (is_op(",")) {
				take();
				n->args.push_back(expr());
			}
		}
		uint32_t close = peek().col;
		expect(")", ("to close the arguments of " + id.text).c_str());
		if (n->args.size() != info->args.size())
			throw QueryError(close, id.text + " takes " + std::to_string(info->args.size()) +
							" argument" + (info->args.size() == 1 ? "" : "s") +
							", given " + std::to_string(n->args.size()));
		return n;
	}

	void check_var_name(const Token &v)
	{
		int64_t n;
		if (find_observable(v.text) || v.text == "forall" || v.text == "exists" ||
		    v.text == "true" || v.text == "false" || is_numbered(v.text, 'f', &n) ||
		    is_numbered(v.text, 'p', &n))
			throw QueryError(v.col, "'" + v.text + "' cannot name a variable");
	}

	std::vector<Token> t_;
	size_t pos_ = 0;
	std::map<std::string, uint32_t> var_cols_;
};

/* --- sorts of variables, quantifier placement --- */

struct VarInfo {
	Sort sort = Sort::integer;
	bool sorted = false;
	uint32_t col = 0;      /* first use */
	unsigned depth = 0;    /* 0: free (implicitly quantified outermost) */
	bool bound = false;
};

class Checker {
public:
	/* Pass 1: sorts from argument positions, binding depths. */
	void collect(const QueryExpr &e, unsigned depth)
	{
		switch (e.kind) {
		case QueryExpr::Kind::quantifier:
			for (const std::string &v : e.vars) {
				if (bound_now_.count(v))
					throw QueryError(e.col, "'" + v + "' is already bound here");
				VarInfo &vi = vars_[v];
				vi.bound = true;
				vi.depth = ++depth;
				if (!vi.col)
					vi.col = e.col;
				bound_now_.insert(v);
			}
			collect(*e.args[0], depth);
			for (const std::string &v : e.vars)
				bound_now_.erase(v);
			return;
		case QueryExpr::Kind::var: {
			VarInfo &vi = vars_[e.name];
			if (!vi.col)
				vi.col = e.col;
			if (!bound_now_.count(e.name))
				free_.insert(e.name);
			return;
		}
		case QueryExpr::Kind::observable: {
			const ObsInfo *info = find_observable(e.name);
			for (size_t k = 0; k < e.args.size(); k++) {
				const QueryExpr &a = *e.args[k];
				if (a.kind == QueryExpr::Kind::var)
					constrain(a, info->args[k]);
				collect(a, depth);
			}
			if (e.args.size() == 2 && e.args[0]->kind == QueryExpr::Kind::var &&
			    e.args[1]->kind == QueryExpr::Kind::var)
				page_uses_.push_back({e.args[0].get(), e.args[1].get()});
			return;
		}
		default:
			for (const auto &a : e.args)
				collect(*a, depth);
		}
	}

	void constrain(const QueryExpr &v, Sort want)
	{
		VarInfo &vi = vars_[v.name];
		if (vi.sorted && vi.sort != want)
			throw QueryError(v.col, "'" + v.name + "' is used as a " +
							std::string(sort_name(vi.sort)) + " and as a " +
							std::string(sort_name(want)));
		vi.sort = want;
		vi.sorted = true;
	}

	/* Every variable has a sort; page variables are bound inside their folios. */
	void finish(const Node &root)
	{
		for (auto &[name, vi] : vars_)
			if (!vi.sorted)
				throw QueryError(vi.col, "cannot tell what '" + name +
								 "' ranges over: use it as an argument of an "
								 "observable (a folio, page or process)");
		for (auto [f, i] : page_uses_) {
			const VarInfo &fv = vars_.at(f->name), &iv = vars_.at(i->name);
			unsigned fd = free_.count(f->name) ? 0 : fv.depth;
			unsigned id = free_.count(i->name) ? 0 : iv.depth;
			bool ok = fd < id || (fd == 0 && id == 0);
			if (!ok)
				throw QueryError(i->col, "page variable '" + i->name +
								 "' must be quantified inside '" + f->name + "'");
		}
		(void)root;
	}

	/* Pass 2: result sorts bottom-up; the quantifiers' variable sorts. */
	void type(QueryExpr &e)
	{
		for (auto &a : e.args)
			type(*a);
		switch (e.kind) {
		case QueryExpr::Kind::literal:
			return;
		case QueryExpr::Kind::var:
			e.sort = vars_.at(e.name).sort;
			return;
		case QueryExpr::Kind::folio_const:
		case QueryExpr::Kind::proc_const:
			return;
		case QueryExpr::Kind::quantifier:
			for (const std::string &v : e.vars)
				e.var_sorts.push_back(vars_.at(v).sort);
			need_bool(*e.args[0], "the body of '" + e.name + "'");
			e.sort = Sort::boolean;
			return;
		case QueryExpr::Kind::observable: {
			const ObsInfo *info = find_observable(e.name);
			for (size_t k = 0; k < e.args.size(); k++)
				check_arg(e, *e.args[k], info->args[k]);
			e.sort = info->result;
			return;
		}
		case QueryExpr::Kind::unary:
			if (e.name == "!") {
				need_bool(*e.args[0], "the operand of '!'");
				e.sort = Sort::boolean;
			} else {
				need_number(*e.args[0], "the operand of '-'");
				e.sort = Sort::integer;
			}
			return;
		case QueryExpr::Kind::binary:
			break;
		}
		const std::string &op = e.name;
		if (op == "&&" || op == "||" || op == "->") {
			need_bool(*e.args[0], "the left side of '" + op + "'");
			need_bool(*e.args[1], "the right side of '" + op + "'");
			e.sort = Sort::boolean;
		} else if (op == "+" || op == "-") {
			need_number(*e.args[0], "the left side of '" + op + "'");
			need_number(*e.args[1], "the right side of '" + op + "'");
			e.sort = Sort::integer;
		} else {
			need_number(*e.args[0], "the left side of '" + op + "'");
			need_number(*e.args[1], "the right side of '" + op + "'");
			e.sort = Sort::boolean;
		}
	}

	const std::map<std::string, VarInfo> &vars() const { return vars_; }
	const std::set<std::string> &free_vars() const { return free_; }

private:
	void check_arg(const QueryExpr &call, const QueryExpr &a, Sort want)
	{
		bool ok = false;
		switch (want) {
		case Sort::folio:
			ok = a.sort == Sort::folio && (a.kind == QueryExpr::Kind::var ||
						       a.kind == QueryExpr::Kind::folio_const);
			break;
		case Sort::process:
			ok = a.sort == Sort::process && (a.kind == QueryExpr::Kind::var ||
							 a.kind == QueryExpr::Kind::proc_const);
			break;
		case Sort::page:
			ok = (a.kind == QueryExpr::Kind::var && a.sort == Sort::page) ||
			     (a.kind == QueryExpr::Kind::literal && a.sort == Sort::integer && a.value >= 0);
			break;
		default:
			break;
		}
		if (!ok)
			throw QueryError(a.col, call.name + " expects a " + std::string(sort_name(want)) +
							(want == Sort::folio     ? " (a variable or fN)"
							 : want == Sort::process ? " (a variable or pN)"
										 : " (a variable or a page number)") +
							" here");
	}

	void need_bool(const QueryExpr &e, const std::string &where)
	{
		if (e.sort != Sort::boolean)
			throw QueryError(e.col, where + " must be a condition, not " +
							describe(e));
	}

	void need_number(const QueryExpr &e, const std::string &where)
	{
		if (e.sort == Sort::folio || e.sort == Sort::process)
			throw QueryError(e.col, where + " must be a number, not " + describe(e) +
							": compare observables of it");
	}

	static std::string describe(const QueryExpr &e)
	{
		std::string what = std::string(sort_name(e.sort));
		if (e.sort == Sort::integer)
			return "an integer";
		return "a " + what;
	}

	std::map<std::string, VarInfo> vars_;
	std::set<std::string> bound_now_;
	std::set<std::string> free_;
	std::vector<std::pair<const QueryExpr *, const QueryExpr *>> page_uses_;
};

/* Free variables become one outermost forall: folios, then processes, then pages. */
Node quantify_free(Node root, const Checker &ck)
{
	std::vector<std::string> order;
	for (Sort s : {Sort::folio, Sort::process, Sort::page})
		for (const std::string &v : ck.free_vars())
			if (ck.vars().at(v).sort == s)
				order.push_back(v);
	if (order.empty())
		return root;
	Node q = make(QueryExpr::Kind::quantifier, 1, "forall");
	q->vars = order;
	q->args.push_back(root);
	return q;
}

} // namespace

std::string known_observables()
{
	std::string s;
	for (const ObsInfo &o : observables()) {
		s += (s.empty() ? "" : ", ") + std::string(o.name) + "(";
		for (size_t k = 0; k < o.args.size(); k++)
			s += std::string(k ? ", " : "") +
			     (o.args[k] == Sort::folio ? "F" : o.args[k] == Sort::page ? "i" : "P");
		s += ")";
	}
	return s;
}

Query parse_query(const std::string &text)
{
	Query q;
	q.text = text;
	size_t b = text.find_first_not_of(" \t");
	size_t e = text.find_last_not_of(" \t");
	std::string word = b == std::string::npos ? "" : text.substr(b, e - b + 1);
	if (word.empty())
		throw QueryError(1, "empty query: give a SPEC invariant name or an expression");
	if (word == "all")
		return all_invariants_query(false);
	if (word == "accounting") {
		Goal g;
		g.kind = Goal::Kind::accounting;
		q.goals.push_back(g);
		return q;
	}
	if (std::optional<Invariant> inv = parse_invariant(word)) {
		Goal g;
		g.kind = Goal::Kind::invariant;
		g.invariant = *inv;
		q.goals.push_back(g);
		return q;
	}

	Node root = Parser(lex(text)).parse();
	Checker ck;
	ck.collect(*root, 0);
	ck.finish(root);
	root = quantify_free(root, ck);
	ck.type(*root);
	if (root->sort != Sort::boolean)
		throw QueryError(root->col, "the query must be a condition (it is " +
						    std::string(root->sort == Sort::integer ? "an integer" : "not") +
						    "): compare it, e.g. '... <= refcount(F)'");
	Goal g;
	g.kind = Goal::Kind::expression;
	g.expr = root;
	q.goals.push_back(g);
	return q;
}

std::string format_query_error(const std::string &text, const QueryError &e)
{
	std::string caret(e.col() > 0 ? e.col() - 1 : 0, ' ');
	return "query:1:" + std::to_string(e.col()) + ": error: " + e.message() + "\n  " + text + "\n  " +
	       caret + "^\n";
}

} // namespace fc::solver
