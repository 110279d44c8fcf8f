// SPDX-License-Identifier: GPL-2.0
/*
 * alphabet.h - the finite operation alphabet of a scope: every statement the
 * explorer tries in a state.
 *
 * The alphabet is a fixed, documented finite set of statement shapes over
 * the scope, instantiated for the processes, folios and handles alive in the
 * state. Which of the instances may run is not decided here but by
 * ReferenceModel::check(), the judge of legality; the alphabet only keeps
 * the list finite and leaves out nothing the judge would accept among these
 * shapes. With S = space pages, B = 1 << pmd_order pages per PMD, per live
 * process P (in process order):
 *
 *   fault P VA anon order=K     K = 0..min(max_order, pmd_order - 1), every
 *                               VA aligned to 2^K
 *   fault P VA anon order=pmd_order pmd
 *                               every PMD-aligned VA
 *   read P VA, write P VA       every VA
 *   munmap P VA pages=N         the "ranges": every single page, every
 *                               aligned block of 2^k pages for k = 1..pmd_order,
 *                               and the whole space [0, S)
 *   pin P VA pages=N [write]    single pages and aligned blocks of 2^k,
 *                               k = 1..pmd_order; without and with `write`
 *   get P VA pages=N            the same ranges as pin
 *   split_pmd P VA              every PMD-aligned VA
 *   fork P Q                    Q the next process number, while fewer than
 *                               max_procs processes are alive
 *   exit P
 * then, once per state:
 *   unpin PIN / put REF         every live pin / reference
 *   split F                     every live folio (order 0 is the documented
 *                               -EINVAL no-op, kept: it is a legal statement)
 *   shrink
 *
 * The alphabet is closed under renaming processes and under permuting
 * PMD-sized blocks of the address space (every range lies inside one block
 * or is the whole space), which the canonical form relies on.
 *
 * Families can be left out (`--ops`), e.g. `read`, which changes no
 * accounting in docs/semantics.md and only costs time. These are the
 * default ("anon") alphabet. The issue-6 families are opt-in (`--ops all`
 * or by name), because the models keep the state they change outside the
 * Snapshot:
 *
 *   file a pages=F order=K      fam_file: F = min(4, S) pages, K = 0..min(1,
 *                               largest PTE order); legal once (one file)
 *   fault P VA file=a index=I pages=N [private] [at=VA+A]
 *                               fam_fault_file: every range of pin, every
 *                               index I with I + N <= F, every faulting page
 *                               A < N, shared and private
 *   mprotect P VA pages=N ro|rw fam_mprotect: every range of munmap
 *   mremap P VA pages=N to=VA2  fam_mremap: every range of pin, every VA2
 *                               with VA2 + N <= S (check() refuses overlaps)
 *   madv_free P VA pages=N      fam_madv_free: every range of munmap
 *   swapin P VA                 fam_swapin: every VA
 * and once per state:
 *   swapout F                   fam_swapout: every live anon folio
 *   reclaim                     fam_reclaim
 *
 * They change VMA attributes, the page cache, the swap cache and the
 * MADV_FREE clean bits, none of which a Snapshot shows; the canonical form
 * keys states reached through them by their whole path (history.h).
 */
#pragma once

#include "model/snapshot.h"
#include "model/trace.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc::explore {

/* Families of statements, one bit each. */
enum OpFamily : uint32_t {
	fam_fault = 1u << 0,
	fam_read = 1u << 1,
	fam_write = 1u << 2,
	fam_fork = 1u << 3,
	fam_munmap = 1u << 4,
	fam_pin = 1u << 5,
	fam_unpin = 1u << 6,
	fam_get = 1u << 7,
	fam_put = 1u << 8,
	fam_split_pmd = 1u << 9,
	fam_split = 1u << 10,
	fam_shrink = 1u << 11,
	fam_exit = 1u << 12,
	/* the default alphabet: statements whose effects a Snapshot shows */
	fam_anon = (1u << 13) - 1,
	/* issue 6, opt-in */
	fam_file = 1u << 13,
	fam_fault_file = 1u << 14,
	fam_mprotect = 1u << 15,
	fam_mremap = 1u << 16,
	fam_swapout = 1u << 17,
	fam_swapin = 1u << 18,
	fam_madv_free = 1u << 19,
	fam_reclaim = 1u << 20,
	fam_all = (1u << 21) - 1,
};

/* The one file of the alphabet, and its size in pages for @cfg. */
inline constexpr std::string_view kExploreFile = "a";
uint64_t explore_file_pages(const Config &cfg);

/*
 * "fault,read,..." <-> bits; "anon" is the default alphabet, "all" every
 * family. parse_families() returns nullopt on an unknown name.
 */
std::optional<uint32_t> parse_families(std::string_view list);
std::string format_families(uint32_t families);

/* A range of VAs the alphabet uses: [va, va + pages). */
struct VaRange {
	Va va;
	uint64_t pages;
};

class Alphabet {
public:
	Alphabet(const Config &cfg, uint32_t families = fam_anon);

	/*
	 * candidates - every alphabet instance for the state @ref (the reference
	 * model's snapshot), appended to @out in the alphabet's fixed order.
	 * Some may be illegal; the caller asks ReferenceModel::check().
	 */
	void candidates(const Snapshot &ref, std::vector<Op> &out) const;

	/* The ranges munmap uses; pin and get use them without the whole space. */
	const std::vector<VaRange> &ranges() const { return ranges_; }
	uint32_t families() const { return families_; }
	/* A one-paragraph description of the alphabet for this scope. */
	std::string describe() const;

private:
	void process_candidates(const Snapshot &ref, ProcId p, std::vector<Op> &out) const;
	void process_issue6_candidates(ProcId p, std::vector<Op> &out) const;

	Config cfg_;
	uint32_t families_;
	unsigned pte_max_order_;
	std::vector<VaRange> ranges_; /* last one: the whole space */
};

} // namespace fc::explore
