#!/bin/sh
# run_report.sh — `fidosim run`: the default matrix writes report.json (valid
# against docs/report.schema.json), junit.xml (valid against the JUnit schema
# in tests/schemas) and report.html; at least 200 cells; deterministic per
# seed; shards merge into the full run; --provider; every error-severity rule
# covered by a failing deliberate cell and a passing cell. TAP output.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../tap.sh"
PY=/usr/bin/python3
jq_() { $PY -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

run $W "$F" run -o "$tmp/full"
check "run exits 0" '[ $rc -eq 0 ]'
check "run writes report.json, junit.xml and report.html" \
    '[ -s $tmp/full/report.json ] && [ -s $tmp/full/junit.xml ] && [ -s $tmp/full/report.html ]'
check "no progress line when stderr is not a terminal" '[ ! -s $tmp/err ]'
check "the summary gives cells, time and cells/s" 'grep -q "^fidosim run: [0-9]* cells .* in [0-9.]* s ([0-9]* cells/s)" $tmp/out'
R=$tmp/full/report.json
check "the default matrix has at least 200 cells" '[ "$(jq_ $R "r[\"summary\"][\"cells\"] >= 200")" = True ]'
check "matrix cells = presets x platforms x policies" \
    '[ "$(jq_ $R "sum(c[\"kind\"]==\"matrix\" for c in r[\"cells\"]) == len(r[\"axes\"][\"presets\"])*len(r[\"axes\"][\"platforms\"])*len(r[\"axes\"][\"policies\"])")" = True ]'
check "every kind of cell is there (matrix, quirk, scenario)" \
    '[ "$(jq_ $R "{\"matrix\",\"quirk\",\"scenario\"} <= set(c[\"kind\"] for c in r[\"cells\"])")" = True ]'

cat > "$tmp/validate.py" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
errs = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
for e in errs[:3]:
    print("# %s: %s" % (list(e.absolute_path)[:4], e.message[:200]))
sys.exit(1 if errs else 0)
PY
run $PY "$tmp/validate.py" "$here/docs/report.schema.json" "$R"
check "report.json validates against docs/report.schema.json" '[ $rc -eq 0 ]'
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); del r['summary']; r['cells'][0]['outcome']='maybe'; json.dump(r, open(sys.argv[2],'w'))" "$R" "$tmp/broken.json"
run $PY "$tmp/validate.py" "$here/docs/report.schema.json" "$tmp/broken.json"
check "the schema rejects a report without summary and with a bad outcome" '[ $rc -eq 1 ]'
run xmllint --noout --schema "$here/tests/schemas/junit.xsd" "$tmp/full/junit.xml"
check "junit.xml validates against tests/schemas/junit.xsd (xmllint)" '[ $rc -eq 0 ]'
sed 's/<testcase classname=/<testcase bogus="1" classname=/' "$tmp/full/junit.xml" > "$tmp/bad.xml"
run xmllint --noout --schema "$here/tests/schemas/junit.xsd" "$tmp/bad.xml"
check "the JUnit schema rejects an unknown attribute" '[ $rc -ne 0 ]'
check "one testcase per cell" \
    '[ "$(grep -c "<testcase " $tmp/full/junit.xml)" = "$(jq_ $R "len(r[\"cells\"])")" ]'
# A deliberate cell that did not get its verdict: none in the default
# matrix, so one is made by editing the report and merging it (--merge
# writes junit.xml from any report and recomputes the summary).
$PY - "$R" "$tmp/tampered/report.json" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
c = next(c for c in r["cells"] if c["id"] == "quirk/bs-without-be/spec")
c.update(outcome="pass", ok=False, rules=[], sections=[], why="")
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
json.dump(r, open(sys.argv[2], "w"))
PY
run $W "$F" run --merge "$tmp/tampered" -o "$tmp/tampered-out"
check "a failure names its rule IDs and spec sections" \
    'grep -Eq "<failure message=\"pass \(expected fail by REG-14 \(7\.1 step 17\)" $tmp/tampered-out/junit.xml && grep -q "<failure message=\"refused: platform rule require-be-bs" $tmp/full/junit.xml'
check "an unexpected cell makes run exit 1 (--fail-on unexpected, the default) and is named first" \
    '[ $rc -eq 1 ] && sed -n 2p $tmp/out | grep -q "UNEXPECTED *1" && grep -q "UNEXPECTED quirk/bs-without-be/spec: expected fail by REG-14, got pass" $tmp/out'
check "testsuites are grouped by preset" 'grep -q "<testsuite name=\"yubikey5\"" $tmp/full/junit.xml'

check "every quirk is caught by the spec policy by the rule it names" \
    '[ "$(jq_ $R "all(c[\"ok\"] for c in r[\"cells\"] if c[\"kind\"]==\"quirk\" and c[\"policy\"]==\"spec\")")" = True ]'
check "every scenario cell meets its expectations" \
    '[ "$(jq_ $R "all(c[\"ok\"] for c in r[\"cells\"] if c[\"kind\"]==\"scenario\")")" = True ]'
check "a platform refusal is attributed to its rule (apple-provider-extension x keepassxc-2.7.11)" \
    '[ "$(jq_ $R "[c[\"platformRules\"] for c in r[\"cells\"] if c[\"id\"]==\"matrix/keepassxc-2.7.11/apple-provider-extension/spec\"][0] == [\"require-be-bs\"]")" = True ]'
check "coverage: every error-severity rule has a failing and a passing cell, but those documented as unreachable" \
    '[ "$(jq_ $R "sorted(r[\"coverage\"][\"errorRulesUncovered\"]) == sorted(r[\"coverage\"][\"unreachable\"])")" = True ]'
echo "# unreachable: $(jq_ $R "sorted(r[\"coverage\"][\"unreachable\"])")"
check "coverage: a failing cell is a quirk or mutation failing by that very rule" \
    '[ "$(jq_ $R "all(any(c[\"id\"]==v[\"failingCell\"] and k in c[\"rules\"] and c[\"kind\"] in (\"quirk\",\"mutation\") for c in r[\"cells\"]) for k,v in r[\"coverage\"][\"rules\"].items() if v[\"failingCell\"])")" = True ]'
check "coverage: a passing cell held that very rule" \
    '[ "$(jq_ $R "all(any(c[\"id\"]==v[\"passingCell\"] and k in c[\"held\"] for c in r[\"cells\"]) for k,v in r[\"coverage\"][\"rules\"].items() if v[\"passingCell\"])")" = True ]'
check "the kinds mutation and vector are in the default run" \
    '[ "$(jq_ $R "{\"mutation\",\"vector\"} <= set(c[\"kind\"] for c in r[\"cells\"])")" = True ]'

# The HTML report of the default matrix in headless Chromium: no console
# errors, one map per policy with presets x platforms cells, a failing cell's
# rule IDs on click; screenshots kept in $FIDOSIM_ARTIFACTS (out/artifacts).
np=$(jq_ $R 'len(r["axes"]["presets"])'); nf=$(jq_ $R 'len(r["axes"]["platforms"])')
nq=$(jq_ $R 'len(r["axes"]["policies"])')
node "$here/tests/browser/report_html.mjs" "$tmp/full/report.html" "$np" "$nf" "$nq" --no-pdf --max-height 4000 \
    --name run-default > "$tmp/browser.tap" 2>&1
grep -E '^(ok|not ok)' "$tmp/browser.tap" | sed 's/^\(not \)\{0,1\}ok[^-]*- /&report.html: /' | while IFS= read -r line; do
	case "$line" in "not ok"*) nok "${line#*- }" ;; *) ok "${line#*- }" ;; esac
done > "$tmp/browser.out"
cat "$tmp/browser.out"
n=$((n + $(grep -c '' "$tmp/browser.out")))
check "the browser test of report.html ran" 'grep -q "^ok" $tmp/browser.tap && ! grep -q "^not ok" $tmp/browser.tap'

# Determinism and shards.
run $W "$F" run --quiet -j 1 -o "$tmp/again"
cat > "$tmp/same.py" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["cells"]
b = [c for p in sys.argv[2:] for c in json.load(open(p))["cells"]]
key = lambda c: c["id"]
a, b = sorted(a, key=key), sorted(b, key=key)
sys.exit(0 if a == b else 1)
PY
check "the same seed gives the same cells (-j 1 vs all CPUs)" '[ $rc -eq 0 ] && $PY $tmp/same.py $R $tmp/again/report.json'
for i in 1 2 3; do "$F" run --quiet --shard $i/3 -o "$tmp/s$i" >/dev/null 2>&1; done
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/s3" -o "$tmp/merged" --quiet
check "three shards merge into exactly the full run's cells" \
    '[ $rc -eq 0 ] && $PY $tmp/same.py $R $tmp/merged/report.json'
check "shards are disjoint" \
    '[ "$(cat $tmp/s1/report.json $tmp/s2/report.json >/dev/null; jq_ $tmp/s1/report.json "len(r[\"cells\"])")" -lt "$(jq_ $R "len(r[\"cells\"])")" ]'
run $PY "$tmp/validate.py" "$here/docs/report.schema.json" "$tmp/merged/report.json"
check "the merged report validates too" '[ $rc -eq 0 ]'
check "the merged report has the full coverage" \
    '$PY -c "import json,sys; sys.exit(json.load(open(sys.argv[1]))[\"coverage\"] != json.load(open(sys.argv[2]))[\"coverage\"])" $tmp/merged/report.json $R'

# --provider: a user's own provider through every platform and policy.
cat > "$tmp/mine.preset" <<'P'
name        = my-manager
description = a passkey manager that keeps keys in the Secure Enclave
evidence    = our own design
aaguid      = 7ee7ac3e-0000-4000-8000-0000000000aa
be          = 0
bs          = 0
uv          = always
counter     = zero
attestation = none
transports  = internal,hybrid
P
run $W "$F" run --provider "$tmp/mine.preset" -o "$tmp/mine"
check "--provider runs the file through every platform and policy, under the preset's own name" \
    '[ $rc -eq 0 ] && [ "$(jq_ $tmp/mine/report.json "set(c[\"preset\"] for c in r[\"cells\"]) == {\"my-manager\"} and len(r[\"cells\"]) == len(r[\"axes\"][\"platforms\"])*len(r[\"axes\"][\"policies\"])")" = True ]'
check "--provider: the summary says where it does not work and why" \
    'grep -q "REFUSED through apple-provider-extension: NotAllowedError by platform rule require-be-bs" $tmp/out'

# Usage errors.
run $W "$F" run --shard 0/2 -o "$tmp/x"
check "--shard 0/2 exits 2" '[ $rc -eq 2 ]'
run $W "$F" run --policies nosuch -o "$tmp/x"
check "an unknown policy exits 2 naming it" '[ $rc -eq 2 ] && grep -q nosuch $tmp/err'
run $W "$F" run --presets nosuch -o "$tmp/x"
check "an unknown preset exits 2" '[ $rc -eq 2 ]'
run $W "$F" run --merge "$tmp/nowhere" -o "$tmp/x"
check "--merge of a directory without a report exits 2" '[ $rc -eq 2 ]'
done_testing
