#!/bin/sh
# test.sh - set up and build (scripts/setup.sh), then run every test: the
# unit tests (tests/, engine folders) and the corpus replays (corpus/).
# Exit status is ctest's; the summary line is repeated at the very end.
set -u
cd "$(dirname "$0")/.."

scripts/setup.sh || exit $?
BUILD=${FOLIOCHECK_BUILD:-build}

log=$(mktemp)
status_file=$(mktemp)
trap 'rm -f "$log" "$status_file"' EXIT

{
	ctest --test-dir "$BUILD" --output-on-failure -j2
	echo $? >"$status_file"
} 2>&1 | tee "$log"
status=$(cat "$status_file")

summary=$(grep -E "[0-9]+% tests passed" "$log" | tail -n 1)
echo
echo "test.sh: ${summary:-no ctest summary (ctest exit status $status)}"
exit "$status"
