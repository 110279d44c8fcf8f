// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_model.h - the batched, counter-keeping model of the kernel.
 *
 * It stores what struct folio and struct page store and updates those
 * counters through functions named and shaped like the kernel's (rmap.h,
 * mm/rmap.c, mm/memory.c, mm/huge_memory.c, mm/gup.c); see the .cc files of
 * this folder, each named after the kernel file it mirrors.
 *
 * apply() assumes the statement is legal (ReferenceModel::check() said so).
 * Inside an operation it reports every visible point to its observer.
 */
#pragma once

#include "model/snapshot.h"
#include "model/snapshot_delta.h"
#include "model/trace.h"

#include <memory>
#include <string>

namespace fc {

class KernelModel;

/* Who watches the kernel model from "another CPU". */
class KernelObserver {
public:
	virtual ~KernelObserver() = default;
	virtual void on_visible_point(const KernelModel &km, const VisiblePoint &vp) = 0;
	virtual void on_page_replaced(const KernelModel &km, const PageReplaced &r) = 0;
};

class KernelModel {
public:
	explicit KernelModel(const Config &cfg);
	KernelModel(const KernelModel &);
	KernelModel &operator=(const KernelModel &);
	KernelModel(KernelModel &&) noexcept;
	KernelModel &operator=(KernelModel &&) noexcept;
	~KernelModel();

	/* The observer is not owned and not copied with the model. */
	void set_observer(KernelObserver *obs);

	/* Runs a legal statement; returns a one-line outcome note or "". */
	std::string apply(const Op &op);
	/*
	 * missing_name - what @op names (a folio, a pin, a reference) that
	 * this model does not have, or "". Only after the models diverged can
	 * a statement the reference model accepts name such a thing (a folio
	 * only the reference model allocated); apply() must not run it.
	 */
	std::string missing_name(const Op &op) const;

	Snapshot snapshot() const;
	/*
	 * snapshot_update - make @out equal to snapshot() in O(what changed)
	 * and list in @delta (cleared first) what that changed. @out must be
	 * empty or hold what this model showed at its previous
	 * snapshot_update(): the change logs of the page tables and of each
	 * folio's pages (tracked_map.h, tracked_pages.h) are relative to that
	 * call, which consumes them. A copy of the model starts with
	 * every entry logged, so a copy's first update against an empty
	 * Snapshot lists every entry as new. Returns !delta.empty().
	 */
	bool snapshot_update(Snapshot &out, SnapshotDelta &delta) const;
	const CostCounters &costs() const;
	const Config &config() const;

	struct State; /* defined in kernel_state.h, shared by the .cc files */

private:
	std::unique_ptr<State> s_;
};

} // namespace fc
