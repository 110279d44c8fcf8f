// SPDX-License-Identifier: GPL-2.0
/*
 * incremental_invariants.h - SPEC's invariants re-evaluated on only what
 * changed since they were last evaluated.
 *
 * check_invariants() walks every page table and every folio: O(state) at
 * each of the dozens of visible points of a statement, and the Runner's
 * whole cost at pmd_order 9. Every SPEC invariant checked at a visible point
 * is a statement about one folio (its counters against the PTEs, PMDs and
 * handles that name it) or one process (its RSS against its PTEs). So this
 * class keeps, per folio page and per process, the tallies check_invariants()
 * builds from scratch (struct Tables there), updates them from the
 * SnapshotDelta of each KernelModel::snapshot_update(), and remembers which
 * folios and processes a delta touched. touched_fail() then evaluates the
 * same predicates as check_invariants() for those only.
 *
 * It is a filter, not a reporter: when it says something may have broken,
 * the Runner runs check_invariants() on the whole Snapshot for the exact
 * report (which folio is named first, how many more). When it says nothing
 * did, check_invariants() would report nothing that has not been reported
 * already at an earlier point of the same statement, provided that
 * statement's first point (and first settled point) was checked in full:
 * an untouched folio or process looks as it did then.
 */
#pragma once

#include "model/snapshot.h"
#include "model/snapshot_delta.h"
#include "model/types.h"

#include <string>
#include <vector>

namespace fc {

class IncrementalInvariants {
public:
	explicit IncrementalInvariants(const Config &cfg);

	/* Forget every tally: the Snapshot they follow starts empty again. */
	void reset();
	/*
	 * absorb - @snap was just brought up to date and @d says what changed:
	 * update the tallies (the "before" side of @d is what they counted)
	 * and mark the folios and processes it touched.
	 */
	void absorb(const Snapshot &snap, const SnapshotDelta &d);
	/*
	 * touched_fail - whether an invariant checked at a point (@settled: a
	 * settled one) fails for a folio or process touched since the last
	 * call that covered it (any call for the invariants of every point, a
	 * settled call for the settled-only ones). Clears those marks.
	 */
	bool touched_fail(const Snapshot &snap, bool settled);
	/* check_invariants() ran on the whole Snapshot: clear the marks it covered. */
	void mark_checked(bool settled);

	/*
	 * tallies_match - the tallies equal those computed from @snap from
	 * scratch; on a mismatch says where in @why. For tests.
	 */
	bool tallies_match(const Snapshot &snap, std::string *why) const;

private:
	struct FolioTally {
		std::vector<uint32_t> pte;          /* [page]: PTEs mapping it */
		std::vector<uint32_t> pte_writable; /* [page]: writable PTEs */
		std::vector<uint32_t> pinned;       /* [page]: live pin entries */
		uint32_t pmd = 0, pmd_writable = 0;
		uint32_t any_map = 0;               /* PTEs (any page) and PMDs */
		long pin_pages = 0, ref_pages = 0;  /* live pin / ref entries */
		uint32_t on_queue = 0;              /* entries on the split queue */
		bool operator==(const FolioTally &) const = default;
	};
	struct ProcTally {
		long anon = 0, file = 0;            /* pages mapped, a PMD 1 << pmd_order */
		bool operator==(const ProcTally &) const = default;
	};
	/*
	 * struct PageVerdicts - per folio, which of its pages (below its
	 * nr_pages) break a per-page predicate of folio_fails(), and the sums
	 * over its pages that counters_match_tables needs, kept up to date page
	 * by page (judge_page()) so that a point reads counts instead of
	 * walking 512 pages. A page is judged again when its tallies or its
	 * view change; all of them when the folio's PMD count, size or page 0
	 * under a PMD (pinned_anon_exclusive reads the head's bit) does.
	 */
	enum PageBit : uint8_t {
		kWritableNotExclusive = 1,   /* writable_implies_exclusive */
		kExclusiveMappedTwice = 2,   /* exclusive_single_mm */
		kPinnedNotExclusive = 4,     /* pinned_anon_exclusive */
		kPageMapcountDiffers = 8,    /* counters_match_tables, per page */
	};
	static constexpr unsigned kPageBits = 4;
	struct PageVerdicts {
		std::vector<uint8_t> bits;    /* [page]: PageBits */
		std::vector<uint32_t> ptes;   /* [page]: the PTE tally summed below */
		uint32_t pages_with[kPageBits] = {};  /* pages with each bit */
		long pte_sum = 0;             /* PTEs mapping pages below nr_pages */
		uint32_t pages_with_pte = 0;  /* pages below nr_pages with a PTE */
		bool operator==(const PageVerdicts &) const = default;
	};

	/*
	 * IdSet - a set of small ids (folio or process numbers): the ids in
	 * insertion order and a flag per id, so that inserting the same id
	 * once per PTE a batch touches costs O(1) and no sort.
	 */
	struct IdSet {
		std::vector<uint32_t> list;
		std::vector<uint8_t> has;   /* [id] */

		void insert(uint32_t id)
		{
			if (id >= has.size())
				has.resize(id + 1, 0);
			if (!has[id]) {
				has[id] = 1;
				list.push_back(id);
			}
		}
		bool contains(uint32_t id) const { return id < has.size() && has[id]; }
		void clear()
		{
			for (uint32_t id : list)
				has[id] = 0;
			list.clear();
		}
	};

	/* Marks: a folio or process touched since the last check of each kind. */
	struct Marks {
		IdSet folios;
		IdSet procs;
	};

	FolioTally &folio(FolioId f);
	ProcTally &proc(ProcId p);
	void touch_folio(FolioId f);
	void touch_proc(ProcId p);
	void count_pte(const Snapshot &snap, ProcId p, const PteView &pte, int sign);
	void count_pmd(const Snapshot &snap, ProcId p, const PmdView &pmd, int sign);
	void count_handle(const HandleView &h, bool pin, int sign);
	void recount_rss(const Snapshot &snap);
	uint8_t page_bits(const FolioView &v, const FolioTally &t, uint32_t page) const;
	void judge_page(const Snapshot &snap, FolioId f, uint32_t page);
	void judge_folio(const Snapshot &snap, FolioId f);
	void judge_dirty(const Snapshot &snap);
	bool folio_fails(const Snapshot &snap, FolioId f, bool settled) const;
	bool proc_fails(const Snapshot &snap, ProcId p) const;
	/* The tallies (and page verdicts) @snap implies, built from scratch (tallies_match()). */
	void build(const Snapshot &snap, std::vector<FolioTally> &folios,
		   std::vector<ProcTally> &procs,
		   std::vector<PageVerdicts> *verdicts = nullptr) const;

	Config cfg_;
	std::vector<FolioTally> folios_;   /* [folio id - 1] */
	std::vector<ProcTally> procs_;     /* [process id] */
	std::vector<bool> anon_;           /* [folio id - 1]: FolioView::anon as counted */
	std::vector<PageVerdicts> verdicts_; /* [folio id - 1] */
	/* pages and folios whose verdicts absorb() must redo once the tallies are in */
	std::vector<PageRef> dirty_pages_;
	IdSet dirty_folios_;
	Marks any_, settled_;
};

} // namespace fc
