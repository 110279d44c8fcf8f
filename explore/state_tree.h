// SPDX-License-Identifier: GPL-2.0
/*
 * state_tree.h - the breadth-first search tree: for every distinct state the
 * explorer keeps, the state it was first reached from and the statement that
 * reached it (16 bytes), level by level.
 *
 * States are not stored; a state is rebuilt by replaying its path from the
 * initial state. PathCursor makes that cheap when states are visited in
 * level order: the frontier of a level is stored in the order its parents
 * were expanded, so consecutive states share all but their last few
 * ancestors and the cursor replays only the part of the path that changed.
 * The first path to a state is a shortest one (BFS), so every trace built
 * from the tree is a shortest trace to its state.
 */
#pragma once

#include "explore/history.h"
#include "explore/packed_op.h"
#include "model/check/runner.h"

#include <cstdint>
#include <vector>

namespace fc::explore {

struct TreeNode {
	uint32_t parent; /* index in the previous level */
	PackedOp op;     /* statement from the parent to this state */
};

class StateTree {
public:
	/* Level 0 holds the initial state alone. */
	StateTree();

	size_t levels() const { return levels_.size(); }
	size_t level_size(size_t d) const { return levels_[d].size(); }
	const TreeNode &node(size_t d, size_t i) const { return levels_[d][i]; }

	/* Opens level levels(); add() then appends to it. */
	void open_level();
	void add(uint32_t parent, const PackedOp &op) { levels_.back().push_back({parent, op}); }

	/* The statements from the initial state to state @i of level @d. */
	std::vector<Op> path(size_t d, size_t i) const;

	size_t memory_bytes() const;

	/* Every level, for checkpoints (checkpoint.h); assign() replaces them. */
	const std::vector<std::vector<TreeNode>> &all_levels() const { return levels_; }
	void assign(std::vector<std::vector<TreeNode>> levels) { levels_ = std::move(levels); }

private:
	std::vector<std::vector<TreeNode>> levels_;
};

/*
 * class PathCursor - rebuilds states of a StateTree by replaying their paths
 * on copies of the initial Runner, keeping the Runner of every state along
 * the current path.
 */
class PathCursor {
public:
	PathCursor(const StateTree &tree, const Runner &initial);

	/*
	 * go - the Runner of state @i of level @d. Throws std::logic_error if a
	 * path does not replay (a model that is not deterministic).
	 */
	const Runner &go(size_t d, uint32_t i);
	/* The path key (history.h) of the state go() returned last. */
	const PathKey &key() const { return keys_[valid_ - 1]; }

	/* Statements replayed so far (the cost of rebuilding states). */
	uint64_t replayed() const { return replayed_; }

private:
	const StateTree &tree_;
	std::vector<Runner> runners_;  /* runners_[k]: state at level k of the path */
	std::vector<PathKey> keys_;    /* keys_[k]: its path key */
	std::vector<uint32_t> index_;  /* index_[k]: its index in level k */
	size_t valid_ = 1;             /* runners_[0..valid_) match index_ */
	std::vector<uint32_t> chain_;
	uint64_t replayed_ = 0;
};

} // namespace fc::explore
