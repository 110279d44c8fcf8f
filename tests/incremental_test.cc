// SPDX-License-Identifier: GPL-2.0
/*
 * incremental_test.cc - the Runner's incremental visible-point checks
 * (KernelModel::snapshot_update(), IncrementalInvariants) against the
 * from-scratch ones they replace.
 *
 * Random legal sequences over every statement (the props generators, fixed
 * seeds) on every variant x arch and every catalogue mutant, so that
 * violations occur and the filter has something to find:
 *  - at every visible point, the updated Snapshot equals snapshot() and the
 *    tallies equal those built from scratch, also after copying the model;
 *  - a Runner with incremental_points and one without report exactly the
 *    same violations (invariant, step, point, detail) and divergences.
 */
#include "model/check/differential.h"
#include "model/check/incremental_invariants.h"
#include "model/check/runner.h"
#include "model/check/invariants.h"
#include "props/generators.h"
#include "props/hints.h"
#include "props/rng.h"
#include "props/state_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <utility>

namespace fc {
namespace {

using props::GenHints;
using props::OpAlphabet;
using props::Rng;
using props::StateView;

constexpr size_t kOps = 40;

std::vector<Config> configs()
{
	std::vector<Config> out;
	for (unsigned pmd_order : {2u, 3u, 4u})
		for (Variant v : {Variant::v6_12, Variant::unbatched})
			for (Arch a : {Arch::gather, Arch::no_gather}) {
				Config cfg;
				cfg.variant = v;
				cfg.arch = a;
				cfg.scope.pmd_order = pmd_order;
				cfg.scope.max_order = pmd_order;
				cfg.scope.max_procs = 3;
				cfg.prefault = pmd_order == 3 ? Prefault::old : Prefault::young;
				out.push_back(cfg);
			}
	for (const MutantInfo &m : mutant_catalogue())
		for (unsigned pmd_order : {2u, 4u}) {
			Config cfg;
			cfg.mutant = m.mutant;
			cfg.arch = Arch::no_gather;
			cfg.scope.pmd_order = pmd_order;
			cfg.scope.max_order = pmd_order;
			cfg.scope.max_procs = 3;
			out.push_back(cfg);
		}
	return out;
}

std::string name(const Config &cfg)
{
	return std::string(variant_name(cfg.variant)) + "/" + std::string(arch_name(cfg.arch)) +
	       "/" + std::string(mutant_name(cfg.mutant)) +
	       "/pmd_order=" + std::to_string(cfg.scope.pmd_order);
}

/*
 * Run @n random legal statements on a ReferenceModel, calling @apply(op, ref)
 * to run each elsewhere too, until it returns false. Returns the statements.
 */
std::vector<Op> random_sequence(const Config &cfg, uint64_t seed, size_t n,
				const std::function<bool(const Op &, const ReferenceModel &)> &apply)
{
	ReferenceModel ref(cfg);
	GenHints hints;
	Rng rng(seed);
	const OpAlphabet alphabet = OpAlphabet::all();
	std::vector<Op> ops;
	for (size_t i = 0; i < n; i++) {
		StateView view(cfg, ref.snapshot(), &hints);
		Op op = props::generate_op(view, ref, alphabet, rng);
		const Snapshot before = GenHints::needs_snapshot(op) ? ref.snapshot() : Snapshot{};
		ref.apply(op);
		hints.note(op, &before);
		ops.push_back(op);
		if (!apply(op, ref))
			break;
	}
	return ops;
}

/* Looks at the kernel model like the Runner does, and checks the looking. */
class UpdateChecker : public KernelObserver {
public:
	explicit UpdateChecker(const Config &cfg) : inc(cfg) {}

	void on_visible_point(const KernelModel &km, const VisiblePoint &vp) override
	{
		look(km, vp.where);
	}
	void on_page_replaced(const KernelModel &km, const PageReplaced &) override
	{
		look(km, "page replaced");
	}
	void look(const KernelModel &km, const char *where)
	{
		const Snapshot before = snap;
		km.snapshot_update(snap, delta);
		inc.absorb(snap, delta);
		points++;
		if (!failure.empty())
			return;
		if (!(snap == km.snapshot()))
			failure = std::string("snapshot_update() differs from snapshot() at ") + where;
		/* delta.folios names every folio whose view changed (the Runner's comparison relies on it) */
		for (size_t i = 0; failure.empty() && i < snap.folios.size(); i++)
			if ((i >= before.folios.size() || !(before.folios[i] == snap.folios[i])) &&
			    std::find(delta.folios.begin(), delta.folios.end(), FolioId(i + 1)) ==
				    delta.folios.end())
				failure = "delta.folios lacks changed folio f" + std::to_string(i + 1) +
					  " at " + where;
		std::string why;
		if (failure.empty() && !inc.tallies_match(snap, &why))
			failure = why + " at " + where;
	}

	Snapshot snap;
	SnapshotDelta delta;
	IncrementalInvariants inc;
	size_t points = 0;
	std::string failure;
};

/*
 * look_after_statement - @watch looks at @km at the end of statement @i
 * (@op), which must find it exact; returns whether to go on. Past a
 * divergence (a mutant) the kernel model may be asked about a folio only
 * the reference allocated: stop there, as every engine does.
 */
bool look_after_statement(UpdateChecker &watch, const KernelModel &km, const ReferenceModel &ref,
			  const Config &cfg, uint64_t seed, size_t i, const Op &op)
{
	watch.look(km, "end of statement");
	EXPECT_EQ(watch.failure, "") << name(cfg) << " seed " << seed << " statement " << i << ": "
				     << format_op(op);
	return watch.failure.empty() && diff_snapshots(ref.snapshot(), km.snapshot()).empty();
}

TEST(SnapshotUpdate, MatchesSnapshotAndTalliesAtEveryPoint)
{
	size_t points = 0, sequences = 0;
	for (const Config &cfg : configs()) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			auto km = std::make_unique<KernelModel>(cfg);
			auto watch = std::make_unique<UpdateChecker>(cfg);
			km->set_observer(watch.get());
			size_t i = 0;
			random_sequence(cfg, seed, kOps, [&](const Op &op, const ReferenceModel &ref) {
				/* halfway: go on with a copy, watched from an empty Snapshot */
				if (++i == kOps / 2) {
					points += watch->points;
					km = std::make_unique<KernelModel>(*km);
					watch = std::make_unique<UpdateChecker>(cfg);
					km->set_observer(watch.get());
				}
				km->apply(op);
				return look_after_statement(*watch, *km, ref, cfg, seed, i, op);
			});
			points += watch->points;
			sequences++;
		}
	}
	/* the sequences do reach visible points inside statements */
	EXPECT_GT(points, sequences * kOps * 2);
}

/*
 * A copy that takes the watcher's Snapshot and tallies along (as a Runner
 * copy does) stays exact: its first point compares the carried Snapshot
 * with every page table the copy logs as changed. The copy is made by
 * assignment over a model with another history, whose storage it reuses.
 */
TEST(SnapshotUpdate, CopiesCarryTheirSnapshotAndStayExact)
{
	size_t copies = 0;
	for (const Config &cfg : configs()) {
		for (uint64_t seed = 1; seed <= 5; seed++) {
			auto km = std::make_unique<KernelModel>(cfg);
			auto watch = std::make_unique<UpdateChecker>(cfg);
			km->set_observer(watch.get());
			/* the scratch model: another history, other sizes */
			auto other = std::make_unique<KernelModel>(cfg);
			random_sequence(cfg, 500 + seed, kOps / 2, [&](const Op &op, const ReferenceModel &ref) {
				other->apply(op);
				return diff_snapshots(ref.snapshot(), other->snapshot()).empty();
			});
			size_t i = 0;
			random_sequence(cfg, seed, kOps, [&](const Op &op, const ReferenceModel &ref) {
				if (++i % 7 == 0) {
					/*
					 * The statement runs unwatched, so the model's logs
					 * hold changes the carried Snapshot lacks when it
					 * is copied: the copy must still bring it up to date.
					 */
					km->set_observer(nullptr);
					km->apply(op);
					*other = *km;
					auto carried = std::make_unique<UpdateChecker>(*watch);
					std::swap(km, other);
					watch = std::move(carried);
					km->set_observer(watch.get());
					copies++;
				} else {
					km->apply(op);
				}
				return look_after_statement(*watch, *km, ref, cfg, seed, i, op);
			});
		}
	}
	EXPECT_GT(copies, configs().size() * 5);
}

std::string report(const Runner &r)
{
	std::string s;
	for (const ViolationReport &v : r.violations())
		s += std::to_string(v.step) + " " + std::string(invariant_name(v.invariant)) +
		     " at " + v.point + ": " + v.detail + "\n";
	if (r.divergence()) {
		s += "diverged at " + std::to_string(r.divergence()->step) + "\n";
		for (const Difference &d : r.divergence()->differences)
			s += "  " + d.observable + ": " + d.reference + " vs " + d.kernel + "\n";
	}
	return s;
}

/*
 * Two Runners to hold against each other: every optimisation on (the
 * reference view kept from the first step), and every one off.
 */
std::pair<Runner, Runner> incremental_and_full(const Config &cfg)
{
	RunnerOptions incremental, full;
	incremental.keep_view_from_folios = 0;
	full.incremental_points = false;
	return {Runner(cfg, incremental), Runner(cfg, full)};
}

/*
 * The reference model's view(), kept by each apply() from the folios it
 * touched, equals snapshot() after every statement: asked after every
 * one, after every third (two applies keep it unasked), and across a copy
 * and an assignment (which start it over).
 */
TEST(ReferenceView, EqualsSnapshotAfterEveryStatement)
{
	size_t kept = 0, checked = 0;
	for (const Config &cfg : configs()) {
		for (uint64_t seed = 1; seed <= 16; seed++) {
			auto ref = std::make_unique<ReferenceModel>(cfg);
			ReferenceModel scratch(cfg);
			size_t i = 0;
			ref->view();
			random_sequence(cfg, 300 + seed, kOps, [&](const Op &op, const ReferenceModel &) {
				i++;
				ref->apply(op);
				if (i % 11 == 0) {
					scratch = *ref;
					ref = std::make_unique<ReferenceModel>(scratch);
				}
				if (seed % 2 && i % 3)
					return true;
				kept += ref->view_changes() != nullptr;
				const Snapshot &view = ref->view();
				checked++;
				std::string rows;
				for (const Difference &d : diff_snapshots(view, ref->snapshot()))
					rows += "\n  " + d.observable + ": view " + d.reference +
						", snapshot() " + d.kernel;
				EXPECT_TRUE(view == ref->snapshot())
					<< name(cfg) << " seed " << 300 + seed << " statement " << i
					<< ": " << format_op(op) << rows;
				return view == ref->snapshot();
			});
		}
	}
	/* most were kept, not rebuilt */
	EXPECT_GT(kept, checked / 2);
}

/*
 * Past a divergence too (a mutant), a Runner comparing only the folios
 * either model changed reports what one comparing every folio reports, step
 * by step: each step's status and note, and the first divergence's rows.
 */
TEST(IncrementalRunner, ComparesLikeTheFullComparisonPastDivergence)
{
	size_t diverged = 0;
	for (const MutantInfo &m : mutant_catalogue()) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			Config cfg;
			cfg.mutant = m.mutant;
			cfg.arch = Arch::no_gather;
			cfg.scope.pmd_order = 2;
			cfg.scope.max_order = 2;
			cfg.scope.max_procs = 3;
			auto runners = incremental_and_full(cfg);
			Runner &a = runners.first, &b = runners.second;
			random_sequence(cfg, 700 + seed, kOps, [&](const Op &op, const ReferenceModel &) {
				StepResult ra = a.step(op), rb = b.step(op);
				EXPECT_EQ(ra.status, rb.status) << format_op(op);
				EXPECT_EQ(ra.note, rb.note) << format_op(op);
				return ra.status == rb.status;
			});
			EXPECT_EQ(report(a), report(b)) << name(cfg) << " seed " << 700 + seed;
			diverged += a.divergence().has_value();
		}
	}
	EXPECT_GT(diverged, mutant_catalogue().size());
}

TEST(IncrementalRunner, ReportsWhatTheFullCheckReports)
{
	size_t with_violations = 0, violations = 0;
	for (const Config &cfg : configs()) {
		for (uint64_t seed = 1; seed <= 10; seed++) {
			auto runners = incremental_and_full(cfg);
			Runner &a = runners.first, &b = runners.second;
			random_sequence(cfg, 100 + seed, kOps, [&](const Op &op, const ReferenceModel &) {
				StepResult ra = a.step(op), rb = b.step(op);
				EXPECT_EQ(ra.status, rb.status);
				/*
				 * Past a divergence the kernel model may be asked
				 * about a folio only the reference model allocated
				 * (a mutant that skipped a COW copy): stop there, as
				 * every engine does. Violations go on.
				 */
				return ra.status == rb.status && !a.divergence() && !b.divergence();
			});
			EXPECT_EQ(report(a), report(b)) << name(cfg) << " seed " << 100 + seed;
			with_violations += !a.violations().empty();
			violations += a.violations().size();
		}
	}
	/* the mutants break invariants, so the filter had failures to find */
	EXPECT_GT(with_violations, mutant_catalogue().size());
	EXPECT_GT(violations, 2 * mutant_catalogue().size());
}

/*
 * A Runner copy, made by the copy constructor or by assignment over a
 * Runner with another history (the explorer's scratch Runner), reports from
 * there exactly what the original reports.
 */
TEST(IncrementalRunner, CopiesReportWhatTheOriginalReports)
{
	size_t copies = 0, with_violations = 0;
	for (const Config &cfg : configs()) {
		for (uint64_t seed = 1; seed <= 5; seed++) {
			/* a keeps the reference view; its copies start without one */
			RunnerOptions keep;
			keep.keep_view_from_folios = 0;
			Runner a(cfg, keep);
			Runner scratch(cfg, keep);
			random_sequence(cfg, 300 + seed, kOps / 2, [&](const Op &op, const ReferenceModel &) {
				return scratch.step(op).status != StepStatus::rejected &&
				       !scratch.divergence();
			});
			random_sequence(cfg, 200 + seed, kOps, [&](const Op &op, const ReferenceModel &) {
				Runner copy(a);
				scratch = a;
				copies++;
				StepResult ra = a.step(op), rc = copy.step(op), rs = scratch.step(op);
				EXPECT_EQ(ra.status, rc.status);
				EXPECT_EQ(ra.status, rs.status);
				EXPECT_EQ(report(copy), report(a)) << name(cfg) << " seed " << 200 + seed;
				EXPECT_EQ(report(scratch), report(a)) << name(cfg) << " seed " << 200 + seed;
				std::string why;
				EXPECT_TRUE(copy.incremental_state_exact(&why)) << name(cfg) << ": " << why;
				EXPECT_TRUE(scratch.incremental_state_exact(&why)) << name(cfg) << ": " << why;
				return ra.status == rc.status && ra.status == rs.status && !a.divergence();
			});
			with_violations += !a.violations().empty();
		}
	}
	EXPECT_GT(copies, configs().size() * 5 * 2);
	EXPECT_GT(with_violations, mutant_catalogue().size() / 2);
}

TEST(IncrementalRunner, FullChecksFromTheEnvironment)
{
	EXPECT_TRUE(Runner(Config{}).options().incremental_points);
	setenv("FOLIOCHECK_FULL_CHECKS", "1", 1);
	EXPECT_FALSE(Runner(Config{}).options().incremental_points);
	setenv("FOLIOCHECK_FULL_CHECKS", "0", 1);
	EXPECT_TRUE(Runner(Config{}).options().incremental_points);
	unsetenv("FOLIOCHECK_FULL_CHECKS");
}

} // namespace
} // namespace fc
