// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_name.h - which allocator this process runs with, for the lines
 * that report speed: the fuzz target's config line and the benchmarks'
 * context. The fuzz target's execs/s differ by a quarter between glibc's
 * malloc and tcmalloc's (FOLIOCHECK_MALLOC in CMakeLists.txt, fuzz/build.sh),
 * so a figure without its allocator cannot be compared.
 */
#pragma once

#include <dlfcn.h>

namespace fc::fuzz {

/*
 * malloc_name - "asan" when AddressSanitizer's allocator serves malloc,
 * "tcmalloc" when tcmalloc_minimal interposes it (it exports tc_malloc
 * beside malloc), else "glibc".
 */
inline const char *malloc_name()
{
#if defined(__SANITIZE_ADDRESS__)
	return "asan";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return "asan";
#endif
#endif
	return dlsym(RTLD_DEFAULT, "tc_malloc") ? "tcmalloc" : "glibc";
}

} // namespace fc::fuzz
