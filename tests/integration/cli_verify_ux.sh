#!/bin/sh
# cli_verify_ux.sh — verify-registration / verify-authentication as a person
# uses them (issue 20 item 10): a test vector's own settings stand in for the
# options not given; failures come first and --failures-only prints only them;
# colour only on a terminal without NO_COLOR; --credential takes a record, a
# registration response or verify-registration --json's output;
# --update-record writes the updated record; an oversized file says why it
# cannot be read. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
V=vectors/w3c-l3

# --- a vector's settings ---
run $W "$F" verify-registration "$V/w3c-packed-es256-registration.json"
check "verify-registration VECTOR: rp-id, origin, challenge, trust anchors from the file" \
    '[ $rc -eq 0 ] && grep -q "VERIFIED (0 errors, 0 warnings)" "$tmp/out" && grep -q "from the vector file: rpId, challenge, origin" "$tmp/err"'
run $W "$F" verify-authentication "$V/w3c-none-es256-authentication.json"
check "verify-authentication VECTOR: its credential record too" \
    '[ $rc -eq 0 ] && grep -q "^fidosim verify-authentication: VERIFIED" "$tmp/out" && grep -q credential "$tmp/err"'
run $W "$F" verify-registration --challenge AAAA "$V/w3c-packed-es256-registration.json"
check "an option given beats the vector's value (REG-05 on the other challenge)" \
    '[ $rc -eq 1 ] && grep -q "FAIL  REG-05" "$tmp/out"'
python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps(j['response']))" \
    "$V/w3c-packed-es256-registration.json" > "$tmp/bare.json"
run $W "$F" verify-registration --rp-id example.org "$tmp/bare.json"
check "a bare response still needs --challenge, and says the file held none" \
    '[ $rc -eq 2 ] && grep -q -- "--challenge is required (RESPONSE is not a test vector that holds challenge)" "$tmp/err"'

# --- failures first, --failures-only, colour ---
run $W "$F" verify-registration --challenge AAAA "$V/w3c-packed-es256-registration.json"
first_fail=$(grep -n "FAIL  REG-05" "$tmp/out" | head -1 | cut -d: -f1)
checks_at=$(grep -n "^checks (WebAuthn" "$tmp/out" | cut -d: -f1)
check "the failure is printed before the checklist" '[ -n "$first_fail" ] && [ -n "$checks_at" ] && [ "$first_fail" -lt "$checks_at" ]'
full=$(wc -l < "$tmp/out")
run $W "$F" verify-registration --challenge AAAA --failures-only "$V/w3c-packed-es256-registration.json"
check "--failures-only: the verdict and the failure, nothing else" \
    '[ $rc -eq 1 ] && grep -q "FAIL  REG-05" "$tmp/out" && ! grep -q "pass  " "$tmp/out" && [ $(wc -l < "$tmp/out") -lt 10 ] && [ "$full" -gt 40 ]'
esc=$(printf '\033')
check "no colour codes when stdout is not a terminal" '! grep -q "$esc" "$tmp/out"'
if command -v script >/dev/null 2>&1; then
	script -qec "$F verify-registration --challenge AAAA --failures-only $V/w3c-packed-es256-registration.json" /dev/null > "$tmp/tty.txt" 2>&1
	check "colour on a terminal" 'grep -q "${esc}\[1;31mFAIL" "$tmp/tty.txt"'
	NO_COLOR=1 script -qec "$F verify-registration --challenge AAAA --failures-only $V/w3c-packed-es256-registration.json" /dev/null > "$tmp/tty2.txt" 2>&1
	check "none with NO_COLOR set" 'grep -q "FAIL  REG-05" "$tmp/tty2.txt" && ! grep -q "$esc\[" "$tmp/tty2.txt"'
else
	nok "script(1) (bsdutils) is missing: the terminal checks cannot run"
fi

# --- --credential in every form, --update-record ---
RP=example.org
CH=AAECAwQFBgcICQoLDA0ODw
printf '{"rp":{"id":"%s","name":"E"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"required"}}' "$RP" "$CH" > "$tmp/c.json"
$W "$F" create --store "$tmp/s" "$tmp/c.json" > "$tmp/reg.json"
printf '{"rpId":"%s","challenge":"%s"}' "$RP" "$CH" > "$tmp/g.json"
$W "$F" get --store "$tmp/s" "$tmp/g.json" > "$tmp/a1.json"
$W "$F" get --store "$tmp/s" "$tmp/g.json" > "$tmp/a2.json"
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/reg.json" "$tmp/a1.json"
check "--credential REGISTRATION_RESPONSE: its record is read (and said to be unverified)" \
    '[ $rc -eq 0 ] && grep -q "read, not verified" "$tmp/err"'
$W "$F" verify-registration --rp-id $RP --challenge $CH --json "$tmp/reg.json" > "$tmp/vr.json"
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/vr.json" "$tmp/a1.json"
check "--credential takes what verify-registration --json printed" '[ $rc -eq 0 ]'
py "$tmp/vr.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec.json"
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/rec.json" --update-record "$tmp/rec.json" "$tmp/a1.json"
check "--update-record FILE writes the new signCount (over the --credential file)" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/rec.json" "j[\"signCount\"]")" -ge 1 ]'
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/rec.json" --json "$tmp/a1.json"
check "the updated record refuses the same assertion again (AUTH-19)" '[ $rc -eq 1 ] && grep -q AUTH-19 "$tmp/out"'
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/rec.json" --update-record "$tmp/rec.json" "$tmp/a2.json"
check "and accepts the next one" '[ $rc -eq 0 ]'
cp "$tmp/rec.json" "$tmp/rec.before"
run $W "$F" verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/rec.json" --update-record "$tmp/rec.json" "$tmp/a2.json"
check "a refused assertion leaves the record file as it was" '[ $rc -eq 1 ] && cmp -s "$tmp/rec.json" "$tmp/rec.before"'

# --- an oversized file ---
head -c 17000000 /dev/zero | tr '\0' ' ' > "$tmp/big.json"
run $W "$F" verify-registration --rp-id $RP --challenge $CH "$tmp/big.json"
check "a file over 16 MiB: exit 2 and the reason" '[ $rc -eq 2 ] && grep -q "larger than 16 MiB" "$tmp/err"'
run $W "$F" verify-registration --rp-id $RP --challenge $CH "$tmp/nonexistent.json"
check "a missing file: the system's reason" '[ $rc -eq 2 ] && grep -q "No such file" "$tmp/err"'
done_testing
