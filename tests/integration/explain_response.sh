#!/bin/sh
# explain_response.sh — the paste-and-judge path (issue 20): `fidosim explain
# --response FILE` judges a captured registration or assertion under every RP
# policy preset and says what each platform profile would have delivered or
# refused; and explain --json gives lists as arrays (item 10). TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }
V=vectors/w3c-l3

run $W "$F" explain --response "$V/w3c-packed-es256-registration.json"
check "a captured registration: exit 0, judged as captured" '[ $rc -eq 0 ] && grep -q "as captured: fmt packed, AAGUID 876ca4f5-2071-c3e9-b255-09ef2cdf7ed6" "$tmp/out"'
npresets=$($W "$F" policies --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
nlisted=$(sed -n '/^relying party, by policy preset/,/^$/p' "$tmp/out" | grep -cE '^  [a-z0-9_-]+ +(verified|NOT verified)')
check "under every policy preset ($npresets)" '[ "$nlisted" = "$npresets" ]'
check "apple-provider-extension would refuse it (require-fmt-none)" 'grep -q "apple-provider-extension refused: NotAllowedError: .*require-fmt-none" "$tmp/out"'
check "chrome-desktop would zero the AAGUID, and webauthn.io would call it iCloud Keychain" \
    'grep -q "chrome-desktop .*delivers fmt none, AAGUID 00000000-0000-0000-0000-000000000000 (.*webauthn.io shows iCloud Keychain)" "$tmp/out" && grep -q "platform rule zero-aaguid" "$tmp/out"'
run $W "$F" explain --response "$V/w3c-packed-es256-registration.json" --rp-attestation direct --platform spec-l3 --json
check "--rp-attestation direct: spec-l3 delivers packed as made" '[ $rc -eq 0 ] && [ "$(py "$tmp/out" "j[\"platforms\"][0][\"fmt\"]")" = packed ]'
check "--json: verdicts with error arrays, one entry per platform asked" \
    '[ "$(py "$tmp/out" "len(j[\"platforms\"]), type(j[\"verdicts\"][0][\"errors\"]).__name__")" = "1 list" ]'

# A capture whose challenge nobody kept (pasted from a browser): its own clientDataJSON stands in.
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['response']))" "$V/w3c-none-es256-registration.json" > "$tmp/bare.json"
run $W "$F" explain --response "$tmp/bare.json" --platform apple-provider-extension
check "a bare response: judged by its own clientDataJSON" '[ $rc -eq 0 ] && grep -q "^  spec  *verified" "$tmp/out"'

# An assertion: with its credential; BE=0 through Apple's extension is refused.
RP=example.org; CH=AAECAwQFBgcICQoLDA0ODw
printf '{"rp":{"id":"%s","name":"E"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"required"}}' $RP $CH > "$tmp/c.json"
$W "$F" create --store "$tmp/s" --be 0 "$tmp/c.json" > "$tmp/reg.json"
printf '{"rpId":"%s","challenge":"%s"}' $RP $CH > "$tmp/g.json"
$W "$F" get --store "$tmp/s" "$tmp/g.json" > "$tmp/a.json"
run $W "$F" explain --response "$tmp/a.json" --rp-id $RP --challenge $CH --credential "$tmp/reg.json" --platform apple-provider-extension --platform spec-l3
check "an assertion with --credential: judged under every preset" '[ $rc -eq 0 ] && grep -q "an authentication" "$tmp/out" && grep -q "^  spec  *verified" "$tmp/out"'
check "BE=0 through apple-provider-extension: refused (require-be-bs)" 'grep -q "apple-provider-extension refused: NotAllowedError: .*require-be-bs" "$tmp/out" && grep -q "spec-l3 .*delivers flags UP" "$tmp/out"'

run $W "$F" explain --response "$tmp/nope.json"
check "a missing file: exit 2" '[ $rc -eq 2 ] && grep -q "cannot read" "$tmp/err"'
run $W "$F" explain --response "$V/w3c-packed-es256-registration.json" --policy-preset nosuch
check "an unknown preset: exit 2 naming it" '[ $rc -eq 2 ] && grep -q nosuch "$tmp/err"'

# explain --json (the ceremony mode): lists as arrays beside the old comma strings.
run $W "$F" explain --preset chrome-virtual --platform spec-l3 --policy-preset simplewebauthn --json
check "explain --json: errorRules, warningRules and transportList are arrays" \
    '[ "$(py "$tmp/out" "json.dumps([j[\"ceremonies\"][0][\"verdicts\"][0][\"errorRules\"], j[\"ceremonies\"][0][\"verdicts\"][0][\"warningRules\"], j[\"ceremonies\"][0][\"delivered\"][\"transportList\"], j[\"ceremonies\"][0][\"delivered\"][\"transports\"]])")" = "[[\"REG-13\"], [], [\"usb\"], \"usb\"]" ]'
done_testing
