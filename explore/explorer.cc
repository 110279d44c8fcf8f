// SPDX-License-Identifier: GPL-2.0
/*
 * explorer.cc - the level-synchronous parallel BFS of explorer.h.
 */
#include "explore/explorer.h"

#include "explore/checkpoint.h"
#include "explore/fingerprint_set.h"
#include "explore/history.h"
#include "explore/packed_op.h"
#include "explore/resource_usage.h"
#include "explore/sorted_spill_set.h"
#include "explore/state_tree.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace fc::explore {

Config default_explore_config()
{
	Config cfg;
	cfg.scope.pmd_order = 2;
	cfg.scope.max_order = 2;
	cfg.scope.max_procs = 2;
	cfg.scope.space = 8;
	return cfg;
}

uint32_t mutant_families(Mutant m)
{
	switch (m) {
	case Mutant::swapout_ignores_pin:
		return fam_anon | fam_swapout | fam_swapin;
	case Mutant::file_rmap_once_per_batch:
		return fam_anon | fam_file | fam_fault_file;
	case Mutant::madv_free_skips_batch_check:
		return fam_anon | fam_madv_free | fam_reclaim;
	case Mutant::pte_range_young_once:
		return fam_anon | fam_file | fam_fault_file;
	default:
		return fam_anon;
	}
}

ConfigOverrides full_overrides(const Config &cfg)
{
	ConfigOverrides o;
	o.variant = cfg.variant;
	o.arch = cfg.arch;
	o.mutant = cfg.mutant;
	o.pmd_order = cfg.scope.pmd_order;
	o.max_order = cfg.scope.max_order;
	o.max_procs = cfg.scope.max_procs;
	o.space = cfg.scope.space_pages();
	o.prefault = cfg.prefault;
	return o;
}

std::string Counterexample::headline() const
{
	std::string at = "statement " + std::to_string(step + 1);
	if (step < trace.ops.size())
		at += " (`" + format_op(trace.ops[step]) + "`)";
	if (!error.empty())
		return "the models threw at " + at + ": " + error;
	if (!violations.empty()) {
		const ViolationReport &v = violations.front();
		std::string s = "violation " + std::string(invariant_name(v.invariant)) + " at " + at +
				", " + v.point + ": " + v.detail;
		if (violations.size() > 1)
			s += " (and " + std::to_string(violations.size() - 1) + " more)";
		return s;
	}
	if (divergence && !divergence->differences.empty()) {
		const Difference &d = divergence->differences.front();
		std::string s = "the models diverge after " + at + ": " + d.observable +
				" reference " + d.reference + ", kernel " + d.kernel;
		if (divergence->differences.size() > 1)
			s += " (and " + std::to_string(divergence->differences.size() - 1) + " more)";
		return s;
	}
	return "step failed at " + at;
}

std::string ExploreResult::coverage() const
{
	std::string d = std::to_string(depth_exhausted), D = std::to_string(depth_bound);
	auto partial = [&] {
		return "exhausted depth " + d + " of " + D + "; depth " +
		       std::to_string(depth_exhausted + 1) + " partially (" +
		       std::to_string(partial_expanded) + " of " + std::to_string(partial_frontier) +
		       " states of depth " + d + " expanded)";
	};
	switch (stop) {
	case StopReason::depth_bound:
		return "exhausted depth " + D + " of " + D + ": every state reachable in at most " + D +
		       " statements of the alphabet was visited and every step into it checked";
	case StopReason::space_exhausted:
		return "exhausted the reachable state space at depth " + d + " of " + D +
		       ": no statement leads to a new state, deeper levels would add nothing";
	case StopReason::counterexample:
		return "stopped at the first counterexample (" + std::to_string(depth_exhausted + 1) +
		       " statements): every sequence of at most " + d +
		       " statements was checked clean, and depth " + std::to_string(depth_exhausted + 1) +
		       " up to the failing step in BFS order";
	case StopReason::max_states:
		return partial() + "; stopped by --max-states";
	case StopReason::max_mem:
		return partial() + "; stopped by --max-mem";
	case StopReason::seconds:
		return partial() + "; stopped by --seconds";
	case StopReason::interrupted:
		return partial() + "; interrupted (Ctrl-C)";
	}
	return "";
}

namespace {

using Clock = std::chrono::steady_clock;

/* A successor not in the visited set when its chunk looked. */
struct Successor {
	uint64_t fp;
	uint32_t parent;
	PackedOp op;
};

struct Failure {
	uint32_t state = 0;   /* index of the parent in its level */
	Op op;
	std::vector<ViolationReport> violations;
	std::optional<DivergenceReport> divergence;
	std::string error;
};

/* Consecutive frontier states expanded by one thread. */
struct Chunk {
	uint32_t begin = 0, end = 0;
	std::vector<Successor> out;
	std::optional<Failure> failure;
	uint64_t found = 0, rejected = 0;
	bool done = false;          /* every state expanded (or cut by a failure) */
	std::exception_ptr fatal;
};

struct Worker {
	Canonicalizer canon;
	PathCursor cursor;
	std::vector<Op> ops;
	/* each successor is stepped here, assigned from its parent: the
	 * assignment reuses the storage a fresh copy would allocate */
	Runner child;

	Worker(const Config &cfg, const CanonicalOptions &co, const StateTree &tree, const Runner &root)
		: canon(cfg, co), cursor(tree, root), child(root)
	{
	}
};

class Search {
public:
	explicit Search(const ExploreOptions &opts);
	ExploreResult run();

private:
	void expand_state(Worker &w, Chunk &c, size_t d, uint32_t i);
	bool returns_to_parent(const Runner &parent, const Runner &child,
			       const PathKey &child_key) const;
	void expand_chunk(Worker &w, Chunk &c, size_t d);
	void run_batch(std::vector<Chunk> &chunks, size_t d);
	bool merge(std::vector<Chunk> &chunks, size_t d, uint64_t *expanded);
	void report_progress(bool force);
	void build_counterexample(size_t d, const Failure &f);
	void start_last_level();
	void resume(size_t *level, uint64_t *expanded);
	void check_fingerprints_match(size_t levels);
	void save_point();
	double seconds_so_far() const;
	double cpu_seconds_so_far() const;

	const ExploreOptions &opts_;
	Config cfg_;
	Alphabet alphabet_;
	Runner root_;
	StateTree tree_;
	FingerprintSet visited_;
	/* the deepest level's fingerprints, when counted by sorting */
	std::unique_ptr<SortedSpillSet> last_level_;
	std::vector<std::unique_ptr<Worker>> workers_;

	std::atomic<bool> stop_{false};
	std::atomic<uint32_t> first_failure_{std::numeric_limits<uint32_t>::max()};
	std::atomic<size_t> next_chunk_{0};

	ExploreResult res_;
	Clock::time_point start_, last_progress_;
	double cpu_start_ = 0;
	unsigned level_ = 0;
	uint64_t level_expanded_ = 0, level_frontier_ = 0;
	uint64_t next_level_count_ = 0;
	uint64_t last_level_distinct_ = 0; /* counted by sorting, not in visited_ */
	/* checkpoints: when the last was written, and the time spent before a resume */
	Clock::time_point last_checkpoint_;
	double prior_seconds_ = 0, prior_cpu_seconds_ = 0;
};

Search::Search(const ExploreOptions &opts)
	: opts_(opts), cfg_(opts.cfg), alphabet_(opts.cfg, opts.families), root_(opts.cfg, opts.runner)
{
	const Scope &sc = cfg_.scope;
	if (sc.space_pages() > 0xffff || sc.max_procs > 0xff || sc.pmd_order > 15)
		throw std::invalid_argument("explore: scope too large to explore (space <= 65535 pages, "
					    "procs <= 255, pmd_order <= 15)");
	if (opts.depth == 0)
		throw std::invalid_argument("explore: --depth must be at least 1");
	unsigned threads = std::max(1u, opts.threads);
	for (unsigned t = 0; t < threads; t++)
		workers_.push_back(std::make_unique<Worker>(cfg_, opts.canonical, tree_, root_));
	res_.depth_bound = opts.depth;
	res_.threads = threads;
	res_.max_group_size = workers_[0]->canon.max_group_size();
}

/*
 * expand_state - run every legal alphabet instance from state @i of level
 * @d. A failing step ends the chunk: nothing after it in frontier order can
 * give a shorter or earlier counterexample.
 */
void Search::expand_state(Worker &w, Chunk &c, size_t d, uint32_t i)
{
	const Runner &parent = w.cursor.go(d, i);
	const PathKey key = w.cursor.key();
	w.ops.clear();
	alphabet_.candidates(parent.reference_snapshot(), w.ops);
	for (const Op &op : w.ops) {
		if (parent.reference().check(op)) {
			c.rejected++;
			continue;
		}
		Runner &child = w.child;
		child = parent;
		StepResult r;
		std::string error;
		try {
			r = child.step(op);
		} catch (const std::exception &e) {
			error = e.what();
			r.status = StepStatus::failed;
		}
		if (r.status == StepStatus::rejected) {
			c.rejected++;
			continue;
		}
		c.found++;
		if (r.status == StepStatus::failed) {
			Failure f;
			f.state = i;
			f.op = op;
			f.error = error;
			if (error.empty()) {
				f.violations = child.violations();
				f.divergence = child.divergence();
			}
			c.failure = std::move(f);
			uint32_t cur = first_failure_.load();
			while (i < cur && !first_failure_.compare_exchange_weak(cur, i)) {
			}
			return;
		}
		PackedOp packed = pack_op(op);
		PathKey child_key = key.extend(packed);
		if (returns_to_parent(parent, child, child_key))
			continue;
		/* status ok: no divergence, if the Runner compared the models */
		uint64_t fp = state_fingerprint(w.canon, child, child_key, opts_.runner.differential);
		if (visited_.contains(fp))
			continue;
		c.out.push_back({fp, i, packed});
		if (opts_.on_successor)
			opts_.on_successor(child);
	}
}

/*
 * returns_to_parent - whether @child, reached from @parent by a step whose
 * path key is @child_key, is @parent again: a self-loop (a read of a young
 * page, a munmap of nothing, a split of an order-0 folio; about a quarter of
 * all transitions). Its fingerprint would be the parent's, which the visited
 * set holds, so the canonical form need not be computed. Only for a clean
 * key and compared models, where the fingerprint reads nothing but the
 * reference Snapshot: equal Snapshots give equal canonical forms.
 */
bool Search::returns_to_parent(const Runner &parent, const Runner &child,
			       const PathKey &child_key) const
{
	return !child_key.dirty && opts_.runner.differential &&
	       child.reference_snapshot() == parent.reference_snapshot();
}

void Search::expand_chunk(Worker &w, Chunk &c, size_t d)
{
	try {
		for (uint32_t i = c.begin; i < c.end; i++) {
			if (i > first_failure_.load())
				break;
			if (stop_.load(std::memory_order_relaxed))
				return;
			expand_state(w, c, d, i);
			if (c.failure)
				break;
		}
		c.done = true;
	} catch (...) {
		c.fatal = std::current_exception();
		stop_ = true;
	}
}

/*
 * run_batch - expand @chunks on the worker threads while this thread reports
 * progress and enforces the time and memory bounds.
 */
void Search::run_batch(std::vector<Chunk> &chunks, size_t d)
{
	next_chunk_ = 0;
	std::mutex mu;
	std::condition_variable cv;
	unsigned running = static_cast<unsigned>(workers_.size());
	std::vector<std::thread> threads;
	for (auto &wp : workers_) {
		Worker *w = wp.get();
		threads.emplace_back([&, w] {
			for (;;) {
				size_t k = next_chunk_.fetch_add(1);
				if (k >= chunks.size() || stop_.load())
					break;
				expand_chunk(*w, chunks[k], d);
			}
			std::lock_guard<std::mutex> lock(mu);
			running--;
			cv.notify_all();
		});
	}
	{
		std::unique_lock<std::mutex> lock(mu);
		while (running) {
			cv.wait_for(lock, std::chrono::milliseconds(100));
			lock.unlock();
			double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
			if (opts_.seconds > 0 && elapsed >= opts_.seconds && !stop_) {
				res_.stop = StopReason::seconds;
				stop_ = true;
			}
			if (opts_.interrupt && opts_.interrupt->load() && !stop_) {
				res_.stop = StopReason::interrupted;
				stop_ = true;
			}
			if (opts_.max_mem_bytes && current_rss_bytes() > opts_.max_mem_bytes && !stop_) {
				res_.stop = StopReason::max_mem;
				stop_ = true;
			}
			report_progress(false);
			lock.lock();
		}
	}
	for (std::thread &t : threads)
		t.join();
	for (Chunk &c : chunks)
		if (c.fatal)
			std::rethrow_exception(c.fatal);
}

/*
 * merge - insert the successors of the completed prefix of @chunks into the
 * visited set and the next level, in frontier order. Returns false when the
 * search must stop (a chunk was cut by a bound, or --max-states was hit);
 * @expanded then counts the states of this batch fully merged.
 */
bool Search::merge(std::vector<Chunk> &chunks, size_t d, uint64_t *expanded)
{
	bool store = d + 1 < opts_.depth;
	*expanded = 0;
	for (Chunk &c : chunks) {
		if (!c.done)
			return false;
		res_.found += c.found;
		res_.rejected += c.rejected;
		for (const Successor &s : c.out) {
			if (!store && last_level_) {
				last_level_->add(s.fp);
				continue;
			}
			if (opts_.max_states && visited_.size() >= opts_.max_states) {
				*expanded += s.parent - c.begin;
				res_.stop = StopReason::max_states;
				return false;
			}
			if (!visited_.insert(s.fp))
				continue;
			next_level_count_++;
			if (store)
				tree_.add(s.parent, s.op);
		}
		*expanded += c.end - c.begin;
		std::vector<Successor>().swap(c.out);
	}
	return true;
}

void Search::report_progress(bool force)
{
	if (!opts_.on_progress)
		return;
	Clock::time_point now = Clock::now();
	if (!force && std::chrono::duration<double>(now - last_progress_).count() < opts_.progress_interval)
		return;
	last_progress_ = now;
	ExploreProgress p;
	p.depth = level_;
	p.expanded = level_expanded_;
	p.frontier = level_frontier_;
	p.found = res_.found;
	p.distinct = visited_.size();
	p.seconds = seconds_so_far();
	p.distinct_per_second = p.seconds > 0 ? p.distinct / p.seconds : 0;
	p.cpu_seconds = cpu_seconds_so_far();
	p.rss_bytes = current_rss_bytes();
	p.last_level_pending = last_level_ ? last_level_->added() : 0;
	opts_.on_progress(p);
}

void Search::build_counterexample(size_t d, const Failure &f)
{
	Counterexample cex;
	cex.trace.config = full_overrides(cfg_);
	cex.trace.ops = tree_.path(d, f.state);
	cex.trace.ops.push_back(f.op);
	cex.step = d;
	cex.violations = f.violations;
	cex.divergence = f.divergence;
	cex.error = f.error;
	/* The trace must replay on its own, as `foliocheck replay` runs it. */
	try {
		TraceRun tr = run_trace(cex.trace, Config{}, opts_.runner);
		cex.replayed = !tr.rejected_at && tr.steps.size() == d + 1 &&
			       tr.steps.back().status == StepStatus::failed;
		if (cex.replayed && cex.error.empty()) {
			cex.violations = tr.runner.violations();
			cex.divergence = tr.runner.divergence();
		}
	} catch (const std::exception &e) {
		cex.replayed = !cex.error.empty() && cex.error == e.what();
	}
	res_.counterexample = std::move(cex);
}

double Search::seconds_so_far() const
{
	return prior_seconds_ + std::chrono::duration<double>(Clock::now() - start_).count();
}

double Search::cpu_seconds_so_far() const
{
	return prior_cpu_seconds_ + process_cpu_seconds() - cpu_start_;
}

/* start_last_level - the deepest level is counted by sorting, unless told otherwise. */
void Search::start_last_level()
{
	if (opts_.last_level_buffer && !opts_.max_states)
		last_level_ = std::make_unique<SortedSpillSet>(
			opts_.spill_dir.empty() ? std::filesystem::temp_directory_path().string()
						: opts_.spill_dir,
			opts_.last_level_buffer);
}

/* resume - take the search up where the checkpoint left it. */
void Search::resume(size_t *level, uint64_t *expanded)
{
	start_last_level();
	SearchPoint p = load_checkpoint(opts_.checkpoint_dir, search_identity(opts_), visited_, tree_,
					last_level_.get());
	if (p.level >= opts_.depth)
		throw std::invalid_argument(opts_.checkpoint_dir + ": the checkpoint is past the depth bound");
	bool deepest = p.level + 1 == opts_.depth;
	if (deepest && last_level_ && !p.has_last)
		throw std::invalid_argument(opts_.checkpoint_dir +
					    ": damaged: the deepest level was being expanded, but last/ is missing");
	if (!deepest)
		last_level_.reset();
	if (!deepest && tree_.levels() != p.level + 2)
		throw std::invalid_argument(opts_.checkpoint_dir +
					    ": damaged: the search tree does not end one level below the level expanded");
	check_fingerprints_match(std::min<size_t>(p.level + 1, 3));
	*level = p.level;
	*expanded = p.level_expanded;
	next_level_count_ = p.next_level_count;
	res_.found = p.found;
	res_.rejected = p.rejected;
	res_.distinct_per_depth = p.distinct_per_depth;
	prior_seconds_ = p.seconds;
	prior_cpu_seconds_ = p.cpu_seconds;
	res_.resumed = true;
}

/*
 * check_fingerprints_match - every state of the first @levels levels of the
 * loaded tree (55 states to depth 2 in the default scope) must have, as
 * this build computes it, a fingerprint the loaded visited set holds. The
 * search identity names the flags, not the build: a foliocheck whose
 * models or canonical form changed since the checkpoint was written keys
 * states differently and would go on counting every state again, without
 * an error. A build that only runs faster passes.
 */
void Search::check_fingerprints_match(size_t levels)
{
	Worker &w = *workers_[0];
	for (size_t d = 0; d < levels && d < tree_.levels(); d++) {
		for (uint32_t i = 0; i < tree_.level_size(d); i++) {
			const Runner &r = w.cursor.go(d, i);
			if (!visited_.contains(state_fingerprint(w.canon, r, w.cursor.key(),
								 opts_.runner.differential)))
				throw std::invalid_argument(
					opts_.checkpoint_dir + ": written by a foliocheck whose models or "
					"canonical form differ from this one's (state " + std::to_string(i) +
					" of depth " + std::to_string(d) + " has a fingerprint its visited set "
					"lacks); resuming would count states again: start the search anew");
		}
	}
}

/* save_point - a checkpoint of the search between two batches. */
void Search::save_point()
{
	SearchPoint p;
	p.level = level_;
	p.level_expanded = level_expanded_;
	p.next_level_count = last_level_ ? 0 : next_level_count_;
	p.found = res_.found;
	p.rejected = res_.rejected;
	p.distinct_per_depth = res_.distinct_per_depth;
	p.seconds = seconds_so_far();
	p.cpu_seconds = cpu_seconds_so_far();
	save_checkpoint(opts_.checkpoint_dir, search_identity(opts_), p, visited_, tree_, last_level_.get());
	last_checkpoint_ = Clock::now();
}

ExploreResult Search::run()
{
	start_ = last_progress_ = last_checkpoint_ = Clock::now();
	cpu_start_ = process_cpu_seconds();
	size_t start_level = 0;
	uint64_t start_expanded = 0;
	if (opts_.resume) {
		resume(&start_level, &start_expanded);
	} else {
		visited_.insert(state_fingerprint(workers_[0]->canon, root_, PathKey{}));
		res_.distinct_per_depth.push_back(1);
	}
	res_.stop = StopReason::depth_bound;
	bool stopped = false;
	const bool checkpoints = !opts_.checkpoint_dir.empty();

	for (size_t d = start_level; d < opts_.depth && !stopped; d++) {
		size_t n = tree_.level_size(d);
		bool resumed_level = res_.resumed && d == start_level;
		if (!resumed_level) {
			if (d + 1 < opts_.depth)
				tree_.open_level();
			else
				start_last_level();
			next_level_count_ = 0;
		}
		level_ = static_cast<unsigned>(d);
		level_expanded_ = resumed_level ? start_expanded : 0;
		level_frontier_ = n;
		const size_t chunk_states = 8;
		for (size_t b = level_expanded_; b < n && !stopped; b += opts_.batch_states) {
			size_t e = std::min(n, b + opts_.batch_states);
			std::vector<Chunk> chunks;
			for (size_t c = b; c < e; c += chunk_states) {
				chunks.emplace_back();
				chunks.back().begin = static_cast<uint32_t>(c);
				chunks.back().end = static_cast<uint32_t>(std::min(e, c + chunk_states));
			}
			/* an interrupt raised between batches stops before the next one */
			if (opts_.interrupt && opts_.interrupt->load() && !stop_) {
				res_.stop = StopReason::interrupted;
				stop_ = true;
			}
			run_batch(chunks, d);

			const Failure *first = nullptr;
			for (const Chunk &c : chunks)
				if (c.failure && (!first || c.failure->state < first->state))
					first = &*c.failure;
			if (first) {
				for (const Chunk &c : chunks) {
					res_.found += c.found;
					res_.rejected += c.rejected;
				}
				build_counterexample(d, *first);
				res_.stop = StopReason::counterexample;
				res_.depth_exhausted = static_cast<unsigned>(d);
				stopped = true;
				break;
			}
			uint64_t expanded = 0;
			bool go_on = merge(chunks, d, &expanded) && !stop_;
			level_expanded_ += expanded;
			if (!go_on) {
				if (res_.stop == StopReason::depth_bound)
					res_.stop = StopReason::seconds;
				res_.depth_exhausted = static_cast<unsigned>(d);
				res_.partial_expanded = level_expanded_;
				res_.partial_frontier = n;
				stopped = true;
				/* stopped short: keep the work for --resume */
				if (checkpoints) {
					save_point();
					res_.checkpoint_saved = true;
				}
			} else if (checkpoints && level_expanded_ < n &&
				   std::chrono::duration<double>(Clock::now() - last_checkpoint_).count() >=
					   opts_.checkpoint_interval) {
				save_point();
			}
			report_progress(false);
		}
		if (last_level_) {
			res_.last_level_buffer_bytes = last_level_->memory_bytes();
			next_level_count_ = last_level_->count_distinct();
			last_level_distinct_ = next_level_count_;
			res_.spill_runs = last_level_->runs();
			res_.spilled_bytes = last_level_->spilled_bytes();
			res_.peak_disk_bytes = last_level_->peak_disk_bytes();
			last_level_.reset();
		}
		/* a level cut by a counterexample was never merged: no count */
		if (res_.stop != StopReason::counterexample)
			res_.distinct_per_depth.push_back(next_level_count_);
		if (stopped && res_.stop != StopReason::counterexample && level_expanded_ == n) {
			/* the bound struck after the whole level was merged */
			res_.depth_exhausted = static_cast<unsigned>(d + 1);
			res_.partial_expanded = 0;
			res_.partial_frontier = next_level_count_;
		}
		if (stopped)
			break;
		res_.depth_exhausted = static_cast<unsigned>(d + 1);
		if (next_level_count_ == 0) {
			res_.stop = StopReason::space_exhausted;
			res_.depth_exhausted = static_cast<unsigned>(d);
			break;
		}
	}
	/* a search that ran to its end (or to a counterexample) needs no checkpoint */
	if (checkpoints && !res_.checkpoint_saved)
		remove_checkpoint(opts_.checkpoint_dir);
	for (auto &w : workers_)
		res_.replayed += w->cursor.replayed();
	res_.distinct = visited_.size() + last_level_distinct_;
	res_.seconds = seconds_so_far();
	res_.cpu_seconds = cpu_seconds_so_far();
	res_.peak_rss_bytes = peak_rss_bytes();
	res_.visited_set_bytes = visited_.memory_bytes();
	res_.tree_bytes = tree_.memory_bytes();
	res_.collision_probability = collision_bound(res_.distinct);
	return std::move(res_);
}

} // namespace

ExploreResult explore(const ExploreOptions &opts)
{
	Search s(opts);
	return s.run();
}

} // namespace fc::explore
