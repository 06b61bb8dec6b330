#!/bin/sh
# platforms.sh — platform profiles through the real binary: the seed cases of
# docs/scenarios.md (Apple's provider-extension rules, the device-bound
# credential through the reference client, a security key through Chrome
# desktop), every shipped profile's rules, bad profile files, explain and
# the lifecycle scenarios. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

RP=example.com
CHAL=Y2hhbGxlbmdlY2hhbGxlbmdl
CUSTOM=12345678-1234-4321-8765-0123456789ab
ZERO=00000000-0000-0000-0000-000000000000
opts() { # opts ATTESTATION UV
	printf '{"rp":{"id":"%s","name":"Example"},"user":{"id":"dXNlci0x","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"%s","authenticatorSelection":{"residentKey":"required","userVerification":"%s"},"extensions":{"credProps":true}}' \
	    "$RP" "$CHAL" "$1" "$2"
}
verify() { # verify FILE -> $tmp/v.json
	run $W "$F" verify-registration --json --rp-id $RP --origin https://$RP --challenge $CHAL "$1"
	cp "$tmp/out" "$tmp/v.json"
}
flags() { python3 -c "import json,sys,base64; j=json.load(open(sys.argv[1])); a=base64.urlsafe_b64decode(j['response']['authenticatorData']+'=='); print(a[32])" "$1" 2>/dev/null; }

# 1. Apple provider extension, custom AAGUID, BE=BS=1, none: verified, AAGUID zero, "iCloud Keychain".
run $W "$F" create --store "$tmp/s1" --platform apple-provider-extension --aaguid $CUSTOM --be 1 --bs 1 --attestation none "$(opts none preferred)"
check "seed 1: create through apple-provider-extension exits 0" '[ $rc -eq 0 ]'
cp "$tmp/out" "$tmp/r1.json"
verify "$tmp/r1.json"
check "seed 1: verified" '[ $rc -eq 0 ] && [ "$(py $tmp/v.json "j[\"verified\"]")" = True ]'
check "seed 1: authenticatorData.aaguid is all zero" '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $ZERO ]'
check "seed 1: webauthnIo.providerName is iCloud Keychain" '[ "$(py $tmp/v.json "j[\"webauthnIo\"][\"providerName\"]")" = "iCloud Keychain" ]'
check "seed 1: webauthnIo.description is synced passkey" '[ "$(py $tmp/v.json "j[\"webauthnIo\"][\"description\"]")" = "synced passkey" ]'
check "seed 1: transports are internal,hybrid" '[ "$(py $tmp/r1.json "\",\".join(j[\"response\"][\"transports\"])")" = "hybrid,internal" ] || [ "$(py $tmp/r1.json "\",\".join(j[\"response\"][\"transports\"])")" = "internal,hybrid" ]'
run $W "$F" create --store "$tmp/s1b" --platform apple-provider-extension --no-platform-rule zero-aaguid --aaguid $CUSTOM --be 1 --bs 1 "$(opts none preferred)"
cp "$tmp/out" "$tmp/r1b.json"
verify "$tmp/r1b.json"
check "seed 1: --no-platform-rule zero-aaguid keeps the custom AAGUID" '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $CUSTOM ]'

# 2. The same with BE=BS=0: NotAllowedError naming the rule.
run $W "$F" create --store "$tmp/s2" --platform apple-provider-extension --aaguid $CUSTOM --be 0 --bs 0 --attestation none "$(opts none preferred)"
check "seed 2: BE=0 BS=0 exits 1" '[ $rc -eq 1 ]'
check "seed 2: NotAllowedError" '[ "$(py $tmp/out "j[\"name\"]")" = NotAllowedError ]'
check "seed 2: names the platform rule require-be-bs" '[ "$(py $tmp/out "j[\"rule\"]")" = require-be-bs ] && [ "$(py $tmp/out "j[\"platform\"]")" = apple-provider-extension ]'

# 3. The same with packed: NotAllowedError (unsupported attestation type).
run $W "$F" create --store "$tmp/s3" --platform apple-provider-extension --aaguid $CUSTOM --be 1 --bs 1 --attestation packed "$(opts none preferred)"
check "seed 3: packed exits 1 with NotAllowedError" '[ $rc -eq 1 ] && [ "$(py $tmp/out "j[\"name\"]")" = NotAllowedError ]'
check "seed 3: the rule is require-fmt-none and the message says unsupported attestation type" \
    '[ "$(py $tmp/out "j[\"rule\"]")" = require-fmt-none ] && grep -q "unsupported attestation type" "$tmp/out"'

# 4. discouraged + --uv auto through the extension: UV set; through spec-l3: not set.
run $W "$F" create --store "$tmp/s4" --platform apple-provider-extension --uv auto --be 1 --bs 1 "$(opts none discouraged)"
cp "$tmp/out" "$tmp/r4.json"
check "seed 4: discouraged through apple-provider-extension gives UV=1" '[ $rc -eq 0 ] && [ $(( $(flags $tmp/r4.json) & 4 )) -eq 4 ]'
run $W "$F" create --store "$tmp/s4b" --uv auto --be 1 --bs 1 "$(opts none discouraged)"
cp "$tmp/out" "$tmp/r4b.json"
check "seed 4: the same through spec-l3 gives UV=0 (the rule makes the difference)" '[ $rc -eq 0 ] && [ $(( $(flags $tmp/r4b.json) & 4 )) -eq 0 ]'

# 5. Device-bound, custom AAGUID through spec-l3: verified, BE clear, AAGUID kept.
run $W "$F" create --store "$tmp/s5" --aaguid $CUSTOM --be 0 --bs 0 "$(opts none preferred)"
cp "$tmp/out" "$tmp/r5.json"
verify "$tmp/r5.json"
check "seed 5: verified" '[ $rc -eq 0 ]'
check "seed 5: BE clear" '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"flags\"][\"be\"]")" = False ]'
check "seed 5: AAGUID kept" '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $CUSTOM ]'
check "seed 5: webauthn.io says device-bound passkey, (Unavailable)" \
    '[ "$(py $tmp/v.json "j[\"webauthnIo\"][\"description\"]")" = "device-bound passkey" ] && [ "$(py $tmp/v.json "j[\"webauthnIo\"][\"providerName\"]")" = "(Unavailable)" ]'

# chrome-desktop: a roaming authenticator's AAGUID is zeroed under none, kept under direct;
# an internal one keeps it under none.
run $W "$F" create --store "$tmp/s6" --platform chrome-desktop --aaguid $CUSTOM --attestation packed "$(opts none preferred)"
cp "$tmp/out" "$tmp/r6.json"; verify "$tmp/r6.json"
check "chrome-desktop: security key under none: AAGUID zero, fmt none" \
    '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $ZERO ] && [ "$(py $tmp/v.json "j[\"attestation\"][\"fmt\"]")" = none ]'
run $W "$F" create --store "$tmp/s6b" --platform chrome-desktop --aaguid $CUSTOM --attestation packed "$(opts direct preferred)"
cp "$tmp/out" "$tmp/r6b.json"; verify "$tmp/r6b.json"
check "chrome-desktop: security key under direct: AAGUID kept, fmt packed" \
    '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $CUSTOM ] && [ "$(py $tmp/v.json "j[\"attestation\"][\"fmt\"]")" = packed ]'

# windows zeroes every AAGUID under none; firefox-legacy and libwebauthn too (L2); safari keeps it.
for pf in windows firefox-legacy libwebauthn; do
	run $W "$F" create --store "$tmp/s7$pf" --platform $pf --aaguid $CUSTOM "$(opts none preferred)"
	cp "$tmp/out" "$tmp/r7.json"; verify "$tmp/r7.json"
	check "$pf: AAGUID zeroed under none, verified" '[ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $ZERO ] && [ "$(py $tmp/v.json "j[\"verified\"]")" = True ]'
done
run $W "$F" create --store "$tmp/s8" --platform safari-macos --aaguid $CUSTOM --attestation packed "$(opts direct preferred)"
cp "$tmp/out" "$tmp/r8.json"; verify "$tmp/r8.json"
check "safari-macos: direct is not forwarded (fmt none), AAGUID kept" \
    '[ "$(py $tmp/v.json "j[\"attestation\"][\"fmt\"]")" = none ] && [ "$(py $tmp/v.json "j[\"authenticatorData\"][\"aaguid\"]")" = $CUSTOM ]'
run $W "$F" create --store "$tmp/s9" --platform chrome-android --aaguid $CUSTOM --attestation packed "$(opts none preferred)"
cp "$tmp/out" "$tmp/r9.json"; verify "$tmp/r9.json"
check "chrome-android: packed passes through under none, verified" \
    '[ "$(py $tmp/v.json "j[\"attestation\"][\"fmt\"]")" = packed ] && [ "$(py $tmp/v.json "j[\"verified\"]")" = True ]'

# Assertions: a platform can only refuse. Register BE=BS=1 through the extension, drop BS, get: refused.
run $W "$F" create --store "$tmp/sa" --platform apple-provider-extension --be 1 --bs 1 "$(opts none preferred)"
id=$(py "$tmp/out" 'j["id"]')
req='{"challenge":"'$CHAL'","rpId":"'$RP'","allowCredentials":[{"type":"public-key","id":"'$id'"}]}'
run $W "$F" get --store "$tmp/sa" --platform apple-provider-extension "$req"
check "apple-provider-extension: an assertion with BE=BS=1 is delivered" '[ $rc -eq 0 ]'
run $W "$F" get --store "$tmp/sa" --platform apple-provider-extension --bs 0 "$req"
check "apple-provider-extension: an assertion with BS=0 is refused (require-be-bs), not rewritten" \
    '[ $rc -eq 1 ] && [ "$(py $tmp/out "j[\"rule\"]")" = require-be-bs ]'

# chrome-android maps an authenticator refusal it does not know to NotReadableError.
run $W "$F" get --store "$tmp/sa" --platform chrome-android --uv 0 '{"challenge":"'$CHAL'","rpId":"'$RP'","userVerification":"required","allowCredentials":[{"type":"public-key","id":"'$id'"}]}'
check "chrome-android: a CTAP refusal becomes NotReadableError (rule errors)" \
    '[ $rc -eq 1 ] && [ "$(py $tmp/out "j[\"name\"]")" = NotReadableError ] && [ "$(py $tmp/out "j[\"rule\"]")" = errors ]'
run $W "$F" get --store "$tmp/sa" --platform apple-provider-extension --uv 0 '{"challenge":"'$CHAL'","rpId":"'$RP'","userVerification":"required","allowCredentials":[{"type":"public-key","id":"'$id'"}]}'
check "apple: the same refusal is NotAllowedError" '[ $rc -eq 1 ] && [ "$(py $tmp/out "j[\"name\"]")" = NotAllowedError ]'

# Listing and bad profiles.
run $W "$F" platforms
check "platforms lists the eight shipped profiles" '[ $rc -eq 0 ] && [ $(grep -c "^[a-z]" $tmp/out) -eq 8 ]'
run $W "$F" platforms --json apple-provider-extension
check "platforms --json NAME gives rules and evidence" '[ $rc -eq 0 ] && [ "$(py $tmp/out "len(j[\"rules\"]) >= 8 and len(j[\"evidence\"]) >= 5")" = True ]'
run $W "$F" platforms --rules
check "platforms --rules lists every rule kind" '[ $rc -eq 0 ] && grep -q "^require-be-bs" $tmp/out && grep -q "^zero-aaguid" $tmp/out'
for bad in 'name = x' 'name = x\nrule = convey-l3\nrule = bogus' 'name = x\nrule = convey-l3\nrule = convey-l2' \
    'name = x\nrule = convey-l3\nrule = zero-aaguid sometimes' 'name = x\nrule = convey-l3\nwhat = 1' \
    'name = x\nrule = convey-l3\nrule = transports usb,carrier-pigeon' 'rule = convey-l3' 'name x'; do
	printf "$bad\n" > "$tmp/bad.platform"
	run $W "$F" create --platform "$tmp/bad.platform" '{}'
	check "bad profile ($(echo "$bad" | tr '\n' ' ' | cut -c1-40)) exits 2 naming the file" '[ $rc -eq 2 ] && grep -q "bad.platform" $tmp/err'
done
head -c 3000 /dev/urandom > "$tmp/rand.platform"
run $W "$F" platforms "$tmp/rand.platform"
check "random bytes as a profile exit 2" '[ $rc -eq 2 ]'
run $W "$F" create --platform nosuch '{}'
check "unknown platform exits 2 listing the known ones" '[ $rc -eq 2 ] && grep -q "apple-provider-extension" $tmp/err'
run $W "$F" create --platform spec-l3 --no-platform-rule zero-aaguid '{}'
check "--no-platform-rule of a rule the profile lacks exits 2" '[ $rc -eq 2 ] && grep -q "no such rule" $tmp/err'

# explain: three views, attributed differences, JSON.
run $W "$F" explain --seed 01 --platform chrome-desktop --aaguid $CUSTOM --attestation packed
check "explain names the zero-aaguid rule and the L3 section" '[ $rc -eq 0 ] && grep -q "platform rule zero-aaguid (departs from WebAuthn L3 5.4.7" $tmp/out'
check "explain shows the three columns" 'grep -q "provider emitted" $tmp/out && grep -q "platform delivered" $tmp/out && grep -q "RP (spec) concluded" $tmp/out'
run $W "$F" explain --json --seed 01 --platform apple-provider-extension --be 0 --bs 0
check "explain --json: the refusal is attributed to require-be-bs" \
    '[ $rc -eq 0 ] && [ "$(py $tmp/out "j[\"ceremonies\"][0][\"delivered\"][\"error\"][\"rule\"]")" = require-be-bs ]'
run $W "$F" explain --json --seed 01 --aaguid $CUSTOM
check "explain --json: both ceremonies, emitted equals delivered under spec-l3" \
    '[ "$(py $tmp/out "len(j[\"ceremonies\"])")" = 2 ] && [ "$(py $tmp/out "j[\"ceremonies\"][0][\"delivered\"][\"aaguid\"]")" = $CUSTOM ]'

done_testing
