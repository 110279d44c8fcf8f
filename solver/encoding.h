// SPDX-License-Identifier: GPL-2.0
/*
 * encoding.h - the kernel model's state as Z3 terms, for a bounded scope.
 *
 * A SymState holds one term per counter the kernel model stores
 * (model/kernel/kernel_state.h): per folio _refcount, _large_mapcount,
 * _entire_mapcount, _nr_pages_mapped, _pincount, the partially_mapped and
 * on-deferred-list flags, per page _mapcount and PageAnonExclusive; per
 * process its PTEs, PMDs, RSS, MMF_HAS_PINNED and exit; the GUP handles; the
 * deferred split queue in FIFO order. Mapcounts are stored as the kernel's
 * raw value + 1 (0: unmapped), _nr_pages_mapped without ENTIRELY_MAPPED (which
 * is set exactly while _entire_mapcount >= 0, so it is implied).
 *
 * Folio ids are allocated in order, as in the models: slot i holds folio
 * f(i+1), and `nr_folios` says how many exist. The scope bounds the number
 * of folio ids, processes, handles and queue entries; an operation that would
 * need more is outside the scope (transitions.h), never silently truncated.
 *
 * The observables of SPEC (folio_mapcount(), page_mapcount(), ...) are
 * derived from the stored counters exactly as KernelModel::snapshot() does.
 */
#pragma once

#include "model/snapshot.h"
#include "model/types.h"

#include <z3++.h>

#include <functional>
#include <string>
#include <vector>

namespace fc::solver {

/*
 * struct SolverScope - the bounds of the encoded world. The first four come
 * from the Config every engine takes; the rest bound what the Config leaves
 * unbounded.
 */
struct SolverScope {
	unsigned pmd_order = 2;      /* pages per PMD = 1 << pmd_order (>= 2) */
	unsigned pte_max_order = 1;  /* largest PTE-mapped anon order: Scope::pte_max_order() */
	bool pmd_faults = true;      /* `fault ... pmd` encoded: Scope::pmd_faults() */
	unsigned procs = 2;          /* process ids p0 .. p(procs-1) */
	unsigned space = 8;          /* pages of address space, a multiple of the PMD size */
	unsigned folios = 6;         /* folio ids f1 .. f(folios) */
	unsigned pins = 2;           /* pin ids pin1 .. pin(pins) */
	unsigned refs = 2;           /* reference ids ref1 .. ref(refs) */
	unsigned queue = 3;          /* deferred split queue entries */
	unsigned handle_pages = 4;   /* largest pin/get range */
	unsigned slots = 4;          /* swap slots (one per page swapped out; never reused) */
	unsigned files = 1;          /* page-cache files file0 .. file(files-1), each <= space pages */

	unsigned pmd_pages() const { return 1u << pmd_order; }
	unsigned blocks() const { return space / pmd_pages(); }

	/*
	 * from_config - the scope of @cfg (pmd_order, max_order, max_procs,
	 * space) with the solver's own bounds from @bounds. Throws
	 * std::invalid_argument with a readable reason when it cannot be encoded.
	 */
	static SolverScope from_config(const Config &cfg, const SolverScope &bounds);
	/* "pmd_order=2 procs=2 space=8 folios=6 pins=2 refs=2 queue=3 pin_pages=4" */
	std::string describe() const;
};

/* Variants the encoding implements: v6_12 and unbatched, as the kernel model does. */
bool variant_encoded(Variant v);

struct SymPage {
	z3::expr mapcount;   /* page->_mapcount + 1: PTE mappings of the page */
	z3::expr exclusive;  /* PageAnonExclusive */
	explicit SymPage(z3::context &c) : mapcount(c), exclusive(c) {}
};

struct SymFolio {
	z3::expr order;
	z3::expr freed;
	z3::expr refcount;         /* _refcount */
	z3::expr large_mapcount;   /* _large_mapcount + 1 */
	z3::expr entire_mapcount;  /* _entire_mapcount + 1 */
	z3::expr nr_pages_mapped;  /* _nr_pages_mapped & FOLIO_PAGES_MAPPED */
	z3::expr pincount;         /* _pincount */
	z3::expr partially_mapped; /* PG_partially_mapped */
	z3::expr queued;           /* !list_empty(&folio->_deferred_list) */
	z3::expr lazyfree;         /* !PG_swapbacked: MADV_FREE */
	z3::expr anon;             /* folio_test_anon(): false while a swap-in is unmapped */
	z3::expr swapcache;        /* PG_swapcache */
	z3::expr swap;             /* folio->swap: the slot of page 0 */
	z3::expr mapping;          /* page-cache folio: its file's number + 1; 0: none */
	z3::expr index;            /* page-cache folio: the file index of page 0 (else 0) */
	std::vector<SymPage> pages; /* 1 << pmd_order: the largest folio */
	explicit SymFolio(z3::context &c)
		: order(c), freed(c), refcount(c), large_mapcount(c), entire_mapcount(c),
		  nr_pages_mapped(c), pincount(c), partially_mapped(c), queued(c), lazyfree(c),
		  anon(c), swapcache(c), swap(c), mapping(c), index(c) {}
};

/*
 * A PTE slot: @folio is a folio id (1-based) when @present. @clean is
 * !pte_dirty() as MADV_FREE left it (KPte::clean); it is hidden state, no
 * Snapshot shows it.
 */
struct SymPte {
	z3::expr present, folio, page, writable, clean;
	explicit SymPte(z3::context &c) : present(c), folio(c), page(c), writable(c), clean(c) {}
};

/* A PMD slot of one PMD-aligned block. */
struct SymPmd {
	z3::expr present, folio, writable, clean;
	explicit SymPmd(z3::context &c) : present(c), folio(c), writable(c), clean(c) {}
};

/* A swap PTE: swp_entry_t's slot and pte_swp_exclusive() (KSwp). */
struct SymSwp {
	z3::expr present, slot, exclusive;
	explicit SymSwp(z3::context &c) : present(c), slot(c), exclusive(c) {}
};

/*
 * A swap slot: si->swap_map[] without SWAP_HAS_CACHE (@count: the swap PTEs
 * naming it) and the swap cache's folio for it (@cache, 0: none, which is
 * exactly when SWAP_HAS_CACHE is clear). Hidden state: no Snapshot shows it.
 */
struct SymSlot {
	z3::expr count, cache;
	explicit SymSlot(z3::context &c) : count(c), cache(c) {}
};

/*
 * The VMA one page lies in (KVma), stored per page: its VM_WRITE, VM_SHARED,
 * file (number + 1; 0: anonymous), the page's own pgoff (vm_pgoff + the
 * page's distance from vm_start) and whether the VMA has an anon_vma. The
 * kernel model merges every pair of neighbours vma_merge() would at the end
 * of each statement that splits VMAs, so two neighbouring pages lie in one
 * VMA exactly when they agree on write, shared and file and their pgoffs
 * are consecutive (vma_linked()): the per-page form loses nothing. Hidden
 * state, no Snapshot shows it. @anon_vma is kept for file VMAs only: an
 * anonymous VMA without an anon_vma maps nothing, so fork copying it or not
 * is the same, and keeping it false there keeps states that differ only in
 * it one state.
 */
struct SymVmaPage {
	z3::expr write, shared, file, pgoff, anon_vma;
	explicit SymVmaPage(z3::context &c)
		: write(c), shared(c), file(c), pgoff(c), anon_vma(c) {}
};

struct SymProc {
	z3::expr exited;
	z3::expr has_pinned;   /* MMF_HAS_PINNED */
	z3::expr rss_anon;     /* MM_ANONPAGES */
	z3::expr rss_file;     /* MM_FILEPAGES */
	std::vector<SymPte> ptes;  /* one per page of the address space */
	std::vector<SymPmd> pmds;  /* one per PMD block */
	std::vector<SymSwp> swps;  /* one per page of the address space */
	std::vector<SymVmaPage> vmas;  /* one per page of the address space */
	explicit SymProc(z3::context &c) : exited(c), has_pinned(c), rss_anon(c), rss_file(c) {}
};

/*
 * A page-cache file (KFile): @size pages (0: not created yet) in folios of
 * @order; @pages[index] is the folio holding that index (struct
 * address_space's i_pages). Hidden state.
 */
struct SymFile {
	z3::expr size, order;
	std::vector<z3::expr> pages;  /* one per page of the address space */
	explicit SymFile(z3::context &c) : size(c), order(c) {}
};

/* A pin or FOLL_GET handle: pages [va, va + nr) of @proc as they were taken. */
struct SymHandle {
	z3::expr released, proc, va, nr;
	std::vector<z3::expr> folio, page;  /* entry k: the k-th page */
	explicit SymHandle(z3::context &c) : released(c), proc(c), va(c), nr(c) {}
};

struct SymState {
	z3::expr nr_folios;   /* folio ids 1..nr_folios were allocated */
	z3::expr nr_procs;    /* processes 0..nr_procs-1 were created */
	z3::expr nr_pins;     /* pin ids 1..nr_pins were taken */
	z3::expr nr_refs;
	z3::expr queue_len;
	z3::expr nr_slots;             /* swap slots 0..nr_slots-1 were handed out */
	z3::expr nr_files;             /* files 0..nr_files-1 were created */
	std::vector<z3::expr> queue;   /* folio ids, FIFO: queue[0] is the head */
	std::vector<SymFolio> folios;  /* slot i: folio i + 1 */
	std::vector<SymProc> procs;
	std::vector<SymHandle> pins, refs;
	std::vector<SymSlot> slots;
	std::vector<SymFile> files;
	explicit SymState(z3::context &c)
		: nr_folios(c), nr_procs(c), nr_pins(c), nr_refs(c), queue_len(c), nr_slots(c),
		  nr_files(c) {}

	z3::context &ctx() const { return nr_folios.ctx(); }
	/* Every term, in a fixed order (for naming and comparing states). */
	std::vector<z3::expr *> fields();
	std::vector<const z3::expr *> fields() const;
};

/* The world at the start of every trace: p0, nothing mapped. */
SymState initial_state(z3::context &c, const SolverScope &sc);
/* A state of fresh constants named @prefix.* (for induction and the agreement test). */
SymState fresh_state(z3::context &c, const SolverScope &sc, const std::string &prefix);
/*
 * concrete_state - the kernel model's state from its Snapshot. The Snapshot
 * does not show MMF_HAS_PINNED: a process has it iff it ever took a pin,
 * which the pins list records (fork does not inherit it). Nor does it show
 * the clean bit MADV_FREE leaves on a PTE or PMD, nor the swap slots' counts
 * and the swap cache, nor the VMAs and the page cache: every mapping is
 * taken to be dirty, no slot in use, the address space one anonymous
 * writable VMA and no file created, which is exact for a state no
 * madv_free, swapout, mprotect, mremap and file reached (to follow one that
 * did, run the transitions from initial_state() instead). Throws
 * std::invalid_argument if @snap does not fit the scope.
 */
SymState concrete_state(z3::context &c, const SolverScope &sc, const Snapshot &snap);
/* The conjunction of @a's and @b's terms being equal. */
z3::expr states_equal(const SymState &a, const SymState &b);
/*
 * name_state - replace every non-literal term of @s by a fresh constant
 * @prefix.* and return the equalities that define them. Keeps the terms of a
 * long unrolling from nesting step into step.
 */
std::vector<z3::expr> name_state(SymState &s, const std::string &prefix);

/* --- observables (KernelModel::State::snapshot()) ------------------------ */

/* Folio slot @i is allocated (f(i+1) exists). */
z3::expr folio_exists(const SymState &s, unsigned i);
/* Allocated and not freed. */
z3::expr folio_live(const SymState &s, unsigned i);
z3::expr folio_large(const SymFolio &f);
/* Page @j exists in a folio of this order: j < 1 << order. */
z3::expr page_exists(const SymFolio &f, unsigned j);
/* 1 << order (pages.size() is the largest folio). */
z3::expr folio_nr_pages(const SymFolio &f);
/* folio_mapcount() */
z3::expr obs_mapcount(const SymFolio &f);
/* folio_mapped() */
z3::expr obs_mapped(const SymFolio &f);
/* folio_entire_mapcount(): 0 for order 0 */
z3::expr obs_entire_mapcount(const SymFolio &f);
/* page_mapcount(): includes the entire mapcount */
z3::expr obs_page_mapcount(const SymFolio &f, unsigned j);
z3::expr obs_nr_pages_mapped(const SymFolio &f);
z3::expr obs_pincount(const SymFolio &f);
/* folio_maybe_dma_pinned() */
z3::expr obs_maybe_pinned(const SymFolio &f);
/* Process @p was created and has not exited. */
z3::expr proc_live(const SymState &s, unsigned p);

/* --- decoding a model --------------------------------------------------- */

/* Evaluates a term to a literal: a z3::model, or simplification of ground terms. */
using Evaluator = std::function<z3::expr(const z3::expr &)>;
Evaluator model_evaluator(const z3::model &m);
Evaluator ground_evaluator();
int64_t eval_int(const Evaluator &ev, const z3::expr &e);
bool eval_bool(const Evaluator &ev, const z3::expr &e);

/* The Snapshot KernelModel::snapshot() would give for the state @s. */
Snapshot decode_snapshot(const Evaluator &ev, const SymState &s, const SolverScope &sc);
/* MMF_HAS_PINNED of each created process. */
std::vector<bool> decode_has_pinned(const Evaluator &ev, const SymState &s);
/* A readable multi-line dump of a decoded state (for induction reports). */
std::string describe_state(const Snapshot &snap, const std::vector<bool> &has_pinned);

} // namespace fc::solver
