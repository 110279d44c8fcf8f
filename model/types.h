// SPDX-License-Identifier: GPL-2.0
/*
 * types.h - the vocabulary every part of foliocheck shares: names of
 * processes, folios and GUP handles, the scope, the accounting variant, the
 * arch and the mutant catalogue.
 *
 * Nothing here knows how a count is kept; the reference model and the kernel
 * model each give these names their own meaning.
 */
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

/* A virtual page number: one per base page. */
using Va = uint64_t;
/* Process number: "p0" is 0. */
using ProcId = uint32_t;
/* Folio number: "f1" is 1; 0 means "no folio". Never reused. */
using FolioId = uint32_t;
/* Handle number of a pin ("pin1" is 1) or of a FOLL_GET reference ("ref1"). */
using HandleId = uint32_t;

/* GUP_PIN_COUNTING_BIAS (include/linux/mm.h): one pin of an order-0 folio. */
inline constexpr int kGupPinCountingBias = 1024;

enum class Variant : uint8_t {
	v6_8,      /* per-page mapcount + nr_pages_mapped (not modelled yet) */
	v6_12,     /* + _large_mapcount, partially_mapped flag (default) */
	mm_id,     /* per-folio MM slots (not modelled yet) */
	tuple,     /* one mapcount per (vma, page table) pair (not modelled yet) */
	unbatched, /* v6_12 counters, one rmap call per page (pre seed-000) */
};

enum class Arch : uint8_t {
	gather,    /* references dropped when the mmu_gather is flushed */
	no_gather, /* MMU_GATHER_NO_GATHER (s390): dropped inside the batch */
};

/*
 * Prefault - arch_wants_old_prefaulted_pte() (seed 004): whether
 * set_pte_range() maps the PTEs fault-around prefaults old. x86 (and every
 * arch without an override) says no; arm64 with hardware access-flag
 * management says yes.
 */
enum class Prefault : uint8_t {
	young, /* arch_wants_old_prefaulted_pte() false (x86: default) */
	old,   /* arch_wants_old_prefaulted_pte() true (arm64 with hardware AF) */
};

/*
 * The mutant catalogue. Each is a deliberately wrong kernel model taken from
 * the seed threads or kernel history; see model/mutants.cc for what each
 * breaks.
 */
enum class Mutant : uint8_t {
	none,
	zap_no_folio_get,
	zap_refs_before_rmap,
	dup_ignores_pin,
	pin_skips_unshare,
	cow_reuse_shared,
	split_pmd_drops_exclusive,
	partial_unmap_no_queue,
	batch_nr_pages_mapped_once,
	unpin_once_per_folio,
	swapout_ignores_pin,
	file_rmap_once_per_batch,
	madv_free_skips_batch_check,
	pte_range_young_once,
};

struct MutantInfo {
	Mutant mutant;
	std::string_view name;
	std::string_view breaks;      /* one line: what goes wrong */
	std::string_view needs;       /* config it needs, e.g. "arch=no_gather", or "" */
};

/* Every mutant but `none`, in catalogue order. */
const std::vector<MutantInfo> &mutant_catalogue();

std::string_view variant_name(Variant v);
std::string_view arch_name(Arch a);
std::string_view prefault_name(Prefault p);
std::string_view mutant_name(Mutant m);
std::optional<Variant> parse_variant(std::string_view s);
/*
 * variant_is_modelled - whether the kernel model implements @v. SPEC names
 * v6_8, mm_id and tuple; until they are modelled a trace or flag naming one
 * is bad input, never silently run as v6_12.
 */
bool variant_is_modelled(Variant v);
std::optional<Arch> parse_arch(std::string_view s);
std::optional<Prefault> parse_prefault(std::string_view s);
std::optional<Mutant> parse_mutant(std::string_view s);

/*
 * struct Scope - the size of the world. Every engine takes the same scope
 * flags; a trace may set them with `config` lines.
 *
 * max_order is SPEC's "largest folio order": no engine generates a folio
 * above it. A PMD-mapped THP has order pmd_order, so the stock scope
 * (max_order 4, pmd_order 9) generates PTE-mapped folios of orders 0-4 and
 * no PMD THP; --max-order 9, or a pmd_order of 4 or less, brings them in.
 * Replay takes a trace's `fault ... pmd` at any max_order: SPEC's traces
 * carry no max_order, and the bound is on what engines generate.
 */
struct Scope {
	unsigned pmd_order = 9;  /* pages per PMD = 1 << pmd_order */
	unsigned max_order = 4;  /* largest folio order the engines generate */
	unsigned max_procs = 4;  /* generators: processes alive at once */
	Va space = 0;            /* address-space size in pages; 0: 4 PMDs */

	Va pmd_pages() const { return Va{1} << pmd_order; }
	Va space_pages() const { return space ? space : 4 * pmd_pages(); }
	/* The largest order of a PTE-mapped anon fault: below pmd_order. */
	unsigned pte_max_order() const
	{
		return pmd_order ? std::min(max_order, pmd_order - 1) : 0;
	}
	/* Whether engines generate `fault ... pmd`: its folio is within max_order. */
	bool pmd_faults() const { return pmd_order <= max_order; }
	/* No scope flag given: mutant hunts then pick a scope of their own. */
	bool is_stock() const
	{
		const Scope stock;
		return pmd_order == stock.pmd_order && max_order == stock.max_order &&
		       max_procs == stock.max_procs && space == stock.space;
	}
};

struct Config {
	Variant variant = Variant::v6_12;
	Arch arch = Arch::gather;
	Mutant mutant = Mutant::none;
	Scope scope;
	Prefault prefault = Prefault::young;
};

/* Invariant names from SPEC; the order is the report order. */
enum class Invariant : uint8_t {
	mapcount_le_refcount,
	pincount_le_refcount,
	no_use_after_free,
	counters_match_tables,
	writable_implies_exclusive,
	exclusive_single_mm,
	pinned_anon_exclusive,
	pin_stays_mapped,
	partially_mapped_queued,
	rss_consistent,
	count_ /* number of invariants; not a name */
};
inline constexpr unsigned kNrInvariants = static_cast<unsigned>(Invariant::count_);

std::string_view invariant_name(Invariant inv);
std::optional<Invariant> parse_invariant(std::string_view s);

} // namespace fc
