// SPDX-License-Identifier: GPL-2.0
/*
 * paths.cc - the source and build directories, as CMake saw them.
 */
#include "fuzz/paths.h"

#include <cstdlib>

namespace fc::fuzz {

static std::string env_or(const char *name, const char *fallback)
{
	const char *v = std::getenv(name);
	return v && *v ? v : fallback;
}

std::string source_dir()
{
	return env_or("FOLIOCHECK_SOURCE_DIR", FOLIOCHECK_SOURCE_DIR);
}

std::string corpus_dir()
{
	return source_dir() + "/corpus";
}

std::string build_script()
{
	return source_dir() + "/fuzz/build.sh";
}

std::string libfuzzer_dir()
{
	return env_or("FOLIOCHECK_FUZZ_DIR", FOLIOCHECK_BINARY_DIR "/fuzz-clang");
}

} // namespace fc::fuzz
