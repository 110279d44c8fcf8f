// SPDX-License-Identifier: GPL-2.0
/*
 * hunt.cc - a campaign until a counterexample that only the mutant fails.
 */
#include "props/hunt.h"

#include "model/check/runner.h"

namespace fc::props {

std::string_view mutant_needs(Mutant m)
{
	for (const MutantInfo &mi : mutant_catalogue())
		if (mi.mutant == m)
			return mi.needs;
	return "";
}

Config apply_mutant_needs(const Config &cfg)
{
	std::string_view needs = mutant_needs(cfg.mutant);
	if (needs.empty())
		return cfg;
	return parse_trace("config " + std::string(needs)).config.apply(cfg);
}

bool fails_without_mutant(const Trace &t, const Config &base)
{
	Trace clean = t;
	clean.config.mutant = Mutant::none;
	Config cfg = base;
	cfg.mutant = Mutant::none;
	return verdict_of(run_trace(clean, cfg)).failed();
}

Scope hunt_scope()
{
	Scope s;
	s.pmd_order = 4;
	s.max_order = 4;
	return s;
}

HuntResult hunt_mutant(const CampaignOptions &opts, double budget_seconds)
{
	CampaignOptions o = opts;
	o.cfg = apply_mutant_needs(opts.cfg);
	if (o.cfg.scope.is_stock())
		o.cfg.scope = hunt_scope();
	o.tests = 0;
	o.seconds = budget_seconds;
	const Config base = o.cfg;
	o.counts = [base](const Trace &t, const Verdict &) { return !fails_without_mutant(t, base); };

	CampaignResult r = run_campaign(o);
	HuntResult h;
	h.tests = r.tests;
	h.seconds = r.seconds;
	h.error = r.error;
	h.not_the_mutant = r.uncounted;
	h.not_the_mutant_examples = r.uncounted_examples;
	if (r.failed) {
		h.killed = true;
		h.kill = r.counterexample;
	}
	return h;
}

} // namespace fc::props
