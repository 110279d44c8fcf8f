// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint.cc - write and read a search's state: see checkpoint.h.
 */
#include "explore/checkpoint.h"

#include "model/trace.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fc::explore {

namespace fs = std::filesystem;

namespace {

constexpr const char *kMagic = "foliocheck explore checkpoint 1";

std::invalid_argument bad(const std::string &path, const std::string &what)
{
	return std::invalid_argument(path + ": " + what);
}

/* A file of raw words: a count, then the words. */
template <typename T>
void write_vector(const std::string &path, FILE *f, const std::vector<T> &v)
{
	uint64_t n = v.size();
	if (std::fwrite(&n, sizeof n, 1, f) != 1 || std::fwrite(v.data(), sizeof(T), v.size(), f) != v.size())
		throw std::runtime_error("explore: cannot write " + path + ": " + std::strerror(errno));
}

template <typename T>
std::vector<T> read_vector(const std::string &path, FILE *f)
{
	uint64_t n = 0;
	if (std::fread(&n, sizeof n, 1, f) != 1 || n > (uint64_t{1} << 40) / sizeof(T))
		throw bad(path, "truncated or damaged");
	std::vector<T> v(n);
	if (std::fread(v.data(), sizeof(T), n, f) != n)
		throw bad(path, "truncated");
	return v;
}

struct FileCloser {
	void operator()(FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

File open_file(const std::string &path, const char *mode)
{
	File f(std::fopen(path.c_str(), mode));
	if (!f)
		throw std::runtime_error("explore: cannot open " + path + ": " + std::strerror(errno));
	return f;
}

void close_file(File f, const std::string &path)
{
	if (std::fflush(f.get()) != 0 || std::ferror(f.get()))
		throw std::runtime_error("explore: cannot write " + path + ": " + std::strerror(errno));
}

} // namespace

std::string search_identity(const ExploreOptions &o)
{
	Trace t;
	t.config = full_overrides(o.cfg);
	std::string config = format_trace(t);
	while (!config.empty() && config.back() == '\n')
		config.pop_back();
	std::ostringstream s;
	s << config << "\n"
	  << "depth " << o.depth << "\n"
	  << "families " << o.families << "\n"
	  << "symmetry " << symmetry_name(o.canonical.symmetry) << (o.canonical.count_exited ? " count_exited" : "")
	  << "\n"
	  << "runner visible_points=" << o.runner.check_visible_points << " differential=" << o.runner.differential
	  << "\n"
	  << "last_level " << (o.last_level_buffer && !o.max_states ? "sorted" : "hashed") << "\n";
	return s.str();
}

bool has_checkpoint(const std::string &dir)
{
	return fs::exists(fs::path(dir) / "meta");
}

void remove_checkpoint(const std::string &dir)
{
	std::error_code ec;
	for (const char *name : {"meta", "visited.bin", "tree.bin"})
		fs::remove(fs::path(dir) / name, ec);
	fs::remove_all(fs::path(dir) / "last", ec);
	fs::remove(dir, ec); /* only if empty */
}

void save_checkpoint(const std::string &dir, const std::string &identity, const SearchPoint &p,
		     const FingerprintSet &visited, const StateTree &tree, SortedSpillSet *last)
{
	const std::string fresh = dir + ".new", old = dir + ".old";
	std::error_code ec;
	fs::remove_all(fresh, ec);
	fs::create_directories(fresh, ec);
	if (ec)
		throw std::runtime_error("explore: cannot make " + fresh + ": " + ec.message());

	{
		std::string path = fresh + "/visited.bin";
		File f = open_file(path, "wb");
		uint64_t size = visited.size();
		if (std::fwrite(&size, sizeof size, 1, f.get()) != 1)
			throw std::runtime_error("explore: cannot write " + path);
		write_vector(path, f.get(), visited.slots());
		close_file(std::move(f), path);
	}
	{
		std::string path = fresh + "/tree.bin";
		File f = open_file(path, "wb");
		const auto &levels = tree.all_levels();
		uint64_t n = levels.size();
		if (std::fwrite(&n, sizeof n, 1, f.get()) != 1)
			throw std::runtime_error("explore: cannot write " + path);
		for (const auto &l : levels)
			write_vector(path, f.get(), l);
		close_file(std::move(f), path);
	}
	if (last) {
		fs::create_directories(fresh + "/last", ec);
		last->save_to(fresh + "/last");
	}
	{
		std::string path = fresh + "/meta";
		std::ofstream m(path);
		m << kMagic << "\n" << identity << "---\n";
		m << "level " << p.level << "\n"
		  << "level_expanded " << p.level_expanded << "\n"
		  << "next_level_count " << p.next_level_count << "\n"
		  << "found " << p.found << "\n"
		  << "rejected " << p.rejected << "\n"
		  << "seconds " << p.seconds << "\n"
		  << "cpu_seconds " << p.cpu_seconds << "\n"
		  << "distinct_per_depth";
		for (uint64_t n : p.distinct_per_depth)
			m << " " << n;
		m << "\n";
		m.flush();
		if (!m)
			throw std::runtime_error("explore: cannot write " + path);
	}
	/* the old checkpoint is replaced only once the new one is whole */
	fs::remove_all(old, ec);
	if (fs::exists(dir))
		fs::rename(dir, old);
	fs::rename(fresh, dir);
	fs::remove_all(old, ec);
}

SearchPoint load_checkpoint(const std::string &dir, const std::string &identity,
			    FingerprintSet &visited, StateTree &tree, SortedSpillSet *last)
{
	const std::string meta = dir + "/meta";
	std::ifstream m(meta);
	if (!m)
		throw bad(dir, "no checkpoint here (no meta file)");
	std::string line;
	size_t lineno = 1;
	if (!std::getline(m, line) || line != kMagic)
		throw bad(meta, "line 1: expected '" + std::string(kMagic) + "'");
	std::istringstream want(identity);
	std::string w;
	while (std::getline(want, w)) {
		lineno++;
		if (!std::getline(m, line))
			throw bad(meta, "line " + std::to_string(lineno) + ": truncated");
		if (line != w)
			throw bad(meta, "line " + std::to_string(lineno) + ": this checkpoint is of another search: it has '" +
					    line + "', these flags give '" + w + "'");
	}
	lineno++;
	if (!std::getline(m, line) || line != "---")
		throw bad(meta, "line " + std::to_string(lineno) + ": expected '---'");

	SearchPoint p;
	bool seen_level = false;
	while (std::getline(m, line)) {
		lineno++;
		std::istringstream ls(line);
		std::string key;
		ls >> key;
		auto need = [&](auto &v) {
			if (!(ls >> v))
				throw bad(meta, "line " + std::to_string(lineno) + ": expected a number after '" + key + "'");
		};
		if (key == "level") {
			need(p.level);
			seen_level = true;
		} else if (key == "level_expanded") {
			need(p.level_expanded);
		} else if (key == "next_level_count") {
			need(p.next_level_count);
		} else if (key == "found") {
			need(p.found);
		} else if (key == "rejected") {
			need(p.rejected);
		} else if (key == "seconds") {
			need(p.seconds);
		} else if (key == "cpu_seconds") {
			need(p.cpu_seconds);
		} else if (key == "distinct_per_depth") {
			uint64_t n;
			while (ls >> n)
				p.distinct_per_depth.push_back(n);
		} else if (!key.empty()) {
			throw bad(meta, "line " + std::to_string(lineno) + ": unknown key '" + key + "'");
		}
	}
	if (!seen_level || p.distinct_per_depth.size() != p.level + 1)
		throw bad(meta, "incomplete: no level, or not one count per level up to it");

	{
		std::string path = dir + "/visited.bin";
		File f = open_file(path, "rb");
		uint64_t size = 0;
		if (std::fread(&size, sizeof size, 1, f.get()) != 1)
			throw bad(path, "truncated");
		std::vector<uint64_t> slots = read_vector<uint64_t>(path, f.get());
		if (slots.empty() || (slots.size() & (slots.size() - 1)) || size > slots.size())
			throw bad(path, "damaged: the table is not a power of two or is over-full");
		visited.assign(std::move(slots), size);
	}
	{
		std::string path = dir + "/tree.bin";
		File f = open_file(path, "rb");
		uint64_t n = 0;
		if (std::fread(&n, sizeof n, 1, f.get()) != 1 || n == 0 || n > 4096)
			throw bad(path, "truncated or damaged");
		std::vector<std::vector<TreeNode>> levels;
		for (uint64_t i = 0; i < n; i++)
			levels.push_back(read_vector<TreeNode>(path, f.get()));
		if (levels.size() < p.level + 1 || levels[p.level].size() < p.level_expanded)
			throw bad(path, "does not hold the level the meta file names");
		tree.assign(std::move(levels));
	}
	p.has_last = fs::exists(dir + "/last");
	if (last && p.has_last)
		last->restore_from(dir + "/last");
	return p;
}

} // namespace fc::explore
