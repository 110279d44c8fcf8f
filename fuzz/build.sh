#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0
#
# fuzz/build.sh - build foliocheck's libFuzzer targets the OSS-Fuzz /
# ClusterFuzzLite way: the builder sets $CXX, $CXXFLAGS (sanitizer and
# coverage flags), $LIB_FUZZING_ENGINE and $OUT, and this script leaves in
# $OUT, for each target T in fuzz_differential and fuzz_trace_parser:
#
#   T                      the fuzzer
#   T.dict                 its dictionary (fuzz/dict/)
#   T.options              its default libFuzzer options
#   T_seed_corpus.zip      seeds: corpus/**/*.trace, encoded for the config
#                          of the FOLIOCHECK_* environment this script runs
#                          under, the stock scope without (fuzz_differential),
#                          or as text (parser)
#
# Run by hand, or by `foliocheck fuzz` on first use, it defaults to clang++
# with -fsanitize=fuzzer,address,undefined and OUT=build/fuzz-clang.
# Objects are kept in $WORK and rebuilt when their source, or any header,
# changed. JOBS sets the parallel compiles (default 2). Without a sanitizer
# that brings its own allocator the fuzzers link tcmalloc_minimal when it is
# installed; FOLIOCHECK_MALLOC=system keeps glibc's malloc.

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${CXX:=clang++}"
: "${CXXFLAGS:=-O2 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC_DIR/build/fuzz-clang}"
: "${WORK:=$OUT/work}"
: "${JOBS:=2}"

mkdir -p "$OUT" "$WORK/obj"
OUT="$(cd "$OUT" && pwd)"
WORK="$(cd "$WORK" && pwd)"
cd "$SRC_DIR"

flags="-std=c++20 -I$SRC_DIR $CXXFLAGS"
# Coverage for the models, not for the checking around them
# (fuzz/coverage_ignorelist.txt says why), when there is coverage at all.
ignorelist="$SRC_DIR/fuzz/coverage_ignorelist.txt"
case "$CXXFLAGS" in
*-fsanitize=fuzzer* | *-fsanitize-coverage=*)
	flags="$flags -fsanitize-coverage-ignorelist=$ignorelist" ;;
esac

# The library: the models, and the part of the fuzz machinery the targets
# use (the campaign driver and the in-process engine stay in foliocheck).
targets="fuzz/fuzz_differential.cc fuzz/fuzz_trace_parser.cc"
lib_sources=(model/*.cc model/reference/*.cc model/kernel/*.cc model/check/*.cc)
for f in record decoder failure fuzz_config input mutator encoder seed_corpus; do
	lib_sources+=("fuzz/$f.cc")
done

# A changed header (or ignorelist) rebuilds everything; a changed .cc
# rebuilds its object.
# The stamp is taken before compiling, so a header edited during a build
# is newer than it and rebuilds next time.
stamp="$WORK/obj/.flags"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$CXX $flags" ] ||
   [ -n "$(find model fuzz -name '*.h' -newer "$stamp" -print -quit)" ] ||
   [ "$ignorelist" -nt "$stamp" ]; then
	rm -f "$WORK"/obj/*.o
fi
echo "$CXX $flags" > "$stamp.new"

obj_of() { echo "$WORK/obj/$(echo "${1%.cc}" | tr / _).o"; }
stale=()
for f in "${lib_sources[@]}" $targets; do
	o="$(obj_of "$f")"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ]; then
		stale+=("$f")
	fi
done
if [ ${#stale[@]} -gt 0 ]; then
	echo "build.sh: compiling ${#stale[@]} files with $CXX"
	export CXX flags WORK
	printf '%s\n' "${stale[@]}" | xargs -P "$JOBS" -I{} sh -c \
		'o="$WORK/obj/$(echo "{}" | sed "s/\.cc$//" | tr / _).o"; $CXX $flags -c "{}" -o "$o.tmp" && mv "$o.tmp" "$o"'
fi
mv "$stamp.new" "$stamp"

lib="$WORK/libfoliocheck_fuzz.a"
rm -f "$lib"
lib_objs=()
for f in "${lib_sources[@]}"; do lib_objs+=("$(obj_of "$f")"); done
ar rcs "$lib" "${lib_objs[@]}"

# The allocator, as in the CMake build (FOLIOCHECK_MALLOC there): a build
# without a sanitizer that brings its own (ASan, MSan, TSan, HWASan) links
# tcmalloc_minimal when it is installed, unless FOLIOCHECK_MALLOC=system.
# The fuzz target spends a fifth of its time in glibc's malloc and free.
malloc_libs=""
case "$CXXFLAGS $LIB_FUZZING_ENGINE" in
*-fsanitize=*address* | *-fsanitize=*memory* | *-fsanitize=*thread*) ;;
*)
	if [ "${FOLIOCHECK_MALLOC:-auto}" != system ]; then
		tcmalloc="$($CXX -print-file-name=libtcmalloc_minimal.so.4)"
		if [ -f "$tcmalloc" ]; then
			malloc_libs="-Wl,--push-state,--no-as-needed $tcmalloc -Wl,--pop-state"
			echo "build.sh: linking $tcmalloc"
		fi
	fi ;;
esac

for t in fuzz_differential fuzz_trace_parser; do
	# shellcheck disable=SC2086 # flags are words
	$CXX $CXXFLAGS "$(obj_of "fuzz/$t.cc")" "$lib" $LIB_FUZZING_ENGINE -lpthread $malloc_libs -o "$OUT/$t.tmp"
	mv "$OUT/$t.tmp" "$OUT/$t"
	cp "fuzz/dict/$t.dict" "$OUT/$t.dict"
done

cat > "$OUT/fuzz_differential.options" <<EOF
[libfuzzer]
dict = fuzz_differential.dict
max_len = 192
EOF
cat > "$OUT/fuzz_trace_parser.options" <<EOF
[libfuzzer]
dict = fuzz_trace_parser.dict
max_len = 4096
EOF

# Seed corpora. The differential target encodes the traces itself (the
# encoder is in it), so no host tool is needed under any $CXXFLAGS. A
# record means a statement only within a scope, so the seeds are encoded
# for the FOLIOCHECK_* configuration of this environment (the target
# prints it): `FOLIOCHECK_MAX_ORDER=9 fuzz/build.sh` gives seeds whose
# PMD faults make 512-page THPs; at the stock scope they have none.
rm -rf "$WORK/seeds" && mkdir -p "$WORK/seeds/differential" "$WORK/seeds/parser"
"$OUT/fuzz_differential" -foliocheck_write_seeds="$SRC_DIR/corpus" \
	-foliocheck_seeds_out="$WORK/seeds/differential"
find corpus -name '*.trace' -exec cp {} "$WORK/seeds/parser/" \;
if command -v zip > /dev/null; then
	rm -f "$OUT"/*_seed_corpus.zip
	(cd "$WORK/seeds/differential" && zip -q -r "$OUT/fuzz_differential_seed_corpus.zip" .)
	(cd "$WORK/seeds/parser" && zip -q -r "$OUT/fuzz_trace_parser_seed_corpus.zip" .)
else
	echo "build.sh: no zip: seed corpora left in $WORK/seeds"
fi
echo "build.sh: fuzzers in $OUT"
