// SPDX-License-Identifier: GPL-2.0
/*
 * mutator_test.cc - the structure-aware mutator keeps inputs whole records,
 * within the size limit, and changes them a record at a time.
 */
#include "fuzz/input.h"
#include "fuzz/mutator.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace fc::fuzz {
namespace {

std::vector<uint8_t> random_input(Rng &rng, size_t records)
{
	std::vector<Record> r;
	for (size_t i = 0; i < records; i++)
		r.push_back(random_record(rng));
	return bytes_of(r);
}

/* Records of @a not in @b, counting multiplicity: how far a mutation went. */
size_t records_changed(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b)
{
	std::vector<Record> ra = records_of(a.data(), a.size(), SIZE_MAX);
	std::vector<Record> rb = records_of(b.data(), b.size(), SIZE_MAX);
	size_t changed = 0;
	for (const Record &r : ra) {
		auto it = std::find(rb.begin(), rb.end(), r);
		if (it == rb.end())
			changed++;
		else
			rb.erase(it);
	}
	return changed + rb.size();
}

TEST(Mutator, OutputIsWholeRecordsWithinMaxSize)
{
	Rng rng(1);
	const size_t max = 32 * kRecordSize;
	std::vector<uint8_t> buf(max);
	for (int i = 0; i < 5000; i++) {
		/* unaligned sizes too: libFuzzer may hand over anything */
		size_t size = rng.below(max + 1);
		for (size_t k = 0; k < size; k++)
			buf[k] = static_cast<uint8_t>(rng.next());
		size_t n = mutate_input(buf.data(), size, max, rng.next(), nullptr);
		EXPECT_LE(n, max);
		EXPECT_EQ(n % kRecordSize, 0u);
	}
}

TEST(Mutator, ChangesFewRecords)
{
	Rng rng(2);
	const size_t max = 32 * kRecordSize;
	size_t same = 0;
	for (int i = 0; i < 2000; i++) {
		std::vector<uint8_t> in = random_input(rng, 1 + rng.below(20));
		std::vector<uint8_t> out = in;
		out.resize(max);
		out.resize(mutate_input(out.data(), in.size(), max, rng.next(), nullptr));
		/* insert/delete/retarget/tweak touch one record; a swap two; a run delete up to 4 */
		EXPECT_LE(records_changed(in, out), 8u);
		same += in == out;
	}
	/* almost every mutation changes something */
	EXPECT_LT(same, 200u);
}

TEST(Mutator, EmptyInputGrows)
{
	std::vector<uint8_t> buf(10 * kRecordSize);
	size_t n = mutate_input(buf.data(), 0, buf.size(), 7, nullptr);
	EXPECT_EQ(n, kRecordSize);
}

TEST(Mutator, CrossOverKeepsRecordsOfBothParents)
{
	Rng rng(3);
	for (int i = 0; i < 500; i++) {
		std::vector<uint8_t> a = random_input(rng, rng.below(10));
		std::vector<uint8_t> b = random_input(rng, rng.below(10));
		std::vector<uint8_t> out(12 * kRecordSize);
		size_t n = cross_over(a.data(), a.size(), b.data(), b.size(), out.data(), out.size(),
				      rng.next());
		ASSERT_EQ(n % kRecordSize, 0u);
		ASSERT_LE(n, out.size());
		out.resize(n);
		std::vector<Record> ra = records_of(a.data(), a.size(), SIZE_MAX);
		std::vector<Record> rb = records_of(b.data(), b.size(), SIZE_MAX);
		for (const Record &r : records_of(out.data(), out.size(), SIZE_MAX))
			EXPECT_TRUE(std::find(ra.begin(), ra.end(), r) != ra.end() ||
				    std::find(rb.begin(), rb.end(), r) != rb.end());
	}
}

TEST(Mutator, DictionaryFileIsTheGeneratedOne)
{
	std::ifstream f(FOLIOCHECK_SOURCE_DIR "/fuzz/dict/fuzz_differential.dict");
	std::stringstream ss;
	ss << f.rdbuf();
	EXPECT_EQ(ss.str(), format_dictionary())
		<< "regenerate it: fuzz_convert --dict --out fuzz/dict/fuzz_differential.dict";
}

TEST(Mutator, InterestingRecordsDecodeToTheirStatement)
{
	/*
	 * After a large fault, a PMD fault, a fork, a pin, a get and a file, each record
	 * means what its name says. Statements the models do not implement yet
	 * are rejected and skipped; every anon statement must run. max_order 9
	 * lets the PMD fault's 512-page THP into the scope.
	 */
	FuzzConfig fc;
	fc.cfg.scope.max_order = 9;
	const std::vector<std::string> anon = {"fault", "write", "munmap", "pin", "fork", "unpin",
					       "get", "put", "split_pmd", "split", "shrink", "exit"};
	for (const NamedRecord &n : interesting_records()) {
		std::vector<Record> recs = {{0, 0, 0x300, 4, 0}, {0, kFlagBig, 0x400, 0, 0},
					    {4, 0, 0, 0, 0},     {3, 1, 0x8000, 0, 0},
					    {6, 0, 0x8000, 0, 0}, {13, 0, 0, 0x84, 0},
					    n.record};
		std::vector<uint8_t> b = bytes_of(recs);
		DecodedInput in = run_input(b.data(), b.size(), fc);
		ASSERT_FALSE(in.ops.empty());
		std::string name = n.name;
		bool applied = in.op_records.back() == recs.size() - 1;
		std::string word = name.substr(0, name.find('_'));
		if (name.rfind("split_pmd", 0) == 0)
			word = "split_pmd";
		if (!applied) {
			EXPECT_EQ(std::find(anon.begin(), anon.end(), word), anon.end())
				<< name << " was skipped";
			continue;
		}
		std::string op = format_op(in.ops.back());
		EXPECT_EQ(op.rfind(word, 0), 0u) << name << ": " << op;
	}
}

} // namespace
} // namespace fc::fuzz
