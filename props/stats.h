// SPDX-License-Identifier: GPL-2.0
/*
 * stats.h - generation statistics: how often the biased cases actually
 * happened, classified from what each step did to the reference model (not
 * from what the generator meant to do), so a generator that drifts away from
 * them shows here.
 */
#pragma once

#include "model/snapshot.h"
#include "model/trace.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace fc::props {

/* The cases a campaign must reach; their names are the RC_TAG labels. */
enum class Event : uint8_t {
	pte_large_fault,    /* fault of a PTE-mapped folio of order >= 1 */
	pmd_fault,          /* fault of a PMD-mapped folio */
	pmd_split,          /* a PMD mapping became PTEs (split_pmd, partial zap, COW, fork) */
	partial_unmap,      /* a zap left a large folio partly mapped in that process */
	noncontiguous,      /* a step left a large folio mapped by runs that do not join */
	range_end_before,   /* munmap/madv_free/mprotect/mremap/pin/get range ending one page before a folio boundary */
	range_end_on,       /*                         ... on a folio boundary */
	range_end_after,    /*                         ... one page after a folio boundary */
	pinned_fork,        /* fork of a process mapping a maybe-pinned folio */
	fork_copy,          /* fork copied a page for the child (folio_needs_cow_for_dma) */
	cow_copy,           /* write fault copied */
	large_cow_copy,     /* ... a page of a large folio */
	large_cow_reuse,    /* write fault on a read-only page of a large folio that reused it */
	pmd_cow_reuse,      /* ... through a read-only PMD (do_huge_pmd_wp_page()) */
	large_pte_cow_reuse,/* ... through a read-only AnonExclusive PTE (do_wp_page()) */
	unshare,            /* pin of a page that was not AnonExclusive */
	write_both_sides,   /* after a fork, parent and child both wrote the same shared page */
	folio_split,        /* split/shrink turned a large folio into order-0 folios */
	split_refused,      /* split failed (pins, references, order 0) */
	deferred_queue,     /* a folio went onto the deferred split queue */
	folio_freed,        /* a folio's last reference dropped */
	/* issue 6: page cache, MADV_FREE, reclaim, mremap, mprotect, swap */
	file_large_map,     /* fault-around mapped a run of several pages of a large file folio */
	fault_mid_folio,    /* ... and the faulting page was inside such a run, not its first page */
	prefault_old,       /* fault-around mapped prefaulted PTEs old (prefault=old) */
	file_cow_anon,      /* write to a private file page replaced it by an anon folio */
	lazyfree_large,     /* MADV_FREE made a large folio lazyfree without splitting it */
	madv_free_partial,  /* MADV_FREE range covered a large folio's mapping only in part */
	lazyfree_reclaimed, /* reclaim discarded a lazyfree folio */
	mremap_noncontig,   /* mremap left a large folio mapped by runs that do not join */
	mprotect_partial,   /* mprotect range covered a large folio's mapping only in part */
	swapped_out,        /* a swapout turned mappings into swap entries */
	swapout_pinned,     /* swapout of a maybe-pinned folio left it mapped (refused) */
	swapin,             /* a swap entry was faulted back in (swapin, access or GUP) */
	count_
};
inline constexpr size_t kNrEvents = static_cast<size_t>(Event::count_);

/*
 * The four cases issue 3 names: a campaign long enough to matter that never
 * produced one of them has generators that drifted away from the bugs.
 */
inline constexpr Event kKeyEvents[] = {Event::pmd_split, Event::partial_unmap,
				       Event::pinned_fork, Event::large_cow_reuse};

/*
 * key_events - the kKeyEvents @sc can show. Without a PMD THP in the scope
 * (Scope::pmd_faults()) there is no PMD to split, and no large folio to
 * reuse on a write: v6.12 reuses one through its PMD, or through a PTE
 * that split_pmd left read-only and AnonExclusive after an unshare of the
 * PMD (docs/props.md); a PTE-mapped fault maps its pages writable.
 */
std::vector<Event> key_events(const Scope &sc);

std::string_view event_name(Event e);

/*
 * struct GenStats - counters over a campaign: tests, operations per kind,
 * and per Event how many steps showed it.
 */
struct GenStats {
	uint64_t tests = 0;
	uint64_t ops = 0;
	std::array<uint64_t, 32> ops_by_kind{};   /* indexed by OpKind */
	std::array<uint64_t, kNrEvents> events{};
	/* anon folios faulted, by order (PMD-mapped ones at pmd_order) */
	std::array<uint64_t, 32> fault_orders{};

	uint64_t count(Event e) const { return events[static_cast<size_t>(e)]; }
	/*
	 * count_step - count step @op (of a test case), which showed @ev and
	 * went from @before to @after.
	 */
	void count_step(const Op &op, const std::vector<Event> &ev, const Snapshot &before,
			const Snapshot &after);
	/* The events of @want that never occurred. */
	template <typename Events>
	std::vector<Event> missing(const Events &want) const
	{
		std::vector<Event> out;
		for (Event e : want)
			if (!count(e))
				out.push_back(e);
		return out;
	}
	void merge(const GenStats &o);
	/* Multi-line table: one `event count` line per Event, then the ops by kind. */
	std::string format() const;
};

/*
 * struct StepClassifier - classifies each step of one test case. It keeps
 * what it must remember across steps (which pages a fork shared, and which
 * process of such a pair wrote first).
 */
class StepClassifier {
public:
	explicit StepClassifier(Va pmd_pages) : pmd_pages_(pmd_pages) {}

	/*
	 * classify - the events step @op showed, going from @before to @after
	 * (reference Snapshots).
	 */
	std::vector<Event> classify(const Op &op, const Snapshot &before, const Snapshot &after);

private:
	/* (folio, page) of pages a fork shared, and the processes that wrote them since */
	struct SharedPage {
		FolioId folio;
		uint32_t page;
		uint64_t writers;  /* bit per process id (ids < 64) */
	};
	Va pmd_pages_;
	std::vector<SharedPage> shared_;
};

} // namespace fc::props
