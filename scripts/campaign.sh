#!/bin/sh
# campaign.sh - the default checking campaign: set up and build
# (scripts/setup.sh), then run each stage below in order and print one
# summary line per stage and one for the campaign. Exit 0 iff every stage
# passed.
#
# A stage is a shell function named stage_<name> that prints its own
# "campaign: <name>: ..." summary line and returns 0 (passed) or non-zero.
# To add an engine's stage, write its function and append its name to
# STAGES.
set -u
cd "$(dirname "$0")/.."

scripts/setup.sh || exit $?
BUILD=${FOLIOCHECK_BUILD:-build}
FOLIOCHECK="$BUILD/cli/foliocheck"

# The exit status `foliocheck replay` owes a corpus trace (corpus/README.md):
# its `# expect-exit: N` line if it has one, else its folder's.
expected_status() {
	declared=$(sed -n 's/^# expect-exit: \([0-2]\)$/\1/p' "$1" | head -n 1)
	if [ -n "$declared" ]; then
		echo "$declared"
		return
	fi
	case "$1" in
	corpus/mutants/*) echo 1 ;;
	corpus/malformed/*) echo 2 ;;
	*) echo 0 ;;
	esac
}

# replay_corpus: every corpus trace replays with the status its folder says.
stage_replay_corpus() {
	total=0
	unexpected=0
	for trace in $(find corpus -name '*.trace' | sort); do
		total=$((total + 1))
		want=$(expected_status "$trace")
		"$FOLIOCHECK" replay --quiet "$trace" >/dev/null 2>&1
		got=$?
		if [ "$got" -ne "$want" ]; then
			unexpected=$((unexpected + 1))
			echo "campaign: replay_corpus: $trace exited $got, expected $want" \
				"(rerun: $FOLIOCHECK replay $trace)"
		fi
	done
	echo "campaign: replay_corpus: $total traces, $((total - unexpected)) as expected," \
		"$unexpected unexpected"
	[ "$unexpected" -eq 0 ]
}

# check: the RapidCheck property campaign over every statement, one minute,
# random seed (printed, so a failure replays); the shrunk trace is written.
stage_check() {
	if "$FOLIOCHECK" check --seconds "${CAMPAIGN_CHECK_SECONDS:-60}" --ops all --pmd-order 4 \
		--progress 10; then
		echo "campaign: check: passed"
	else
		echo "campaign: check: FAILED (the shrunk trace is named above)"
		return 1
	fi
}

# explore: breadth-first exhaustion of the default small scope to depth 6
# (4.8 million distinct states with tree symmetry, about 60 s on two
# cores); the summary says what was covered.
stage_explore() {
	if "$FOLIOCHECK" explore --depth "${CAMPAIGN_EXPLORE_DEPTH:-6}" --seconds "${CAMPAIGN_EXPLORE_SECONDS:-600}" --progress 15; then
		echo "campaign: explore: passed"
	else
		echo "campaign: explore: FAILED (counterexample in explore-counterexample.trace)"
		return 1
	fi
}

# fuzz: a short libFuzzer differential campaign on both cores (the first run
# builds the clang fuzzers, which the budget does not count); its corpus
# stays in fuzz-corpus/ and a rerun resumes from it. Crashes become traces
# in fuzz-crashes/, named on stdout. A small PMD (16 pages) keeps the
# executions fast and, being order 4, brings PMD THPs into a scope whose
# largest order is 4; `foliocheck fuzz --time 8h` is the overnight run.
stage_fuzz() {
	if "$FOLIOCHECK" fuzz --time "${CAMPAIGN_FUZZ_SECONDS:-60}s" --jobs 2 --pmd-order 4; then
		echo "campaign: fuzz: passed"
	else
		echo "campaign: fuzz: FAILED (minimized traces named above)"
		return 1
	fi
}

# query: Z3 bounded model checking of every SPEC invariant over every
# statement sequence of up to 3 statements at pmd_order 2 with 2 processes,
# the first 2 enumerated concretely and the last one solved from each state
# they reach (about 3 minutes); a violation is written as a trace and
# replayed.
stage_query() {
	steps="${CAMPAIGN_QUERY_STEPS:-3}"
	if "$FOLIOCHECK" query all --steps "$steps" --concrete-prefix $((steps > 1 ? steps - 1 : 0)) \
		--timeout 900 --out query-counterexample.trace; then
		echo "campaign: query: passed"
	else
		echo "campaign: query: FAILED (see the answer above; a counterexample is in query-counterexample.trace)"
		return 1
	fi
}

STAGES="replay_corpus check explore fuzz query"

failed=0
for stage in $STAGES; do
	if ! "stage_$stage"; then
		failed=$((failed + 1))
	fi
done
count=$(echo $STAGES | wc -w)
if [ "$failed" -eq 0 ]; then
	echo "campaign: PASS: $count of $count stages passed"
else
	echo "campaign: FAIL: $failed of $count stages failed"
fi
[ "$failed" -eq 0 ]
