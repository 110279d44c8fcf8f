// SPDX-License-Identifier: GPL-2.0
/*
 * convert_main.cc - fuzz_convert: fuzz inputs and traces, both ways, for
 * build.sh (which cannot run `foliocheck` under OSS-Fuzz) and for people.
 *
 *   fuzz_convert --seeds CORPUS_DIR --out DIR [--skip-dir NAME]
 *   fuzz_convert --to-bytes TRACE --out FILE
 *   fuzz_convert --to-trace INPUT [--out FILE]
 *   fuzz_convert --dict [--out FILE]
 *
 * The configuration is the fuzz target's: FOLIOCHECK_* variables and
 * -foliocheck_KEY=VALUE flags (fuzz_config.h). Exit status 2 on bad input.
 */
#include "fuzz/encoder.h"
#include "fuzz/fuzz_config.h"
#include "fuzz/input.h"
#include "fuzz/mutator.h"
#include "fuzz/seed_corpus.h"

#include <cstdio>
#include <cstring>
#include <string>

using namespace fc::fuzz;

namespace {

[[noreturn]] void die(const std::string &msg)
{
	std::fprintf(stderr, "fuzz_convert: error: %s\n", msg.c_str());
	std::exit(2);
}

void usage()
{
	std::fputs("usage: fuzz_convert --seeds CORPUS_DIR --out DIR [--skip-dir NAME]\n"
		   "       fuzz_convert --to-bytes TRACE --out FILE\n"
		   "       fuzz_convert --to-trace INPUT [--out FILE]\n"
		   "       fuzz_convert --dict [--out FILE]\n"
		   "  plus -foliocheck_KEY=VALUE or FOLIOCHECK_KEY settings (variant, arch,\n"
		   "  mutant, pmd_order, max_order, procs, space, max_ops, check)\n",
		   stderr);
	std::exit(2);
}

void write_text(const std::string &out, const std::string &text)
{
	if (out.empty()) {
		std::fputs(text.c_str(), stdout);
		return;
	}
	std::string err;
	if (!write_bytes(out, text.data(), text.size(), &err))
		die(err);
}

void seeds(const std::string &dir, const std::string &out, const std::string &skip,
	   const FuzzConfig &fc)
{
	std::vector<Seed> s = encode_seeds(find_traces(dir, skip), fc);
	size_t written = 0, dropped = 0;
	std::string err;
	for (const Seed &seed : s) {
		if (!seed.error.empty())
			std::fprintf(stderr, "fuzz_convert: skipping %s\n", seed.error.c_str());
		dropped += seed.dropped;
	}
	if (!write_seeds(s, out, &written, &err))
		die(err);
	std::fprintf(stderr,
		     "fuzz_convert: %zu traces, %zu seeds written to %s (%zu statements left out)\n",
		     s.size(), written, out.c_str(), dropped);
	if (s.empty())
		die("no *.trace files under " + dir);
}

void to_bytes(const std::string &trace, const std::string &out, const FuzzConfig &fc)
{
	EncodedTrace e;
	try {
		e = encode_trace(fc::parse_trace_file(trace), fc);
	} catch (const fc::TraceError &err) {
		die(err.what());
	}
	if (e.dropped)
		std::fprintf(stderr, "fuzz_convert: %zu statements left out, first: %s\n", e.dropped,
			     e.first_drop.c_str());
	std::string err;
	if (!write_bytes(out, e.bytes.data(), e.bytes.size(), &err))
		die(err);
	std::fprintf(stderr, "fuzz_convert: %zu records written to %s\n", e.encoded, out.c_str());
}

void to_trace(const std::string &input, const std::string &out, const FuzzConfig &fc)
{
	std::vector<uint8_t> bytes;
	std::string err;
	if (!read_bytes(input, &bytes, &err))
		die(err);
	DecodedInput in = run_input(bytes.data(), bytes.size(), fc);
	std::string text = "# decoded by fuzz_convert from " + input + "\n";
	if (in.failure)
		text += "# fails: " + in.failure->name() + " at step " +
			std::to_string(in.failure->step + 1) + "\n";
	text += fc::format_trace(trace_of(in.ops, fc.cfg));
	write_text(out, text);
}

} // namespace

int main(int argc, char **argv)
{
	FuzzConfigBuilder b;
	std::string err;
	if (!b.add_env(&err))
		die(err);
	std::string mode, arg, out, skip;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto next = [&]() -> std::string {
			if (i + 1 >= argc)
				usage();
			return argv[++i];
		};
		if (b.add_flag(a, &err))
			continue;
		if (!err.empty())
			die(err);
		if (a == "--seeds" || a == "--to-bytes" || a == "--to-trace") {
			mode = a;
			arg = next();
		} else if (a == "--dict") {
			mode = a;
		} else if (a == "--out") {
			out = next();
		} else if (a == "--skip-dir") {
			skip = next();
		} else {
			usage();
		}
	}
	FuzzConfig fc;
	if (!b.build(FuzzConfig{}, &fc, &err))
		die(err);
	if (mode == "--seeds" && !out.empty())
		seeds(arg, out, skip, fc);
	else if (mode == "--to-bytes" && !out.empty())
		to_bytes(arg, out, fc);
	else if (mode == "--to-trace")
		to_trace(arg, out, fc);
	else if (mode == "--dict")
		write_text(out, format_dictionary());
	else
		usage();
	return 0;
}
