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
# --case: one recorded ES256 ceremony (as tests/differential/gen.sh writes it)
ch=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8
printf '{"rp":{"id":"example.org","name":"E"},"user":{"id":"dXNlcjE","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"direct","authenticatorSelection":{"userVerification":"required","residentKey":"required"}}' "$ch" > $tmp/opts.json
printf '{"rpId":"example.org","challenge":"%s","userVerification":"required"}' "$ch" > $tmp/get.json
"$F" create --store $tmp/s --uv auto --algs es256 --attestation-format packed $tmp/opts.json > $tmp/reg.json
"$F" get --store $tmp/s --uv auto $tmp/get.json > $tmp/auth.json
python3 - $tmp "$ch" <<'PY'
import json, sys
d, ch = sys.argv[1:]
c = {"rpId": "example.org", "origin": "https://example.org", "uv": "required",
     "registration": {"challenge": ch, "response": json.load(open(d + "/reg.json"))},
     "authentications": [{"challenge": ch, "response": json.load(open(d + "/auth.json"))}]}
json.dump(c, open(d + "/case.json", "w"))
c["authentications"][0]["challenge"] = "AAAA"
json.dump(c, open(d + "/wrong.json", "w"))
PY
run $W "$F" bench --case $tmp/case.json --seconds 0.05
check "bench --case times the case: baseline and three stages with ratios" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j[\"baseline\"][\"opsPerSecond\"] > 0; assert [s[\"name\"] for s in j[\"stages\"]] == [\"verify-authentication-from-text\", \"verify-registration-from-text\", \"verify-authentication-from-text-cold-key\"]; assert all(s[\"ratio\"] > 0 for s in j[\"stages\"])" $tmp/out'
run $W "$F" bench --case $tmp/wrong.json --seconds 0.05
check "bench --case whose assertion does not verify fails (exit 1)" \
    '[ $rc -eq 1 ] && grep -q "operation failed" $tmp/err'
echo '{"rpId":"x"}' > $tmp/bad.json
run $W "$F" bench --case $tmp/bad.json
check "bench --case on a file that is not a case is a usage error naming the fields" \
    '[ $rc -eq 2 ] && grep -q "is not a case" $tmp/err'
run $W "$F" bench --case $tmp/missing.json
check "bench --case on a missing file is a usage error" '[ $rc -eq 2 ] && grep -q "cannot read" $tmp/err'
# bench/run.py: the matrix's cells per CPU-second, at -j 1 and 2 and for a shard
run python3 "$(dirname "$0")/../../bench/run.py" --runs 1 --jobs 1,2 --fidosim "$F" --json
check "bench/run.py times the whole matrix at -j 1 and 2 and a shard, every figure > 0" \
    '[ $rc -eq 0 ] && python3 -c "
import json,sys
j=json.load(open(sys.argv[1]))
s=j[\"series\"]
assert [(x[\"name\"], x[\"jobs\"]) for x in s] == [(\"whole matrix\", 1), (\"whole matrix\", 2), (\"shard 1/4\", 1)], s
assert all(r[k] > 0 for x in s for r in x[\"runs\"] for k in (\"cells\", \"wall\", \"cpu\", \"cellsPerCpuSecond\"))
assert s[2][\"best\"][\"cells\"] < s[0][\"best\"][\"cells\"]
" $tmp/out'
run python3 "$(dirname "$0")/../../bench/run.py" --runs 0 --fidosim "$F"
check "bench/run.py --runs 0 is a usage error" '[ $rc -eq 2 ] && grep -q "at least 1" $tmp/err'
done_testing
