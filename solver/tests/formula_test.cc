// SPDX-License-Identifier: GPL-2.0
/*
 * formula_test.cc - conjuncts() is an equivalence.
 *
 * The inductive check proves a step by proving each conjunct conjuncts()
 * returns (solver/induction.cc): a split that dropped or weakened a part
 * would let `inductive` through unproved. So for random formulas of the
 * shapes the encoder builds (ands, ors, nots, boolean ites, over atoms on
 * booleans and integers), Z3 must find f <=> AND(conjuncts(f)) valid at
 * every split depth, and the split must actually split.
 */
#include "solver/formula.h"

#include <gtest/gtest.h>

#include <random>

namespace fc::solver {
namespace {

class FormulaGen {
public:
	FormulaGen(z3::context &c, uint32_t seed) : c_(c), rng_(seed) {}

	z3::expr formula(unsigned depth)
	{
		if (depth == 0 || pick(5) == 0)
			return atom();
		switch (pick(4)) {
		case 0:
			return mk_and(formula(depth - 1), formula(depth - 1));
		case 1:
			return mk_or(formula(depth - 1), formula(depth - 1));
		case 2:
			return !formula(depth - 1);
		default:
			return z3::ite(formula(depth - 1), formula(depth - 1), formula(depth - 1));
		}
	}

private:
	unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

	z3::expr atom()
	{
		const std::string name = std::string(1, char('a' + pick(3)));
		if (pick(2))
			return c_.bool_const(name.c_str());
		z3::expr x = c_.int_const(("x" + name).c_str());
		return x <= c_.int_val(int(pick(3)));
	}

	z3::context &c_;
	std::mt19937 rng_;
};

bool valid(z3::context &c, const z3::expr &f)
{
	z3::solver s(c);
	s.add(!f);
	return s.check() == z3::unsat;
}

TEST(Solver, ConjunctsAreEquivalentToTheFormula)
{
	const uint32_t seed = 20261123;
	z3::context c;
	FormulaGen gen(c, seed);
	size_t formulas = 0, split = 0;
	for (int n = 0; n < 150; n++) {
		const z3::expr f = gen.formula(5);
		for (unsigned depth = 0; depth <= 3; depth++) {
			const std::vector<z3::expr> parts = conjuncts(f, depth);
			z3::expr all = c.bool_val(true);
			for (const z3::expr &p : parts)
				all = mk_and(all, p);
			ASSERT_TRUE(valid(c, f == all))
				<< "seed " << seed << ", formula " << n << ", depth " << depth << ": "
				<< f << "\nsplit into " << parts.size() << " conjuncts";
			formulas++;
			split += parts.size() > 1;
		}
	}
	/* a split that never splits proves nothing about the splitting */
	EXPECT_GT(split, formulas / 4) << split << " of " << formulas << " formulas split";
}

} // namespace
} // namespace fc::solver
