// SPDX-License-Identifier: GPL-2.0
/*
 * transitions.cc - statement dispatch (KernelModel::apply()), legality
 * (ReferenceModel::check()) and the op alphabet's domain.
 */
#include "solver/transitions.h"

#include "solver/sym_kernel.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace fc::solver {

namespace {

struct KindName {
	OpKind kind;
	const char *name;
	bool anon;  /* in the default alphabet, `anon` */
};

/*
 * The encoded statements. The anon ones are the default alphabet; the
 * issue-6 ones (MADV_FREE, reclaim, swap, files, mprotect, mremap) are
 * opt-in, as in the explorer, so that the default queries and their figures
 * stay as they were.
 */
const std::vector<KindName> &kind_names()
{
	static const std::vector<KindName> names = {
		{OpKind::fault_anon, "fault", true}, {OpKind::read, "read", true},
		{OpKind::write, "write", true},      {OpKind::fork, "fork", true},
		{OpKind::munmap, "munmap", true},    {OpKind::pin, "pin", true},
		{OpKind::unpin, "unpin", true},      {OpKind::get, "get", true},
		{OpKind::put, "put", true},          {OpKind::split_pmd, "split_pmd", true},
		{OpKind::split, "split", true},      {OpKind::shrink, "shrink", true},
		{OpKind::exit, "exit", true},        {OpKind::madv_free, "madv_free", false},
		{OpKind::reclaim, "reclaim", false}, {OpKind::swapout, "swapout", false},
		{OpKind::swapin, "swapin", false},   {OpKind::file_create, "file", false},
		{OpKind::fault_file, "fault_file", false}, {OpKind::mprotect, "mprotect", false},
		{OpKind::mremap, "mremap", false},
	};
	return names;
}

z3::expr kind_is(const SymOp &op, OpKind k)
{
	return mk_eq(op.kind, op.kind.ctx().int_val(static_cast<int>(k)));
}

z3::expr in_range(const z3::expr &x, int64_t lo, int64_t hi)
{
	z3::context &c = x.ctx();
	return mk_and(mk_le(c.int_val(lo), x), mk_le(x, c.int_val(hi)));
}

/* A PMD, a PTE or a swap PTE of @p covers @va in @s (the reference model's occupied()). */
z3::expr va_mapped(const SymState &s, const SolverScope &sc, ProcId p, Va va)
{
	return mk_or(mk_or(s.procs[p].pmds[va / sc.pmd_pages()].present, s.procs[p].ptes[va].present),
		     s.procs[p].swps[va].present);
}

/* Statements that name no process. */
bool op_uses_proc(OpKind k)
{
	return k != OpKind::unpin && k != OpKind::put && k != OpKind::split &&
	       k != OpKind::shrink && k != OpKind::reclaim && k != OpKind::swapout &&
	       k != OpKind::file_create;
}

/*
 * op_domain - the fields of a statement of kind @k: the ones it uses within
 * the scope, the others at their defaults (so a model names one statement).
 * `longterm` is a field of pin (it changes what GUP does to a page-cache
 * page only, so concrete_ops() lists it only where files can be mapped).
 */
z3::expr op_domain(OpKind k, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = op.kind.ctx();
	bool uses_va = k == OpKind::fault_anon || k == OpKind::read || k == OpKind::write ||
		       k == OpKind::munmap || k == OpKind::pin || k == OpKind::get ||
		       k == OpKind::split_pmd || k == OpKind::madv_free || k == OpKind::swapin ||
		       k == OpKind::fault_file || k == OpKind::mprotect || k == OpKind::mremap;
	bool ranged = k == OpKind::munmap || k == OpKind::madv_free || k == OpKind::mprotect ||
		      k == OpKind::mremap || k == OpKind::fault_file || k == OpKind::file_create;
	auto zero = [&](const z3::expr &x) { return mk_eq(x, c.int_val(0)); };
	z3::expr d = op_uses_proc(k) ? in_range(op.proc, 0, sc.procs - 1) : zero(op.proc);
	d = mk_and(d, uses_va ? in_range(op.va, 0, sc.space - 1) : zero(op.va));
	if (ranged)
		d = mk_and(d, in_range(op.pages, 1, sc.space));
	else if (k == OpKind::pin || k == OpKind::get)
		d = mk_and(d, in_range(op.pages, 1, sc.handle_pages));
	else
		d = mk_and(d, mk_eq(op.pages, c.int_val(1)));
	if (k == OpKind::fault_anon)
		d = mk_and(d, in_range(op.order, 0, sc.pmd_order));
	else if (k == OpKind::file_create)
		d = mk_and(d, in_range(op.order, 0, sc.pte_max_order));
	else
		d = mk_and(d, zero(op.order));
	if (k != OpKind::fault_anon)
		d = mk_and(d, mk_not(op.pmd));
	if (k != OpKind::pin)
		d = mk_and(d, mk_not(op.write));
	if (k != OpKind::pin)
		d = mk_and(d, mk_not(op.longterm));
	if (k == OpKind::unpin)
		d = mk_and(d, in_range(op.handle, 1, sc.pins));
	else if (k == OpKind::put)
		d = mk_and(d, in_range(op.handle, 1, sc.refs));
	else
		d = mk_and(d, zero(op.handle));
	d = mk_and(d, k == OpKind::split || k == OpKind::swapout ? in_range(op.folio, 1, sc.folios)
								  : zero(op.folio));
	d = mk_and(d, k == OpKind::fault_file ? in_range(op.file, 0, sc.files - 1) : zero(op.file));
	d = mk_and(d, k == OpKind::fault_file ? in_range(op.index, 0, sc.space - 1) : zero(op.index));
	if (k != OpKind::fault_file)
		d = mk_and(d, mk_not(op.priv));
	if (k != OpKind::mprotect)
		d = mk_and(d, mk_not(op.ro));
	d = mk_and(d, k == OpKind::mremap ? in_range(op.va2, 0, sc.space - 1) : zero(op.va2));
	return d;
}

/* The process the statement names, as a guard per process: op.proc == p and p is live. */
z3::expr proc_is(const SymOp &op, ProcId p)
{
	return mk_eq(op.proc, op.proc.ctx().int_val(p));
}

z3::expr live_proc(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::expr r = s.ctx().bool_val(false);
	for (ProcId p = 0; p < sc.procs; p++)
		r = mk_or(r, mk_and(proc_is(op, p), proc_live(s, p)));
	return r;
}

/* check_fault_anon(): order, alignment, inside the space, nothing mapped there. */
z3::expr legal_fault(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = s.ctx();
	z3::expr r = c.bool_val(false);
	for (ProcId p = 0; p < sc.procs; p++) {
		z3::expr gp = mk_and(proc_is(op, p), proc_live(s, p));
		auto unmapped = [&](Va va, Va nr) {
			z3::expr u = c.bool_val(true);
			for (Va a = va; a < va + nr; a++)
				u = mk_and(u, mk_not(va_mapped(s, sc, p, a)));
			return u;
		};
		for (unsigned b = 0; sc.pmd_faults && b < sc.blocks(); b++) {
			Va va = Va{b} * sc.pmd_pages();
			r = mk_or(r, mk_and(mk_and(gp, op.pmd),
					    mk_and(mk_and(mk_eq(op.va, c.int_val(va)),
							  mk_eq(op.order, c.int_val(sc.pmd_order))),
						   unmapped(va, sc.pmd_pages()))));
		}
		for (unsigned k = 0; k <= sc.pte_max_order; k++) {
			Va nr = Va{1} << k;
			for (Va va = 0; va + nr <= sc.space; va += nr)
				r = mk_or(r, mk_and(mk_and(gp, mk_not(op.pmd)),
						    mk_and(mk_and(mk_eq(op.va, c.int_val(va)),
								  mk_eq(op.order, c.int_val(k))),
							   unmapped(va, nr))));
		}
	}
	return r;
}

/* Every page of [op.va, op.va + op.pages) of the statement's process satisfies @ok. */
z3::expr every_page(const SymOp &op, const SolverScope &sc, const z3::expr &va,
		    const std::function<z3::expr(ProcId, Va)> &ok)
{
	z3::context &c = op.kind.ctx();
	z3::expr r = c.bool_val(true);
	for (ProcId p = 0; p < sc.procs; p++)
		for (Va a = 0; a < sc.space; a++) {
			z3::expr x = c.int_val(static_cast<int64_t>(a));
			z3::expr in = mk_and(proc_is(op, p),
					     mk_and(mk_le(va, x), mk_lt(x, mk_add(va, op.pages))));
			r = mk_and(r, mk_implies(in, ok(p, a)));
		}
	return r;
}

/* check_gup(): the whole range inside the space and mapped. */
z3::expr legal_gup(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = s.ctx();
	z3::expr r = mk_and(live_proc(s, op, sc),
			    mk_le(mk_add(op.va, op.pages), c.int_val(sc.space)));
	return mk_and(r, every_page(op, sc, op.va, [&](ProcId p, Va a) {
			      return va_mapped(s, sc, p, a);
		      }));
}

/* check_writable_vma(): no page of the range in a read-only VMA. */
z3::expr legal_write(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	return every_page(op, sc, op.va, [&](ProcId p, Va a) { return s.procs[p].vmas[a].write; });
}

/* check_file(): a whole number of folios (the name is new by construction). */
z3::expr legal_file(const SymOp &op, const SolverScope &sc)
{
	z3::context &c = op.kind.ctx();
	z3::expr r = c.bool_val(false);
	for (unsigned k = 0; k <= sc.pte_max_order; k++)
		for (unsigned n = 1u << k; n <= sc.space; n += 1u << k)
			r = mk_or(r, mk_and(mk_eq(op.order, c.int_val(k)), mk_eq(op.pages, c.int_val(n))));
	return r;
}

/* check_fault_file(): a created file, the pages inside it, the range unmapped. */
z3::expr legal_fault_file(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = s.ctx();
	z3::expr size = c.int_val(0);
	for (unsigned f = 0; f < sc.files; f++)
		size = mk_ite(mk_eq(op.file, c.int_val(f)), s.files[f].size, size);
	z3::expr r = mk_and(live_proc(s, op, sc), mk_le(mk_add(op.va, op.pages), c.int_val(sc.space)));
	r = mk_and(r, mk_and(mk_lt(op.file, s.nr_files), mk_le(mk_add(op.index, op.pages), size)));
	return mk_and(r, every_page(op, sc, op.va, [&](ProcId p, Va a) {
			      return mk_not(va_mapped(s, sc, p, a));
		      }));
}

/*
 * check_mremap(): both ranges inside the space and apart, nothing mapped at
 * the destination.
 */
z3::expr legal_mremap(const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = s.ctx();
	z3::expr space = c.int_val(sc.space);
	z3::expr r = mk_and(live_proc(s, op, sc), mk_le(mk_add(op.va, op.pages), space));
	r = mk_and(r, mk_le(mk_add(op.va2, op.pages), space));
	r = mk_and(r, mk_not(mk_and(mk_lt(op.va, mk_add(op.va2, op.pages)),
				    mk_lt(op.va2, mk_add(op.va, op.pages)))));
	return mk_and(r, every_page(op, sc, op.va2, [&](ProcId p, Va a) {
			      return mk_not(va_mapped(s, sc, p, a));
		      }));
}

/* check_handle(): a live handle. */
z3::expr legal_handle(const std::vector<SymHandle> &slots, const z3::expr &count, const z3::expr &id)
{
	z3::context &c = count.ctx();
	z3::expr r = c.bool_val(false);
	for (unsigned h = 0; h < slots.size(); h++)
		r = mk_or(r, mk_and(mk_eq(id, c.int_val(h + 1)),
				    mk_and(mk_lt(c.int_val(h), count), mk_not(slots[h].released))));
	return r;
}

/* ReferenceModel::State::check() for a statement of kind @k. */
z3::expr legality(OpKind k, const SymState &s, const SymOp &op, const SolverScope &sc)
{
	z3::context &c = s.ctx();
	switch (k) {
	case OpKind::fault_anon:
		return legal_fault(s, op, sc);
	case OpKind::read:
	case OpKind::fork:
	case OpKind::exit:
		return live_proc(s, op, sc);
	case OpKind::write:
		return mk_and(live_proc(s, op, sc), legal_write(s, op, sc));
	case OpKind::munmap:
	case OpKind::mprotect:
		/* check_proc_range() */
		return mk_and(live_proc(s, op, sc), mk_le(mk_add(op.va, op.pages), c.int_val(sc.space)));
	case OpKind::madv_free:
		/* check_madv_free(): anonymous VMAs only */
		return mk_and(mk_and(live_proc(s, op, sc),
				     mk_le(mk_add(op.va, op.pages), c.int_val(sc.space))),
			      every_page(op, sc, op.va, [&](ProcId p, Va a) {
				      return mk_eq(s.procs[p].vmas[a].file, c.int_val(0));
			      }));
	case OpKind::mremap:
		return legal_mremap(s, op, sc);
	case OpKind::file_create:
		return legal_file(op, sc);
	case OpKind::fault_file:
		return legal_fault_file(s, op, sc);
	case OpKind::pin:
		return mk_and(legal_gup(s, op, sc), mk_implies(op.write, legal_write(s, op, sc)));
	case OpKind::get:
		return legal_gup(s, op, sc);
	case OpKind::unpin:
		return legal_handle(s.pins, s.nr_pins, op.handle);
	case OpKind::put:
		return legal_handle(s.refs, s.nr_refs, op.handle);
	case OpKind::split_pmd: {
		z3::expr r = live_proc(s, op, sc), covered = c.bool_val(false);
		for (ProcId p = 0; p < sc.procs; p++)
			for (unsigned b = 0; b < sc.blocks(); b++) {
				Va bs = Va{b} * sc.pmd_pages();
				covered = mk_or(covered,
						mk_and(mk_and(proc_is(op, p), s.procs[p].pmds[b].present),
						       mk_and(mk_le(c.int_val(bs), op.va),
							      mk_lt(op.va, c.int_val(bs + sc.pmd_pages())))));
			}
		return mk_and(r, covered);
	}
	case OpKind::split:
	case OpKind::swapout: {
		/* check_split(); check_swapout(): an anon folio */
		z3::expr r = c.bool_val(false);
		for (unsigned i = 0; i < sc.folios; i++) {
			z3::expr ok = folio_live(s, i);
			if (k == OpKind::swapout)
				ok = mk_and(ok, s.folios[i].anon);
			r = mk_or(r, mk_and(mk_eq(op.folio, c.int_val(i + 1)), ok));
		}
		return r;
	}
	case OpKind::swapin: {
		/* check_swapin(): a swap entry at the VA */
		z3::expr r = c.bool_val(false);
		for (ProcId p = 0; p < sc.procs; p++)
			for (Va a = 0; a < sc.space; a++)
				r = mk_or(r, mk_and(mk_and(proc_is(op, p), proc_live(s, p)),
						    mk_and(mk_eq(op.va, c.int_val(static_cast<int64_t>(a))),
							   s.procs[p].swps[a].present)));
		return r;
	}
	case OpKind::shrink:
	case OpKind::reclaim:
		return c.bool_val(true);
	default:
		return c.bool_val(false);
	}
}

/*
 * apply_kind - KernelModel::apply() for a statement of kind @kind, on a
 * kernel whose state is the pre-state and whose path is "op.kind is @kind"
 * (the guard is the caller's, applied by SymKernel::branch()). The concrete
 * process, VA and order a kernel function needs are enumerated, each its
 * own path of @k.branch().
 */
void apply_kind(SymKernel &k, OpKind kind, const SymOp &op, const SymState &pre)
{
	const SolverScope &sc = k.sc;
	z3::context &c = k.c;
	const z3::expr T = c.bool_val(true);
	auto each_proc = [&](const std::function<void(ProcId, SymKernel &)> &fn) {
		std::vector<z3::expr> guards;
		for (ProcId p = 0; p < sc.procs; p++)
			guards.push_back(proc_is(op, p));
		k.branch(guards, [&](size_t p, SymKernel &sub) { fn(static_cast<ProcId>(p), sub); });
	};
	/* One path per (process, va) of @vas. */
	auto each_proc_va = [&](const std::vector<std::pair<z3::expr, Va>> &vas,
				const std::function<void(ProcId, size_t, SymKernel &)> &fn) {
		each_proc([&](ProcId p, SymKernel &kp) {
			std::vector<z3::expr> guards;
			for (const auto &v : vas)
				guards.push_back(v.first);
			kp.branch(guards, [&](size_t i, SymKernel &sub) { fn(p, i, sub); });
		});
	};

	/* One guard per VA: "the statement's VA is this one". */
	auto every_va = [&] {
		std::vector<std::pair<z3::expr, Va>> vas;
		for (Va va = 0; va < sc.space; va++)
			vas.emplace_back(mk_eq(op.va, c.int_val(va)), va);
		return vas;
	};

	switch (kind) {
	case OpKind::fault_anon: {
		/* Paths: a PMD fault per block, a PTE fault per (order, aligned va). */
		struct FaultPath {
			bool pmd;
			unsigned order;
			Va va;
		};
		std::vector<FaultPath> paths;
		std::vector<std::pair<z3::expr, Va>> guards;
		for (unsigned b = 0; sc.pmd_faults && b < sc.blocks(); b++) {
			Va va = Va{b} * sc.pmd_pages();
			paths.push_back({true, sc.pmd_order, va});
			guards.emplace_back(mk_and(op.pmd, mk_eq(op.va, c.int_val(va))), va);
		}
		for (unsigned o = 0; o <= sc.pte_max_order; o++) {
			Va nr = Va{1} << o;
			for (Va va = 0; va + nr <= sc.space; va += nr) {
				paths.push_back({false, o, va});
				guards.emplace_back(mk_and(mk_not(op.pmd),
							   mk_and(mk_eq(op.order, c.int_val(o)),
								  mk_eq(op.va, c.int_val(va)))),
						    va);
			}
		}
		each_proc_va(guards, [&](ProcId p, size_t i, SymKernel &sub) {
			const FaultPath &f = paths[i];
			/* The new anonymous VMA of the fault (KernelModel::apply()). */
			const Va nr = Va{1} << f.order;
			sub.mmap_region(T, p, c.int_val(f.va), c.int_val(f.va + nr), T,
					c.bool_val(false), c.int_val(0), c.int_val(f.va));
			if (f.pmd)
				sub.do_huge_pmd_anonymous_page(T, p, f.va / sc.pmd_pages());
			else
				sub.do_anonymous_page(T, p, f.va, f.order);
		});
		break;
	}
	case OpKind::read: {
		/*
		 * handle_read_fault(): do_swap_page() on a swap PTE, do_read_fault()
		 * on an unmapped page of a file VMA; otherwise no accounting (an
		 * unmapped anonymous VA maps the shared zeropage). Without a
		 * possible swap entry or file VMA (neither swapout nor file
		 * faults in the alphabet) there is nothing to run, and no per-VA
		 * path to copy the state for.
		 */
		bool may_fault = false;
		for (const SymProc &pr : pre.procs) {
			for (const SymSwp &e : pr.swps)
				may_fault |= !e.present.is_false();
			for (const SymVmaPage &v : pr.vmas)
				may_fault |= !mk_eq(v.file, c.int_val(0)).is_true();
		}
		if (!may_fault)
			break;
		const std::vector<std::pair<z3::expr, Va>> vas = every_va();
		each_proc_va(vas, [&](ProcId p, size_t i, SymKernel &sub) {
			sub.handle_read_fault(T, p, vas[i].second);
		});
		break;
	}
	case OpKind::file_create:
		k.filemap_create(T, pre.nr_files, op.pages, op.order);
		break;
	case OpKind::fault_file:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.fault_file(T, p, op.va, op.file, op.index, op.pages, op.priv);
		});
		break;
	case OpKind::mprotect:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.mprotect_fixup(T, p, op.va, mk_add(op.va, op.pages), op.ro);
		});
		break;
	case OpKind::mremap: {
		/* One path per (range, destination) that check_mremap() can accept. */
		struct Move {
			Va from, nr, to;
		};
		std::vector<Move> moves;
		std::vector<std::pair<z3::expr, Va>> guards;
		for (Va nr = 1; nr <= sc.space; nr++)
			for (Va from = 0; from + nr <= sc.space; from++)
				for (Va to = 0; to + nr <= sc.space; to++) {
					if (from < to + nr && to < from + nr)
						continue;
					moves.push_back({from, nr, to});
					z3::expr gm = mk_and(mk_eq(op.pages, c.int_val(nr)),
							     mk_and(mk_eq(op.va, c.int_val(from)),
								    mk_eq(op.va2, c.int_val(to))));
					guards.emplace_back(gm, from);
				}
		each_proc_va(guards, [&](ProcId p, size_t i, SymKernel &sub) {
			sub.move_vma(T, p, moves[i].from, moves[i].nr, moves[i].to);
		});
		break;
	}
	case OpKind::swapin: {
		const std::vector<std::pair<z3::expr, Va>> vas = every_va();
		each_proc_va(vas, [&](ProcId p, size_t i, SymKernel &sub) {
			sub.do_swap_page(T, p, vas[i].second, c.bool_val(false));
		});
		break;
	}
	case OpKind::swapout: {
		std::vector<z3::expr> guards;
		for (unsigned i = 0; i < sc.folios; i++)
			guards.push_back(mk_eq(op.folio, c.int_val(i + 1)));
		k.branch(guards, [&](size_t i, SymKernel &sub) {
			sub.shrink_folio_list(T, static_cast<unsigned>(i));
		});
		break;
	}
	case OpKind::write: {
		const std::vector<std::pair<z3::expr, Va>> vas = every_va();
		/* handle_mm_fault_write(): the fault, then the write dirties the mapping */
		each_proc_va(vas, [&](ProcId p, size_t i, SymKernel &sub) {
			sub.handle_write_fault(T, p, vas[i].second, c.bool_val(false));
			sub.pte_mkdirty(T, p, vas[i].second);
		});
		break;
	}
	case OpKind::fork: {
		/* The child exists (mms resized) before copy_page_range() runs. */
		assign(k.s.nr_procs, T, mk_add(pre.nr_procs, c.int_val(1)));
		std::vector<z3::expr> guards;
		std::vector<std::pair<ProcId, ProcId>> pq;
		for (ProcId p = 0; p < sc.procs; p++)
			for (ProcId q = 1; q < sc.procs; q++) {
				guards.push_back(mk_and(proc_is(op, p), mk_eq(pre.nr_procs, c.int_val(q))));
				pq.emplace_back(p, q);
			}
		k.branch(guards, [&](size_t i, SymKernel &sub) {
			auto [p, q] = pq[i];
			SymProc &child = sub.s.procs[q];
			child.exited = c.bool_val(false);
			child.has_pinned = c.bool_val(false);
			child.rss_anon = c.int_val(0);
			child.rss_file = c.int_val(0);
			sub.dup_vmas(T, p, q);
			for (Va a = 0; a < sc.space; a++)
				sub.clear_pte(T, q, a);
			for (unsigned b = 0; b < sc.blocks(); b++)
				sub.clear_pmd(T, q, b);
			sub.copy_page_range(T, p, q);
		});
		break;
	}
	case OpKind::munmap:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.zap_page_range(T, p, op.va, mk_add(op.va, op.pages));
		});
		break;
	case OpKind::pin:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.pin_user_pages(T, p, op.va, op.pages, op.write, op.longterm);
		});
		break;
	case OpKind::get:
		each_proc([&](ProcId p, SymKernel &sub) { sub.get_user_pages(T, p, op.va, op.pages); });
		break;
	case OpKind::unpin:
		k.unpin_user_pages(T, op.handle);
		break;
	case OpKind::put:
		k.put_user_pages(T, op.handle);
		break;
	case OpKind::split_pmd: {
		std::vector<std::pair<z3::expr, Va>> blocks;
		for (unsigned b = 0; b < sc.blocks(); b++) {
			Va bs = Va{b} * sc.pmd_pages();
			blocks.emplace_back(mk_and(mk_le(c.int_val(bs), op.va),
						   mk_lt(op.va, c.int_val(bs + sc.pmd_pages()))),
					    b);
		}
		each_proc_va(blocks, [&](ProcId p, size_t i, SymKernel &sub) {
			unsigned b = static_cast<unsigned>(blocks[i].second);
			/* A copy: the guard must not follow the PMD it clears. */
			const z3::expr present = sub.s.procs[p].pmds[b].present;
			sub.split_huge_pmd_locked(present, p, b);
		});
		break;
	}
	case OpKind::split:
		/* The caller's reference, as split_huge_pages_pid() takes it. */
		k.folio_get(T, op.folio);
		k.own_ref_taken(T, op.folio);
		k.visible(T, "split: caller reference taken");
		k.split_folio(T, op.folio);
		k.folio_put(T, op.folio);
		k.own_ref_dropped(T, op.folio);
		break;
	case OpKind::shrink:
		k.deferred_split_scan(T);
		break;
	case OpKind::madv_free:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.madvise_free(T, p, op.va, mk_add(op.va, op.pages));
		});
		break;
	case OpKind::reclaim:
		k.reclaim_lazyfree(T);
		break;
	case OpKind::exit:
		each_proc([&](ProcId p, SymKernel &sub) {
			sub.zap_page_range(T, p, c.int_val(0), c.int_val(sc.space));
			sub.s.procs[p].exited = c.bool_val(true);
		});
		break;
	default:
		break;
	}
}

} // namespace

std::string solver_file_name(uint32_t n)
{
	return "file" + std::to_string(n);
}

const std::vector<OpKind> &encoded_ops()
{
	static const std::vector<OpKind> kinds = [] {
		std::vector<OpKind> v;
		for (const KindName &k : kind_names())
			v.push_back(k.kind);
		return v;
	}();
	return kinds;
}

const std::vector<OpKind> &anon_ops()
{
	static const std::vector<OpKind> kinds = [] {
		std::vector<OpKind> v;
		for (const KindName &k : kind_names())
			if (k.anon)
				v.push_back(k.kind);
		return v;
	}();
	return kinds;
}

bool op_encoded(OpKind k)
{
	return alphabet_has(encoded_ops(), k);
}

bool alphabet_has(const std::vector<OpKind> &kinds, OpKind k)
{
	return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

std::string op_kind_name(OpKind k)
{
	for (const KindName &n : kind_names())
		if (n.kind == k)
			return n.name;
	return "statement " + std::to_string(static_cast<int>(k));
}

std::vector<OpKind> parse_op_kinds(const std::string &list, std::string *error)
{
	if (list.empty())
		return anon_ops();
	std::vector<OpKind> kinds;
	auto add = [&](OpKind k) {
		if (!alphabet_has(kinds, k))
			kinds.push_back(k);
	};
	std::stringstream ss(list);
	std::string item;
	while (std::getline(ss, item, ',')) {
		const std::vector<OpKind> *family = item == "all"    ? &encoded_ops()
						    : item == "anon" ? &anon_ops()
								     : nullptr;
		if (family) {
			for (OpKind k : *family)
				add(k);
			continue;
		}
		bool found = false;
		for (const KindName &k : kind_names())
			if (item == k.name) {
				add(k.kind);
				found = true;
			}
		if (!found) {
			std::string known;
			for (const KindName &k : kind_names())
				known += std::string(known.empty() ? "" : ",") + k.name;
			*error = "unknown statement '" + item + "' (" + known + ", anon or all)";
			return {};
		}
	}
	return kinds;
}

SymOp fresh_op(z3::context &c, const std::string &prefix)
{
	SymOp op(c);
	op.kind = c.int_const((prefix + ".kind").c_str());
	op.proc = c.int_const((prefix + ".proc").c_str());
	op.va = c.int_const((prefix + ".va").c_str());
	op.pages = c.int_const((prefix + ".pages").c_str());
	op.order = c.int_const((prefix + ".order").c_str());
	op.pmd = c.bool_const((prefix + ".pmd").c_str());
	op.write = c.bool_const((prefix + ".write").c_str());
	op.handle = c.int_const((prefix + ".handle").c_str());
	op.folio = c.int_const((prefix + ".folio").c_str());
	op.file = c.int_const((prefix + ".file").c_str());
	op.index = c.int_const((prefix + ".index").c_str());
	op.priv = c.bool_const((prefix + ".priv").c_str());
	op.ro = c.bool_const((prefix + ".ro").c_str());
	op.va2 = c.int_const((prefix + ".va2").c_str());
	op.longterm = c.bool_const((prefix + ".longterm").c_str());
	return op;
}

namespace {

/* for_each_range - @fn(va, pages) for every range of pages inside the space, by VA then length. */
template <class Fn>
void for_each_range(const SolverScope &sc, Fn fn)
{
	for (Va va = 0; va < sc.space; va++)
		for (Va n = 1; va + n <= sc.space; n++)
			fn(va, n);
}

} // namespace

std::vector<Op> concrete_ops(OpKind k, const SolverScope &sc, bool file_pages)
{
	std::vector<Op> out;
	Op base;
	base.kind = k;
	base.pages = 1;
	for (ProcId p = 0; p < (op_uses_proc(k) ? sc.procs : 1u); p++) {
		Op o = base;
		o.proc = p;
		switch (k) {
		case OpKind::fault_anon:
			for (Va va = 0; va < sc.space; va++) {
				for (unsigned order = 0; order <= sc.pmd_order; order++) {
					o.va = va;
					o.order = order;
					o.pmd = false;
					out.push_back(o);
					if (order == sc.pmd_order && sc.pmd_faults) {
						o.pmd = true;
						out.push_back(o);
					}
				}
			}
			break;
		case OpKind::read:
		case OpKind::write:
		case OpKind::split_pmd:
		case OpKind::swapin:
			for (Va va = 0; va < sc.space; va++) {
				o.va = va;
				out.push_back(o);
			}
			break;
		case OpKind::munmap:
		case OpKind::madv_free:
			for_each_range(sc, [&](Va va, Va n) {
				o.va = va;
				o.pages = n;
				out.push_back(o);
			});
			break;
		case OpKind::pin:
		case OpKind::get:
			for (Va va = 0; va < sc.space; va++)
				for (Va n = 1; n <= sc.handle_pages; n++)
					for (bool w : {false, true})
						for (bool lt : {false, true}) {
							if ((w || lt) && k != OpKind::pin)
								continue;
							if (lt && !file_pages)
								continue;
							o.va = va;
							o.pages = n;
							o.write = w;
							o.longterm = lt;
							out.push_back(o);
						}
			break;
		case OpKind::mprotect:
			for_each_range(sc, [&](Va va, Va n) {
				for (bool ro : {true, false}) {
					o.va = va;
					o.pages = n;
					o.ro = ro;
					out.push_back(o);
				}
			});
			break;
		case OpKind::mremap:
			for (Va n = 1; n <= sc.space; n++)
				for (Va va = 0; va + n <= sc.space; va++)
					for (Va to = 0; to + n <= sc.space; to++) {
						if (va < to + n && to < va + n)
							continue;
						o.va = va;
						o.pages = n;
						o.va2 = to;
						out.push_back(o);
					}
			break;
		case OpKind::file_create:
			for (unsigned order = 0; order <= sc.pte_max_order; order++)
				for (Va n = 1u << order; n <= sc.space; n += 1u << order) {
					o.pages = n;
					o.order = order;
					out.push_back(o);
				}
			break;
		case OpKind::fault_file:
			for (unsigned f = 0; f < sc.files; f++)
				for_each_range(sc, [&](Va va, Va n) {
					for (Va index = 0; index + n <= sc.space; index++)
						for (bool priv : {false, true}) {
							o.file = solver_file_name(f);
							o.va = va;
							o.pages = n;
							o.index = index;
							o.is_private = priv;
							out.push_back(o);
						}
				});
			break;
		case OpKind::unpin:
		case OpKind::put:
			for (unsigned h = 1; h <= (k == OpKind::unpin ? sc.pins : sc.refs); h++) {
				o.handle = static_cast<HandleId>(h);
				out.push_back(o);
			}
			break;
		case OpKind::split:
		case OpKind::swapout:
			for (unsigned f = 1; f <= sc.folios; f++) {
				o.folio = static_cast<FolioId>(f);
				out.push_back(o);
			}
			break;
		default:
			out.push_back(o);
			break;
		}
	}
	return out;
}

SymOp concrete_op(z3::context &c, const Op &o)
{
	SymOp op(c);
	op.kind = c.int_val(static_cast<int>(o.kind));
	op.proc = c.int_val(o.proc);
	op.va = c.int_val(static_cast<int64_t>(o.va));
	op.pages = c.int_val(static_cast<int64_t>(o.pages));
	op.order = c.int_val(o.order);
	op.pmd = c.bool_val(o.pmd);
	op.write = c.bool_val(o.write);
	op.handle = c.int_val(o.handle);
	op.folio = c.int_val(o.folio);
	/* `file NAME` is always the next file; fault file= names one by number */
	uint32_t file = 0;
	if (o.kind == OpKind::fault_file && o.file.rfind("file", 0) == 0)
		file = static_cast<uint32_t>(std::strtoul(o.file.c_str() + 4, nullptr, 10));
	op.file = c.int_val(file);
	op.index = c.int_val(static_cast<int64_t>(o.index));
	op.priv = c.bool_val(o.is_private);
	op.ro = c.bool_val(o.ro);
	op.va2 = c.int_val(static_cast<int64_t>(o.va2));
	op.longterm = c.bool_val(o.longterm);
	return op;
}

Op decode_op(const Evaluator &ev, const SymOp &op, const SymState &pre, const SolverScope &sc)
{
	Op o;
	o.kind = static_cast<OpKind>(eval_int(ev, op.kind));
	o.proc = static_cast<ProcId>(eval_int(ev, op.proc));
	o.va = static_cast<Va>(eval_int(ev, op.va));
	o.pages = static_cast<uint64_t>(eval_int(ev, op.pages));
	o.order = static_cast<unsigned>(eval_int(ev, op.order));
	o.pmd = eval_bool(ev, op.pmd);
	o.write = eval_bool(ev, op.write);
	o.handle = static_cast<HandleId>(eval_int(ev, op.handle));
	o.folio = static_cast<FolioId>(eval_int(ev, op.folio));
	o.index = static_cast<uint64_t>(eval_int(ev, op.index));
	o.is_private = eval_bool(ev, op.priv);
	o.ro = eval_bool(ev, op.ro);
	o.va2 = static_cast<Va>(eval_int(ev, op.va2));
	o.longterm = eval_bool(ev, op.longterm);
	if (o.kind == OpKind::fork)
		o.proc2 = static_cast<ProcId>(eval_int(ev, pre.nr_procs));
	if (o.kind == OpKind::file_create)
		o.file = solver_file_name(static_cast<uint32_t>(eval_int(ev, pre.nr_files)));
	if (o.kind == OpKind::fault_file)
		o.file = solver_file_name(static_cast<uint32_t>(eval_int(ev, op.file)));
	(void)sc;
	return o;
}

StatementCheck check_statement(const SolverScope &sc, const SymState &pre, const SymOp &op,
			       const std::vector<OpKind> &kinds)
{
	z3::context &c = pre.ctx();
	StatementCheck r{c.bool_val(false), c.bool_val(false)};
	for (OpKind kind : kinds) {
		z3::expr is = kind_is(op, kind);
		if (is.is_false())
			continue;
		r.op_ok = mk_or(r.op_ok, mk_and(is, op_domain(kind, op, sc)));
		r.legal = mk_or(r.legal, mk_and(is, legality(kind, pre, op, sc)));
	}
	return r;
}

Transition encode_transition(const Config &cfg, const SolverScope &sc, const SymState &pre,
			     const SymOp &op, const std::vector<OpKind> &kinds, bool record_gather)
{
	z3::context &c = pre.ctx();
	SymKernel k(cfg, sc, pre);
	k.record_gather = record_gather;
	Transition t(c);
	StatementCheck allowed = check_statement(sc, pre, op, kinds);
	t.op_ok = allowed.op_ok;
	t.legal = allowed.legal;

	/* One path per statement kind, each from the pre-state. */
	std::vector<z3::expr> guards;
	for (OpKind kind : kinds)
		guards.push_back(kind_is(op, kind));
	k.branch(guards, [&](size_t i, SymKernel &sub) {
		apply_kind(sub, kinds[i], op, pre);
		if (kinds[i] == OpKind::fork)
			sub.leave_scope(mk_le(c.int_val(sc.procs), pre.nr_procs));
		if (kinds[i] == OpKind::file_create)
			sub.leave_scope(mk_le(c.int_val(sc.files), pre.nr_files));
	});
	k.visible(c.bool_val(true), "end of operation", true);

	t.in_scope = mk_not(k.out_of_scope);
	t.points = std::move(k.points);
	t.lemma_points = std::move(k.lemma_points);
	t.replaced = std::move(k.replaced);
	t.post = std::move(k.s);
	return t;
}

} // namespace fc::solver
