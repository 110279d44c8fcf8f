// SPDX-License-Identifier: GPL-2.0
/*
 * types.cc - the names of variants, arches, mutants and invariants as the
 * trace format and every report spell them, and the mutant catalogue.
 *
 * The spellings are part of the interface (SPEC.md): traces in the corpus
 * and counterexamples on disk name them, so they never change.
 */
#include "model/types.h"

#include <array>

namespace fc {

namespace {

/*
 * A name table indexed by the enum's value. An out-of-range value (a cast
 * gone wrong) prints as "?" instead of reading past the table.
 */
template <typename E, size_t N>
std::string_view name_of(const std::array<std::string_view, N> &names, E e)
{
	const auto i = static_cast<size_t>(e);
	return i < N ? names[i] : std::string_view("?");
}

template <typename E, size_t N>
std::optional<E> lookup(const std::array<std::string_view, N> &names, std::string_view s)
{
	for (size_t i = 0; i < N; i++)
		if (names[i] == s)
			return static_cast<E>(i);
	return std::nullopt;
}

constexpr std::array<std::string_view, 5> kVariantNames = {
	"v6_8", "v6_12", "mm_id", "tuple", "unbatched",
};

constexpr std::array<std::string_view, 2> kArchNames = {
	"gather", "no_gather",
};

constexpr std::array<std::string_view, 2> kPrefaultNames = {
	"young", "old",
};

constexpr std::array<std::string_view, 14> kMutantNames = {
	"none",
	"zap_no_folio_get",
	"zap_refs_before_rmap",
	"dup_ignores_pin",
	"pin_skips_unshare",
	"cow_reuse_shared",
	"split_pmd_drops_exclusive",
	"partial_unmap_no_queue",
	"batch_nr_pages_mapped_once",
	"unpin_once_per_folio",
	"swapout_ignores_pin",
	"file_rmap_once_per_batch",
	"madv_free_skips_batch_check",
	"pte_range_young_once",
};

constexpr std::array<std::string_view, kNrInvariants> kInvariantNames = {
	"mapcount_le_refcount",
	"pincount_le_refcount",
	"no_use_after_free",
	"counters_match_tables",
	"writable_implies_exclusive",
	"exclusive_single_mm",
	"pinned_anon_exclusive",
	"pin_stays_mapped",
	"partially_mapped_queued",
	"rss_consistent",
};

static_assert(kVariantNames.size() == static_cast<size_t>(Variant::unbatched) + 1);
static_assert(kArchNames.size() == static_cast<size_t>(Arch::no_gather) + 1);
static_assert(kPrefaultNames.size() == static_cast<size_t>(Prefault::old) + 1);
static_assert(kMutantNames.size() == static_cast<size_t>(Mutant::pte_range_young_once) + 1);

} // namespace

std::string_view variant_name(Variant v) { return name_of(kVariantNames, v); }
std::string_view arch_name(Arch a) { return name_of(kArchNames, a); }
std::string_view prefault_name(Prefault p) { return name_of(kPrefaultNames, p); }
std::string_view mutant_name(Mutant m) { return name_of(kMutantNames, m); }
std::string_view invariant_name(Invariant inv) { return name_of(kInvariantNames, inv); }

std::optional<Variant> parse_variant(std::string_view s) { return lookup<Variant>(kVariantNames, s); }

bool variant_is_modelled(Variant v)
{
	return v == Variant::v6_12 || v == Variant::unbatched;
}
std::optional<Arch> parse_arch(std::string_view s) { return lookup<Arch>(kArchNames, s); }
std::optional<Prefault> parse_prefault(std::string_view s) { return lookup<Prefault>(kPrefaultNames, s); }
std::optional<Mutant> parse_mutant(std::string_view s) { return lookup<Mutant>(kMutantNames, s); }
std::optional<Invariant> parse_invariant(std::string_view s) { return lookup<Invariant>(kInvariantNames, s); }

/*
 * mutant_catalogue - every mutant but `none`, in enum order. @breaks says
 * what the mutant does wrong and what that breaks; @needs is the config a
 * trace must set for the wrong code to run at all (a `config` line body,
 * which callers parse with parse_trace("config " + needs)).
 */
const std::vector<MutantInfo> &mutant_catalogue()
{
	static const std::vector<MutantInfo> catalogue = {
		{ Mutant::zap_no_folio_get, "zap_no_folio_get",
		  "seed-000 batched zap: __tlb_remove_page drops each page's reference "
		  "before the batch's rmap removal, without the folio_get/folio_put "
		  "bracket: mapcount > refcount, refcount 0 while mapped",
		  "arch=no_gather" },
		{ Mutant::zap_refs_before_rmap, "zap_refs_before_rmap",
		  "seed-000 batched zap with the folio_get/folio_put bracket: references "
		  "still dropped before the rmap removal, so mapcount > refcount mid-batch",
		  "arch=no_gather" },
		{ Mutant::dup_ignores_pin, "dup_ignores_pin",
		  "fork shares an AnonExclusive page of a maybe-pinned folio "
		  "(GUP-after-fork COW bug class)",
		  "" },
		{ Mutant::pin_skips_unshare, "pin_skips_unshare",
		  "FOLL_PIN of a shared anon page without the unshare fault: pinned page "
		  "not AnonExclusive",
		  "" },
		{ Mutant::cow_reuse_shared, "cow_reuse_shared",
		  "write fault reuses an order-0 page without the refcount check in "
		  "wp_can_reuse_anon_folio: a page another process maps becomes writable",
		  "" },
		{ Mutant::split_pmd_drops_exclusive, "split_pmd_drops_exclusive",
		  "__split_huge_pmd_locked maps the PTEs without RMAP_EXCLUSIVE: writable "
		  "PTEs of non-exclusive pages",
		  "" },
		{ Mutant::partial_unmap_no_queue, "partial_unmap_no_queue",
		  "__folio_remove_rmap never calls deferred_split_folio: a partially "
		  "unmapped anon folio is not queued",
		  "" },
		{ Mutant::batch_nr_pages_mapped_once, "batch_nr_pages_mapped_once",
		  "batched folio_remove_rmap_ptes decrements _nr_pages_mapped once per "
		  "batch instead of once per page",
		  "" },
		{ Mutant::unpin_once_per_folio, "unpin_once_per_folio",
		  "unpin drops one reference per folio run instead of one per page",
		  "" },
		{ Mutant::swapout_ignores_pin, "swapout_ignores_pin",
		  "folio_try_share_anon_rmap_pte/pmd ignore folio_maybe_dma_pinned: "
		  "try_to_unmap swaps out a pinned exclusive page of a swap-cache folio, "
		  "and swap-in maps it back shared and read-only",
		  "" },
		{ Mutant::file_rmap_once_per_batch, "file_rmap_once_per_batch",
		  "seed-004 batched file rmap: folio_add_file_rmap_ptes counts one "
		  "mapping per set_pte_range batch instead of one per page",
		  "" },
		{ Mutant::madv_free_skips_batch_check, "madv_free_skips_batch_check",
		  "seed-002 MADV_FREE takes the rest of a large folio as its batch without "
		  "folio_pte_batch: PTEs that map other folios are skipped or cleaned with "
		  "it, and a folio mapped elsewhere too is not split",
		  "" },
		{ Mutant::pte_range_young_once, "pte_range_young_once",
		  "seed-004 set_pte_range with prefault = vmf->address != addr, evaluated "
		  "once for the whole range: a fault-around run holding the faulting "
		  "address but starting before it is mapped old, faulting PTE included",
		  "prefault=old" },
	};
	return catalogue;
}

} // namespace fc
