#!/bin/sh
# report_html.sh — report.html (harness/report_html.c) opened in headless
# Chromium by tests/browser/report_html.mjs: the sample report
# (tests/fixtures/report-sample.json: 3 RP policies of 4 presets x 3
# platforms), the same with markup in every string, reports of odd shape, and
# a report of 1,080 heat-map cells that must draw quickly. Also the exit codes
# of report_html_gen, the test program that writes the page from a file.
# Screenshots and PDFs go to $FIDOSIM_ARTIFACTS (default out/artifacts). TAP.
set -u
B=${FSIM_BUILD:-build}
W=${FSIM_WRAP:-}
GEN="$B/itests/report_html_gen"
FIX=tests/fixtures/report-sample.json
export FIDOSIM_ARTIFACTS="${FIDOSIM_ARTIFACTS:-out/artifacts}"
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }

# gen NAME REPORT: the page in $tmp/NAME.html.
gen() {
	if $W "$GEN" "$2" "$tmp/$1.html" 2>"$tmp/gen.err"; then
		ok "$1: report_html_gen writes the page"
	else
		nok "$1: report_html_gen failed: $(head -1 "$tmp/gen.err")"
	fi
}

# browser NAME PRESETS PLATFORMS POLICIES [OPTIONS]: the browser checks on $tmp/NAME.html.
browser() {
	name=$1; shift
	if [ ! -d node_modules/playwright-core ] || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		nok "$name: playwright-core (npm ci) or chromium missing"
		return
	fi
	node tests/browser/report_html.mjs "$tmp/$name.html" "$@" --name "$name" >"$tmp/b.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) nok "$name: ${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tmp/b.out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$tmp/b.out"; then
		nok "$name: the browser test exited $rc"
		tail -20 "$tmp/b.out" | sed 's/^/# /'
	fi
}

# --- report_html_gen's contract ---
$W "$GEN" "$tmp/none.json" "$tmp/x.html" 2>/dev/null
[ $? -eq 2 ] && ok "gen: a missing report.json exits 2" || nok "gen: a missing report.json does not exit 2"
printf '{"cells": [' >"$tmp/trunc.json"
$W "$GEN" "$tmp/trunc.json" "$tmp/x.html" 2>/dev/null
[ $? -eq 2 ] && ok "gen: a report.json that is not JSON exits 2" || nok "gen: bad JSON does not exit 2"
echo '[]' >"$tmp/arr.json"
$W "$GEN" "$tmp/arr.json" "$tmp/x.html" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q . "$tmp/err" && ok "gen: a report that is not an object exits 1 with a message" \
    || nok "gen: a non-object report is not refused"

# --- the sample report ---
gen sample "$FIX"
browser sample 4 3 3 --expect-rule REG-14 --max-ms 2000

# --- markup in every string (names, ids, reasons), enums left alone ---
python3 - "$FIX" "$tmp/hostile.json" <<'EOF'
import json, sys
MARK = '</script><script>alert(1)</script>"><img src=x onerror="window.__pwned=1">&amp;<!--'
KEEP = {"schema", "kind", "outcome", "expected", "severity"}
def walk(v, key=None):
    if isinstance(v, dict):
        return {k: walk(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x, key) for x in v]
    if isinstance(v, str) and key not in KEEP:
        return v + MARK
    return v
r = walk(json.load(open(sys.argv[1])))
json.dump(r, open(sys.argv[2], "w"))
EOF
gen hostile "$tmp/hostile.json"
browser hostile 4 3 3 --hostile

# --- odd shapes: the page says what it could not read, and draws the rest ---
cat >"$tmp/odd.json" <<'EOF'
{"schema": "fidosim-report/0", "axes": {"presets": ["a"], "platforms": "x", "policies": ["p"]},
 "cells": [5, null, {"id": "matrix/a/b/p", "kind": "matrix", "preset": "a", "platform": "b", "policy": "p",
   "outcome": "weird", "rules": "R-1,R-2", "ceremonies": "none"},
  {"id": 7, "kind": "quirk", "ok": "yes", "ceremonies": [{"emitted": [1], "delivered": {"flags": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}}},
   "verdicts": [{"policy": "q", "verified": true}, 3]}]}],
 "summary": [], "coverage": {"rules": [], "errorRulesUncovered": {}}, "run": null}
EOF
gen odd "$tmp/odd.json"
browser odd 1 1 1 --no-failing --expect-notice
echo '{}' >"$tmp/empty.json"
gen empty "$tmp/empty.json"
browser empty 0 0 0 --no-failing --expect-notice

# --- 1,080 heat-map cells (12 presets x 10 platforms x 9 policies) draw quickly ---
python3 - "$FIX" "$tmp/large.json" <<'EOF'
import copy, json, sys
r = json.load(open(sys.argv[1]))
src = [c for c in r["cells"] if c["kind"] == "matrix"]
pres = ["preset-%02d" % i for i in range(12)]
pfs = ["platform-%02d" % i for i in range(10)]
pols = ["policy-%d" % i for i in range(9)]
cells, k = [], 0
for po in pols:
    for pr in pres:
        for pf in pfs:
            c = copy.deepcopy(src[(k * 7) % len(src)])
            k += 1
            c.update(id="matrix/%s/%s/%s" % (pr, pf, po), preset=pr, platform=pf, policy=po)
            cells.append(c)
r["axes"] = {"presets": pres, "platforms": pfs, "policies": pols}
r["cells"] = cells + [c for c in r["cells"] if c["kind"] != "matrix"]
r["summary"] = {"cells": len(r["cells"]),
                **{o: sum(c["outcome"] == o for c in r["cells"]) for o in ("pass", "fail", "refused")},
                "unexpected": sum(not c["ok"] for c in r["cells"])}
json.dump(r, open(sys.argv[2], "w"))
EOF
gen large "$tmp/large.json"
browser large 12 10 9 --max-ms 1500 --max-height 4000 --no-pdf
