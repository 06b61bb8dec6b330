#!/bin/sh
# bench_runs.sh — `fidosim bench` runs every stage to the end (a stage whose
# operation fails stops the bench). Not a timing test: the ratios are for
# people and `make bench`; only that it works and prints them is checked.
set -u
. "$(dirname "$0")/../tap.sh"
run $W "$F" bench --seconds 0.05 --json
check "bench --json runs every stage and exits 0" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert len(json.dumps(j)) > 50" $tmp/out'
run $W "$F" bench --seconds 0
check "bench --seconds 0 is a usage error" '[ $rc -eq 2 ]'
done_testing
