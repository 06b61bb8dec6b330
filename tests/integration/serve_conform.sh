#!/bin/sh
# serve_conform.sh — `fidosim conform --server` against `fidosim serve`, with
# both APIs (webauthn.io and FIDO): every positive case accepted, every
# negative case refused (exit 0), JUnit XML written; an unreachable server
# is a usage error (exit 2); a bad --api is a usage error. TAP output.
set -u
. tests/serve_start.sh
F=${FIDOSIM:-build/fidosim}
W=${FSIM_WRAP:-}
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
if ! serve_start "$tmp/log" --data "$tmp/data"; then
	nok "fidosim serve did not start"; sed 's/^/# /' "$tmp/log"; echo "1..$n"; exit 1
fi
for api in webauthn.io fido; do
	$W "$F" conform --server "$URL" --api $api -o "$tmp/$api" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "conform --api $api: every case as expected ($(tail -2 "$tmp/out" | head -1))"
	else
		nok "conform --api $api: exit $rc"
		grep -A1 '^FAIL' "$tmp/out" | head -20 | sed 's/^/# /'; sed 's/^/# /' "$tmp/err" | head -5
	fi
	if python3 - "$tmp/$api/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall('.//testcase')
fams = {s.get('name') for s in root.findall('testsuite')}
assert len(cases) > 60 and not root.findall('.//failure'), (len(cases))
assert any('Backup flags' in f for f in fams) and any('Attestation-Resp-5' in f for f in fams)
PY
	then ok "conform --api $api: junit.xml has every case, grouped by family, no failure"
	else nok "conform --api $api: junit.xml"; fi
done
# The server is still healthy and logged the run.
serve_alive && ok "the server is still running" || nok "the server died"
grep -q 'POST /attestation/result 400' "$tmp/log" && grep -q 'POST /registration/verification 200' "$tmp/log" \
    && ok "the server logged both APIs' requests" || nok "request log"
$W "$F" conform --server http://127.0.0.1:1 -o "$tmp/x" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q 'did not answer' "$tmp/err" && ok "an unreachable server: exit 2" || nok "unreachable: exit $rc"
$W "$F" conform --server "$URL" --api soap > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--api' "$tmp/err" && ok "a bad --api: exit 2 naming it" || nok "bad --api: exit $rc"
$W "$F" conform > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--server URL' "$tmp/err" && grep -q -- '--authenticator PATH' "$tmp/err" \
    && ok "no target: exit 2 naming both kinds (--server, --authenticator)" || nok "no target: exit $rc"
# Issue 20 item 6: an origin the set-up cannot work with is one clear error
# (exit 2) naming --origin, not 82 identical failures; a failure names its rule.
serve_stop >/dev/null 2>&1
if serve_start "$tmp/log2" --rp-id example.com; then
	$W "$F" conform --server "$URL" -o "$tmp/rpid" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q 'RP ID is "example.com"' "$tmp/err" \
	    && grep -q -- '--origin https://example.com' "$tmp/err" && [ ! -f "$tmp/rpid/junit.xml" ] \
	    && ok "RP ID example.com, client origin localhost: exit 2, one line suggesting --origin" \
	    || { nok "RP ID mismatch: exit $rc"; sed 's/^/# /' "$tmp/err" | head -3; }
	serve_stop >/dev/null 2>&1
else nok "serve --rp-id example.com did not start"; fi
if serve_start "$tmp/log3" --origin http://localhost:9; then
	$W "$F" conform --server "$URL" -o "$tmp/orig" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q 'refused a valid registration made for the origin' "$tmp/err" \
	    && grep -q -- '--origin' "$tmp/err" \
	    && ok "the RP expects another origin: exit 2, one line suggesting --origin" \
	    || { nok "origin refused: exit $rc"; sed 's/^/# /' "$tmp/err" | head -3; }
	$W "$F" conform --server "$URL" --origin http://localhost:9 --only Backup -o "$tmp/orig2" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 0 ] && ok "... and with that --origin every case runs as expected" || nok "with --origin: exit $rc $(head -3 "$tmp/out")"
	serve_stop >/dev/null 2>&1
else nok "serve --origin did not start"; fi
if serve_start "$tmp/log4" --policy-preset fido2-net-lib; then
	$W "$F" conform --server "$URL" --only Backup -o "$tmp/lax" > "$tmp/out" 2> "$tmp/err"; rc=$?
	[ $rc -eq 1 ] && grep -q '^FAIL  REG-14 Backup flags (BE/BS): F-1 BS without BE at registration (negative case; rule REG-14, WebAuthn L3 7.1 step 17)' "$tmp/out" \
	    && grep -q 'type="REG-14"' "$tmp/lax/junit.xml" && grep -q 'rule REG-14, WebAuthn L3 7.1 step 17' "$tmp/lax/junit.xml" \
	    && ok "a lax RP's failures name their rule and section (summary and junit.xml)" \
	    || { nok "failure rule IDs: exit $rc"; grep FAIL "$tmp/out" | head -3 | sed 's/^/# /'; }
	serve_stop >/dev/null 2>&1
else nok "serve --policy-preset fido2-net-lib did not start"; fi
$W "$F" conform --help | grep -q -- '--server URL' && ok "conform --help" || nok "conform --help"
$W "$F" serve --help | grep -q -- '--data DIR' && ok "serve --help" || nok "serve --help"
$W "$F" serve --port 99999 > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q -- '--port' "$tmp/err" && ok "serve --port 99999: exit 2 naming it" || nok "serve bad port: exit $rc"
echo "1..$n"
