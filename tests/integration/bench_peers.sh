#!/bin/sh
# bench_peers.sh — bench/peers.sh runs fidosim and the RP libraries
# (@simplewebauthn/server, fido2-lib from node_modules) on one ceremony it
# makes and prints every figure and ratio. Not a timing test: only the
# output's shape and that every number is > 0 are checked. Without
# node_modules the tests fail (run sh tests/npm_deps.sh).
set -u
. "$(dirname "$0")/../tap.sh"
run env FIDOSIM="$F" sh bench/peers.sh --seconds 0.05 --json
check "peers.sh --json: fidosim and both peers for the three stages, every figure > 0" \
    '[ $rc -eq 0 ] && python3 - $tmp/out <<PY
import json, sys
j = json.load(open(sys.argv[1]))
assert [s["name"] for s in j["stages"]] == ["verify-registration", "verify-authentication", "verify-auth cold key"]
for s in j["stages"]:
    assert s["fidosimOpsPerSecond"] > 0
    assert [p["name"] for p in s["peers"]] == ["simplewebauthn", "fido2-lib"]
    for p in s["peers"]:
        assert p["opsPerSecond"] > 0 and p["ratio"] > 0
        assert abs(p["ratio"] - s["fidosimOpsPerSecond"] / p["opsPerSecond"]) < 1e-6 * p["ratio"]
assert all(v > 0 for v in j["baselines"].values())
assert len(j["load"]["start"].split()) == 3
PY'
run env FIDOSIM="$F" sh bench/peers.sh --seconds 0.05
check "peers.sh prints a table: six rows of stage, two rates and a ratio, all > 0" \
    '[ $rc -eq 0 ] && [ $(grep -cE "^verify-(registration|authentication|auth cold key) +[0-9]+ +(simplewebauthn|fido2-lib) +[0-9]+ +[0-9.]+x" $tmp/out) -eq 6 ] &&
     ! grep -qE "^verify-.* 0 |  0\.0x" $tmp/out'
run sh bench/peers.sh --seconds abc
check "peers.sh --seconds abc is a usage error" '[ $rc -eq 2 ] && grep -q "positive number" $tmp/err'
done_testing
