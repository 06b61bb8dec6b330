#!/bin/sh
# cli_create_get.sh — the headless client contract (`fidosim create` /
# `fidosim get`, DESIGN.md) through the real binary, with the relying-party
# simulator (`verify-registration` / `verify-authentication`) judging the
# output: a registration verifies, two assertions verify along the credential
# record chain, refusals exit 1 with the contract's JSON, same --seed and
# inputs give the same bytes, malformed options exit 2. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
# py FILE EXPR: a Python expression over the JSON in FILE as j.
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

RP=example.org
CHAL=AAECAwQFBgcICQoLDA0ODw
CHAL2=EBESExQVFhcYGRobHB0eHw
CHAL3=ICEiIyQlJicoKSorLC0uLw
SEED=00112233445566778899aabbccddeeff
creation() { # creation UV RK [EXTRA]
	printf '{"publicKey":{"rp":{"id":"%s","name":"Example"},"user":{"id":"dXNlci0x","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"authenticatorSelection":{"residentKey":"%s","userVerification":"%s"}%s}}' \
	    "$RP" "$CHAL" "$2" "$1" "${3:-}"
}
request() { # request CHALLENGE UV [ALLOW_ID]
	if [ -n "${3:-}" ]; then allow=',"allowCredentials":[{"type":"public-key","id":"'$3'"}]'; else allow=; fi
	printf '{"challenge":"%s","rpId":"%s","userVerification":"%s"%s}' "$1" "$RP" "$2" "$allow"
}

# --- registration, then two assertions along the record chain ---
creation preferred discouraged > "$tmp/copts.json"
run $W "$F" create --store "$tmp/st" --seed "$SEED" "$tmp/copts.json"
cp "$tmp/out" "$tmp/reg.json"
check "create exits 0 with a RegistrationResponseJSON" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/reg.json" "j[\"type\"]")" = public-key ] && [ $(wc -l < "$tmp/reg.json") -eq 1 ]'
check "fmt none by default (conveyance none), clientExtensionResults {}" \
    '[ "$(py "$tmp/reg.json" "j[\"clientExtensionResults\"]")" = "{}" ]'
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --json "$tmp/reg.json"
cp "$tmp/out" "$tmp/vreg.json"
check "the registration verifies" '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "j[\"verified\"]")" = True ]'
py "$tmp/vreg.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec0.json"
ID=$(py "$tmp/reg.json" 'j["id"]')

request "$CHAL2" preferred "$ID" > "$tmp/r1.json"
run $W "$F" get --store "$tmp/st" --seed "$SEED" "$tmp/r1.json"
cp "$tmp/out" "$tmp/a1.json"
check "get exits 0 with an AuthenticationResponseJSON for the credential" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/a1.json" "j[\"id\"]")" = "$ID" ]'
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL2" --credential "$tmp/rec0.json" --json "$tmp/a1.json"
cp "$tmp/out" "$tmp/va1.json"
check "the first assertion verifies against the registered record" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/va1.json" "j[\"verified\"]")" = True ]'
py "$tmp/va1.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec1.json"
request "$CHAL3" preferred "$ID" > "$tmp/r2.json"
run $W "$F" get --store "$tmp/st" --seed "$SEED" - < "$tmp/r2.json"
cp "$tmp/out" "$tmp/a2.json"
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL3" --credential "$tmp/rec1.json" --json "$tmp/a2.json"
cp "$tmp/out" "$tmp/va2.json"
check "the second assertion (options on stdin) verifies against the updated record" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/va2.json" "j[\"verified\"]")" = True ]'
check "the signature counter went up along the chain" \
    'c1=$(py "$tmp/rec1.json" "j[\"signCount\"]"); c2=$(py "$tmp/va2.json" "j[\"credentialRecord\"][\"signCount\"]"); [ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ]'
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL3" --credential "$tmp/rec0.json" --json "$tmp/a1.json"
check "an assertion checked against another challenge does not verify" '[ $rc -eq 1 ]'

# --- discoverable credential: get without allowCredentials, userHandle ---
creation required required > "$tmp/copts_rk.json"
run $W "$F" create --store "$tmp/st" --seed "$SEED" --be 1 --bs 0 "$tmp/copts_rk.json"
cp "$tmp/out" "$tmp/reg_rk.json"
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --uv required --json "$tmp/reg_rk.json"
cp "$tmp/out" "$tmp/vreg_rk.json"
check "a discoverable, backup-eligible registration with UV verifies" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg_rk.json" "j[\"authenticatorData\"][\"flags\"][\"uv\"], j[\"authenticatorData\"][\"flags\"][\"be\"], j[\"authenticatorData\"][\"flags\"][\"bs\"]")" = "True True False" ]'
py "$tmp/vreg_rk.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec_rk.json"
request "$CHAL2" required > "$tmp/r_rk.json"
run $W "$F" get --store "$tmp/st" --bs 1 "$tmp/r_rk.json"
cp "$tmp/out" "$tmp/a_rk.json"
check "get without allowCredentials answers with the discoverable credential and its user handle" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/a_rk.json" "j[\"id\"], j[\"response\"][\"userHandle\"]")" = "$(py "$tmp/reg_rk.json" "j[\"id\"]") dXNlci0x" ]'
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL2" --uv required --credential "$tmp/rec_rk.json" --json "$tmp/a_rk.json"
cp "$tmp/out" "$tmp/va_rk.json"
check "get --bs 1 changes the backup state the RP sees (and it verifies)" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/va_rk.json" "j[\"credentialRecord\"][\"backupState\"]")" = True ]'

# --- refusals: exit 1, the contract's JSON ---
creation required discouraged > "$tmp/copts_uv.json"
run $W "$F" create --store "$tmp/st" --uv 0 "$tmp/copts_uv.json"
check "uv required with --uv 0: exit 1, NotAllowedError with the authenticator's status 0x2c" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"], \"rule\" in j")" = "NotAllowedError 0x2c False" ]'
request "$CHAL2" required "$ID" > "$tmp/r_uv.json"
run $W "$F" get --store "$tmp/st" --uv 0 "$tmp/r_uv.json"
check "get: uv required with --uv 0 is NotAllowedError with ctapStatus 0x2c" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"]")" = "NotAllowedError 0x2c" ]'
creation preferred discouraged ',"excludeCredentials":[{"type":"public-key","id":"'"$ID"'"}]' > "$tmp/copts_ex.json"
run $W "$F" create --store "$tmp/st" "$tmp/copts_ex.json"
check "excludeCredentials hit: exit 1, InvalidStateError, ctapStatus 0x19, no rule" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"], \"rule\" in j")" = "InvalidStateError 0x19 False" ]'
check "the refusal message names the CTAP status" \
    'grep -q "CTAP2_ERR_CREDENTIAL_EXCLUDED (0x19)" "$tmp/out"'
request "$CHAL2" preferred "AAAAAAAAAAAAAAAAAAAAAA" > "$tmp/r_none.json"
run $W "$F" get --store "$tmp/st" "$tmp/r_none.json"
check "an unknown credential: exit 1, NotAllowedError, ctapStatus 0x2e" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"]")" = "NotAllowedError 0x2e" ]'
run $W "$F" create --store "$tmp/st" --algs es384 "$tmp/copts.json"
check "no algorithm in common: exit 1, NotSupportedError, ctapStatus 0x26" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"]")" = "NotSupportedError 0x26" ]'
run $W "$F" create --store "$tmp/st" --origin https://evil.example "$tmp/copts.json"
check "an origin the RP ID does not cover: exit 1, SecurityError" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"rule\"]")" = "SecurityError rp-id-origin" ]'
run $W "$F" create --store "$tmp/st" --origin https://login.example.org "$tmp/copts.json"
check "a subdomain origin is accepted" '[ $rc -eq 0 ]'
printf '{"rp":{"id":"%s","name":"x"},"user":{"id":"%s","name":"a","displayName":"A"},"challenge":"%s","pubKeyCredParams":[]}' \
    "$RP" "$(python3 -c 'import base64;print(base64.urlsafe_b64encode(b"u"*65).decode().rstrip("="))')" "$CHAL" > "$tmp/copts_uid.json"
run $W "$F" create --store "$tmp/st" "$tmp/copts_uid.json"
check "a 65-byte user.id: exit 1, TypeError (as a browser throws)" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"rule\"]")" = "TypeError user-id-length" ]'

# --- same --seed and inputs: the same bytes ---
run $W "$F" create --store "$tmp/d1" --seed "$SEED" --attestation packed "$tmp/copts.json"; cp "$tmp/out" "$tmp/d1.json"
run $W "$F" create --store "$tmp/d2" --seed "$SEED" --attestation packed "$tmp/copts.json"; cp "$tmp/out" "$tmp/d2.json"
check "same --seed and inputs give byte-identical registrations" '[ -s "$tmp/d1.json" ] && cmp -s "$tmp/d1.json" "$tmp/d2.json"'
run $W "$F" create --store "$tmp/d3" --seed "${SEED}00" --attestation packed "$tmp/copts.json"
check "another seed gives another credential" '! cmp -s "$tmp/d1.json" "$tmp/out"'
ID1=$(py "$tmp/d1.json" 'j["id"]')
request "$CHAL2" preferred "$ID1" > "$tmp/rd.json"
run $W "$F" get --store "$tmp/d1" --seed "$SEED" "$tmp/rd.json"; cp "$tmp/out" "$tmp/g1.json"
run $W "$F" get --store "$tmp/d2" --seed "$SEED" "$tmp/rd.json"
check "same --seed and inputs give byte-identical assertions" '[ -s "$tmp/g1.json" ] && cmp -s "$tmp/g1.json" "$tmp/out"'

# --- conveyance: direct keeps the packed statement, and it verifies ---
creation preferred discouraged ',"attestation":"direct"' > "$tmp/copts_direct.json"
run $W "$F" create --store "$tmp/st" --attestation packed "$tmp/copts_direct.json"
cp "$tmp/out" "$tmp/reg_direct.json"
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --json "$tmp/reg_direct.json"
check "attestation direct + packed: fmt packed reaches the RP and verifies" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/out" "j[\"attestation\"][\"fmt\"]")" = packed ]'
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --json "$tmp/d1.json"
check "attestation none + packed: the platform makes it fmt none" \
    '[ $rc -eq 0 ] && [ "$(py "$tmp/out" "j[\"attestation\"][\"fmt\"]")" = none ]'

# --- usage and malformed options: exit 2, one line on stderr ---
run $W "$F" create --store "$tmp/st" '{"rp":'
check "options that are not JSON: exit 2, one line on stderr, nothing on stdout" \
    '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && [ ! -s "$tmp/out" ]'
run $W "$F" create --store "$tmp/st" '{"rp":{"id":"example.org","name":"x"},"user":{"id":"dXNlci0x","name":"a","displayName":"A"},"pubKeyCredParams":[]}'
check "options without a challenge: exit 2 naming the member" \
    '[ $rc -eq 2 ] && grep -q challenge "$tmp/err"'
run $W "$F" get --store "$tmp/st" '{"challenge":"not base64url!","rpId":"example.org"}'
check "a challenge that is not base64url: exit 2" '[ $rc -eq 2 ]'
run $W "$F" create --store "$tmp/st" --platform no-such-platform "$tmp/copts.json"
check "an unknown platform: exit 2" '[ $rc -eq 2 ] && grep -q "no-such-platform" "$tmp/err"'
run $W "$F" create --store "$tmp/st" --preset no-such-preset "$tmp/copts.json"
check "an unknown preset: exit 2 (presets.sh tests the rest)" '[ $rc -eq 2 ] && grep -q "unknown preset" "$tmp/err"'
run $W "$F" create --store "$tmp/st" --bogus "$tmp/copts.json"
check "an unknown option: exit 2" '[ $rc -eq 2 ]'
run $W "$F" get --store "$tmp/st" "$tmp/does-not-exist.json"
check "an unreadable options file: exit 2" '[ $rc -eq 2 ] && grep -q "cannot read" "$tmp/err"'
run $W "$F" get --store "$tmp/st" '{"challenge":"'"$CHAL"'"}'
check "no rpId and no --origin: exit 2" '[ $rc -eq 2 ]'
# --- one vocabulary per flag (issue 20 item 7) ---
run $W "$F" create --store "$tmp/v1" --seed "$SEED" --attestation-format packed "$tmp/copts.json"; cp "$tmp/out" "$tmp/v1.json"
check "--attestation-format packed gives what --attestation packed gave, byte for byte" 'cmp -s "$tmp/v1.json" "$tmp/d1.json"'
run $W "$F" create --store "$tmp/v2" --seed "$SEED" --attestation packed "$tmp/copts.json"
check "--attestation on create still works, with a deprecation warning naming the new flag" \
    '[ $rc -eq 0 ] && grep -q "deprecated.*--attestation-format packed" "$tmp/err"'
run $W "$F" create --store "$tmp/v3" --attestation direct "$tmp/copts.json"
check "--attestation direct on create: exit 2, pointing at the options JSON" \
    '[ $rc -eq 2 ] && grep -q "is an attestation conveyance" "$tmp/err"'
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --attestation direct "$tmp/d1.json"
check "verify-registration --attestation: works, deprecated for --conveyance" \
    '[ $rc -eq 0 ] && grep -q "use --conveyance direct" "$tmp/err"'
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --conveyance direct "$tmp/d1.json"
check "verify-registration --conveyance direct" '[ $rc -eq 0 ] && [ ! -s "$tmp/err" ]'
creation required discouraged '' > "$tmp/uvreq.json"
run $W "$F" create --store "$tmp/uf" --uv fail "$tmp/uvreq.json"
check "--uv fail: UV capability the user fails: NotAllowedError, CTAP2_ERR_UV_INVALID" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "j[\"name\"], j[\"ctapStatus\"]")" = "NotAllowedError 0x3f" ]'
creation discouraged discouraged '' > "$tmp/uvdis.json"
run $W "$F" create --store "$tmp/uf" --uv fail "$tmp/uvdis.json"
check "--uv fail when UV is not asked for: registers, UV=0" '[ $rc -eq 0 ]'
run $W "$F" create --store "$tmp/uf" --uv always "$tmp/uvdis.json"
check "--uv always is --uv 1" '[ $rc -eq 0 ]'
run $W "$F" create --store "$tmp/uf" --uv required "$tmp/uvdis.json"
check "--uv required (an RP word): exit 2 saying where it belongs" '[ $rc -eq 2 ] && grep -q "userVerification in the options JSON" "$tmp/err"'
run $W "$F" create --store "$tmp/tr" --transports nfc,usb --rk 0 "$tmp/copts.json"
check "--transports and --rk on create" '[ $rc -eq 0 ] && [ "$(py "$tmp/out" "\",\".join(j[\"response\"][\"transports\"])")" = "nfc,usb" ]'
run $W "$F" create --store "$tmp/tr" --transports carrier-pigeon "$tmp/copts.json"
check "--transports with an unknown transport: exit 2 naming it" '[ $rc -eq 2 ] && grep -q "carrier-pigeon" "$tmp/err"'
run $W "$F" create --help
check "create --help" '[ $rc -eq 0 ] && grep -q "usage: fidosim create" "$tmp/out"'
run $W "$F" help get
check "help get" '[ $rc -eq 0 ] && grep -q "usage: fidosim get" "$tmp/out"'
# a response file over the 16 MiB limit: exit 2, and the message says why (issue 19)
head -c 17000000 /dev/zero | tr '\0' ' ' > "$tmp/big.json"
run $W "$F" verify-registration --rp-id example.org --challenge AAECAwQFBgcICQoLDA0ODw "$tmp/big.json"
check "verify-registration on a file over 16 MiB: exit 2 saying it is larger than 16 MiB" \
    '[ $rc -eq 2 ] && grep -q "larger than 16 MiB" "$tmp/err"'
rm -f "$tmp/big.json"
run $W "$F" verify-registration --rp-id example.org --challenge AAECAwQFBgcICQoLDA0ODw "$tmp/absent.json"
check "verify-registration on a missing file: exit 2 with the system's reason" \
    '[ $rc -eq 2 ] && grep -q "No such file" "$tmp/err"'
done_testing
