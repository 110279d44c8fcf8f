// SPDX-License-Identifier: GPL-2.0
/*
 * counterexample.cc - print a failing sequence as a replayable trace file.
 */
#include "props/counterexample.h"

#include <fstream>

namespace fc::props {

ConfigOverrides trace_config(const Config &cfg)
{
	const Scope defaults;
	ConfigOverrides o;
	o.variant = cfg.variant;
	o.arch = cfg.arch;
	o.mutant = cfg.mutant;
	o.pmd_order = cfg.scope.pmd_order;
	if (cfg.scope.max_order != defaults.max_order)
		o.max_order = cfg.scope.max_order;
	if (cfg.scope.space != defaults.space)
		o.space = cfg.scope.space;
	if (cfg.prefault != Config{}.prefault)
		o.prefault = cfg.prefault;
	return o;
}

std::string format_counterexample(const Counterexample &c)
{
	std::string s;
	s += "# foliocheck check: " + c.verdict.name() + "\n";
	s += "# " + c.verdict.text + "\n";
	s += "# seed " + std::to_string(c.seed) + " size " +
	     (c.size >= 0 ? std::to_string(c.size) : std::string("? (shrinking stopped at its budget)")) +
	     ": " +
	     std::to_string(c.generated_ops) + " operations generated, " +
	     std::to_string(c.shrunk_ops) + " after shrinking, " +
	     std::to_string(c.trace.ops.size()) + " after minimizing\n";
	if (!c.rerun.empty())
		s += "# rerun: " + c.rerun + "\n";
	s += format_trace(c.trace);
	if (!s.empty() && s.back() != '\n')
		s += '\n';
	return s;
}

bool write_text_file(const std::string &path, const std::string &text, std::string *error)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	if (out)
		out << text;
	if (out)
		out.close();
	if (!out) {
		if (error)
			*error = "cannot write " + path;
		return false;
	}
	return true;
}

bool trace_round_trips(const Trace &t, std::string *why)
{
	const std::string text = format_trace(t);
	Trace back;
	try {
		back = parse_trace(text, "<round trip>");
	} catch (const TraceError &e) {
		if (why)
			*why = std::string("printed trace does not parse: ") + e.what();
		return false;
	}
	if (!(back.config == t.config)) {
		if (why)
			*why = "config line changed in print/parse";
		return false;
	}
	if (back.ops.size() != t.ops.size()) {
		if (why)
			*why = std::to_string(t.ops.size()) + " statements printed, " +
			       std::to_string(back.ops.size()) + " parsed";
		return false;
	}
	for (size_t i = 0; i < t.ops.size(); i++) {
		if (!t.ops[i].same_statement(back.ops[i])) {
			if (why)
				*why = "statement " + std::to_string(i + 1) + " '" +
				       format_op(t.ops[i]) + "' parsed back as '" +
				       format_op(back.ops[i]) + "'";
			return false;
		}
	}
	return true;
}

} // namespace fc::props
