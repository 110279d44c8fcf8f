// SPDX-License-Identifier: GPL-2.0
/*
 * libfuzzer.cc - building and watching the libFuzzer binaries.
 */
#include "fuzz/libfuzzer.h"

#include "fuzz/paths.h"
#include "fuzz/subprocess.h"

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace fc::fuzz {

namespace {

/* The newest modification time of a source file the fuzzers are built from. */
fs::file_time_type newest_source(const std::string &src)
{
	fs::file_time_type newest{};
	for (const char *sub : {"model", "fuzz"}) {
		std::error_code ec;
		for (auto it = fs::recursive_directory_iterator(fs::path(src) / sub, ec);
		     !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
			const fs::path &p = it->path();
			if (p.extension() == ".cc" || p.extension() == ".h" || p.extension() == ".sh")
				newest = std::max(newest, it->last_write_time(ec));
		}
	}
	return newest;
}

bool up_to_date(const std::string &dir, const std::string &src)
{
	fs::file_time_type newest = newest_source(src);
	for (const char *t : {"fuzz_differential", "fuzz_trace_parser"}) {
		std::error_code ec;
		fs::path bin = fs::path(dir) / t;
		if (!fs::exists(bin, ec) || fs::last_write_time(bin, ec) < newest)
			return false;
	}
	return true;
}

/* The number after "@key " in @line, if there is one. */
bool number_after(std::string_view line, std::string_view key, uint64_t *out)
{
	size_t at = line.find(key);
	if (at == std::string_view::npos)
		return false;
	std::string_view rest = line.substr(at + key.size());
	while (!rest.empty() && rest.front() == ' ')
		rest.remove_prefix(1);
	auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *out);
	return ec == std::errc();
}

} // namespace

bool have_clang()
{
	const char *cxx = std::getenv("CXX");
	std::string want = cxx && *cxx && std::string_view(cxx).find("clang") != std::string_view::npos
				   ? cxx
				   : "clang++";
	return !find_program(want).empty();
}

bool ensure_libfuzzer(const std::string &dir, const std::function<void(const std::string &)> &say,
		      std::string *err, const volatile std::sig_atomic_t *interrupted)
{
	/* once per process: a mutant table must not rebuild for every row */
	static std::set<std::string> ensured;
	const std::string src = source_dir();
	if (ensured.count(dir) || up_to_date(dir, src)) {
		ensured.insert(dir);
		return true;
	}
	if (!have_clang()) {
		*err = "clang++ is not on PATH: the libFuzzer targets cannot be built";
		return false;
	}
	std::error_code ec;
	fs::create_directories(dir, ec);
	const std::string log = (fs::path(dir) / "build.log").string();
	fs::remove(log, ec);
	say("fuzz: building the libFuzzer targets with clang into " + dir + " (log: " + log + ")");
	Subprocess p;
	std::vector<std::string> env = {"OUT=" + dir, "WORK=" + dir + "/work"};
	if (!std::getenv("CXX") || std::string_view(std::getenv("CXX")).find("clang") ==
					   std::string_view::npos)
		env.push_back("CXX=clang++");
	if (!p.start({"/bin/bash", build_script()}, env, log, err))
		return false;
	while (!p.poll()) {
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
		if (interrupted && *interrupted) {
			/* the group goes: bash, xargs and the compilers */
			p.stop(2);
			*err = "interrupted while building the libFuzzer targets";
			return false;
		}
	}
	if (p.status() != 0) {
		*err = "fuzz/build.sh failed (exit " + std::to_string(p.status()) + "), see " + log;
		return false;
	}
	ensured.insert(dir);
	return true;
}

bool parse_libfuzzer_line(std::string_view line, LibFuzzerStats *s)
{
	if (line.size() < 2 || line[0] != '#' || line[1] < '0' || line[1] > '9')
		return false;
	uint64_t execs = 0;
	auto [p, ec] = std::from_chars(line.data() + 1, line.data() + line.size(), execs);
	if (ec != std::errc())
		return false;
	const bool fork_line = p < line.data() + line.size() && *p == ':';
	if (fork_line)
		s->fork_mode = true;
	else if (s->fork_mode)
		return false;
	s->execs = execs;
	number_after(line, "cov:", &s->cov);
	number_after(line, "ft:", &s->ft);
	number_after(line, "corp:", &s->corpus);
	if (!number_after(line, "exec/s:", &s->exec_per_s))
		number_after(line, "exec/s", &s->exec_per_s);
	/* fork mode: oom/timeout/crash: A/B/C */
	size_t at = line.find("oom/timeout/crash:");
	if (at != std::string_view::npos) {
		std::string_view rest = line.substr(at + 18);
		uint64_t total = 0;
		for (int i = 0; i < 3; i++) {
			while (!rest.empty() && (rest.front() == ' ' || rest.front() == '/'))
				rest.remove_prefix(1);
			uint64_t n = 0;
			auto [q, e] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
			if (e != std::errc())
				break;
			total += n;
			rest.remove_prefix(static_cast<size_t>(q - rest.data()));
		}
		s->crashes = total;
	}
	return true;
}

void LogTail::read(const std::function<void(std::string_view)> &line)
{
	std::ifstream f(path_, std::ios::binary);
	if (!f)
		return;
	f.seekg(0, std::ios::end);
	uint64_t size = static_cast<uint64_t>(f.tellg());
	if (size < offset_)
		offset_ = 0; /* the log was replaced */
	f.seekg(static_cast<std::streamoff>(offset_));
	std::string chunk(size - offset_, '\0');
	f.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
	offset_ = size;
	partial_ += chunk;
	size_t start = 0;
	for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1)
		line(std::string_view(partial_).substr(start, nl - start));
	partial_.erase(0, start);
}

} // namespace fc::fuzz
