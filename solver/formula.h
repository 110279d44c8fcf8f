// SPDX-License-Identifier: GPL-2.0
/*
 * formula.h - small helpers that build Z3 formulas and fold what is already
 * known.
 *
 * The encoding runs the kernel model's code on symbolic values. Most of the
 * initial state of a bounded model check is concrete (no folio allocated,
 * one process), and so is every operation of the agreement test: folding
 * constants as the terms are built keeps those parts out of the solver
 * entirely. Each helper returns exactly what the plain Z3 operator would
 * mean; it only avoids building a term whose value is already known.
 */
#pragma once

#include <z3++.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace fc::solver {

/* The integer value of @e if it is a numeral. */
std::optional<int64_t> numeral(const z3::expr &e);
/* True if @e is the literal true (false). */
bool is_true(const z3::expr &e);
bool is_false(const z3::expr &e);
/* @e is a value the encoder folded to: true, false or a numeral. */
bool is_literal(const z3::expr &e);

z3::expr mk_not(const z3::expr &a);
z3::expr mk_and(const z3::expr &a, const z3::expr &b);
z3::expr mk_or(const z3::expr &a, const z3::expr &b);
z3::expr mk_implies(const z3::expr &a, const z3::expr &b);
z3::expr mk_ite(const z3::expr &c, const z3::expr &t, const z3::expr &e);
z3::expr mk_eq(const z3::expr &a, const z3::expr &b);
z3::expr mk_ne(const z3::expr &a, const z3::expr &b);
z3::expr mk_lt(const z3::expr &a, const z3::expr &b);
z3::expr mk_le(const z3::expr &a, const z3::expr &b);
z3::expr mk_add(const z3::expr &a, const z3::expr &b);
z3::expr mk_sub(const z3::expr &a, const z3::expr &b);
z3::expr mk_mul(const z3::expr &a, int64_t k);

/* Integer and boolean literals in @c. */
z3::expr int_val(z3::context &c, int64_t v);
z3::expr bool_val(z3::context &c, bool v);

/*
 * conjuncts - @f as a list of formulas whose conjunction is equivalent to
 * it, split as finely as its shape allows: an and is split into its
 * arguments, a boolean ite c ? a : b into (!c || a) and (c || b), a not of
 * an or into the nots of its arguments, and an or with an and among its
 * arguments is distributed over that and's arguments. Every rewrite is an
 * equivalence, so a proof of every returned conjunct is a proof of @f.
 * At most @depth ite splits and distributions are nested (ands and nots of
 * ors are always split): the state terms under an invariant are nests of
 * ites, one per path of the transition, that are not worth splitting.
 */
std::vector<z3::expr> conjuncts(const z3::expr &f, unsigned depth = 2);

/* 1 if @cond else 0. */
z3::expr count_if(const z3::expr &cond);

/* Conjunction / disjunction / sum of a list (true / false / 0 when empty). */
z3::expr all_of(z3::context &c, const std::vector<z3::expr> &v);
z3::expr any_of(z3::context &c, const std::vector<z3::expr> &v);
z3::expr sum_of(z3::context &c, const std::vector<z3::expr> &v);

/*
 * assign - the predicated update @x := @guard ? @value : @x. Every state
 * change of the encoding goes through here: an operation's paths are run one
 * after another on the same state, each under its own path condition, and
 * the disjoint guards make the sequence mean the branch.
 */
void assign(z3::expr &x, const z3::expr &guard, const z3::expr &value);

} // namespace fc::solver
