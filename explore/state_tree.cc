// SPDX-License-Identifier: GPL-2.0
/*
 * state_tree.cc - the BFS tree and the cursor that replays its paths.
 */
#include "explore/state_tree.h"

#include <stdexcept>

namespace fc::explore {

StateTree::StateTree()
{
	levels_.emplace_back();
	levels_[0].push_back({0, PackedOp{}});
}

void StateTree::open_level() { levels_.emplace_back(); }

std::vector<Op> StateTree::path(size_t d, size_t i) const
{
	std::vector<Op> ops(d);
	for (size_t k = d; k > 0; k--) {
		const TreeNode &n = levels_[k][i];
		ops[k - 1] = unpack_op(n.op);
		i = n.parent;
	}
	return ops;
}

size_t StateTree::memory_bytes() const
{
	size_t b = 0;
	for (const auto &l : levels_)
		b += l.capacity() * sizeof(TreeNode);
	return b;
}

PathCursor::PathCursor(const StateTree &tree, const Runner &initial) : tree_(tree)
{
	runners_.push_back(initial);
	keys_.push_back(PathKey{});
	index_.push_back(0);
}

const Runner &PathCursor::go(size_t d, uint32_t i)
{
	/* chain_[k]: index of the ancestor at level k */
	chain_.assign(d + 1, 0);
	for (size_t k = d; k > 0; k--) {
		chain_[k] = i;
		i = tree_.node(k, i).parent;
	}
	size_t keep = 1;
	while (keep < valid_ && keep <= d && index_[keep] == chain_[keep])
		keep++;
	if (runners_.size() < d + 1) {
		runners_.resize(d + 1, runners_[0]);
		keys_.resize(d + 1);
		index_.resize(d + 1, 0);
	}
	for (size_t k = keep; k <= d; k++) {
		runners_[k] = runners_[k - 1];
		index_[k] = chain_[k];
		const PackedOp &packed = tree_.node(k, chain_[k]).op;
		keys_[k] = keys_[k - 1].extend(packed);
		Op op = unpack_op(packed);
		StepResult r = runners_[k].step(op);
		replayed_++;
		if (r.status != StepStatus::ok) {
			valid_ = k;
			throw std::logic_error("explore: replaying `" + format_op(op) +
					       "` did not reproduce the state it reached before");
		}
	}
	valid_ = d + 1;
	return runners_[d];
}

} // namespace fc::explore
