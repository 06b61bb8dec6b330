#!/bin/sh
# presets.sh — authenticator presets through the real binary: for every
# shipped preset a registration (attestation "direct", so packed statements
# reach the RP) and an assertion made with --preset verify under the spec
# relying party and carry the preset's AAGUID and BE/BS; explicit flags beat
# the preset whatever their order; an unknown preset exits 2 naming the known
# ones; a user's own preset file works by path; `fidosim presets` lists all
# eleven. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

RP=example.org
CHAL=AAECAwQFBgcICQoLDA0ODw
CHAL2=EBESExQVFhcYGRobHB0eHw
SEED=00112233445566778899aabbccddeeff
creation() { # creation CONVEYANCE
	printf '{"publicKey":{"rp":{"id":"%s","name":"Example"},"user":{"id":"dXNlci0x","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"authenticatorSelection":{"residentKey":"preferred","userVerification":"preferred"},"attestation":"%s"}}' \
	    "$RP" "$CHAL" "$1"
}
request() { # request ALLOW_ID
	printf '{"challenge":"%s","rpId":"%s","userVerification":"preferred","allowCredentials":[{"type":"public-key","id":"%s"}]}' \
	    "$CHAL2" "$RP" "$1"
}
creation direct > "$tmp/direct.json"
creation none > "$tmp/none.json"

# --- the listing ---
run $W "$F" presets
cp "$tmp/out" "$tmp/list.txt"
check "fidosim presets lists all eleven" '[ $rc -eq 0 ] && [ $(wc -l < "$tmp/list.txt") -eq 11 ]'
run $W "$F" presets --json
cp "$tmp/out" "$tmp/list.json"
NAMES=$(py "$tmp/list.json" '" ".join(p["name"] for p in j)')
check "fidosim presets --json names the same eleven" \
    '[ $rc -eq 0 ] && [ $(echo $NAMES | wc -w) -eq 11 ] && for p in yubikey5 icloud-keychain google-password-manager windows-hello 1password bitwarden keepassxc keepassxc-2.7.11 keepassium samsung-pass chrome-virtual; do echo " $NAMES " | grep -q " $p " || exit 1; done'
run $W "$F" presets --json yubikey5
cp "$tmp/out" "$tmp/yk.json"
check "fidosim presets NAME gives the preset with its evidence" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/yk.json" "j[\"counter\"]")" = global ] && [ "$(py "$tmp/yk.json" "len(j[\"evidence\"]) >= 6")" = True ]'

# --- every shipped preset: create, verify-registration, get, verify-authentication ---
for p in $NAMES; do
	aaguid=$(py "$tmp/list.json" "[p for p in j if p['name'] == '$p'][0]['aaguid']")
	be=$(py "$tmp/list.json" "[p for p in j if p['name'] == '$p'][0]['be']")
	bs=$(py "$tmp/list.json" "[p for p in j if p['name'] == '$p'][0]['bs']")
	att=$(py "$tmp/list.json" "[p for p in j if p['name'] == '$p'][0]['attestation']")
	run $W "$F" create --store "$tmp/st-$p" --seed "$SEED" --preset "$p" "$tmp/direct.json"
	cp "$tmp/out" "$tmp/reg.json"
	run $W "$F" verify-registration --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL" --json "$tmp/reg.json"
	cp "$tmp/out" "$tmp/vreg.json"
	check "$p: create --preset verifies (verify-registration, spec policy)" \
	    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "j[\"verified\"]")" = True ]'
	fmt=$(py "$tmp/vreg.json" 'j["attestation"]["fmt"]')
	want=$att; [ "$att" = packed-self ] && want=packed
	check "$p: the RP sees the preset's AAGUID $aaguid, BE=$be BS=$bs, fmt $want" \
	    '[ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"aaguid\"]")" = "$aaguid" ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"be\"]")" = "$be" ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"bs\"]")" = "$bs" ] && [ "$fmt" = "$want" ]'
	py "$tmp/vreg.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec.json"
	request "$(py "$tmp/reg.json" 'j["id"]')" > "$tmp/req.json"
	run $W "$F" get --store "$tmp/st-$p" --seed "$SEED" --preset "$p" "$tmp/req.json"
	cp "$tmp/out" "$tmp/auth.json"
	run $W "$F" verify-authentication --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL2" --credential "$tmp/rec.json" --json "$tmp/auth.json"
	cp "$tmp/out" "$tmp/vauth.json"
	check "$p: get --preset verifies (verify-authentication) with BE=$be" \
	    '[ $rc -eq 0 ] && [ "$(py "$tmp/vauth.json" "j[\"verified\"]")" = True ] && [ "$(py "$tmp/vauth.json" "j[\"authenticatorData\"][\"flags\"][\"be\"]")" = "$be" ]'
done

# --- under conveyance "none" the reference client strips packed x5c, keeps the AAGUID ---
run $W "$F" create --store "$tmp/st-none" --preset yubikey5 "$tmp/none.json"
cp "$tmp/out" "$tmp/reg.json"
run $W "$F" verify-registration --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL" --json "$tmp/reg.json"
cp "$tmp/out" "$tmp/vreg.json"
check "yubikey5 under attestation none (spec-l3): fmt none, AAGUID kept" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "j[\"attestation\"][\"fmt\"]")" = none ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"aaguid\"]")" = cb69481e-8ff7-4039-93ec-0a2729a154a8 ]'

# --- explicit flags beat the preset, before or after it ---
for order in after before; do
	if [ $order = after ]; then set -- --preset icloud-keychain --be 0 --bs 0; else set -- --be 0 --bs 0 --preset icloud-keychain; fi
	run $W "$F" create --store "$tmp/st-flags-$order" "$@" "$tmp/none.json"
	cp "$tmp/out" "$tmp/reg.json"
	run $W "$F" verify-registration --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL" --json "$tmp/reg.json"
	cp "$tmp/out" "$tmp/vreg.json"
	check "--be 0 --bs 0 $order --preset icloud-keychain gives BE=0 BS=0 and the preset's AAGUID" \
	    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"be\"]")" = False ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"bs\"]")" = False ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"aaguid\"]")" = fbfc3007-154e-4ecc-8c0b-6e020557d7bd ]'
done
run $W "$F" create --store "$tmp/st-aaguid" --aaguid 11111111-2222-3333-4444-555555555555 --preset bitwarden "$tmp/none.json"
cp "$tmp/out" "$tmp/reg.json"
run $W "$F" verify-registration --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL" --json "$tmp/reg.json"
cp "$tmp/out" "$tmp/vreg.json"
check "--aaguid beats the preset's AAGUID; the preset's BE=1 stays" \
    '[ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"aaguid\"]")" = 11111111-2222-3333-4444-555555555555 ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"be\"]")" = True ]'

# --- unknown preset, bad files ---
run $W "$F" create --store "$tmp/st-x" --preset no-such-provider "$tmp/none.json"
check "an unknown preset exits 2 naming the known ones" \
    '[ $rc -eq 2 ] && grep -q "no-such-provider" "$tmp/err" && grep -q "yubikey5" "$tmp/err" && grep -q "keepassxc-2.7.11" "$tmp/err" && [ ! -s "$tmp/out" ]'
run $W "$F" get --store "$tmp/st-x" --preset no-such-provider "$tmp/req.json"
check "get: an unknown preset exits 2" '[ $rc -eq 2 ]'
run $W "$F" presets no-such-provider
check "presets NAME: an unknown preset exits 2" '[ $rc -eq 2 ] && grep -q "yubikey5" "$tmp/err"'
printf 'name = broken\nbe = 1\nuv = sometimes\n' > "$tmp/broken.preset"
run $W "$F" create --store "$tmp/st-x" --preset "$tmp/broken.preset" "$tmp/none.json"
check "a bad preset file exits 2 naming file:line and the key" \
    '[ $rc -eq 2 ] && grep -q "broken.preset:3: uv:" "$tmp/err"'
run $W "$F" create --store "$tmp/st-x" --preset yubikey5 --preset bitwarden "$tmp/none.json"
check "--preset twice exits 2" '[ $rc -eq 2 ]'

# --- a user's own preset, by path ---
cat > "$tmp/mine.preset" <<'EOT'
# my provider: device-bound keys, custom AAGUID
name        = my-provider
description = a provider under development
evidence    = our own design
aaguid      = 0badc0de-0000-4000-8000-000000000001
be          = 0
bs          = 0
uv          = always
counter     = zero
attestation = packed-self
transports  = internal
EOT
run $W "$F" presets "$tmp/mine.preset"
check "presets FILE shows a user's preset" '[ $rc -eq 0 ] && grep -q "my-provider" "$tmp/out"'
run $W "$F" create --store "$tmp/st-mine" --preset "$tmp/mine.preset" "$tmp/direct.json"
cp "$tmp/out" "$tmp/reg.json"
run $W "$F" verify-registration --rp-id "$RP" --origin "https://$RP" --challenge "$CHAL" --json "$tmp/reg.json"
cp "$tmp/out" "$tmp/vreg.json"
check "a user-written preset file by path works (packed self attestation, its AAGUID, UV)" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "j[\"attestation\"][\"type\"]")" = self ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"aaguid\"]")" = 0badc0de-0000-4000-8000-000000000001 ] && [ "$(py "$tmp/vreg.json" "j[\"authenticatorData\"][\"flags\"][\"uv\"]")" = True ]'

# --- help texts ---
run $W "$F" create --help
check "create --help describes --preset (no 'not available')" \
    '[ $rc -eq 0 ] && grep -q -- "--preset NAME|FILE" "$tmp/out" && ! grep -q "not available" "$tmp/out"'
run $W "$F" presets --help
check "presets --help" '[ $rc -eq 0 ] && grep -q "usage: fidosim presets" "$tmp/out"'

done_testing
