// SPDX-License-Identifier: GPL-2.0
/*
 * minimize.cc - delta debugging over records (see minimize.h).
 */
#include "fuzz/minimize.h"

#include <chrono>

namespace fc::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

/*
 * struct Minimizer - the current smallest failing input and the test a
 * candidate must pass to replace it.
 */
struct Minimizer {
	const FuzzConfig &fc;
	Failure want;
	Clock::time_point deadline;
	Minimized best;

	bool out_of_time() const { return Clock::now() >= deadline; }

	/* Run @cand; if it fails like the original, it becomes the best. */
	bool try_candidate(const std::vector<Record> &cand)
	{
		std::vector<uint8_t> bytes = bytes_of(cand);
		best.runs++;
		DecodedInput run = run_input(bytes.data(), bytes.size(), fc);
		if (!run.failure || !run.failure->same_as(want))
			return false;
		/* a mutant's failure must stay the mutant's: not one the unmutated model shares */
		if (baseline_fails_too(bytes.data(), bytes.size(), fc, *run.failure))
			return false;
		best.records = cand;
		best.run = std::move(run);
		trim();
		return true;
	}

	/*
	 * trim - cut after the failing record and drop the records that decoded
	 * to nothing: neither changes the run, as the decoder's state moves
	 * only with statements that ran.
	 */
	void trim()
	{
		std::vector<Record> kept;
		for (size_t i : best.run.op_records)
			kept.push_back(best.records[i]);
		best.records = std::move(kept);
		for (size_t i = 0; i < best.run.op_records.size(); i++)
			best.run.op_records[i] = i;
		best.run.records = best.records.size();
	}

	/* ddmin's removal half: chunks of decreasing size, until a pass at size 1 removes nothing. */
	void remove_chunks()
	{
		size_t chunk = best.records.size() / 2;
		while (chunk >= 1 && !out_of_time()) {
			bool removed = false;
			for (size_t at = 0; at < best.records.size() && !out_of_time();) {
				std::vector<Record> cand = best.records;
				size_t n = std::min(chunk, cand.size() - at);
				cand.erase(cand.begin() + at, cand.begin() + at + n);
				if (!cand.empty() && try_candidate(cand))
					removed = true; /* the next chunk now starts at @at */
				else
					at += chunk;
			}
			if (chunk == 1 && !removed)
				break;
			if (chunk > 1)
				chunk /= 2;
		}
	}

	/* Simpler versions of one record, simplest first. */
	static std::vector<Record> simpler(const Record &r)
	{
		std::vector<Record> out;
		out.reserve(11);
		auto add = [&](Record c) {
			if (!(c == r))
				out.push_back(c);
		};
		Record c = r;
		c.who &= kProcMask; /* no flags */
		add(c);
		/* one flag less (a file fault's at= bits: a smaller at=) */
		for (unsigned bit = 3; bit < 8; bit++) {
			c = r;
			c.who &= static_cast<uint8_t>(~(1u << bit));
			add(c);
		}
		c = r;
		c.who &= static_cast<uint8_t>(~kProcMask); /* the first process */
		add(c);
		if (r.size != 0) {
			c = r;
			c.size = 0; /* one page, order 0 */
			add(c);
			/* half the pages, in the same code (0x80 is one page already) */
			if (r.size > kSizePow2)
				c.size = static_cast<uint8_t>(r.size - 1);
			else if (r.size < kSizePow2)
				c.size = static_cast<uint8_t>(r.size / 2);
			add(c);
		}
		if (r.aux != 0) {
			c = r;
			c.aux = 0;
			add(c);
		}
		return out;
	}

	/* Simplify fields record by record until nothing changes. */
	void simplify_fields()
	{
		bool changed = true;
		while (changed && !out_of_time()) {
			changed = false;
			for (size_t i = 0; i < best.records.size() && !out_of_time(); i++) {
				for (const Record &s : simpler(best.records[i])) {
					std::vector<Record> cand = best.records;
					if (i >= cand.size())
						break;
					cand[i] = s;
					if (try_candidate(cand)) {
						changed = true;
						break;
					}
				}
			}
		}
	}
};

} // namespace

Minimized minimize_input(const uint8_t *data, size_t size, const FuzzConfig &fc, double seconds)
{
	Minimized none;
	none.records = records_of(data, size, fc.max_ops);
	none.run = run_input(data, size, fc);
	none.runs = 1;
	if (!none.run.failure || baseline_fails_too(data, size, fc, *none.run.failure))
		return none;

	Minimizer m{fc, *none.run.failure,
		    Clock::now() + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)),
		    std::move(none)};
	m.best.failed = true;
	m.trim();
	m.remove_chunks();
	m.simplify_fields();
	m.remove_chunks();
	return m.best;
}

} // namespace fc::fuzz
