// SPDX-License-Identifier: GPL-2.0
/*
 * encoder.cc - statements to records, checked by decoding them back.
 */
#include "fuzz/encoder.h"

#include "fuzz/decoder.h"
#include "fuzz/input.h"

#include <algorithm>
#include <map>
#include <optional>

namespace fc::fuzz {

namespace {

template <typename T>
std::optional<size_t> rank_of(const std::vector<T> &v, T x)
{
	auto it = std::find(v.begin(), v.end(), x);
	if (it == v.end())
		return std::nullopt;
	return static_cast<size_t>(it - v.begin());
}

/* The where field of an absolute VA, if it has one. */
std::optional<uint16_t> where_of(Va va, Va space)
{
	if (va > kWhereVaMask || va >= space)
		return std::nullopt;
	return static_cast<uint16_t>(va);
}

/*
 * struct Encoder - one trace's encoding in progress: the session the
 * records so far decode to, and the file names of the trace mapped to the
 * decoder's.
 */
struct Encoder {
	const FuzzConfig &fc;
	Session session;
	std::map<std::string, std::string> file_names;
	std::vector<Record> records;
	std::string why;

	Va space() const { return fc.cfg.scope.space_pages(); }

	bool fail(std::string reason)
	{
		why = std::move(reason);
		return false;
	}

	/* The record for @op in the current state; false (and why) if none. */
	bool build(const Op &op, Record *r);
	bool build_proc_fields(const Op &op, Record *r);
	/* Encode @op: build the record, check it decodes back, keep it. */
	bool encode(const Op &op);
};

bool Encoder::build_proc_fields(const Op &op, Record *r)
{
	auto p = rank_of(session.decoder().live_procs(), op.proc);
	if (!p || *p > kProcMask)
		return fail(proc_name(op.proc) + " is not one of the first 8 live processes");
	r->who = static_cast<uint8_t>(*p);
	auto w = where_of(op.va, space());
	if (!w)
		return fail("VA " + std::to_string(op.va) + " has no absolute where field");
	r->where = *w;
	return true;
}

bool Encoder::build(const Op &op, Record *r)
{
	int kind = byte_of_kind(op.kind);
	if (kind < 0)
		return fail("no record kind for this statement");
	r->kind = static_cast<uint8_t>(kind);
	const Decoder &d = session.decoder();

	switch (op.kind) {
	case OpKind::shrink:
	case OpKind::reclaim:
		return true;
	case OpKind::unpin:
	case OpKind::put: {
		auto h = rank_of(op.kind == OpKind::unpin ? d.live_pins() : d.live_refs(), op.handle);
		if (!h || *h > 0xff)
			return fail("handle is not live");
		r->aux = static_cast<uint8_t>(*h);
		return true;
	}
	case OpKind::split:
	case OpKind::swapout: {
		const Snapshot &snap = session.runner().reference_snapshot();
		size_t rank = 0;
		for (const FolioView &f : snap.folios) {
			if (f.freed)
				continue;
			if (f.id == op.folio) {
				if (rank > 0xff)
					return fail("folio is beyond the 256th live one");
				r->aux = static_cast<uint8_t>(rank);
				return true;
			}
			rank++;
		}
		return fail(folio_name(op.folio) + " is not live");
	}
	case OpKind::file_create: {
		int size = size_of_pages(op.pages, space());
		if (size < 0)
			return fail("pages=" + std::to_string(op.pages) + " has no size byte");
		r->size = static_cast<uint8_t>(size);
		r->aux = static_cast<uint8_t>(op.order);
		return true;
	}
	default:
		break;
	}

	if (!build_proc_fields(op, r))
		return false;
	auto set_pages = [&](uint64_t pages) {
		int size = size_of_pages(pages, space());
		if (size < 0)
			return fail("pages=" + std::to_string(pages) + " has no size byte");
		r->size = static_cast<uint8_t>(size);
		return true;
	};

	switch (op.kind) {
	case OpKind::fault_anon:
		if (op.pmd)
			r->who |= kFlagBig;
		else
			r->size = static_cast<uint8_t>(op.order);
		return true;
	case OpKind::read:
	case OpKind::write:
	case OpKind::swapin:
	case OpKind::split_pmd:
	case OpKind::exit:
	case OpKind::fork:
		return true;
	case OpKind::munmap:
	case OpKind::madv_free:
	case OpKind::get:
		return set_pages(op.pages);
	case OpKind::mprotect:
		if (op.ro)
			r->who |= kFlagBig;
		return set_pages(op.pages);
	case OpKind::pin:
		if (op.write)
			r->who |= kFlagWrite;
		if (op.longterm)
			r->who |= kFlagLongterm;
		return set_pages(op.pages);
	case OpKind::mremap: {
		/* the nearest of the to= codes that says it exactly */
		const int64_t delta = static_cast<int64_t>(op.va2) - static_cast<int64_t>(op.va);
		unsigned lg = log2_ceil(space());
		unsigned shift = lg > 8 ? lg - 8 : 0;
		if (delta >= -128 && delta <= 127) {
			r->aux = static_cast<uint8_t>(static_cast<int8_t>(delta));
		} else if (delta % 8 == 0 && delta / 8 >= -128 && delta / 8 <= 127) {
			r->who |= kToFar;
			r->aux = static_cast<uint8_t>(static_cast<int8_t>(delta / 8));
		} else if (!(op.va2 & ((Va{1} << shift) - 1)) && (op.va2 >> shift) <= 0xff) {
			r->who |= kToAbsolute;
			r->aux = static_cast<uint8_t>(op.va2 >> shift);
		} else {
			return fail("to=" + std::to_string(op.va2) + " has no aux byte");
		}
		return set_pages(op.pages);
	}
	case OpKind::fault_file: {
		auto it = file_names.find(op.file);
		auto f = it == file_names.end() ? std::nullopt : rank_of(d.files(), it->second);
		if (!f || *f > 3)
			return fail("file " + op.file + " is not one of the first 4 files");
		if (op.index > 63)
			return fail("index=" + std::to_string(op.index) + " has no aux byte");
		r->aux = static_cast<uint8_t>(*f | (op.index << 2));
		if (op.is_private)
			r->who |= kFlagBig;
		if (op.at > kAtMax)
			return fail("at=+" + std::to_string(op.at) + " has no who bits");
		r->who |= static_cast<uint8_t>(op.at << kAtShift);
		return set_pages(op.pages);
	}
	default:
		return fail("no record for this statement");
	}
}

bool Encoder::encode(const Op &op)
{
	Record r;
	if (!build(op, &r))
		return false;
	Op want = op;
	if (op.kind == OpKind::fault_file)
		want.file = file_names[op.file];
	if (op.kind == OpKind::file_create)
		want.file = "file" + std::to_string(session.decoder().files().size());

	Session trial = session;
	size_t before = trial.ops().size();
	trial.feed(r);
	if (trial.ops().size() == before)
		return fail("not legal in this configuration");
	if (!trial.ops().back().same_statement(want))
		return fail("decodes to '" + format_op(trial.ops().back()) + "'");
	if (op.kind == OpKind::file_create)
		file_names[op.file] = want.file;
	session = std::move(trial);
	records.push_back(r);
	return true;
}

} // namespace

EncodedTrace encode_trace(const Trace &t, const FuzzConfig &fc_in)
{
	/*
	 * Legality is the reference model's, whatever the mutant, so the
	 * records are the same without it; and a mutated kernel model is not
	 * run past the failure it was made for.
	 */
	FuzzConfig fc = fc_in;
	fc.cfg.mutant = Mutant::none;
	Encoder e{fc, Session(fc.cfg, fc.runner), {}, {}, {}};
	EncodedTrace out;
	for (const Op &op : t.ops) {
		if (op.kind == OpKind::expect) {
			out.expects++;
			continue;
		}
		/* nothing is run past a failure of the models themselves either */
		if (e.session.runner().failed()) {
			out.dropped++;
			if (out.first_drop.empty())
				out.first_drop = "'" + format_op(op) + "': after the models failed";
			continue;
		}
		if (e.records.size() >= fc.max_ops) {
			out.dropped++;
			if (out.first_drop.empty())
				out.first_drop = "more than max_ops=" + std::to_string(fc.max_ops) +
						 " statements";
			continue;
		}
		if (e.encode(op)) {
			out.encoded++;
		} else {
			out.dropped++;
			if (out.first_drop.empty())
				out.first_drop = "'" + format_op(op) + "': " + e.why;
		}
	}
	out.bytes = bytes_of(e.records);
	return out;
}

} // namespace fc::fuzz
