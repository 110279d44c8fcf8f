// SPDX-License-Identifier: GPL-2.0
/*
 * agreement_test.cc - the encoding proves things about the kernel model, not
 * about some other program: for random reachable states and random
 * statements, the transition relation constrained to the concrete pre-state
 * and statement yields exactly what fc::KernelModel computes.
 *
 * A case: a random legal statement sequence run on fc::Runner reaches a
 * state; a random statement of the solver's alphabet (legal or not) is
 * chosen. Then
 *  - legality: the encoding's `legal` equals ReferenceModel::check();
 *  - for a legal statement inside the scope: the post-state (every counter,
 *    flag, page table, handle and the queue order), the sequence of visible
 *    points whose path condition holds (where, settled, and the whole state
 *    at each) and the page-replaced events equal the kernel model's, as its
 *    observer sees them.
 * Cases are evaluated on literal terms (the encoder's folding path: every
 * variant/arch the encoding implements and every catalogue mutant, every
 * encoded statement kind at least once), and, fewer, through the solver
 * with a symbolic statement pinned by equalities and the post-state named
 * by fresh constants — the terms bounded model checking hands to Z3.
 *
 * The pre-state is not read back from the Snapshot but built by running the
 * encoding itself, on literal terms, along the statements that reached the
 * state (replayed_state()): the clean bits MADV_FREE leaves are in no
 * Snapshot, so concrete_state() cannot rebuild them. On the way every
 * intermediate state is compared with the kernel model's as well.
 *
 * The accessed bit (PTE/PMD young) is not encoded and is left out of the
 * comparison (without_accessed_bits()).
 */
#include "model/check/runner.h"
#include "solver/encoding.h"
#include "solver/formula.h"
#include "solver/induction.h"
#include "solver/invariants.h"
#include "solver/transitions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>

namespace fc::solver {
namespace {

/*
 * without_accessed_bits - @s with every PTE and PMD young. The encoding does
 * not keep the accessed bit: no accounting decision of the kernel model
 * reads it (only reclaim and file prefault, outside the alphabet), and no
 * SPEC invariant does (docs/solver.md, "What is not encoded").
 */
Snapshot without_accessed_bits(Snapshot s)
{
	for (ProcView &p : s.procs) {
		for (auto &[va, pte] : p.ptes)
			pte.young = true;
		for (auto &[va, pmd] : p.pmds)
			pmd.young = true;
	}
	return s;
}

/* What the kernel model's observer saw during one statement. */
struct Recorder : KernelObserver {
	struct Point {
		std::string where;
		bool settled;
		Snapshot snap;
	};
	struct Replaced {
		PageReplaced r;
		Snapshot snap;
	};
	std::vector<Point> points;
	std::vector<Replaced> replaced;

	void on_visible_point(const KernelModel &km, const VisiblePoint &vp) override
	{
		points.push_back({vp.where, vp.settled, without_accessed_bits(km.snapshot())});
	}
	void on_page_replaced(const KernelModel &km, const PageReplaced &r) override
	{
		replaced.push_back({r, without_accessed_bits(km.snapshot())});
	}
};

Config make_config(Variant v, Arch a, Mutant m, unsigned pmd_order, Va space)
{
	Config cfg;
	cfg.variant = v;
	cfg.arch = a;
	cfg.mutant = m;
	cfg.scope.pmd_order = pmd_order;
	cfg.scope.max_procs = 2;
	cfg.scope.space = space;
	return cfg;
}

/* How many files @path created (the solver names them file0, file1, ...). */
unsigned files_created(const std::vector<Op> &path)
{
	return static_cast<unsigned>(std::count_if(
		path.begin(), path.end(), [](const Op &o) { return o.kind == OpKind::file_create; }));
}

/*
 * A random statement of kind @kind for the state @snap, in which @files
 * files exist; maybe illegal.
 */
Op random_op_of(std::mt19937_64 &rng, const SolverScope &sc, const Snapshot &snap, OpKind kind,
		unsigned files = 0)
{
	auto pick = [&](uint64_t n) { return n ? rng() % n : 0; };
	Op op;
	op.kind = kind;
	unsigned nb = sc.pmd_pages();
	switch (op.kind) {
	case OpKind::fault_anon:
		op.proc = pick(sc.procs);
		if (pick(4) == 0) {
			op.pmd = true;
			op.order = sc.pmd_order;
			op.va = pick(sc.blocks()) * nb + (pick(8) == 0 ? pick(nb) : 0);
		} else {
			op.order = pick(sc.pmd_order + 1);
			op.va = pick(sc.space);
			if (pick(6) != 0)
				op.va &= ~Va((1u << op.order) - 1);
		}
		break;
	case OpKind::read:
	case OpKind::write:
	case OpKind::split_pmd:
		op.proc = pick(sc.procs);
		op.va = pick(sc.space);
		break;
	case OpKind::fork:
		op.proc = pick(sc.procs);
		op.proc2 = static_cast<ProcId>(snap.procs.size());
		break;
	case OpKind::munmap:
	case OpKind::madv_free:
		op.proc = pick(sc.procs);
		op.va = pick(sc.space);
		op.pages = 1 + pick(pick(4) == 0 ? sc.space : std::min<uint64_t>(nb + 1, sc.space - op.va));
		if (op.kind == OpKind::madv_free && pick(3) == 0) {
			/* a whole PMD block: madvise_free_huge_pmd() takes the PMD whole */
			op.va = pick(sc.blocks()) * nb;
			op.pages = nb;
		}
		break;
	case OpKind::pin:
	case OpKind::get:
		op.proc = pick(sc.procs);
		op.va = pick(sc.space);
		op.pages = 1 + pick(sc.handle_pages);
		op.write = op.kind == OpKind::pin && pick(2);
		op.longterm = op.kind == OpKind::pin && pick(2);
		break;
	case OpKind::file_create:
		op.file = solver_file_name(files);
		op.order = pick(sc.pte_max_order + 1);
		op.pages = (1 + pick(sc.space >> op.order)) << op.order;
		if (pick(8) == 0)
			op.pages = 1 + pick(sc.space);  /* maybe not a whole number of folios */
		break;
	case OpKind::fault_file:
		op.proc = pick(sc.procs);
		op.file = solver_file_name(static_cast<uint32_t>(pick(std::max(files, 1u))));
		op.va = pick(sc.space);
		op.pages = 1 + pick(pick(3) ? std::min<uint64_t>(nb + 1, sc.space - op.va) : sc.space);
		op.index = pick(3) ? 0 : pick(sc.space - std::min<uint64_t>(op.pages, sc.space) + 1);
		op.is_private = pick(2);
		break;
	case OpKind::mprotect:
		op.proc = pick(sc.procs);
		op.va = pick(sc.space);
		op.pages = 1 + pick(sc.space - op.va);
		op.ro = pick(2);
		break;
	case OpKind::mremap:
		op.proc = pick(sc.procs);
		op.pages = 1 + pick(pick(2) ? nb : sc.space / 2);
		op.va = pick(sc.space);
		op.va2 = pick(sc.space);
		if (pick(3) == 0) {
			/* whole PMD blocks, so a PMD can move whole */
			op.va = pick(sc.blocks()) * nb;
			op.va2 = pick(sc.blocks()) * nb;
			op.pages = nb;
		}
		break;
	case OpKind::unpin:
		op.handle = 1 + pick(pick(4) && !snap.pins.empty() ? snap.pins.size() : sc.pins);
		break;
	case OpKind::put:
		op.handle = 1 + pick(pick(4) && !snap.refs.empty() ? snap.refs.size() : sc.refs);
		break;
	case OpKind::split:
	case OpKind::swapout:
		op.folio = 1 + pick(sc.folios);
		break;
	case OpKind::swapin:
		/* mostly a VA that holds a swap entry */
		op.proc = pick(sc.procs);
		op.va = pick(sc.space);
		if (op.proc < snap.procs.size() && !snap.procs[op.proc].swap.empty() && pick(4)) {
			auto it = snap.procs[op.proc].swap.begin();
			std::advance(it, pick(snap.procs[op.proc].swap.size()));
			op.va = it->first;
		}
		break;
	case OpKind::exit:
		op.proc = pick(sc.procs);
		break;
	default:
		break;
	}
	return op;
}

/* A random statement of the solver's alphabet for the state @snap; maybe illegal. */
Op random_op(std::mt19937_64 &rng, const SolverScope &sc, const Snapshot &snap, bool favour_fault,
	     const std::vector<OpKind> &kinds = encoded_ops(), unsigned files = 0)
{
	OpKind k = favour_fault && rng() % 3 == 0 ? OpKind::fault_anon : kinds[rng() % kinds.size()];
	return random_op_of(rng, sc, snap, k, files);
}

/*
 * The statements of a MADV_FREE scenario: mappings to free lazily, writes
 * that redirty them, fork and pins that share or hold them, reclaim.
 */
const std::vector<OpKind> &lazyfree_ops()
{
	static const std::vector<OpKind> kinds = {OpKind::fault_anon, OpKind::madv_free,
						  OpKind::madv_free,  OpKind::reclaim,
						  OpKind::write,      OpKind::fork,
						  OpKind::munmap,     OpKind::get};
	return kinds;
}

/* concrete_state() accepts @snap (checked without building terms). */
bool fits(const SolverScope &sc, const Snapshot &snap)
{
	if (snap.folios.size() > sc.folios || snap.procs.size() > sc.procs ||
	    snap.pins.size() > sc.pins || snap.refs.size() > sc.refs ||
	    snap.split_queue.size() > sc.queue)
		return false;
	for (const auto *hs : {&snap.pins, &snap.refs})
		for (const HandleView &h : *hs)
			if (h.pages.size() > sc.handle_pages)
				return false;
	return true;
}

/* A reachable state and the statements that reached it. */
struct Reached {
	Runner runner;
	std::vector<Op> path;
};

/*
 * extend - step @r by @op if it is legal, something the kernel model has
 * (past a mutant's divergence it may not be) and keeps inside the scope.
 */
bool extend(Reached &r, const SolverScope &sc, const Op &op)
{
	if (r.runner.reference().check(op) || !r.runner.kernel().missing_name(op).empty())
		return false;
	Runner next = r.runner;
	next.step(op);
	if (!fits(sc, next.kernel().snapshot()))
		return false;
	r.runner = next;
	r.path.push_back(op);
	return true;
}

/* A reachable state: up to @len random legal statements of @kinds that keep inside the scope. */
Reached random_state(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc, unsigned len,
		     const std::vector<OpKind> &kinds = encoded_ops())
{
	Reached r{Runner(cfg, RunnerOptions{false, false}), {}};
	for (unsigned i = 0, tries = 0; i < len && tries < 200; tries++)
		i += extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), i < 3, kinds,
					     files_created(r.path)));
	return r;
}


 /*
 * The statements of a swap scenario: swap-ins by fault, GUP and swapin,
 * fork sharing swap entries, zaps freeing them, swapout again.
 */
const std::vector<OpKind> &swap_ops()
{
	static const std::vector<OpKind> kinds = {
		OpKind::swapin, OpKind::read,   OpKind::write,   OpKind::pin,       OpKind::get,
		OpKind::fork,   OpKind::munmap, OpKind::swapout, OpKind::madv_free, OpKind::unpin};
	return kinds;
}

/* The first statement of a scenario: a fault, PMD-mapped half the time. */
Op first_fault(std::mt19937_64 &rng, const SolverScope &sc, const Snapshot &snap)
{
	Op fault = random_op_of(rng, sc, snap, OpKind::fault_anon);
	if (rng() % 2) {
		fault.pmd = true;
		fault.order = sc.pmd_order;
		fault.va = (rng() % sc.blocks()) * sc.pmd_pages();
	}
	return fault;
}

/* The live processes of @snap that hold swap entries, in order. */
std::vector<const ProcView *> procs_with_swap(const Snapshot &snap)
{
	std::vector<const ProcView *> v;
	for (const ProcView &pv : snap.procs)
		if (!pv.exited && !pv.swap.empty())
			v.push_back(&pv);
	return v;
}

/*
 * swap_scenario - a state a swap statement is worth comparing on: a fault
 * (PMD-mapped half the time), a few statements, a swapout of a live folio,
 * then random statements of swap_ops().
 */
Reached swap_scenario(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc)
{
	Reached r{Runner(cfg, RunnerOptions{false, false}), {}};
	const Op fault = first_fault(rng, sc, r.runner.kernel().snapshot());
	extend(r, sc, fault);
	if (rng() % 2) {
		/* a shared mapping: swap entries in both, one slot, the swap cache kept by the other */
		Op fork;
		fork.kind = OpKind::fork;
		fork.proc = fault.proc;
		fork.proc2 = static_cast<ProcId>(r.runner.kernel().snapshot().procs.size());
		extend(r, sc, fork);
	}
	for (unsigned i = rng() % 2; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), true, lazyfree_ops()));
	for (unsigned i = 1 + rng() % 3; i > 0; i--) {
		Snapshot snap = r.runner.kernel().snapshot();
		Op out;
		out.kind = OpKind::swapout;
		out.folio = 1 + rng() % std::max<size_t>(1, snap.folios.size());
		if (!extend(r, sc, out))
			extend(r, sc, random_op(rng, sc, snap, false, swap_ops()));
	}
	for (unsigned i = rng() % 3; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), false, swap_ops()));
	if (rng() % 2) {
		/*
		 * One process faults its swap entry back in while the other's
		 * still names the slot: the folio stays in the swap cache, and
		 * the statement compared next may zap the last entry
		 * (__try_to_reclaim_swap()).
		 */
		const Snapshot snap = r.runner.kernel().snapshot();
		if (std::vector<const ProcView *> holders = procs_with_swap(snap); !holders.empty()) {
			Op in;
			in.kind = OpKind::swapin;
			in.proc = holders.front()->id;
			in.va = holders.front()->swap.begin()->first;
			extend(r, sc, in);
		}
	}
	return r;
}

/*
 * zap_swap_entry - a statement that zaps a swap entry of @snap (munmap of
 * its page, MADV_FREE of it, or the exit of its process), if there is one:
 * after swap_scenario()'s swap-in, the last entry of a slot the swap cache
 * still holds (__try_to_reclaim_swap()).
 */
std::optional<Op> zap_swap_entry(std::mt19937_64 &rng, const Snapshot &snap)
{
	std::vector<const ProcView *> holders = procs_with_swap(snap);
	if (holders.empty())
		return std::nullopt;
	Op op;
	op.kind = std::array{OpKind::munmap, OpKind::madv_free, OpKind::exit}[rng() % 3];
	op.proc = holders.front()->id;
	if (op.kind != OpKind::exit) {
		op.va = holders.front()->swap.rbegin()->first;
		op.pages = 1;
	}
	return op;
}

/*
 * touch_swap_entry - a write, write pin or read of a swap entry of @snap
 * (of the last process holding one), if there is one: do_swap_page() on an
 * entry fork left non-exclusive decides exclusivity by the references (a
 * write drops the swap cache's first).
 */
std::optional<Op> touch_swap_entry(std::mt19937_64 &rng, const Snapshot &snap)
{
	std::vector<const ProcView *> holders = procs_with_swap(snap);
	if (holders.empty())
		return std::nullopt;
	Op op;
	op.kind = std::array{OpKind::write, OpKind::pin, OpKind::read}[rng() % 3];
	op.proc = holders.back()->id;
	op.va = holders.back()->swap.begin()->first;
	op.pages = 1;
	op.write = op.kind == OpKind::pin;
	return op;
}

/*
 * lazyfree_scenario - a state a MADV_FREE statement or reclaim is worth
 * comparing on: a fault (PMD-mapped half the time), then random statements
 * of lazyfree_ops() around a madv_free (of a whole PMD block half the time).
 */
Reached lazyfree_scenario(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc)
{
	Reached r{Runner(cfg, RunnerOptions{false, false}), {}};
	const Op fault = first_fault(rng, sc, r.runner.kernel().snapshot());
	extend(r, sc, fault);
	for (unsigned i = rng() % 3; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), false, lazyfree_ops()));
	Op madv = random_op_of(rng, sc, r.runner.kernel().snapshot(), OpKind::madv_free);
	const Va fault_pages = Va{1} << fault.order;
	switch (rng() % 4) {
	case 0:
	case 1:
		/* the fault's whole PMD block */
		madv.proc = fault.proc;
		madv.va = fault.va - fault.va % sc.pmd_pages();
		madv.pages = sc.pmd_pages();
		break;
	case 2:
		/* part of the fault's folio: madvise_free_pte_range() splits it */
		if (!fault.pmd && fault_pages > 1) {
			madv.proc = fault.proc;
			madv.va = fault.va + 1 + rng() % (fault_pages - 1);
			madv.pages = 1;
		}
		break;
	default:
		break;
	}
	extend(r, sc, madv);
	for (unsigned i = rng() % 3; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), false, lazyfree_ops()));
	return r;
}

/*
 * The statements of a file scenario: page-cache faults shared and private,
 * the writes that COW them, fork copying a private mapping, pins long-term
 * and not, splits of page-cache folios, and the VMA changes.
 */
const std::vector<OpKind> &file_ops()
{
	static const std::vector<OpKind> kinds = {
		OpKind::fault_file, OpKind::fault_file, OpKind::write, OpKind::read,  OpKind::fork,
		OpKind::pin,        OpKind::split,      OpKind::munmap, OpKind::mprotect,
		OpKind::mremap,     OpKind::fault_anon, OpKind::exit};
	return kinds;
}

/*
 * file_scenario - a state a file or VMA statement is worth comparing on: a
 * file of large folios half the time, mapped (privately half the time),
 * then random statements of file_ops().
 */
Reached file_scenario(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc)
{
	Reached r{Runner(cfg, RunnerOptions{false, false}), {}};
	Op file = random_op_of(rng, sc, r.runner.kernel().snapshot(), OpKind::file_create);
	if (rng() % 2) {
		file.order = sc.pte_max_order;
		file.pages = std::min<uint64_t>(sc.space, 2u << file.order);
	}
	extend(r, sc, file);
	Op map = random_op_of(rng, sc, r.runner.kernel().snapshot(), OpKind::fault_file, 1);
	map.index = 0;
	map.pages = std::min<uint64_t>(map.pages, file.pages);
	map.va = std::min<uint64_t>(map.va, sc.space - map.pages);
	extend(r, sc, map);
	if (map.is_private && rng() % 2) {
		/* a COW: the mapping gets an anon_vma, so fork copies it */
		Op write;
		write.kind = OpKind::write;
		write.proc = map.proc;
		write.va = map.va + rng() % map.pages;
		extend(r, sc, write);
	}
	if (rng() % 2) {
		/* a hole in the mapping: the next access faults the page in (or COWs it) */
		Op hole;
		hole.kind = OpKind::munmap;
		hole.proc = map.proc;
		hole.va = map.va + rng() % map.pages;
		extend(r, sc, hole);
	}
	for (unsigned i = rng() % 4; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), false, file_ops(),
					files_created(r.path)));
	return r;
}

/*
 * vma_scenario - a state an mremap or mprotect is worth comparing on: an
 * anon fault (a PMD half the time), maybe shared by fork or pinned; with
 * the statement to compare: mremap (of a whole PMD block to another one
 * half the time, move_huge_pmd()) or mprotect of part of it.
 */
std::pair<Reached, Op> vma_scenario(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc)
{
	Reached r{Runner(cfg, RunnerOptions{false, false}), {}};
	const Op fault = first_fault(rng, sc, r.runner.kernel().snapshot());
	extend(r, sc, fault);
	const std::vector<OpKind> kinds = {OpKind::fork, OpKind::pin, OpKind::write, OpKind::mprotect,
					   OpKind::munmap};
	for (unsigned i = rng() % 3; i > 0; i--)
		extend(r, sc, random_op(rng, sc, r.runner.kernel().snapshot(), false, kinds));
	const Va nb = sc.pmd_pages(), block = fault.va - fault.va % nb;
	Op op;
	op.proc = fault.proc;
	if (rng() % 3) {
		op.kind = OpKind::mremap;
		op.va = block;
		op.pages = nb;
		op.va2 = (block + nb * (1 + rng() % (sc.blocks() - 1))) % sc.space;
		if (rng() % 2) {
			op.va = block + rng() % nb;
			op.pages = 1 + rng() % (block + nb - op.va);
			op.va2 = (block + nb + rng() % nb) % sc.space;
			if (op.va2 + op.pages > sc.space)
				op.va2 = sc.space - op.pages;
		}
	} else {
		op.kind = OpKind::mprotect;
		op.va = block + rng() % nb;
		op.pages = 1 + rng() % (sc.space - op.va);
		op.ro = rng() % 2;
	}
	return {std::move(r), op};
}

/*
 * file_statement - what to compare on a file scenario's state: half the
 * time a random statement of file_ops(), else an access to a page of the
 * first file mapping (a fault, a COW), a fork (copying a private mapping
 * someone wrote to) or a split of the file's first folio.
 */
Op file_statement(std::mt19937_64 &rng, const SolverScope &sc, const Reached &r)
{
	const Snapshot snap = r.runner.kernel().snapshot();
	if (rng() % 2 || r.path.size() < 2)
		return random_op(rng, sc, snap, false, file_ops(), files_created(r.path));
	const Op &map = r.path[1];
	const uint64_t pages = std::max<uint64_t>(map.pages, 1);
	Op op;
	op.proc = map.proc;
	switch (rng() % 6) {
	case 0:
	case 1: {
		op.kind = rng() % 2 ? OpKind::write : OpKind::read;
		op.va = map.va + rng() % pages;
		/* mostly the hole, if there is one: do_read_fault(), do_cow_fault() */
		const ProcView *pv = snap.proc(map.proc);
		for (Va a = map.va; pv && a < map.va + pages && rng() % 4; a++)
			if (!pv->ptes.count(a)) {
				op.va = a;
				break;
			}
		break;
	}
	case 2:
		op.kind = OpKind::fork;
		op.proc2 = static_cast<ProcId>(snap.procs.size());
		break;
	case 3:
		op.kind = OpKind::split;
		op.folio = 1;
		break;
	case 4:
		/* part of the mapping, or all of it, moved to where nothing is mapped */
		op.kind = OpKind::mremap;
		op.va = map.va + rng() % pages;
		op.pages = 1 + rng() % (map.va + pages - op.va);
		op.va2 = map.va + pages + rng() % sc.pmd_pages();
		if (op.va2 + op.pages > sc.space)
			op.va2 = rng() % (sc.space - op.pages + 1);
		break;
	default:
		op.kind = OpKind::mprotect;
		op.va = map.va + rng() % pages;
		op.pages = 1 + rng() % (map.va + pages - op.va);
		op.ro = rng() % 2;
		break;
	}
	return op;
}

std::string dump(const Snapshot &s)
{
	std::vector<bool> none;
	return describe_state(s, none);
}

/* The first field where @a and @b differ, for failure messages. */
std::string first_difference(const Snapshot &a, const Snapshot &b)
{
	std::ostringstream o;
	if (a.folios.size() != b.folios.size())
		return "number of folios";
	for (size_t i = 0; i < a.folios.size(); i++) {
		const FolioView &x = a.folios[i], &y = b.folios[i];
		if (x == y)
			continue;
		o << folio_name(x.id) << ":";
		if (x.anon != y.anon)
			o << " anon";
		if (x.maybe_pinned != y.maybe_pinned)
			o << " maybe_pinned";
		if (x.lazyfree != y.lazyfree)
			o << " lazyfree";
		if (x.page_mapcount != y.page_mapcount || x.anon_exclusive != y.anon_exclusive)
			o << " pages";
		return o.str() + " (or a printed field)";
	}
	for (size_t p = 0; p < std::min(a.procs.size(), b.procs.size()); p++) {
		const ProcView &x = a.procs[p], &y = b.procs[p];
		if (x == y)
			continue;
		o << proc_name(x.id) << ":";
		for (const auto &[va, pte] : x.ptes) {
			auto it = y.ptes.find(va);
			if (it != y.ptes.end() && pte.young != it->second.young)
				o << " young of pte " << va;
		}
		for (const auto &[va, pmd] : x.pmds) {
			auto it = y.pmds.find(va);
			if (it != y.pmds.end() && pmd.young != it->second.young)
				o << " young of pmd " << va;
		}
		if (x.swap != y.swap)
			o << " swap entries";
		if (x.rss_file != y.rss_file)
			o << " rss_file";
		return o.str() + " (or a printed field)";
	}
	if (a.pins != b.pins || a.refs != b.refs)
		return "handles";
	return "the number of processes or the queue";
}

/*
 * replayed_state - the encoding's state after @path, run from
 * initial_state() on literal terms; each intermediate state must decode to
 * the kernel model's Snapshot at that point (a failure is reported there).
 * Nothing if the path leaves the scope (fits() cannot see the swap slots).
 */
std::optional<SymState> replayed_state(z3::context &c, const Config &cfg, const SolverScope &sc,
				       const std::vector<Op> &path)
{
	SymState s = initial_state(c, sc);
	KernelModel km(cfg);
	for (size_t i = 0; i < path.size(); i++) {
		Transition t = encode_transition(cfg, sc, s, concrete_op(c, path[i]), encoded_ops());
		/* more swap slots than the scope has: the encoding does not follow */
		if (!eval_bool(ground_evaluator(), t.in_scope))
			return std::nullopt;
		s = t.post;
		for (z3::expr *f : s.fields())
			*f = f->simplify();
		km.apply(path[i]);
		Snapshot want = without_accessed_bits(km.snapshot());
		Snapshot got = decode_snapshot(ground_evaluator(), s, sc);
		EXPECT_TRUE(got == want) << "replaying the encoding: the state after statement " << i + 1
					 << " (" << format_op(path[i]) << ") differs ("
					 << first_difference(want, got) << ")\nmodel:\n" << dump(want)
					 << "encoding:\n" << dump(got);
		if (got != want)
			break;
	}
	return s;
}


/* The active visible points and replaced pages of @t under @ev, as the Recorder sees them. */
void decode_events(const Evaluator &ev, const Transition &t, const SolverScope &sc,
		   std::vector<Recorder::Point> &points, std::vector<Recorder::Replaced> &replaced)
{
	for (const SymVisiblePoint &vp : t.points)
		if (eval_bool(ev, vp.guard))
			points.push_back({vp.where, vp.settled, decode_snapshot(ev, vp.state, sc)});
	for (const SymPageReplaced &r : t.replaced)
		if (eval_bool(ev, r.guard))
			replaced.push_back({PageReplaced{r.proc, r.va,
							 static_cast<FolioId>(eval_int(ev, r.folio)),
							 static_cast<uint32_t>(eval_int(ev, r.page))},
					    decode_snapshot(ev, r.state, sc)});
}

struct Tally {
	unsigned cases = 0, legal = 0, out_of_scope = 0;
	std::map<OpKind, unsigned> per_kind;
	std::map<std::string, unsigned> points;  /* the model's visible points, by name */
};

/*
 * compare - the encoding's verdict on @op from @before (evaluated by @ev on
 * the transition @t) against the kernel model's.
 */
void compare(const Evaluator &ev, const Transition &t, const SolverScope &sc, const Runner &before,
	     const Op &op, Tally &tally, const std::string &label)
{
	/* Past a mutant's divergence: a statement the kernel model cannot run (the Runner runs it nowhere). */
	if (!before.kernel().missing_name(op).empty())
		return;
	bool model_legal = !before.reference().check(op);
	bool enc_legal = eval_bool(ev, t.legal) && eval_bool(ev, t.op_ok);
	std::string context = label + ": " + format_op(op) + " on\n" + dump(before.kernel().snapshot());
	ASSERT_EQ(enc_legal, model_legal) << "legality differs for " << context;
	if (!model_legal)
		return;
	if (!eval_bool(ev, t.in_scope)) {
		tally.out_of_scope++;
		return;
	}
	tally.legal++;
	tally.per_kind[op.kind]++;

	KernelModel km = before.kernel();
	Recorder rec;
	km.set_observer(&rec);
	km.apply(op);
	Snapshot want = without_accessed_bits(km.snapshot());
	for (const Recorder::Point &p : rec.points)
		tally.points[p.where]++;

	Snapshot got = decode_snapshot(ev, t.post, sc);
	ASSERT_EQ(got, want) << "post-state differs (" << first_difference(want, got) << ") for "
			     << context << "model:\n"
			     << dump(want) << "encoding:\n" << dump(got);

	/* MMF_HAS_PINNED is not in the Snapshot: derive the model's from its pins. */
	std::vector<bool> has_pinned(want.procs.size());
	for (const HandleView &h : want.pins)
		has_pinned[h.proc] = true;
	ASSERT_EQ(decode_has_pinned(ev, t.post), has_pinned) << "has_pinned differs for " << context;

	std::vector<Recorder::Point> points;
	std::vector<Recorder::Replaced> replaced;
	decode_events(ev, t, sc, points, replaced);
	std::ostringstream seq;
	for (const auto &p : rec.points)
		seq << "  model: " << p.where << "\n";
	for (const auto &p : points)
		seq << "  encoding: " << p.where << "\n";
	ASSERT_EQ(points.size(), rec.points.size()) << "visible points differ for " << context << seq.str();
	for (size_t i = 0; i < points.size(); i++) {
		ASSERT_EQ(points[i].where, rec.points[i].where) << "point " << i << " of " << context;
		ASSERT_EQ(points[i].settled, rec.points[i].settled) << "point " << i << " of " << context;
		ASSERT_EQ(points[i].snap, rec.points[i].snap)
			<< "state at visible point " << i << " (" << points[i].where << ", "
			<< first_difference(rec.points[i].snap, points[i].snap) << ") of "
			<< context << "model:\n" << dump(rec.points[i].snap) << "encoding:\n"
			<< dump(points[i].snap);
	}
	ASSERT_EQ(replaced.size(), rec.replaced.size()) << "page-replaced events differ for " << context;
	for (size_t i = 0; i < replaced.size(); i++) {
		const PageReplaced &a = replaced[i].r, &b = rec.replaced[i].r;
		ASSERT_TRUE(a.proc == b.proc && a.va == b.va && a.folio == b.folio && a.page == b.page)
			<< "page replaced " << i << " of " << context;
		ASSERT_EQ(replaced[i].snap, rec.replaced[i].snap) << "page replaced " << i << " of " << context;
	}
}

/* The configurations: both archs and encoded variants, and every mutant (with what it needs). */
std::vector<Config> configs(unsigned pmd_order, Va space)
{
	std::vector<Config> v;
	for (Variant var : {Variant::v6_12, Variant::unbatched})
		for (Arch a : {Arch::gather, Arch::no_gather})
			v.push_back(make_config(var, a, Mutant::none, pmd_order, space));
	for (const MutantInfo &m : mutant_catalogue()) {
		v.push_back(make_config(Variant::v6_12, Arch::gather, m.mutant, pmd_order, space));
		v.push_back(make_config(Variant::v6_12, Arch::no_gather, m.mutant, pmd_order, space));
	}
	return v;
}

SolverScope test_scope(const Config &cfg)
{
	SolverScope bounds;
	bounds.folios = 10;
	bounds.queue = 4;
	bounds.slots = 8;
	return SolverScope::from_config(cfg, bounds);
}

/*
 * madv_free_part_of_folio - MADV_FREE of one page of a PTE-mapped large
 * folio of @snap, if there is one: madvise_free_pte_range() splits it.
 */
std::optional<Op> madv_free_part_of_folio(std::mt19937_64 &rng, const Snapshot &snap)
{
	std::vector<std::pair<ProcId, Va>> candidates;
	for (const ProcView &pv : snap.procs)
		for (const auto &[va, pte] : pv.ptes)
			if (const FolioView *f = snap.folio(pte.folio); !pv.exited && f && f->order > 0)
				candidates.emplace_back(pv.id, va);
	if (candidates.empty())
		return std::nullopt;
	auto [proc, va] = candidates[rng() % candidates.size()];
	Op op;
	op.kind = OpKind::madv_free;
	op.proc = proc;
	op.va = va;
	op.pages = 1;
	return op;
}

/* A scenario's state and the statement to compare on it. */
struct ScenarioCase {
	Reached reached;
	Op op;
	const char *what;
};

/*
 * scenario_case - case @n of a configuration's scenarios: 0-5 MADV_FREE
 * (ending in a madv_free or a reclaim), 6-11 swap (a statement of
 * swap_ops(), a zap or a touch of a swap entry), 12-23 file, 24-29 VMA.
 */
ScenarioCase scenario_case(std::mt19937_64 &rng, const Config &cfg, const SolverScope &sc,
			   unsigned n)
{
	if (n >= 24) {
		auto [reached, op] = vma_scenario(rng, cfg, sc);
		return {std::move(reached), op, "VMA"};
	}
	if (n >= 12) {
		Reached reached = file_scenario(rng, cfg, sc);
		Op op = file_statement(rng, sc, reached);
		return {std::move(reached), op, "file"};
	}
	const bool swap = n >= 6;
	Reached reached = swap ? swap_scenario(rng, cfg, sc) : lazyfree_scenario(rng, cfg, sc);
	const Snapshot snap = reached.runner.kernel().snapshot();
	Op op = swap ? random_op(rng, sc, snap, false, swap_ops())
		     : random_op_of(rng, sc, snap, n % 2 ? OpKind::reclaim : OpKind::madv_free);
	if (std::optional<Op> zap = zap_swap_entry(rng, snap); swap && zap && n % 3 == 1)
		op = *zap;
	if (std::optional<Op> touch = touch_swap_entry(rng, snap); swap && touch && n % 3 == 2)
		op = *touch;
	if (std::optional<Op> part = madv_free_part_of_folio(rng, snap); !swap && part && n % 4 == 0)
		op = *part;
	return {std::move(reached), op, swap ? "swap" : "MADV_FREE"};
}

/* Scenario cases per configuration (scenario_case()). */
constexpr unsigned kScenarios = 30;

/*
 * The paths the compared statements must reach, without which hidden state
 * would go untested: MADV_FREE and reclaim (a folio split for a partial
 * range, PTE- and PMD-mapped; lazyfree pages and PMDs discarded; a lazyfree
 * folio freed: the clean bits), swap (slots, the swap cache, swap-ins, the
 * last entry of a cached slot zapped), the page cache and the VMAs.
 */
const std::vector<const char *> &required_points()
{
	static const std::vector<const char *> points = {
		"madvise_free_pte_range: folio_get",
		"madvise_free_huge_pmd: folio_get",
		"try_to_unmap_one: lazyfree page discarded",
		"__discard_anon_folio_pmd_locked: folio_remove_rmap_pmd",
		"shrink_folio_list: lazyfree folio freed",
		"add_to_swap_cache",
		"__remove_mapping: freed",
		"try_to_unmap_one: folio_put",
		"do_swap_page: PTE mapped",
		"__try_to_reclaim_swap: folio_free_swap",
		"filemap_map_folio_range: folio_ref_add",
		"filemap_fault: folio_try_get",
		"do_cow_fault: __do_fault",
		"copy_present_ptes: folio_dup_file_rmap_ptes",
		"try_to_unmap_one: page-cache PTE unmapped",
		"mprotect_fixup: done",
		"move_huge_pmd",
		"move_ptes",
	};
	return points;
}

/* Literal terms: the encoder folds each case down to values. */
void run_ground_cases(unsigned pmd_order, Va space, unsigned per_config, uint64_t seed)
{
	Tally tally;
	std::mt19937_64 rng(seed);
	for (const Config &cfg : configs(pmd_order, space)) {
		SolverScope sc = test_scope(cfg);
		z3::context c;
		std::string label = std::string(variant_name(cfg.variant)) + "/" +
				    std::string(arch_name(cfg.arch)) + "/" +
				    std::string(mutant_name(cfg.mutant));
		for (unsigned n = 0; n < per_config; n++) {
			Reached reached = random_state(rng, cfg, sc, rng() % 9);
			const Runner &before = reached.runner;
			Snapshot snap = before.kernel().snapshot();
			std::optional<SymState> replayed = replayed_state(c, cfg, sc, reached.path);
			if (::testing::Test::HasFailure())
				return;
			if (!replayed)
				continue;
			const SymState &pre = *replayed;
			/*
			 * Without MADV_FREE, swapout, files, mprotect and mremap every
			 * mapping is dirty, no slot is in use and the address space
			 * one writable anonymous VMA: concrete_state() is exact.
			 */
			bool hidden = false;
			for (const Op &o : reached.path)
				hidden |= o.kind == OpKind::madv_free || o.kind == OpKind::swapout ||
					  o.kind == OpKind::file_create || o.kind == OpKind::mprotect ||
					  o.kind == OpKind::mremap;
			if (!hidden) {
				ASSERT_TRUE(states_equal(concrete_state(c, sc, snap), pre).simplify().is_true())
					<< "concrete_state() differs from the replayed state on\n" << dump(snap);
			}
			for (unsigned k = 0; k < 4; k++) {
				Op op = random_op(rng, sc, snap, false, encoded_ops(),
						  files_created(reached.path));
				Transition t = encode_transition(cfg, sc, pre, concrete_op(c, op), encoded_ops());
				tally.cases++;
				compare(ground_evaluator(), t, sc, before, op, tally, label);
				if (::testing::Test::HasFatalFailure())
					return;
			}
		}
	}
	/*
	 * MADV_FREE scenarios: the random mix rarely frees lazily and then
	 * reclaims; these states are built from lazyfree_ops() and end in a
	 * madv_free or a reclaim, so the clean bits (no Snapshot shows them)
	 * decide what is compared. Swap scenarios likewise: states after
	 * swapouts, then a statement of swap_ops(), so the slots and the swap
	 * cache (hidden too) decide; file and VMA scenarios: the page cache
	 * and the VMAs (hidden as well).
	 */
	auto run_scenario = [&](const Config &cfg, z3::context &c, unsigned n) {
		SolverScope sc = test_scope(cfg);
		ScenarioCase sc_case = scenario_case(rng, cfg, sc, n);
		std::optional<SymState> pre = replayed_state(c, cfg, sc, sc_case.reached.path);
		if (::testing::Test::HasFailure() || !pre)
			return;
		Transition t = encode_transition(cfg, sc, *pre, concrete_op(c, sc_case.op), encoded_ops());
		tally.cases++;
		compare(ground_evaluator(), t, sc, sc_case.reached.runner, sc_case.op, tally,
			std::string(mutant_name(cfg.mutant)) + " (" + sc_case.what + " scenario)");
	};
	for (const Config &cfg : configs(pmd_order, space)) {
		z3::context c;
		for (unsigned n = 0; n < kScenarios; n++) {
			run_scenario(cfg, c, n);
			if (::testing::Test::HasFailure())
				return;
		}
	}
	/*
	 * A required path (below) the scenarios above happened to miss: more
	 * scenarios, over every configuration in turn, until one reaches it.
	 */
	for (const char *where : required_points()) {
		const std::vector<Config> all = configs(pmd_order, space);
		for (unsigned tries = 0; tally.points[where] == 0 && tries < 20 * kScenarios; tries++) {
			z3::context c;
			run_scenario(all[tries % all.size()], c, tries % kScenarios);
			if (::testing::Test::HasFailure())
				return;
		}
	}

	/*
	 * Kinds the random mix left without a legal case (an unpin needs a
	 * pin first): search for one per configuration, from fresh random
	 * states, so every kind is compared under every configuration set.
	 */
	for (OpKind k : encoded_ops()) {
		for (unsigned tries = 0; tally.per_kind[k] == 0 && tries < 400; tries++) {
			const std::vector<Config> all = configs(pmd_order, space);
			const Config &cfg = all[tries % all.size()];
			SolverScope sc = test_scope(cfg);
			z3::context c;
			Reached reached = tries % 2 ? file_scenario(rng, cfg, sc)
						    : random_state(rng, cfg, sc, 2 + rng() % 7);
			const Runner &before = reached.runner;
			Snapshot snap = before.kernel().snapshot();
			Op op = random_op_of(rng, sc, snap, k, files_created(reached.path));
			if (before.reference().check(op))
				continue;
			std::optional<SymState> pre = replayed_state(c, cfg, sc, reached.path);
			if (::testing::Test::HasFailure())
				return;
			if (!pre)
				continue;
			Transition t = encode_transition(cfg, sc, *pre, concrete_op(c, op), encoded_ops());
			tally.cases++;
			compare(ground_evaluator(), t, sc, before, op, tally,
				std::string(mutant_name(cfg.mutant)) + " (targeted)");
			if (::testing::Test::HasFatalFailure())
				return;
		}
		EXPECT_GT(tally.per_kind[k], 0u) << "no legal case of " << op_kind_name(k);
	}
	EXPECT_GT(tally.legal, tally.cases / 4);
	for (const char *where : required_points())
		EXPECT_GT(tally.points[where], 0u) << "no case reached " << where;
	std::cout << "agreement (literal): " << tally.cases << " cases, " << tally.legal
		  << " legal statements compared, " << tally.out_of_scope << " outside the scope;";
	for (auto [k, n] : tally.per_kind)
		std::cout << " " << op_kind_name(k) << " " << n;
	std::cout << "; lazyfree pages discarded " << tally.points["try_to_unmap_one: lazyfree page discarded"]
		  << ", folios freed by reclaim " << tally.points["shrink_folio_list: lazyfree folio freed"]
		  << ", MADV_FREE splits "
		  << tally.points["madvise_free_pte_range: folio_get"] +
			     tally.points["madvise_free_huge_pmd: folio_get"]
		  << ", swapped out and freed " << tally.points["__remove_mapping: freed"]
		  << ", swap-ins " << tally.points["do_swap_page: PTE mapped"]
		  << ", last swap entries zapped " << tally.points["__try_to_reclaim_swap: folio_free_swap"]
		  << "\n";
}

TEST(Agreement, LiteralTermsPmdOrder2)
{
	run_ground_cases(2, 8, 25, 1);
}

TEST(Agreement, LiteralTermsPmdOrder3)
{
	run_ground_cases(3, 16, 6, 2);
}

/*
 * Through the solver: per case the model's pre-state as literal terms, the
 * statement as fresh constants pinned to the chosen statement by
 * equalities, and the post-state named by fresh constants, as bounded model
 * checking builds its first step; the solver's model is decoded. So the
 * terms of every statement kind (the dispatch on a symbolic kind, process,
 * VA, ...) reach Z3 and are read back. The literal cases above cover
 * breadth; these check that the terms the solver sees mean the same.
 */
z3::expr ops_equal(const SymOp &a, const SymOp &b)
{
	z3::expr r = a.kind == b.kind && a.proc == b.proc && a.va == b.va && a.pages == b.pages;
	r = r && a.order == b.order && a.pmd == b.pmd && a.write == b.write &&
	    a.handle == b.handle && a.folio == b.folio;
	return r && a.file == b.file && a.index == b.index && a.priv == b.priv && a.ro == b.ro &&
	       a.va2 == b.va2 && a.longterm == b.longterm;
}

void run_solver_cases(const Config &cfg, unsigned cases, uint64_t seed)
{
	SolverScope sc = test_scope(cfg);
	Tally tally;
	std::mt19937_64 rng(seed);
	for (unsigned n = 0; n < cases; n++) {
		Reached reached = random_state(rng, cfg, sc, rng() % 9);
		const Runner &before = reached.runner;
		Snapshot snap = before.kernel().snapshot();
		Op o;
		do
			o = random_op(rng, sc, snap, false, encoded_ops(), files_created(reached.path));
		while (before.reference().check(o) && rng() % 16);
		z3::context c;
		std::optional<SymState> replayed = replayed_state(c, cfg, sc, reached.path);
		if (::testing::Test::HasFailure())
			return;
		if (!replayed)
			continue;  /* more swap slots than the scope has: rare, not compared */
		const SymState &pre = *replayed;
		SymOp op = fresh_op(c, "op");
		Transition t = encode_transition(cfg, sc, pre, op, encoded_ops());
		z3::solver s(c);
		for (const z3::expr &d : name_state(t.post, "post"))
			s.add(d);
		s.add(ops_equal(op, concrete_op(c, o)));
		ASSERT_EQ(s.check(), z3::sat);
		tally.cases++;
		compare(model_evaluator(s.get_model()), t, sc, before, o, tally,
			"solver " + std::string(mutant_name(cfg.mutant)));
		if (::testing::Test::HasFatalFailure())
			return;
	}
	EXPECT_GT(tally.legal, 0u);
	std::cout << "agreement (solver, " << variant_name(cfg.variant) << "/" << arch_name(cfg.arch)
		  << "/" << mutant_name(cfg.mutant) << "): " << tally.cases << " cases, " << tally.legal
		  << " legal statements compared\n";
}

TEST(Agreement, SolverDefault)
{
	run_solver_cases(make_config(Variant::v6_12, Arch::gather, Mutant::none, 2, 8), 80, 11);
}

TEST(Agreement, SolverNoGatherSeed000Mutant)
{
	run_solver_cases(make_config(Variant::v6_12, Arch::no_gather, Mutant::zap_no_folio_get, 2, 8),
			 40, 12);
}

TEST(Agreement, SolverUnbatched)
{
	run_solver_cases(make_config(Variant::unbatched, Arch::gather, Mutant::none, 2, 8), 40, 13);
}

/* @path with its files renamed the solver's way, in creation order (file0, file1, ...). */
std::vector<Op> with_solver_file_names(std::vector<Op> path)
{
	std::map<std::string, std::string> names;
	for (Op &op : path) {
		if (op.kind == OpKind::file_create) {
			std::string name = solver_file_name(static_cast<uint32_t>(names.size()));
			names[op.file] = name;
		}
		if (op.kind == OpKind::file_create || op.kind == OpKind::fault_file)
			op.file = names.count(op.file) ? names[op.file] : op.file;
	}
	return path;
}

/*
 * Every trace of corpus/regressions/ the encoding can follow (a scope it
 * encodes, encoded statements only, the models agreeing all the way): the
 * encoding, run along it, gives the kernel model's state after every
 * statement. The swap traces there are what this test found while swap was
 * being encoded.
 */
TEST(Agreement, RegressionTracesFollowTheKernelModel)
{
	const std::filesystem::path dir =
		std::filesystem::path(FOLIOCHECK_SOURCE_DIR) / "corpus" / "regressions";
	std::vector<std::string> followed;
	for (const auto &entry : std::filesystem::directory_iterator(dir)) {
		if (entry.path().extension() != ".trace")
			continue;
		Trace t = parse_trace_file(entry.path().string());
		Config cfg = t.config.apply(Config{});
		TraceRun run = run_trace(t, cfg);
		if (run.rejected_at || run.runner.failed())
			continue;
		std::vector<Op> path;
		bool encoded = true;
		for (const Op &op : t.ops)
			if (op.kind != OpKind::expect) {
				encoded &= op_encoded(op.kind);
				path.push_back(op);
			}
		if (!encoded)
			continue;
		SolverScope sc;
		try {
			sc = test_scope(cfg);
		} catch (const std::invalid_argument &) {
			continue;
		}
		z3::context c;
		std::optional<SymState> s = replayed_state(c, cfg, sc, with_solver_file_names(path));
		ASSERT_FALSE(::testing::Test::HasFailure()) << "in " << entry.path().filename();
		if (s)
			followed.push_back(entry.path().filename().string());
	}
	std::sort(followed.begin(), followed.end());
	std::cout << "followed:";
	for (const std::string &f : followed)
		std::cout << " " << f;
	std::cout << "\n";
	for (const char *name :
	     {"swap_entry_shared_by_fork.trace", "swap_cache_reference_is_no_leak.trace"})
		EXPECT_NE(std::find(followed.begin(), followed.end(), name), followed.end()) << name;
}

/*
 * The strengthening invariants induction assumes of the pre-state are true
 * of the states the unmutated models reach: each, evaluated on the literal
 * terms of a state random anon statements reached, holds. Induction would
 * catch a false one only as a refuted step (or, assumed of the pre-state, not
 * at all if it were also unreachable to refute); this names it at once. The
 * states must include what the invariants about freed folios, pins and the
 * queue speak of, or those parts are asked nothing.
 */
TEST(Agreement, StrengtheningInvariantsHoldOnReachedStates)
{
	std::mt19937_64 rng(7);
	unsigned states = 0, with_freed = 0, with_pin = 0, with_queue = 0;
	for (Variant var : {Variant::v6_12, Variant::unbatched})
		for (Arch a : {Arch::gather, Arch::no_gather}) {
			Config cfg = make_config(var, a, Mutant::none, 2, 8);
			SolverScope sc = test_scope(cfg);
			z3::context c;
			for (unsigned n = 0; n < 60; n++) {
				Reached reached = random_state(rng, cfg, sc, 2 + rng() % 10, anon_ops());
				std::optional<SymState> s = replayed_state(c, cfg, sc, reached.path);
				ASSERT_FALSE(::testing::Test::HasFailure());
				if (!s)
					continue;
				Snapshot snap = reached.runner.kernel().snapshot();
				states++;
				with_freed += std::any_of(snap.folios.begin(), snap.folios.end(),
							  [](const FolioView &f) { return f.freed; });
				with_pin += !snap.pins.empty();
				with_queue += !snap.split_queue.empty();
				std::string path;
				for (const Op &op : reached.path)
					path += "  " + format_op(op) + "\n";
				SymTables t(*s, sc);
				for (const NamedFormula &f : strengthening(t))
					ASSERT_TRUE(eval_bool(ground_evaluator(), f.formula))
						<< f.name << " is false after\n" << path << "state:\n" << dump(snap);
			}
		}
	std::cout << "strengthening invariants held on " << states << " reached states (" << with_freed
		  << " with a freed folio, " << with_pin << " with a pin, " << with_queue
		  << " with a queued folio)\n";
	EXPECT_GT(with_freed, states / 4);
	EXPECT_GT(with_pin, 0u);
	EXPECT_GT(with_queue, 0u);
}

/*
 * The stepping stones induction proves point by point inside a statement
 * (stepping_stones(): refcount = held + the references in flight, the
 * queue, the mapcounts) are true at every point the unmutated models pass:
 * each, evaluated on the literal terms of a zap, a fork, a split or the
 * shrinker run from a reached state, holds. A false one would only be left
 * out by induction (a stepping stone, not an obligation), silently
 * weakening every proof after it; this names it. The statements must reach
 * the points where the split's and the shrinker's own references are in
 * flight, or those are asked nothing.
 */
TEST(Agreement, SteppingStonesHoldAlongStatements)
{
	std::mt19937_64 rng(11);
	const std::vector<OpKind> kinds = {OpKind::munmap, OpKind::exit, OpKind::fork, OpKind::split,
					   OpKind::shrink};
	std::map<std::string, unsigned> stones_at;  /* per point name, stones evaluated */
	unsigned statements = 0;
	for (Arch a : {Arch::gather, Arch::no_gather}) {
		Config cfg = make_config(Variant::v6_12, a, Mutant::none, 2, 8);
		SolverScope sc = test_scope(cfg);
		z3::context c;
		for (unsigned n = 0; n < 160; n++) {
			Reached reached = random_state(rng, cfg, sc, 3 + rng() % 10, anon_ops());
			std::optional<SymState> pre = replayed_state(c, cfg, sc, reached.path);
			ASSERT_FALSE(::testing::Test::HasFailure());
			if (!pre)
				continue;
			OpKind kind = kinds[rng() % kinds.size()];
			Op op = random_op_of(rng, sc, reached.runner.kernel().snapshot(), kind);
			Reached after = reached;
			if (!extend(after, sc, op))
				continue;
			statements++;
			Transition t = encode_transition(cfg, sc, *pre, concrete_op(c, op), {kind}, true);
			std::string path;
			for (const Op &o : after.path)
				path += "  " + format_op(o) + "\n";
			auto check = [&](const SymVisiblePoint &vp) {
				if (!eval_bool(ground_evaluator(), vp.guard))
					return;
				for (const NamedFormula &f : stepping_stones(vp, sc, true, true)) {
					stones_at[vp.where]++;
					ASSERT_TRUE(eval_bool(ground_evaluator(), f.formula))
						<< f.name << " is false at \"" << vp.where << "\" of the last of\n"
						<< path;
				}
			};
			for (const SymVisiblePoint &vp : t.points)
				check(vp);
			for (const SymVisiblePoint &vp : t.lemma_points)
				check(vp);
			ASSERT_FALSE(::testing::Test::HasFailure());
		}
	}
	std::cout << "stepping stones evaluated along " << statements << " statements:";
	for (const auto &[where, n] : stones_at)
		std::cout << "\n  " << n << " at \"" << where << "\"";
	std::cout << "\n";
	for (const char *where : {"remove_migration_pte: PTE restored", "__split_huge_page: folios unfrozen",
				  "__split_huge_page: tail reference dropped",
				  "deferred_split_scan: reference dropped", "tlb_finish_mmu: folio_put_refs",
				  "copy_pte_range: a VA copied"})
		EXPECT_GT(stones_at[where], 0u) << where;
}

/* The has_pinned rule concrete_state() relies on: a pin sets it, fork does not inherit it. */
TEST(Agreement, HasPinnedFollowsPins)
{
	Config cfg = make_config(Variant::v6_12, Arch::gather, Mutant::none, 2, 8);
	Trace t = parse_trace("fault p0 0 anon order=0\npin p0 0\nunpin pin1\nfork p0 p1\n"
			      "write p1 0\n");
	TraceRun run = run_trace(t, cfg);
	ASSERT_FALSE(run.rejected_at);
	z3::context c;
	SolverScope sc = test_scope(cfg);
	SymState s = concrete_state(c, sc, run.runner.kernel().snapshot());
	EXPECT_TRUE(s.procs[0].has_pinned.is_true());
	EXPECT_TRUE(s.procs[1].has_pinned.is_false());
}

} // namespace
} // namespace fc::solver
