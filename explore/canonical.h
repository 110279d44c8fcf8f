// SPDX-License-Identifier: GPL-2.0
/*
 * canonical.h - the canonical form of an explorer state and its fingerprint.
 *
 * Two states whose canonical forms are equal must behave the same under
 * every future operation sequence (up to renaming); that is what lets the
 * explorer visit them once. The form therefore keeps everything the models'
 * futures depend on and drops only names:
 *
 *  - kept: every PTE and PMD of every live process (folio, page, writable,
 *    young),
 *    per-process RSS and has_pinned (MMF_HAS_PINNED, which a Snapshot does
 *    not show: it is derived from the pin handles, released ones included,
 *    since a pin sets it on its process and nothing clears it), every live
 *    pin and reference (its process, and (va, folio, page) of every page),
 *    every observable count and flag of every live folio (refcount,
 *    mapcounts, per-page mapcount, nr_pages_mapped, pincount, maybe_pinned,
 *    AnonExclusive per page, queued, partially_mapped, lazyfree), every
 *    swap entry (va, slot renamed by first appearance, exclusive), the deferred split
 *    queue in FIFO order, and the kernel model's snapshot too whenever it
 *    differs from the reference model's in any of these;
 *  - dropped: folio, pin and reference numbers (folios are renamed by first
 *    appearance: page tables of the processes in order, then handles, then
 *    folios nothing maps or holds, then the queue), freed folios and
 *    released handles (they cannot influence the future: names are never
 *    reused), the identity of exited processes, and the cost counters
 *    (observables no statement of the alphabet reads).
 *
 * Symmetry (Symmetry::procs, ::full, ::tree): live processes are
 * interchangeable (every statement of the alphabet exists for each of
 * them), and with ::full so are the PMD-sized blocks of the address space
 * (every range of the alphabet lies inside one block or is the whole space,
 * folios never straddle blocks, and every invariant is per folio or per
 * process). The canonical form is the lexicographically least encoding over
 * all those renamings, so symmetric states get one form. Handles whose sort
 * keys tie only through still-unnamed folios keep their numbering order:
 * that can only split a symmetry class in two, never merge two distinct
 * states.
 *
 * ::tree adds the address-space translations inside a block: the two
 * halves of any naturally aligned range of 2^j pages (1 <= j <= pmd_order)
 * that no folio spans may be swapped. In a clean state every folio sits at
 * a naturally aligned range of its own size, page i at its first VA + i, in
 * every process and handle, so such a swap moves whole folios to ranges of
 * the same alignment and keeps each folio's layout; the alphabet is closed
 * under it (faults at aligned VAs, ranges that are single pages, aligned
 * blocks or the whole space). Which halves come first is decided per
 * range, bottom-up, by a name-free signature of their pages (what each
 * process maps there and that folio's counts); equal signatures keep the
 * actual order, which can only keep two symmetric states apart.
 * docs/explore.md has the argument, explore/tests/explorer_test.cc checks
 * it against the unreduced search.
 *
 * The form is sound only for states whose path ran no statement that
 * changes state the Snapshot does not show (VMAs, page cache, swap cache,
 * clean bits): history.h keys the other states by their path instead.
 */
#pragma once

#include "model/snapshot.h"
#include "model/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc::explore {

enum class Symmetry : uint8_t {
	none,  /* only folio / handle renaming */
	procs, /* + permutations of the live processes */
	full,  /* + permutations of the PMD-sized blocks of the address space */
	tree,  /* + swaps of the halves of aligned ranges inside a block no folio spans */
};

std::string_view symmetry_name(Symmetry s);
std::optional<Symmetry> parse_symmetry(std::string_view s);

struct CanonicalOptions {
	Symmetry symmetry = Symmetry::tree;
	/*
	 * Keep the number of processes ever created (exited ones included) in
	 * the form. Needed only if the legality of `fork` depended on it; it
	 * does not (ReferenceModel::check() wants Q to be the next number, and
	 * the alphabet bounds the processes alive at once), so it is off.
	 */
	bool count_exited = false;
};

/*
 * class Canonicalizer - computes canonical forms. Not thread-safe (it keeps
 * scratch buffers): one per thread.
 */
class Canonicalizer {
public:
	Canonicalizer(const Config &cfg, CanonicalOptions opts = {});

	/*
	 * encode - the canonical form of the state whose reference model shows
	 * @ref and whose kernel model shows @kernel, as 32-bit words, into @out.
	 */
	void encode(const Snapshot &ref, const Snapshot &kernel, std::vector<uint32_t> &out);
	/* fingerprint - a 64-bit hash of encode(). */
	uint64_t fingerprint(const Snapshot &ref, const Snapshot &kernel);

	/* The largest number of renamings tried for one state. */
	size_t max_group_size() const;

private:
	struct Renaming {
		std::vector<ProcId> procs;           /* renamed position -> process id */
		std::vector<uint32_t> proc_pos;      /* process id -> renamed position */
		const std::vector<unsigned> *blocks; /* renamed block -> actual block */
		std::vector<unsigned> block_pos;     /* actual block -> renamed block */
		Va block_pages;
		/* actual VA -> its renamed offset inside its block (tree swaps) */
		const std::vector<Va> *offset_pos;
		/* actual block -> its actual offsets in renamed order, if swapped */
		const std::vector<std::vector<Va>> *within;
		const std::vector<uint8_t> *reordered; /* actual block -> within[] used */

		Va va(Va actual) const;
		uint32_t proc(ProcId p) const;
	};
	void encode_best(const Snapshot &ref, const Snapshot &kernel);
	bool encode_one(const Snapshot &s, const Renaming &r, std::vector<uint32_t> &out,
			const std::vector<uint32_t> *bound = nullptr);
	void bind_folio_ranges(const Snapshot &s, bool reset);
	void sign_pages(const Snapshot &s, const Renaming &r);
	unsigned order_blocks_by_tree(uint64_t ties_swapped);
	bool pages_empty(const Va *a, Va n) const;
	void reset_tree_order();
	int compare_halves(const Va *a, const Va *b, Va half) const;

	Config cfg_;
	CanonicalOptions opts_;
	unsigned nr_blocks_;
	std::vector<std::vector<unsigned>> block_perms_; /* canonical block -> actual */
	bool tree_ = false;               /* Symmetry::tree applies to this scope */
	/* tree scratch: bound_[j][va >> j]: a folio spans that range of 2^j pages */
	std::vector<std::vector<uint8_t>> bound_;
	std::vector<uint32_t> sig_;       /* kSigWords per VA: what the VA holds, name-free */
	size_t sig_words_ = 0;
	std::vector<std::vector<Va>> within_;
	std::vector<uint8_t> reordered_;
	std::vector<Va> offset_pos_;
	std::vector<const PteView *> pte_slot_;
	std::vector<const SwapPteView *> swp_slot_;
	std::vector<Va> tree_abs_;
	std::vector<std::pair<Va, const HandleView::Page *>> handle_pages_;
	/* scratch */
	std::vector<uint32_t> name_of_;    /* folio id -> canonical name (0: none) */
	std::vector<FolioId> folio_of_;    /* canonical name - 1 -> folio id */
	std::vector<uint64_t> slots_;      /* canonical slot name - 1 -> swap slot */
	std::vector<uint32_t> cand_, best_, kernel_enc_;
	std::vector<uint8_t> has_pinned_;
	Renaming renaming_;
	std::vector<ProcId> order_;
	std::vector<std::pair<std::vector<uint32_t>, const HandleView *>> keyed_;
	std::vector<std::pair<std::vector<uint32_t>, FolioId>> orphans_;
};

/* hash_words - the 64-bit hash of a word sequence the fingerprints use. */
uint64_t hash_words(const uint32_t *w, size_t n);

} // namespace fc::explore
