// SPDX-License-Identifier: GPL-2.0
/*
 * sorted_spill_set.cc - sorted runs on disk and a k-way merge that counts.
 */
#include "explore/sorted_spill_set.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <queue>
#include <stdexcept>
#include <stdlib.h>
#include <unistd.h>

namespace fc::explore {

namespace {

std::runtime_error io_error(const std::string &what, const std::string &path)
{
	return std::runtime_error("explore: " + what + " " + path + ": " + std::strerror(errno));
}

struct FileCloser {
	void operator()(FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

/* One run being merged: a read buffer over its sorted words. */
struct RunReader {
	File f;
	std::string path;
	std::vector<uint64_t> buf;
	size_t pos = 0, len = 0;

	/* the next word into @out; false at the end of the run */
	bool next(uint64_t *out)
	{
		if (pos == len) {
			len = std::fread(buf.data(), sizeof(uint64_t), buf.size(), f.get());
			pos = 0;
			if (len == 0) {
				if (std::ferror(f.get()))
					throw io_error("cannot read", path);
				return false;
			}
		}
		*out = buf[pos++];
		return true;
	}
};

/* Runs on disk before they are merged into one. */
constexpr size_t kMaxRuns = 16;

} // namespace

SortedSpillSet::SortedSpillSet(std::string dir, size_t buffer_entries)
	: dir_(std::move(dir)), buffer_entries_(std::max<size_t>(buffer_entries, 16))
{
}

SortedSpillSet::~SortedSpillSet()
{
	std::error_code ec;
	for (const std::string &r : runs_)
		std::filesystem::remove(r, ec);
	if (!private_dir_.empty())
		std::filesystem::remove(private_dir_, ec);
}

void SortedSpillSet::add(uint64_t fp)
{
	buffer_.push_back(fp);
	added_++;
	if (buffer_.size() >= buffer_entries_) {
		sort_buffer();
		/* a buffer of duplicates shrinks enough to go on in memory */
		if (buffer_.size() * 2 > buffer_entries_)
			write_run();
	}
}

void SortedSpillSet::sort_buffer()
{
	std::sort(buffer_.begin(), buffer_.end());
	buffer_.erase(std::unique(buffer_.begin(), buffer_.end()), buffer_.end());
}

/* write_run - the (sorted, unique) buffer to a new file; empties it. */
void SortedSpillSet::make_private_dir()
{
	if (!private_dir_.empty())
		return;
	std::string tmpl = (std::filesystem::path(dir_) / "foliocheck-explore-XXXXXX").string();
	if (!mkdtemp(tmpl.data()))
		throw io_error("cannot make a directory for the last level's fingerprints in", dir_);
	private_dir_ = tmpl;
}

void SortedSpillSet::write_run()
{
	make_private_dir();
	std::string path = private_dir_ + "/run-" + std::to_string(next_run_++);
	File f(std::fopen(path.c_str(), "wb"));
	if (!f)
		throw io_error("cannot create", path);
	runs_.push_back(path);
	if (std::fwrite(buffer_.data(), sizeof(uint64_t), buffer_.size(), f.get()) != buffer_.size() ||
	    std::fflush(f.get()) != 0)
		throw io_error("cannot write", path);
	written_runs_++;
	spilled_bytes_ += buffer_.size() * sizeof(uint64_t);
	disk_bytes_ += buffer_.size() * sizeof(uint64_t);
	peak_disk_bytes_ = std::max(peak_disk_bytes_, disk_bytes_);
	buffer_.clear();
	f.reset();
	if (runs_.size() >= kMaxRuns)
		compact_runs();
}

/*
 * merge_runs - k-way merge of every run written so far, counting distinct
 * words; with @out, writing them there as one sorted run. The heads of the
 * runs are kept in a heap; each run is read through a 512 KiB buffer.
 */
uint64_t SortedSpillSet::merge_runs(FILE *out, const std::string &out_path)
{
	std::vector<RunReader> readers(runs_.size());
	using Head = std::pair<uint64_t, size_t>; /* word, run */
	std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
	for (size_t i = 0; i < runs_.size(); i++) {
		readers[i].path = runs_[i];
		readers[i].f.reset(std::fopen(runs_[i].c_str(), "rb"));
		if (!readers[i].f)
			throw io_error("cannot open", runs_[i]);
		readers[i].buf.resize(size_t{1} << 16);
		uint64_t w;
		if (readers[i].next(&w))
			heads.push({w, i});
	}
	uint64_t distinct = 0;
	uint64_t last = 0;
	while (!heads.empty()) {
		auto [w, i] = heads.top();
		heads.pop();
		if (distinct == 0 || w != last) {
			distinct++;
			last = w;
			if (out && std::fwrite(&w, sizeof w, 1, out) != 1)
				throw io_error("cannot write", out_path);
		}
		uint64_t nw;
		if (readers[i].next(&nw))
			heads.push({nw, i});
	}
	return distinct;
}

/*
 * compact_runs - merge the runs into one, so that the disk holds each
 * distinct fingerprint about once rather than once per run it was seen in.
 */
void SortedSpillSet::compact_runs()
{
	std::string path = private_dir_ + "/run-" + std::to_string(next_run_++);
	File f(std::fopen(path.c_str(), "wb"));
	if (!f)
		throw io_error("cannot create", path);
	uint64_t n = merge_runs(f.get(), path);
	if (std::fflush(f.get()) != 0)
		throw io_error("cannot write", path);
	std::error_code ec;
	for (const std::string &r : runs_)
		std::filesystem::remove(r, ec);
	runs_.assign(1, path);
	disk_bytes_ = n * sizeof(uint64_t);
	compactions_++;
}

namespace {

/* link_or_copy - @to names @from's data: a hard link, or a copy across file systems. */
void link_or_copy(const std::string &from, const std::string &to)
{
	std::error_code ec;
	std::filesystem::create_hard_link(from, to, ec);
	if (ec && !std::filesystem::copy_file(from, to, ec))
		throw std::runtime_error("explore: cannot keep " + from + " as " + to + ": " + ec.message());
}

void write_words(const std::string &path, const uint64_t *w, size_t n)
{
	File f(std::fopen(path.c_str(), "wb"));
	if (!f || std::fwrite(w, sizeof(uint64_t), n, f.get()) != n || std::fflush(f.get()) != 0)
		throw io_error("cannot write", path);
}

std::vector<uint64_t> read_words(const std::string &path)
{
	std::error_code ec;
	uintmax_t bytes = std::filesystem::file_size(path, ec);
	if (ec || bytes % sizeof(uint64_t))
		throw std::runtime_error("explore: " + path + ": not a file of 64-bit words");
	std::vector<uint64_t> w(bytes / sizeof(uint64_t));
	File f(std::fopen(path.c_str(), "rb"));
	if (!f || std::fread(w.data(), sizeof(uint64_t), w.size(), f.get()) != w.size())
		throw io_error("cannot read", path);
	return w;
}

} // namespace

void SortedSpillSet::save_to(const std::string &dir)
{
	sort_buffer();
	write_words(dir + "/buffer", buffer_.data(), buffer_.size());
	for (size_t i = 0; i < runs_.size(); i++)
		link_or_copy(runs_[i], dir + "/run-" + std::to_string(i));
	uint64_t counts[] = {added_, spilled_bytes_, written_runs_, compactions_, runs_.size()};
	write_words(dir + "/counts", counts, 5);
}

void SortedSpillSet::restore_from(const std::string &dir)
{
	std::vector<uint64_t> counts = read_words(dir + "/counts");
	if (counts.size() != 5)
		throw std::runtime_error("explore: " + dir + "/counts: expected 5 words");
	buffer_ = read_words(dir + "/buffer");
	buffer_.reserve(buffer_entries_);
	added_ = counts[0];
	spilled_bytes_ = counts[1];
	written_runs_ = counts[2];
	compactions_ = counts[3];
	for (uint64_t i = 0; i < counts[4]; i++) {
		make_private_dir();
		std::string path = private_dir_ + "/run-" + std::to_string(next_run_++);
		link_or_copy(dir + "/run-" + std::to_string(i), path);
		runs_.push_back(path);
		disk_bytes_ += std::filesystem::file_size(path);
	}
	peak_disk_bytes_ = std::max(peak_disk_bytes_, disk_bytes_);
}

uint64_t SortedSpillSet::count_distinct()
{
	sort_buffer();
	if (runs_.empty())
		return buffer_.size();
	write_run();
	return merge_runs(nullptr, "");
}

} // namespace fc::explore
