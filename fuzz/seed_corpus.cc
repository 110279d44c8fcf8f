// SPDX-License-Identifier: GPL-2.0
/*
 * seed_corpus.cc - corpus traces to fuzz seeds.
 */
#include "fuzz/seed_corpus.h"

#include "fuzz/encoder.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fc::fuzz {

std::vector<std::string> find_traces(const std::string &dir, const std::string &skip_dir)
{
	std::vector<std::string> out;
	std::error_code ec;
	for (auto it = fs::recursive_directory_iterator(dir, ec);
	     !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
		if (it->is_directory() && !skip_dir.empty() &&
		    it->path().filename() == skip_dir) {
			it.disable_recursion_pending();
			continue;
		}
		if (it->is_regular_file() && it->path().extension() == ".trace")
			out.push_back(it->path().string());
	}
	std::sort(out.begin(), out.end());
	return out;
}

std::vector<Seed> encode_seeds(const std::vector<std::string> &traces, const FuzzConfig &fc)
{
	std::vector<Seed> seeds;
	for (const std::string &path : traces) {
		Seed s;
		s.trace = path;
		fs::path p(path);
		s.name = p.parent_path().filename().string() + "-" + p.stem().string();
		try {
			EncodedTrace e = encode_trace(parse_trace_file(path), fc);
			s.bytes = std::move(e.bytes);
			s.encoded = e.encoded;
			s.dropped = e.dropped;
		} catch (const TraceError &e) {
			s.error = e.what();
		}
		seeds.push_back(std::move(s));
	}
	return seeds;
}

bool write_seeds(const std::vector<Seed> &seeds, const std::string &dir, size_t *written,
		 std::string *err)
{
	std::error_code ec;
	fs::create_directories(dir, ec);
	if (ec) {
		*err = dir + ": " + ec.message();
		return false;
	}
	*written = 0;
	for (const Seed &s : seeds) {
		if (s.bytes.empty())
			continue;
		if (!write_bytes((fs::path(dir) / s.name).string(), s.bytes.data(), s.bytes.size(),
				 err))
			return false;
		(*written)++;
	}
	return true;
}

bool read_bytes(const std::string &path, std::vector<uint8_t> *out, std::string *err)
{
	std::ifstream f(path, std::ios::binary);
	if (!f) {
		*err = path + ": cannot open";
		return false;
	}
	out->assign(std::istreambuf_iterator<char>(f), {});
	return true;
}

bool write_bytes(const std::string &path, const void *data, size_t size, std::string *err)
{
	std::string tmp = path + ".tmp." + std::to_string(getpid());
	{
		std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
		if (!f) {
			*err = tmp + ": cannot create";
			return false;
		}
		f.write(static_cast<const char *>(data), static_cast<std::streamsize>(size));
		if (!f.flush()) {
			*err = tmp + ": write failed";
			return false;
		}
	}
	std::error_code ec;
	fs::rename(tmp, path, ec);
	if (ec) {
		*err = path + ": " + ec.message();
		fs::remove(tmp, ec);
		return false;
	}
	return true;
}

} // namespace fc::fuzz
