// SPDX-License-Identifier: GPL-2.0
/*
 * reference_model.h - the executable specification.
 *
 * The reference model stores holders, never counters: every PTE and PMD of
 * every process, every pin and GUP reference with the pages it holds, the
 * deferred split queue. Every count in its Snapshot is derived by counting
 * holders with plain loops. It is also the judge of legality: check() says
 * whether a statement may run in the current state, and why not.
 *
 * The semantics it implements are written down in docs/semantics.md.
 */
#pragma once

#include "model/snapshot.h"
#include "model/trace.h"

#include <memory>
#include <optional>
#include <string>

namespace fc {

/* Why a statement cannot run; @col is 0 for "the statement as a whole". */
struct Rejection {
	std::string message;
	uint32_t col = 0;
};

class ReferenceModel {
public:
	explicit ReferenceModel(const Config &cfg);
	ReferenceModel(const ReferenceModel &);
	ReferenceModel &operator=(const ReferenceModel &);
	ReferenceModel(ReferenceModel &&) noexcept;
	ReferenceModel &operator=(ReferenceModel &&) noexcept;
	~ReferenceModel();

	/*
	 * check - may @op run now? Returns the reason it may not. `expect` is
	 * always allowed here (the runner judges its observable).
	 */
	std::optional<Rejection> check(const Op &op) const;

	/*
	 * apply - run a statement check() accepted. Returns a one-line note on
	 * the outcome where there is a choice ("copied to f5", "split failed:
	 * extra references"), else "".
	 */
	std::string apply(const Op &op);

	Snapshot snapshot() const;
	/* snapshot_into - snapshot() written over @snap, reusing its storage. */
	void snapshot_into(Snapshot &snap) const;

	/*
	 * view - snapshot(), kept from one apply() to the next: once asked
	 * for, every apply() brings it up to date by looking only at the
	 * folios the statement may have touched (those it wrote, and those
	 * named by a page-table entry, handle, cache entry or queue slot that
	 * differs from the view's), not at every folio of the world. Valid
	 * until the next apply() or assignment; a copy of the model starts
	 * without one, and its first view() is built whole.
	 */
	const Snapshot &view() const;
	/*
	 * view_changes - the folios (sorted by id) whose view the last
	 * apply() may have changed, if that apply() kept the view; nullptr if
	 * the view was built whole since (every folio may have changed).
	 */
	const std::vector<FolioId> *view_changes() const;
	/* has_view - view() is being kept: asked for since the model was made or assigned. */
	bool has_view() const;

	const Config &config() const;

private:
	struct State;
	struct View;
	std::unique_ptr<State> s_;
	mutable std::unique_ptr<View> view_;
};

} // namespace fc
