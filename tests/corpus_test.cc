// SPDX-License-Identifier: GPL-2.0
/*
 * corpus_test.cc - the corpus as evidence, beyond "replay exits 0/1":
 *
 *  - every scenario runs clean on every arch, and on the unbatched variant
 *    its statements still agree between the models (expects aside: they
 *    may name cost counters that differ by design);
 *  - every mutant trace is caught because of its mutant: with the mutant
 *    removed the very same statements break nothing, with it the run fails;
 *  - every catalogue mutant has a corpus trace.
 */
#include "model/check/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace fc {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> traces_in(const char *dir)
{
	std::vector<fs::path> out;
	for (const auto &e : fs::directory_iterator(fs::path(FOLIOCHECK_SOURCE_DIR) / "corpus" / dir))
		if (e.path().extension() == ".trace")
			out.push_back(e.path());
	std::sort(out.begin(), out.end());
	return out;
}

/* Run the statements of @t (expects skipped) under @cfg. */
Runner run_without_expects(const Trace &t, const Config &cfg)
{
	Runner r(cfg);
	for (const Op &op : t.ops) {
		if (op.kind == OpKind::expect)
			continue;
		StepResult res = r.step(op);
		EXPECT_NE(res.status, StepStatus::rejected)
			<< format_op(op) << ": " << (res.rejection ? res.rejection->message : "");
		if (res.status == StepStatus::rejected)
			break;
	}
	return r;
}

std::string describe(const Runner &r)
{
	std::string s;
	for (const ViolationReport &v : r.violations())
		s += std::string(invariant_name(v.invariant)) + " at step " +
		     std::to_string(v.step) + " (" + v.point + "): " + v.detail + "\n";
	if (r.divergence())
		for (const Difference &d : r.divergence()->differences)
			s += "diverged: " + d.observable + " ref=" + d.reference +
			     " kernel=" + d.kernel + "\n";
	return s;
}

TEST(Corpus, ScenariosRunCleanOnEveryArchAndVariant)
{
	auto traces = traces_in("scenarios");
	ASSERT_GE(traces.size(), 10u);
	for (const fs::path &p : traces) {
		Trace t = parse_trace_file(p.string());
		for (Arch arch : {Arch::gather, Arch::no_gather})
			for (Variant v : {Variant::v6_12, Variant::unbatched}) {
				Config cfg = t.config.apply(Config{});
				cfg.arch = arch;
				cfg.variant = v;
				Runner r = run_without_expects(t, cfg);
				EXPECT_FALSE(r.failed())
					<< p.filename() << " arch=" << arch_name(arch)
					<< " variant=" << variant_name(v) << "\n" << describe(r);
			}
	}
}

TEST(Corpus, MutantTracesFailOnlyBecauseOfTheirMutant)
{
	std::set<Mutant> covered;
	for (const fs::path &p : traces_in("mutants")) {
		Trace t = parse_trace_file(p.string());
		ASSERT_TRUE(t.config.mutant.has_value()) << p.filename() << " names no mutant";
		Config with = t.config.apply(Config{});
		Config without = with;
		without.mutant = Mutant::none;

		Runner clean = run_without_expects(t, without);
		EXPECT_FALSE(clean.failed()) << p.filename() << " fails without its mutant:\n"
					     << describe(clean);
		Runner mutated = run_without_expects(t, with);
		EXPECT_TRUE(mutated.failed()) << p.filename() << " does not catch its mutant";
		covered.insert(*t.config.mutant);
	}
	for (const MutantInfo &m : mutant_catalogue())
		EXPECT_TRUE(covered.count(m.mutant)) << "no corpus trace for mutant " << m.name;
}

} // namespace
} // namespace fc
