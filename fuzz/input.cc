// SPDX-License-Identifier: GPL-2.0
/*
 * input.cc - decode and run one fuzz input; print what it ran.
 */
#include "fuzz/input.h"

#include "fuzz/decoder.h"

#include <cctype>

namespace fc::fuzz {

namespace {

uint32_t mix(uint32_t h, uint64_t v)
{
	/* FNV-1a over the value's bytes: cheap, and good enough to tell features apart. */
	for (int i = 0; i < 8; i++) {
		h ^= static_cast<uint8_t>(v >> (8 * i));
		h *= 16777619u;
	}
	return h;
}

/* The outcome note with its numbers dropped: "copied to f5" and "copied to f9" are one shape. */
uint32_t note_shape(const std::string &note)
{
	uint32_t h = 2166136261u;
	for (char c : note)
		if (!std::isdigit(static_cast<unsigned char>(c)))
			h = mix(h, static_cast<uint8_t>(c));
	return h;
}

unsigned bucket(uint64_t n)
{
	unsigned b = 0;
	while (n) {
		b++;
		n >>= 1;
	}
	return b;
}

/* One statement's features: what kind, how it turned out, what it cost. */
void add_features(const Op &op, const std::string &note, const CostCounters &before,
		  const CostCounters &after, OpKind prev, std::vector<uint32_t> &out)
{
	uint32_t k = static_cast<uint32_t>(op.kind);
	out.push_back(mix(mix(1, k), note_shape(note)));
	out.push_back(mix(mix(mix(2, k), bucket(after.atomics - before.atomics)),
			  after.split_queue_locks - before.split_queue_locks));
	out.push_back(mix(mix(3, k), after.spurious_enqueues - before.spurious_enqueues));
	out.push_back(mix(mix(4, k), static_cast<uint32_t>(prev)));
	out.push_back(mix(mix(mix(5, k), bucket(op.pages)), op.order));
}

} // namespace

std::vector<Record> records_of(const uint8_t *data, size_t size, size_t max_records)
{
	size_t n = std::min(record_count(size), max_records);
	std::vector<Record> recs(n);
	for (size_t i = 0; i < n; i++)
		recs[i] = load_record(data + i * kRecordSize);
	return recs;
}

std::vector<uint8_t> bytes_of(const std::vector<Record> &records)
{
	std::vector<uint8_t> bytes(records.size() * kRecordSize);
	for (size_t i = 0; i < records.size(); i++)
		store_record(records[i], bytes.data() + i * kRecordSize);
	return bytes;
}

DecodedInput run_input(const uint8_t *data, size_t size, const FuzzConfig &fc,
		       bool with_features)
{
	Session s(fc.cfg, fc.runner);
	DecodedInput in;
	size_t n = std::min(record_count(size), fc.max_ops);
	OpKind prev = OpKind::expect;
	for (size_t i = 0; i < n; i++) {
		CostCounters before = with_features ? s.runner().kernel().costs() : CostCounters{};
		size_t ops_before = s.ops().size();
		Fed fed = s.feed(load_record(data + i * kRecordSize));
		if (with_features && s.ops().size() > ops_before) {
			const Op &op = s.ops().back();
			add_features(op, s.last_note(), before, s.runner().kernel().costs(), prev,
				     in.features);
			prev = op.kind;
		}
		if (fed == Fed::failed) {
			in.failure = failure_of(s.runner());
			break;
		}
	}
	in.ops = s.ops();
	in.op_records = s.op_records();
	in.records = s.records();
	return in;
}

bool baseline_fails_too(const uint8_t *data, size_t size, const FuzzConfig &fc, const Failure &f)
{
	if (fc.cfg.mutant == Mutant::none)
		return false;
	FuzzConfig base = fc;
	base.cfg.mutant = Mutant::none;
	DecodedInput in = run_input(data, size, base);
	return in.failure && in.failure->same_as(f) && in.failure->step <= f.step;
}

Trace trace_of(const std::vector<Op> &ops, const Config &cfg)
{
	Trace t;
	t.config = overrides_of(cfg);
	t.ops = ops;
	for (Op &op : t.ops)
		op.loc = SourceLoc{};
	return t;
}

std::string format_crash(const DecodedInput &in, const Config &cfg)
{
	std::string out;
	if (in.failure) {
		out += "foliocheck fuzz: " + in.failure->name() + " at step " +
		       std::to_string(in.failure->step + 1) + " of " + std::to_string(in.ops.size()) +
		       "\n";
		out += in.failure->report;
	} else {
		out += "foliocheck fuzz: no failure\n";
	}
	out += "---- decoded trace (foliocheck replay FILE) ----\n";
	out += "# " + std::to_string(in.ops.size()) + " statements decoded from " +
	       std::to_string(in.records) + " records\n";
	out += format_trace(trace_of(in.ops, cfg));
	out += "---- end of trace ----\n";
	return out;
}

} // namespace fc::fuzz
