// SPDX-License-Identifier: GPL-2.0
/*
 * crash.cc - crashing inputs to minimized, commented traces.
 */
#include "fuzz/crash.h"

#include <cstdio>

namespace fc::fuzz {

namespace {

/* Every line of @text as a comment line. */
std::string commented(const std::string &text)
{
	std::string out;
	size_t at = 0;
	while (at < text.size()) {
		size_t nl = text.find('\n', at);
		if (nl == std::string::npos)
			nl = text.size();
		out += "# " + text.substr(at, nl - at) + "\n";
		at = nl + 1;
	}
	return out;
}

uint32_t fnv1a(const std::string &s)
{
	uint32_t h = 2166136261u;
	for (unsigned char c : s) {
		h ^= c;
		h *= 16777619u;
	}
	return h;
}

} // namespace

std::optional<CrashTrace> trace_crash(const std::vector<uint8_t> &input, const FuzzConfig &fc,
				      double seconds, const std::string &origin)
{
	DecodedInput first = run_input(input.data(), input.size(), fc);
	if (!first.failure)
		return std::nullopt;
	Minimized m = minimize_input(input.data(), input.size(), fc, seconds);
	if (!m.failed || !m.run.failure)
		return std::nullopt;

	CrashTrace c;
	c.failure = *m.run.failure;
	c.trace = trace_of(m.run.ops, fc.cfg);
	c.original_ops = first.ops.size();
	c.runs = m.runs;
	c.input = bytes_of(m.records);

	std::string what = c.failure.kind == Failure::Kind::violation
				   ? "invariant " + c.failure.name() + " broke at step " +
					     std::to_string(c.failure.step + 1) + " (" +
					     c.failure.point + ")"
				   : "the models diverged after step " +
					     std::to_string(c.failure.step + 1);
	c.text = "# Found by foliocheck fuzz (" + origin + "): " + what + ".\n";
	c.text += "# Minimized from " + std::to_string(c.original_ops) + " to " +
		  std::to_string(c.trace.ops.size()) + " statements in " + std::to_string(c.runs) +
		  " runs. Reproduce: foliocheck replay FILE\n";
	c.text += commented(c.failure.report);
	c.text += format_trace(c.trace);
	return c;
}

std::string crash_trace_name(const CrashTrace &c)
{
	char hash[16];
	std::snprintf(hash, sizeof(hash), "%08x", fnv1a(format_trace(c.trace)));
	return c.failure.name() + "-" + hash + ".trace";
}

} // namespace fc::fuzz
