// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_trace_parser.cc - the trace parser fuzz target.
 *
 * Any byte string goes to parse_trace(): it must either return a Trace or
 * throw TraceError, never crash, hang or throw anything else. A trace it
 * accepts must also survive the printer: format_trace() of it parses back
 * to the same statements and config (the round trip SPEC promises), else
 * the target aborts with both texts.
 */
#include "model/trace.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void round_trip_failure(const std::string &first, const std::string &second,
				     const char *what)
{
	std::fprintf(stderr, "fuzz_trace_parser: round trip failed: %s\n"
			     "---- printed ----\n%s---- printed again ----\n%s----\n",
		     what, first.c_str(), second.c_str());
	std::abort();
}

bool same_ops(const fc::Trace &a, const fc::Trace &b)
{
	if (a.ops.size() != b.ops.size())
		return false;
	for (size_t i = 0; i < a.ops.size(); i++)
		if (!a.ops[i].same_statement(b.ops[i]))
			return false;
	return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fc::Trace t;
	try {
		t = fc::parse_trace(std::string_view(reinterpret_cast<const char *>(data), size),
				    "<fuzz>");
	} catch (const fc::TraceError &) {
		return 0;
	}
	std::string printed = fc::format_trace(t);
	fc::Trace back;
	try {
		back = fc::parse_trace(printed, "<printed>");
	} catch (const fc::TraceError &e) {
		round_trip_failure(printed, e.what(), "the printed trace does not parse");
	}
	std::string again = fc::format_trace(back);
	if (!(back.config == t.config))
		round_trip_failure(printed, again, "config lines differ");
	if (!same_ops(t, back))
		round_trip_failure(printed, again, "statements differ");
	if (again != printed)
		round_trip_failure(printed, again, "printing is not stable");
	return 0;
}
