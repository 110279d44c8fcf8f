// SPDX-License-Identifier: GPL-2.0
/*
 * encoder.h - a trace to fuzz input bytes: the inverse of the decoder, so
 * the corpus of hand-written traces seeds the fuzzer and a trace can be
 * turned into an input for any fuzz binary.
 *
 * Each statement is encoded as the record the decoder, in the state the
 * earlier records left, turns back into that very statement; the encoder
 * runs the decoder to make sure. A statement no record can express in this
 * configuration (a VA beyond 0x7fff, a page count like 200, a statement
 * that is not legal under this config) is left out and counted, and
 * encoding goes on: later statements that depended on it fall out too.
 * File names become the decoder's (file0, file1, ...); `expect` statements
 * have no record and are left out.
 */
#pragma once

#include "fuzz/fuzz_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fc::fuzz {

struct EncodedTrace {
	std::vector<uint8_t> bytes;
	size_t encoded = 0;   /* statements that decode back exactly */
	size_t dropped = 0;   /* statements left out (not expressible or not legal here) */
	size_t expects = 0;   /* `expect` statements left out */
	std::string first_drop; /* why the first dropped statement was left out */
};

/*
 * encode_trace - @t's statements as records under @fc (its config, not the
 * trace's config lines: the caller applies those if it wants them), at most
 * @fc.max_ops records. The records do not depend on @fc's mutant (the
 * reference model judges legality); statements after a failure of the
 * unmutated models are left out.
 */
EncodedTrace encode_trace(const Trace &t, const FuzzConfig &fc);

} // namespace fc::fuzz
