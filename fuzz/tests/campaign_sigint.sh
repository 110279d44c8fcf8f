#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# campaign_sigint.sh FOLIOCHECK ENGINE WORKDIR - `foliocheck fuzz` stopped by
# SIGINT keeps its corpus and its crashes, and a second run resumes.
#
# A campaign on a mutant the engine finds in well under a second
# (cow_reuse_shared in a small scope) runs with --time 60s; as soon as its
# status line counts a crash it gets a SIGINT, as from Ctrl-C. Then:
#   - it exits 1 (crashes found), saying the campaign was interrupted;
#   - the corpus directory is not empty, the crash input is on disk and
#     became a minimized trace named after the invariant, which
#     `foliocheck replay` reproduces;
#   - a second, short run on the same directories reads the corpus back
#     and reports the old crash as not new.
# Nothing here is timed: the waits are for files and lines, with a bound
# (10 minutes: with libFuzzer, the first run may rebuild the fuzzers) only
# so a broken build fails instead of hanging.
set -u

fc=$1
engine=$2
work=$3

fail() {
	echo "FAIL: $*"
	for f in out1 err1 out2 err2; do
		[ -f "$work/$f" ] && { echo "--- $f"; tail -n 30 "$work/$f"; }
	done
	exit 1
}

rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 2

args=(fuzz --engine "$engine" --mutant cow_reuse_shared --pmd-order 4 --max-order 3
	--jobs 2 --seed 7 --status-interval 0.5 --minimize-seconds 5
	--corpus corpus --crashes crashes)

# foliocheck itself in the background, so $! is its pid and not a subshell's
"$fc" "${args[@]}" --time 60s > out1 2> err1 &
pid=$!
found=
for _ in $(seq 6000); do
	if grep -Eq 'crashes [1-9]' err1; then
		found=1
		break
	fi
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.1
done
[ -n "$found" ] || { kill -9 "$pid" 2> /dev/null; fail "no status line counted a crash"; }
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "interrupted campaign exited $rc, expected 1 (crashes found)"
grep -q 'campaign interrupted' out1 || fail "no 'campaign interrupted' in the result"

corpus=$(find corpus -type f | wc -l)
[ "$corpus" -gt 0 ] || fail "the corpus is empty after the interrupt"
ls crashes/crash-* > /dev/null 2>&1 || fail "no crash input kept"
trace=$(ls crashes/exclusive_single_mm-*.trace 2> /dev/null | head -n 1)
[ -n "$trace" ] || fail "no exclusive_single_mm-*.trace made of the crash"
"$fc" replay "$trace" > replay.out 2>&1
[ $? -eq 1 ] || fail "foliocheck replay $trace does not fail"
grep -q exclusive_single_mm replay.out || fail "replay does not name exclusive_single_mm"

# resume: the corpus is read back, the old crash is not new
"$fc" "${args[@]}" --time 2s > out2 2> err2
rc=$?
[ "$rc" -eq 1 ] || fail "resumed campaign exited $rc, expected 1 (the old crash is listed)"
grep -Eq 'campaign done .*corpus [1-9][0-9]* inputs' out2 || fail "resumed campaign has no corpus"
grep -q "$(basename "$trace")" out2 || fail "resumed campaign does not list $(basename "$trace")"
grep "$(basename "$trace")" out2 | grep -q '\[new\]' && fail "the old crash is reported as new"
echo "PASS: interrupted with $corpus corpus inputs kept, $(basename "$trace"), resumed"
