// SPDX-License-Identifier: GPL-2.0
/*
 * paths.h - where the fuzz machinery finds what the build left: the source
 * tree (corpus/, fuzz/build.sh) and the clang-built libFuzzer binaries.
 *
 * Both are fixed when foliocheck is built; FOLIOCHECK_SOURCE_DIR and
 * FOLIOCHECK_FUZZ_DIR in the environment override them (an installed
 * foliocheck, a cluster with its own layout).
 */
#pragma once

#include <string>

namespace fc::fuzz {

/* The source tree foliocheck was built from. */
std::string source_dir();
/* The corpus of traces: <source_dir>/corpus. */
std::string corpus_dir();
/* fuzz/build.sh in the source tree. */
std::string build_script();
/* Where build.sh puts the libFuzzer binaries: <build dir>/fuzz-clang. */
std::string libfuzzer_dir();

} // namespace fc::fuzz
