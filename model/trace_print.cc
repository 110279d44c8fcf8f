// SPDX-License-Identifier: GPL-2.0
/*
 * trace_print.cc - the canonical text form of a trace, which parse_trace()
 * reads back as the same statements (Op::same_statement) and config.
 *
 * Canonical spelling: virtual page numbers (VA, to=VA2, at=VA2, the VA of
 * `mapped`, `writable` and `young`) in 0x-hex, as kernel developers write
 * addresses; every other number (pages=, index=, order=, config values,
 * expected values) in decimal. Options come in the order of the usage
 * strings in SPEC.md, and an optional option at its default (pages=1,
 * index=0, order=0 of `file`, at=VA) is left out.
 */
#include "model/trace.h"
#include "model/trace_lex.h"

#include <cstdio>

namespace fc {

namespace {

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

std::string dec(uint64_t v) { return std::to_string(v); }

/* "KEYWORD P VA" */
std::string proc_va(const Op &op)
{
	return std::string(lex::op_keyword(op.kind)) + " " + proc_name(op.proc) + " " + hex(op.va);
}

/* " pages=N", left out at its default of 1 where the statement allows */
std::string optional_pages(const Op &op)
{
	return op.pages == 1 ? std::string() : " pages=" + dec(op.pages);
}

} // namespace

std::string folio_name(FolioId f) { return "f" + std::to_string(f); }
std::string proc_name(ProcId p) { return "p" + std::to_string(p); }

std::string page_name(FolioId f, uint32_t i)
{
	return folio_name(f) + "[" + std::to_string(i) + "]";
}

std::string format_cmp(Cmp c)
{
	switch (c) {
	case Cmp::eq: return "==";
	case Cmp::ne: return "!=";
	case Cmp::le: return "<=";
	case Cmp::ge: return ">=";
	case Cmp::lt: return "<";
	case Cmp::gt: return ">";
	}
	return "?";
}

std::string format_value(const Value &v)
{
	switch (v.kind) {
	case Value::Kind::integer: return std::to_string(v.integer);
	case Value::Kind::page:    return page_name(v.folio, v.page);
	case Value::Kind::none:    return "none";
	}
	return "?";
}

std::string format_observable(const Observable &obs)
{
	std::string s(lex::obs_keyword(obs.kind));
	switch (obs.kind) {
	case ObsKind::page_mapcount:
	case ObsKind::anon_exclusive:
		return s + " " + page_name(obs.folio, obs.page);
	case ObsKind::mapped:
	case ObsKind::writable:
	case ObsKind::young:
		return s + " " + proc_name(obs.proc) + " " + hex(obs.va);
	case ObsKind::rss:
		return s + " " + proc_name(obs.proc) + (obs.rss == RssKind::anon ? " anon" : " file");
	case ObsKind::violation:
		return s + " " + std::string(invariant_name(obs.invariant));
	case ObsKind::violations:
	case ObsKind::atomics:
	case ObsKind::split_queue_locks:
	case ObsKind::spurious_enqueues:
		return s;
	default:
		return s + " " + folio_name(obs.folio);
	}
}

std::string format_op(const Op &op)
{
	const std::string kw(lex::op_keyword(op.kind));
	switch (op.kind) {
	case OpKind::fault_anon:
		return proc_va(op) + " anon order=" + dec(op.order) + (op.pmd ? " pmd" : "");
	case OpKind::file_create:
		return kw + " " + op.file + " pages=" + dec(op.pages) +
		       (op.order ? " order=" + dec(op.order) : "");
	case OpKind::fault_file:
		return proc_va(op) + " file=" + op.file +
		       (op.index ? " index=" + dec(op.index) : "") + optional_pages(op) +
		       (op.is_private ? " private" : "") +
		       (op.at ? " at=" + hex(op.va + op.at) : "");
	case OpKind::read:
	case OpKind::write:
	case OpKind::split_pmd:
	case OpKind::swapin:
		return proc_va(op);
	case OpKind::fork:
		return kw + " " + proc_name(op.proc) + " " + proc_name(op.proc2);
	case OpKind::munmap:
	case OpKind::get:
		return proc_va(op) + optional_pages(op);
	case OpKind::madv_free:
		return proc_va(op) + " pages=" + dec(op.pages);
	case OpKind::mremap:
		return proc_va(op) + " pages=" + dec(op.pages) + " to=" + hex(op.va2);
	case OpKind::mprotect:
		return proc_va(op) + " pages=" + dec(op.pages) + (op.ro ? " ro" : " rw");
	case OpKind::pin:
		return proc_va(op) + optional_pages(op) + (op.write ? " write" : "") +
		       (op.longterm ? " longterm" : "");
	case OpKind::unpin:
		return kw + " pin" + std::to_string(op.handle);
	case OpKind::put:
		return kw + " ref" + std::to_string(op.handle);
	case OpKind::split:
	case OpKind::swapout:
		return kw + " " + folio_name(op.folio);
	case OpKind::shrink:
	case OpKind::reclaim:
		return kw;
	case OpKind::exit:
		return kw + " " + proc_name(op.proc);
	case OpKind::expect:
		return kw + " " + format_observable(op.obs) + " " + format_cmp(op.cmp) + " " +
		       format_value(op.value);
	}
	return "?";
}

/* format_config - the `config` line of @c, or "" when it sets nothing */
static std::string format_config(const ConfigOverrides &c)
{
	if (c.empty())
		return "";
	std::string s = "config";
	if (c.variant)
		s += " variant=" + std::string(variant_name(*c.variant));
	if (c.arch)
		s += " arch=" + std::string(arch_name(*c.arch));
	if (c.mutant)
		s += " mutant=" + std::string(mutant_name(*c.mutant));
	if (c.pmd_order)
		s += " pmd_order=" + dec(*c.pmd_order);
	if (c.max_order)
		s += " max_order=" + dec(*c.max_order);
	if (c.max_procs)
		s += " procs=" + dec(*c.max_procs);
	if (c.space)
		s += " space=" + dec(*c.space);
	if (c.prefault)
		s += " prefault=" + std::string(prefault_name(*c.prefault));
	return s + "\n";
}

/*
 * format_trace - the config line first (SPEC: config lines come first), then
 * one statement per line, each ending in a newline.
 */
std::string format_trace(const Trace &t)
{
	std::string s = format_config(t.config);
	for (const Op &op : t.ops)
		s += format_op(op) + "\n";
	return s;
}

} // namespace fc
