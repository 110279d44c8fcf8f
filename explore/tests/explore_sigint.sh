#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# explore_sigint.sh FOLIOCHECK WORKDIR - `foliocheck explore` stopped by
# SIGINT prints the coverage it reached and exits 130.
#
# A depth-8 exploration (hours of work) gets a SIGINT as soon as its first
# progress line is out, as from Ctrl-C. It must then exit 130 and its summary
# must say it was interrupted and which depths it exhausted. Nothing is
# timed: the wait is for a line, bounded only so a broken build fails
# instead of hanging.
set -u

fc=$1
work=$2

fail() {
	echo "FAIL: $*"
	[ -f "$work/out" ] && { echo "--- out"; tail -n 30 "$work/out"; }
	exit 1
}

rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 2

"$fc" explore --depth 8 --threads 2 --progress 0.5 > out 2>&1 &
pid=$!
seen=
for _ in $(seq 1200); do
	if grep -q '^explore: depth' out; then
		seen=1
		break
	fi
	kill -0 "$pid" 2> /dev/null || break
	sleep 0.1
done
[ -n "$seen" ] || { kill -9 "$pid" 2> /dev/null; fail "no progress line"; }
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted exploration exited $rc, expected 130"
grep -q 'interrupted (Ctrl-C)' out || fail "the coverage line does not say it was interrupted"
grep -q '^coverage: exhausted depth [0-9]' out || fail "no coverage line"
grep -q '^distinct states: [1-9]' out || fail "no distinct-state count"
echo "PASS: $(grep '^coverage:' out)"
