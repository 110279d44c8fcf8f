// SPDX-License-Identifier: GPL-2.0
/*
 * allocator.h - which malloc a benchmark ran with, in its context lines.
 *
 * The fuzz target's figures depend on it by a quarter (glibc's malloc and
 * free take a fifth of its time, tcmalloc's half as much), and the build
 * links tcmalloc_minimal into the fuzz targets and fuzz_bench only when it
 * is installed (FOLIOCHECK_MALLOC in CMakeLists.txt), so every run says
 * which one it measured.
 */
#pragma once

#include "fuzz/malloc_name.h"

#include <benchmark/benchmark.h>

namespace fc::bench {

/* Adds the "allocator" context line; call before benchmark::Initialize. */
inline bool add_allocator_context()
{
	benchmark::AddCustomContext("allocator", fc::fuzz::malloc_name());
	return true;
}

} // namespace fc::bench
