#!/bin/sh
# conform_authn.sh — `fidosim conform --authenticator unix:SOCK` against
# `fidosim authenticator --listen SOCK` (issue 18):
#
#  - the clean authenticator passes every case that runs, in three
#    configurations (defaults; packed attestation; no UV capability), and
#    with --allow-destructive; what it does not advertise is skipped, saying
#    so; junit.xml and authenticator.json say the same;
#  - with each quirk of `fidosim quirks`, exactly the expected cases fail,
#    and by the quirk's catalog rule where it has one (the table below);
#    every quirk is in the table;
#  - the command-line contract (--list, --help, usage errors).
# TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
AAGUID=0e2a25cb-2bd4-4a12-9d68-c1f13f19a0a2
sdir=$(mktemp -d /tmp/fsim-cfa.XXXXXX)
pid=
cleanup_cfa() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$sdir" "$tmp"
}
trap cleanup_cfa EXIT

serve() {   # serve FLAGS...: a fresh server on $sdir/a.sock
	stop
	rm -f "$sdir/a.store" "$sdir/a.sock" "$sdir/a.log"
	$W "$F" authenticator --listen "$sdir/a.sock" --store "$sdir/a.store" --aaguid "$AAGUID" "$@" \
	    2>"$sdir/a.log" &
	pid=$!
	i=0
	while [ $i -lt 300 ]; do
		grep -q 'listening on' "$sdir/a.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	sed 's/^/# server: /' "$sdir/a.log"
	return 1
}
# stop: SIGTERM ends the server with exit 0 (a sanitizer's report would not).
stop() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	src=$?
	pid=
	[ $src -eq 0 ] || { nok "the server ended with exit $src"; sed 's/^/# server: /' "$sdir"/*.log | tail -20; }
}
# field FILE EXPR: a value of authenticator.json
field() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# have FILE ID STATUS: case ID of authenticator.json has that status
have() { grep -q "\"id\": \"$2\"" "$1" && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); c=[c for c in j['cases'] if c['id']==sys.argv[2]][0]; sys.exit(0 if c['status']==sys.argv[3] else 1)" "$1" "$2" "$3"; }

# ---- the clean authenticator ----
clean() {   # clean LABEL FLAGS... (CONFORM_ARGS: more for conform)
	label=$1
	shift
	if ! serve "$@"; then nok "$label: the server starts"; return; fi
	# shellcheck disable=SC2086
	run $W "$F" conform --authenticator "unix:$sdir/a.sock" -o "$tmp/$label" ${CONFORM_ARGS:-}
	out=$tmp/$label/authenticator.json
	check "$label: every case that runs passes (exit 0, \"0 not\")" \
	    '[ $rc -eq 0 ] && grep -q " 0 not, " "$tmp/out"'
	[ -f "$out" ] || { nok "$label: authenticator.json written"; return; }
	fails=$(field "$out" "' '.join(c['id'] for c in j['cases'] if c['status']=='fail')")
	[ -z "$fails" ] && ok "$label: authenticator.json lists no failure" || nok "$label: failures: $fails"
	noreason=$(field "$out" "' '.join(c['id'] for c in j['cases'] if c['status']=='skip' and not c['detail'])")
	[ -z "$noreason" ] && ok "$label: every skipped case says why" || nok "$label: skipped without a reason: $noreason"
	nsec=$(field "$out" "sum(1 for c in j['cases'] if c['section'].startswith(('CTAP 2.1','WebAuthn L3')))")
	total=$(field "$out" "len(j['cases'])")
	[ "$nsec" = "$total" ] && [ "$total" -gt 100 ] && ok "$label: all $total cases name their CTAP 2.1 or WebAuthn L3 section" \
	    || nok "$label: $nsec of $total cases name a section"
	python3 - "$tmp/$label/junit.xml" "$total" > "$tmp/junit.check" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall('.//testcase')
assert root.get('tests') == sys.argv[2] and len(cases) == int(sys.argv[2]), (root.get('tests'), len(cases))
assert root.get('failures') == '0', root.get('failures')
assert all(c.find('failure') is None for c in cases)
assert len(root.findall('testsuite')) >= 10
PY
	[ $? -eq 0 ] && ok "$label: junit.xml has the cases, one suite per family, no failure" \
	    || { nok "$label: junit.xml"; sed 's/^/# /' "$tmp/junit.check"; }
	stop
}
clean defaults
clean packed --attestation-format packed --algs es256,eddsa
clean no-uv --uv never
# A PIN and no built-in UV: the PIN family, the tokens through the PIN.
CONFORM_ARGS="--pin 1234" clean pin --pin 1234 --uv never
for k in PIN-03 PIN-06 PIN-09 PIN-12 PIN-13 RK-01 EXT-01; do
	have "$tmp/pin/authenticator.json" $k pass || nok "pin: $k did not pass"
done
have "$tmp/pin/authenticator.json" PIN-12 pass && ok "pin: a wrong PIN costs a retry, the right one restores them (PIN-12)"
# PIN support and no PIN yet, destructive: setPIN, changePIN, reset.
CONFORM_ARGS="--allow-destructive --new-pin 24680" clean client-pin --client-pin
for k in DX-01 DX-02 DX-03; do
	have "$tmp/client-pin/authenticator.json" $k pass && ok "client-pin, destructive: $k passes" \
	    || nok "client-pin, destructive: $k did not pass"
done
# Credential management: served with UV or a PIN, refused as unknown without.
cmok=1
for cfg in defaults pin client-pin; do
	for k in CM-02 CM-03 CM-04 CM-05 CM-06; do
		have "$tmp/$cfg/authenticator.json" $k pass || { cmok=0; nok "$cfg: $k did not pass"; }
	done
done
[ $cmok -eq 1 ] && ok "credMgmt with UV, with a PIN, with a PIN set by the run: CM-02 to CM-06 pass"
have "$tmp/no-uv/authenticator.json" CM-01 pass && have "$tmp/no-uv/authenticator.json" CM-04 skip \
    && ok "no UV, no PIN: credMgmt not advertised, the command is CTAP1_ERR_INVALID_COMMAND (CM-01)" \
    || nok "no-uv: CM-01 pass, CM-04 skip"
run grep -c '"status": "skip"' "$tmp/no-uv/authenticator.json"
nuv=$(cat "$tmp/out")
run grep -c '"status": "skip"' "$tmp/defaults/authenticator.json"
[ "$nuv" -gt "$(cat "$tmp/out")" ] && ok "no UV capability: more cases skip (UV and token cases: $nuv)" \
    || nok "no UV capability skips no more cases ($nuv)"
have "$tmp/defaults/authenticator.json" PIN-05 pass && have "$tmp/no-uv/authenticator.json" PIN-05 skip \
    && ok "a token from built-in UV: tried with UV, skipped without" || nok "PIN-05 pass/skip"
have "$tmp/defaults/authenticator.json" DX-03 skip && ok "reset is skipped without --allow-destructive" \
    || nok "DX-03 ran without --allow-destructive"
if serve; then
	run $W "$F" conform --authenticator "unix:$sdir/a.sock" -o "$tmp/dx" --allow-destructive --only DX-
	check "--allow-destructive: authenticatorReset passes and the run's credential is gone" \
	    '[ $rc -eq 0 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); c={c[\"id\"]:c for c in j[\"cases\"]}; assert c[\"DX-03\"][\"status\"]==\"pass\", c[\"DX-03\"]" "$tmp/dx/authenticator.json"'
	stop
else
	nok "the server starts for --allow-destructive"
fi

# ---- each quirk: exactly these cases fail, and by the quirk's rule ----
# quirk | server flags (- none) | the cases that must fail (- none: a quirk
# of what no CTAP command can make, such as a passkey imported by CXF, whose
# own test is tests/integration/cli_cxf.py)
while IFS='|' read -r quirk flags want; do
	[ -n "$quirk" ] || continue
	[ "$flags" = "-" ] && flags=""
	# shellcheck disable=SC2086
	if ! serve --quirk "$quirk" $flags; then nok "$quirk: the server starts"; continue; fi
	run $W "$F" conform --authenticator "unix:$sdir/a.sock" -o "$tmp/q-$quirk"
	rc_q=$rc
	out=$tmp/q-$quirk/authenticator.json
	stop
	got=$(field "$out" "' '.join(c['id'] for c in j['cases'] if c['status']=='fail')" 2>/dev/null)
	if [ "$want" = "-" ]; then
		# a quirk CTAP cannot reach: every case still passes
		if [ -z "$got" ] && [ $rc_q -eq 0 ]; then
			ok "$quirk: no case fails (exit 0), as CTAP cannot reach it"
		else
			nok "$quirk: expected no failure (exit 0), got '$got' (exit $rc_q)"
		fi
	elif [ "$got" = "$want" ] && [ $rc_q -eq 1 ]; then
		ok "$quirk: exactly $want fail (exit 1)"
	else
		nok "$quirk: expected '$want' to fail (exit 1), got '$got' (exit $rc_q)"
	fi
	rule=$($W "$F" quirks --json | python3 -c "import json,sys; print([q.get('rule') or '' for q in json.load(sys.stdin) if q['name']==sys.argv[1]][0])" "$quirk")
	if [ -n "$rule" ]; then
		rules=$(field "$out" "' '.join(sorted(set(r for c in j['cases'] if c['status']=='fail' for r in c['rules'])))" 2>/dev/null)
		case " $rules " in *" $rule "*) ok "$quirk: a failing case names $rule" ;;
		    *) nok "$quirk: no failing case names $rule (rules: $rules)" ;; esac
	fi
	echo "$quirk" >> "$tmp/tested"
done <<'LIST'
bs-without-be|-|FLAG-01 RP-01 RP-02 RP-03
no-up|-|MC-03 GA-03 RP-01 RP-02 RP-03
uv-without-verification-capability|--uv never|GA-18
wrong-rpid-hash|-|MC-02 GA-02 RP-01 RP-02 RP-03
counter-regress|-|FLAG-03 RP-02 RP-03
bad-signature|-|GA-04 RP-02 RP-03
raw-ecdsa-signature|-|GA-04 GA-05 RP-02 RP-03
trailing-bytes|-|MC-04 GA-07 RP-01 RP-02 RP-03
at-in-assertion|-|GA-06 RP-02 RP-03
ed-without-extensions|-|MC-05 MC-21 GA-07 RP-01 RP-02 RP-03
non-canonical-cbor|-|MC-06
aaguid-cert-mismatch|--attestation-format packed|RP-01 RP-02 RP-03
cert-ca-true|--attestation-format packed|RP-01 RP-02 RP-03
cert-missing-ou|--attestation-format packed|RP-01 RP-02 RP-03
cert-expired|--attestation-format packed|RP-01 RP-02 RP-03
credential-id-1024|-|MC-07 RP-01 RP-02 RP-03
alg-mismatch|--attestation-format packed-self|RP-01 RP-02 RP-03
none-with-attstmt|-|MC-27 RP-01 RP-02 RP-03
be-flip|--be 1|FLAG-02 RP-02 RP-03
exclude-list-ignored|-|EXCL-01
up-false-ignored|-|GA-08
cred-protect-ignored|-|EXT-01 EXT-02
getinfo-aaguid-mismatch|-|INFO-10
hid-seq-unchecked|-|HID-06
cxf-counter-increments|-|-
LIST
listed=$($W "$F" quirks | awk '{print $1}' | sort | tr '\n' ' ')
tested=$(sort "$tmp/tested" | tr '\n' ' ')
[ "$listed" = "$tested" ] && ok "every quirk of fidosim quirks was run against conform --authenticator" \
    || nok "quirks not run here: listed '$listed', run '$tested'"

# ---- the command line ----
run $W "$F" conform --authenticator --list
check "--list: every case with its ID and section" \
    '[ $rc -eq 0 ] && grep -q "^INFO-01 .*CTAP 2.1 6.4" "$tmp/out" && grep -q "^HID-09 " "$tmp/out" && grep -q "DX-03 .*\[destructive\]" "$tmp/out" && grep -q "^120 cases$" "$tmp/out"'
run $W "$F" conform --authenticator --help
check "--authenticator --help names --allow-destructive" '[ $rc -eq 0 ] && grep -q -- "--allow-destructive" "$tmp/out"'
run $W "$F" conform --help
check "conform --help names --authenticator" '[ $rc -eq 0 ] && grep -q -- "--authenticator PATH" "$tmp/out"'
run $W "$F" conform --authenticator
check "--authenticator without a path: exit 2" '[ $rc -eq 2 ] && grep -q "needs a path" "$tmp/err"'
run $W "$F" conform --authenticator "unix:$sdir/none.sock" -o "$tmp/none"
check "an authenticator that is not there: exit 2 naming it" '[ $rc -eq 2 ] && grep -q "none.sock" "$tmp/err"'
run $W "$F" conform --authenticator "unix:$sdir/a.sock" --server http://x
check "--server beside --authenticator: exit 2" '[ $rc -eq 2 ] && grep -q -- "--server" "$tmp/err"'
run $W "$F" conform --authenticator "unix:$sdir/a.sock" --new-pin 123456
check "--new-pin without --allow-destructive: exit 2" '[ $rc -eq 2 ] && grep -q -- "--allow-destructive" "$tmp/err"'
done_testing
