// SPDX-License-Identifier: GPL-2.0
/*
 * transitions.h - the transition relation: one statement of the op alphabet
 * applied to a symbolic state, with every visible point inside it.
 *
 * A statement is a SymOp whose fields are terms (kind, process, VA, ...);
 * encode_transition() runs the kernel model's code for every statement kind
 * of the alphabet on the symbolic state, each under the condition that the
 * op is of that kind (predicated execution: formula.h, assign()). The result
 * is the post-state, the legality of the op as ReferenceModel::check()
 * judges it, whether it stays inside the scope's bounds, and the visible
 * points in execution order — each a path condition and the state there, as
 * KernelModel reports them to its observer — so an invariant can be checked
 * in the middle of a batched zap exactly where the Runner checks it.
 *
 * Encoded statements: fault anon [pmd], read, write, fork, munmap, pin,
 * unpin, get, put, split_pmd, split, shrink, exit (the `anon` alphabet, the
 * default) and madv_free, reclaim, swapout, swapin, file, fault file=,
 * mprotect, mremap (opt-in; `all` is every statement of SPEC's table).
 * Files are named file0, file1, ... in creation order; `fault file=` has
 * at=0 (the faulting page decides only the accessed bit, which is not
 * encoded).
 */
#pragma once

#include "model/trace.h"
#include "solver/encoding.h"

#include <string>
#include <vector>

namespace fc::solver {

/* The name the solver gives file number @n: file0, file1, ... */
std::string solver_file_name(uint32_t n);

/* The statement kinds the encoding implements, in alphabet order. */
const std::vector<OpKind> &encoded_ops();
/* The default alphabet: the anon statements (encoded_ops() without the opt-in ones). */
const std::vector<OpKind> &anon_ops();
bool op_encoded(OpKind k);
/* @k is one of @kinds. */
bool alphabet_has(const std::vector<OpKind> &kinds, OpKind k);
/* The statement's keyword: "fault", "munmap", ... */
std::string op_kind_name(OpKind k);
/*
 * "fault,write,..." (names as in traces; "anon" for the default alphabet,
 * "all" for every encoded kind; empty: anon) -> kinds.
 */
std::vector<OpKind> parse_op_kinds(const std::string &list, std::string *error);

/* One statement with symbolic fields (Op's fields, same meaning). */
struct SymOp {
	z3::expr kind;    /* OpKind as an integer */
	z3::expr proc;
	z3::expr va;
	z3::expr pages;
	z3::expr order;
	z3::expr pmd;     /* bool */
	z3::expr write;   /* bool */
	z3::expr handle;  /* pin or ref id */
	z3::expr folio;   /* folio id of split */
	z3::expr file;    /* file number of fault file= (file NAME: the next one) */
	z3::expr index;   /* index= of fault file= */
	z3::expr priv;    /* bool: fault file= ... private */
	z3::expr ro;      /* bool: mprotect ... ro */
	z3::expr va2;     /* to= of mremap */
	z3::expr longterm; /* bool: pin ... longterm */
	explicit SymOp(z3::context &c)
		: kind(c), proc(c), va(c), pages(c), order(c), pmd(c), write(c), handle(c),
		  folio(c), file(c), index(c), priv(c), ro(c), va2(c), longterm(c) {}
};

SymOp fresh_op(z3::context &c, const std::string &prefix);
/*
 * concrete_ops - every statement of kind @k inside the alphabet's domain for
 * @sc (op_ok's fields), legal or not, except that ranges are cut to the
 * space; `fork P Q` has Q left 0 and `file NAME` no name (the encoding
 * takes both from the pre-state). @file_pages: the alphabet maps files, so
 * pins come with and without `longterm`. The inductive check asks one
 * question per statement, the concrete prefix of BMC runs each.
 */
std::vector<Op> concrete_ops(OpKind k, const SolverScope &sc, bool file_pages);
SymOp concrete_op(z3::context &c, const Op &op);
/*
 * The statement a model assigns to @op; `fork P Q` takes Q from @pre's
 * nr_procs, `file NAME` its name from @pre's nr_files.
 */
Op decode_op(const Evaluator &ev, const SymOp &op, const SymState &pre, const SolverScope &sc);

/*
 * A visible point: reached when @guard holds, with the state @state. Inside
 * a zap with an mmu_gather, @gathered[i] is the references to folio slot i
 * the gather holds for its flush, plus the statement's own references
 * inside a split or the shrinker (SymKernel::own_refs; empty elsewhere).
 */
struct SymVisiblePoint {
	z3::expr guard;
	std::string where;
	bool settled;
	SymState state;
	std::vector<z3::expr> gathered;
	/* the shrinker holds the queue's folios on its private list */
	bool queue_detached = false;
	/* when it was reached, among the statement's visible and lemma points */
	unsigned seq = 0;
};

/* A COW or unshare fault replaced the page mapped at (@proc, @va). */
struct SymPageReplaced {
	z3::expr guard;
	ProcId proc;
	Va va;
	z3::expr folio, page;
	SymState state;
};

struct Transition {
	z3::expr op_ok;     /* the op's fields lie in the alphabet's domain */
	z3::expr legal;     /* ReferenceModel::check() accepts it */
	z3::expr in_scope;  /* no folio id, handle, process or queue entry beyond the scope */
	std::vector<SymVisiblePoint> points;  /* execution order; last: "end of operation" */
	std::vector<SymVisiblePoint> lemma_points;  /* SymKernel::lemma_points (record_gather) */
	std::vector<SymPageReplaced> replaced;
	SymState post;
	explicit Transition(z3::context &c) : op_ok(c), legal(c), in_scope(c), post(c) {}
};

/* Whether @op is a statement of @kinds inside the domain, and legal on @pre. */
struct StatementCheck {
	z3::expr op_ok;  /* Transition::op_ok */
	z3::expr legal;  /* Transition::legal */
};
StatementCheck check_statement(const SolverScope &sc, const SymState &pre, const SymOp &op,
			       const std::vector<OpKind> &kinds);

/*
 * encode_transition - @op on @pre under @cfg's variant, arch and mutant.
 * Only the kinds in @kinds are encoded (op_ok excludes the others). With
 * @record_gather, zaps record what their mmu_gather holds at each point
 * (SymVisiblePoint::gathered, Transition::lemma_points), a split and the
 * shrinker their own references (SymKernel::own_refs), and fork a lemma
 * point between its copies (SymKernel::lemma_point()).
 */
Transition encode_transition(const Config &cfg, const SolverScope &sc, const SymState &pre,
			     const SymOp &op, const std::vector<OpKind> &kinds,
			     bool record_gather = false);

} // namespace fc::solver
