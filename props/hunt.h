// SPDX-License-Identifier: GPL-2.0
/*
 * hunt.h - hunt one mutant with a property campaign.
 *
 * Under a mutant not every failure is the mutant's: a bug of the unmutated
 * model fails the same way. A kill is a counterexample that fails with the
 * mutant and passes without it. The campaign is told (CampaignOptions::
 * counts) that other failures do not count, so it neither stops at them nor
 * shrinks towards them; they are reported as findings.
 */
#pragma once

#include "props/campaign.h"

#include <vector>

namespace fc::props {

struct HuntResult {
	bool killed = false;
	uint64_t tests = 0;       /* test cases until the kill (or in all) */
	double seconds = 0;       /* until the kill was found (or in all) */
	Counterexample kill;      /* if killed */
	/* failures the unmutated model shares: model bugs, not kills (first few, unshrunk) */
	uint64_t not_the_mutant = 0;
	std::vector<std::pair<Trace, Verdict>> not_the_mutant_examples;
	std::string error;        /* RapidCheck gave up or errored */
};

/* apply_mutant_needs - @cfg with the config its mutant needs (MutantInfo::needs). */
Config apply_mutant_needs(const Config &cfg);

/* mutant_needs - the catalogue's `needs` of @m ("arch=no_gather"), or "". */
std::string_view mutant_needs(Mutant m);

/*
 * fails_without_mutant - does @t fail with its `config mutant=` removed?
 * @base is the configuration its config lines apply to.
 */
bool fails_without_mutant(const Trace &t, const Config &base);

/*
 * The scope a props or fuzz hunt uses when given the stock one (pmd_order
 * 9, max_order 4, which has no PMD THP): mutants do not depend on the PMD
 * size, and a 16-page PMD THP, within max_order 4, makes each test case
 * cheap and dense (more folios per PTE table, more boundaries per range).
 */
Scope hunt_scope();

/*
 * hunt_mutant - a campaign over @opts (cfg.mutant set; the config the
 * mutant needs is applied here; the stock scope replaced by hunt_scope())
 * until a kill or @budget_seconds. opts.seconds, opts.tests and opts.counts
 * are replaced.
 */
HuntResult hunt_mutant(const CampaignOptions &opts, double budget_seconds);

} // namespace fc::props
