// SPDX-License-Identifier: GPL-2.0
/*
 * differential.h - compare the reference model's and the kernel model's
 * Snapshots, observable by observable.
 */
#pragma once

#include "model/snapshot.h"

#include <string>
#include <vector>

namespace fc {

/* One observable on which the models disagree, e.g. "refcount f2": 3 vs 4. */
struct Difference {
	std::string observable;
	std::string reference;
	std::string kernel;
};

std::vector<Difference> diff_snapshots(const Snapshot &reference, const Snapshot &kernel);

/*
 * diff_snapshots_of - diff_snapshots() looking at the folios @folios (ids,
 * ascending) only, where the caller knows every other folio looks the same
 * in both (the Runner: neither model changed it since a comparison that
 * found it the same); nullptr looks at every folio. The rows are the ones
 * diff_snapshots() gives under that premise. @differing, if given, gets the
 * folios looked at that differ.
 */
std::vector<Difference> diff_snapshots_of(const Snapshot &reference, const Snapshot &kernel,
					  const std::vector<FolioId> *folios,
					  std::vector<FolioId> *differing);

} // namespace fc
