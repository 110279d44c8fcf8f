// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_differential.cc - the differential fuzz target.
 *
 * The input's records (record.h) decode into a legal operation sequence
 * (decoder.h) that runs on both models with every invariant checked at
 * every visible point and the models compared after every statement. On the
 * first failure it prints the report and the decoded trace, then aborts, so
 * libFuzzer keeps the input as a crash. Fuzzing a mutant, only failures the
 * unmutated model does not share count (input.h: baseline_fails_too).
 *
 * One binary serves every campaign: the configuration comes from
 * FOLIOCHECK_* environment variables and -foliocheck_* flags
 * (fuzz_config.h), read once in LLVMFuzzerInitialize.
 *
 * Built against libFuzzer by fuzz/build.sh, and against the standalone
 * driver (standalone_main.cc) by the ordinary build.
 */
#include "fuzz/decoder.h"
#include "fuzz/fuzz_config.h"
#include "fuzz/input.h"
#include "fuzz/malloc_name.h"
#include "fuzz/mutator.h"
#include "fuzz/seed_corpus.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

fc::fuzz::FuzzConfig g_fc;

[[noreturn]] void config_error(const std::string &err)
{
	std::fprintf(stderr, "fuzz_differential: error: %s\n", err.c_str());
	std::exit(2);
}

} // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/*
 * write_seeds - -foliocheck_write_seeds=TRACE_DIR -foliocheck_seeds_out=DIR:
 * encode every trace under TRACE_DIR for this configuration into DIR and
 * exit. build.sh makes the seed corpus this way, with no host tool.
 */
[[noreturn]] static void write_seeds(const std::string &traces, const std::string &out)
{
	if (out.empty())
		config_error("-foliocheck_write_seeds needs -foliocheck_seeds_out=DIR");
	std::vector<fc::fuzz::Seed> seeds =
		fc::fuzz::encode_seeds(fc::fuzz::find_traces(traces), g_fc);
	size_t written = 0;
	std::string err;
	if (seeds.empty())
		config_error("no *.trace files under " + traces);
	if (!fc::fuzz::write_seeds(seeds, out, &written, &err))
		config_error(err);
	std::fprintf(stderr, "fuzz_differential: %zu seeds from %zu traces written to %s\n",
		     written, seeds.size(), out.c_str());
	std::exit(0);
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fc::fuzz::FuzzConfigBuilder b;
	std::string err, seeds_from, seeds_out;
	if (!b.add_env(&err))
		config_error(err);
	for (int i = 1; i < *argc; i++) {
		std::string_view arg = (*argv)[i];
		if (arg.starts_with("-foliocheck_write_seeds="))
			seeds_from = arg.substr(arg.find('=') + 1);
		else if (arg.starts_with("-foliocheck_seeds_out="))
			seeds_out = arg.substr(arg.find('=') + 1);
		else if (!b.add_flag(arg, &err) && !err.empty())
			config_error(err);
	}
	if (!b.build(fc::fuzz::FuzzConfig{}, &g_fc, &err))
		config_error(err);
	const fc::Config &c = g_fc.cfg;
	std::fprintf(stderr,
		     "fuzz_differential: variant=%s arch=%s mutant=%s prefault=%s pmd_order=%u "
		     "max_order=%u "
		     "procs=%u space=%llu max_ops=%zu check=%s malloc=%s\n",
		     std::string(fc::variant_name(c.variant)).c_str(),
		     std::string(fc::arch_name(c.arch)).c_str(),
		     std::string(fc::mutant_name(c.mutant)).c_str(),
		     std::string(fc::prefault_name(c.prefault)).c_str(), c.scope.pmd_order,
		     c.scope.max_order, c.scope.max_procs,
		     static_cast<unsigned long long>(c.scope.space_pages()), g_fc.max_ops,
		     g_fc.runner.check_visible_points ? "every" : "ends", fc::fuzz::malloc_name());
	/* after the config line: the seeds are encoded for that configuration */
	if (!seeds_from.empty())
		write_seeds(seeds_from, seeds_out);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace fc::fuzz;
	Session s(g_fc.cfg, g_fc.runner);
	size_t n = std::min(record_count(size), g_fc.max_ops);
	for (size_t i = 0; i < n; i++) {
		if (s.feed(load_record(data + i * kRecordSize)) != Fed::failed)
			continue;
		DecodedInput in;
		in.ops = s.ops();
		in.op_records = s.op_records();
		in.records = s.records();
		in.failure = failure_of(s.runner());
		/* fuzzing a mutant: a failure the unmutated model shares is not a find */
		if (baseline_fails_too(data, size, g_fc, *in.failure))
			return 0;
		std::fputs(format_crash(in, g_fc.cfg).c_str(), stderr);
		std::fflush(stderr);
		std::abort();
	}
	return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
					  unsigned int seed)
{
	max_size = std::min(max_size, g_fc.max_len());
	return fc::fuzz::mutate_input(data, size, max_size, seed, LLVMFuzzerMutate);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
					    const uint8_t *data2, size_t size2, uint8_t *out,
					    size_t max_out_size, unsigned int seed)
{
	max_out_size = std::min(max_out_size, g_fc.max_len());
	return fc::fuzz::cross_over(data1, size1, data2, size2, out, max_out_size, seed);
}
