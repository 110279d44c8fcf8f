// SPDX-License-Identifier: GPL-2.0
/*
 * formula.cc - Z3 term construction with constant folding.
 */
#include "solver/formula.h"

namespace fc::solver {

std::optional<int64_t> numeral(const z3::expr &e)
{
	int64_t v;
	if (e.is_numeral() && e.is_int() && e.is_numeral_i64(v))
		return v;
	return std::nullopt;
}

bool is_true(const z3::expr &e)
{
	return e.is_true();
}

bool is_false(const z3::expr &e)
{
	return e.is_false();
}

bool is_literal(const z3::expr &e)
{
	return e.is_true() || e.is_false() || numeral(e);
}

z3::expr int_val(z3::context &c, int64_t v)
{
	return c.int_val(v);
}

z3::expr bool_val(z3::context &c, bool v)
{
	return c.bool_val(v);
}

z3::expr mk_not(const z3::expr &a)
{
	if (a.is_true())
		return a.ctx().bool_val(false);
	if (a.is_false())
		return a.ctx().bool_val(true);
	if (a.is_app() && a.decl().decl_kind() == Z3_OP_NOT)
		return a.arg(0);
	return !a;
}

z3::expr mk_and(const z3::expr &a, const z3::expr &b)
{
	if (a.is_false() || b.is_true())
		return a;
	if (b.is_false() || a.is_true())
		return b;
	if (z3::eq(a, b))
		return a;
	return a && b;
}

z3::expr mk_or(const z3::expr &a, const z3::expr &b)
{
	if (a.is_true() || b.is_false())
		return a;
	if (b.is_true() || a.is_false())
		return b;
	if (z3::eq(a, b))
		return a;
	return a || b;
}

z3::expr mk_implies(const z3::expr &a, const z3::expr &b)
{
	return mk_or(mk_not(a), b);
}

z3::expr mk_ite(const z3::expr &c, const z3::expr &t, const z3::expr &e)
{
	if (c.is_true())
		return t;
	if (c.is_false())
		return e;
	if (z3::eq(t, e))
		return t;
	if (t.is_bool()) {
		if (t.is_true() && e.is_false())
			return c;
		if (t.is_false() && e.is_true())
			return mk_not(c);
	}
	return z3::ite(c, t, e);
}

z3::expr mk_eq(const z3::expr &a, const z3::expr &b)
{
	if (z3::eq(a, b))
		return a.ctx().bool_val(true);
	if (a.is_bool()) {
		if ((a.is_true() || a.is_false()) && (b.is_true() || b.is_false()))
			return a.ctx().bool_val(a.is_true() == b.is_true());
		if (b.is_true())
			return a;
		if (a.is_true())
			return b;
		if (b.is_false())
			return mk_not(a);
		if (a.is_false())
			return mk_not(b);
		return a == b;
	}
	auto x = numeral(a), y = numeral(b);
	if (x && y)
		return a.ctx().bool_val(*x == *y);
	return a == b;
}

z3::expr mk_ne(const z3::expr &a, const z3::expr &b)
{
	return mk_not(mk_eq(a, b));
}

z3::expr mk_lt(const z3::expr &a, const z3::expr &b)
{
	auto x = numeral(a), y = numeral(b);
	if (x && y)
		return a.ctx().bool_val(*x < *y);
	if (z3::eq(a, b))
		return a.ctx().bool_val(false);
	return a < b;
}

z3::expr mk_le(const z3::expr &a, const z3::expr &b)
{
	auto x = numeral(a), y = numeral(b);
	if (x && y)
		return a.ctx().bool_val(*x <= *y);
	if (z3::eq(a, b))
		return a.ctx().bool_val(true);
	return a <= b;
}

z3::expr mk_add(const z3::expr &a, const z3::expr &b)
{
	auto x = numeral(a), y = numeral(b);
	if (x && y)
		return a.ctx().int_val(*x + *y);
	if (y && *y == 0)
		return a;
	if (x && *x == 0)
		return b;
	return a + b;
}

z3::expr mk_sub(const z3::expr &a, const z3::expr &b)
{
	auto x = numeral(a), y = numeral(b);
	if (x && y)
		return a.ctx().int_val(*x - *y);
	if (y && *y == 0)
		return a;
	return a - b;
}

z3::expr mk_mul(const z3::expr &a, int64_t k)
{
	if (auto x = numeral(a))
		return a.ctx().int_val(*x * k);
	if (k == 1)
		return a;
	if (k == 0)
		return a.ctx().int_val(0);
	return a * a.ctx().int_val(k);
}

z3::expr count_if(const z3::expr &cond)
{
	z3::context &c = cond.ctx();
	return mk_ite(cond, c.int_val(1), c.int_val(0));
}

z3::expr all_of(z3::context &c, const std::vector<z3::expr> &v)
{
	z3::expr r = c.bool_val(true);
	for (const z3::expr &e : v)
		r = mk_and(r, e);
	return r;
}

z3::expr any_of(z3::context &c, const std::vector<z3::expr> &v)
{
	z3::expr r = c.bool_val(false);
	for (const z3::expr &e : v)
		r = mk_or(r, e);
	return r;
}

z3::expr sum_of(z3::context &c, const std::vector<z3::expr> &v)
{
	/* Numerals are added up front; the rest becomes one n-ary sum. */
	int64_t k = 0;
	z3::expr_vector terms(c);
	for (const z3::expr &e : v) {
		if (auto x = numeral(e))
			k += *x;
		else
			terms.push_back(e);
	}
	if (terms.empty())
		return c.int_val(k);
	if (k)
		terms.push_back(c.int_val(k));
	if (terms.size() == 1)
		return terms[0];
	return z3::sum(terms);
}

namespace {

bool is_op(const z3::expr &e, Z3_decl_kind k)
{
	return e.is_app() && e.decl().decl_kind() == k;
}

/*
 * @depth bounds the ite splits and or distributions on a path: the
 * formulas are DAGs whose state terms are nests of ites (assign()), and
 * splitting those too would multiply the conjuncts by every path of the
 * transition.
 */
void split_into(const z3::expr &f, std::vector<z3::expr> &out, unsigned depth)
{
	if (f.is_true())
		return;
	if (is_op(f, Z3_OP_AND)) {
		for (unsigned i = 0; i < f.num_args(); i++)
			split_into(f.arg(i), out, depth);
		return;
	}
	if (is_op(f, Z3_OP_NOT) && is_op(f.arg(0), Z3_OP_OR)) {
		const z3::expr g = f.arg(0);
		for (unsigned i = 0; i < g.num_args(); i++)
			split_into(mk_not(g.arg(i)), out, depth);
		return;
	}
	if (depth == 0) {
		out.push_back(f);
		return;
	}
	if (is_op(f, Z3_OP_ITE) && f.is_bool()) {
		split_into(mk_or(mk_not(f.arg(0)), f.arg(1)), out, depth - 1);
		split_into(mk_or(f.arg(0), f.arg(2)), out, depth - 1);
		return;
	}
	if (is_op(f, Z3_OP_OR)) {
		/*
		 * a || (b && c) == (a || b) && (a || c): the or's arguments
		 * flattened first (mk_or() nests them two by two), then the
		 * first one that splits distributed; each result split again.
		 */
		std::vector<z3::expr> args;
		std::vector<z3::expr> todo{f};
		while (!todo.empty()) {
			z3::expr e = todo.back();
			todo.pop_back();
			if (is_op(e, Z3_OP_OR))
				for (unsigned i = e.num_args(); i-- > 0;)
					todo.push_back(e.arg(i));
			else
				args.push_back(e);
		}
		for (size_t k = 0; k < args.size(); k++) {
			std::vector<z3::expr> parts;
			split_into(args[k], parts, depth - 1);
			if (parts.size() < 2)
				continue;
			z3::context &c = f.ctx();
			z3::expr rest = c.bool_val(false);
			for (size_t m = 0; m < args.size(); m++)
				if (m != k)
					rest = mk_or(rest, args[m]);
			for (const z3::expr &p : parts)
				split_into(mk_or(rest, p), out, depth - 1);
			return;
		}
	}
	out.push_back(f);
}

} // namespace

std::vector<z3::expr> conjuncts(const z3::expr &f, unsigned depth)
{
	std::vector<z3::expr> out;
	split_into(f, out, depth);
	return out;
}

void assign(z3::expr &x, const z3::expr &guard, const z3::expr &value)
{
	if (guard.is_false())
		return;
	x = mk_ite(guard, value, x);
}

} // namespace fc::solver
