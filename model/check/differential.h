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

} // namespace fc
