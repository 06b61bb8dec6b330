#!/bin/sh
# cli_algs.sh — issue 12 through the real binary: RS1, PS384 and PS512
# credentials made by `create --algs` and asserted by `get`, judged by
# `verify-*` (the SHA-1 policy, SIG-SHA1, on both ceremonies); and the AppID
# extension (WebAuthn L3 10.1.1): a U2F-era credential made by
# `create --appid`, reached by `get` through extensions.appid, checked by
# `verify-authentication --appid` (AUTH-12, EXT-APPID-01). TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
CH=AAECAwQFBgcICQoLDA0ODw
APPID=https://example.org/appid.json
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
rules() { json "$1" "' '.join(e['rule'] for e in j['$2'])"; }
opts() {   # opts ALG
	printf '{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":%s}],"attestation":"direct"}' "$CH" "$1"
}
getopts_for() {   # getopts_for ID [EXTENSIONS_JSON]
	printf '{"rpId":"example.org","challenge":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]%s}' "$CH" "$1" "${2:+,\"extensions\":$2}"
}

# ---- RS1, PS384, PS512: create, verify-registration, get, verify-authentication
for spec in "rs1 -65535 RS1" "ps384 -38 PS384" "ps512 -39 PS512"; do
	set -- $spec
	name=$1; alg=$2; upper=$3
	store="$tmp/$name.store"
	opts "$alg" > "$tmp/o.json"
	run $W "$F" create --store "$store" --algs "$name" --attestation packed "$tmp/o.json"
	cp "$tmp/out" "$tmp/reg.json"
	check "$name: create makes a credential" '[ $rc -eq 0 ]'
	run $W "$F" decode "$tmp/reg.json"
	check "$name: decode names the key's alg $upper" 'grep -q "algName: $upper" "$tmp/out"'
	run $W "$F" verify-registration --rp-id example.org --challenge "$CH" --json "$tmp/reg.json"
	cp "$tmp/out" "$tmp/vr.json"
	check "$name: the registration verifies" '[ $rc -eq 0 ] && [ "$(json "$tmp/vr.json" "j[\"credentialRecord\"] is not None")" = True ]'
	if [ "$name" = rs1 ]; then
		check "rs1: SHA-1 is accepted with a SIG-SHA1 warning by default" \
		    'rules "$tmp/vr.json" warnings | grep -qw SIG-SHA1'
		run $W "$F" verify-registration --rp-id example.org --challenge "$CH" \
		    --policy sha1-sigs=error --json "$tmp/reg.json"
		check "rs1: --policy sha1-sigs=error refuses the registration by SIG-SHA1" \
		    '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw SIG-SHA1'
		run $W "$F" verify-registration --rp-id example.org --challenge "$CH" \
		    --policy sha1-sigs=ignore --json "$tmp/reg.json"
		check "rs1: --policy sha1-sigs=ignore accepts it silently" \
		    '[ $rc -eq 0 ] && ! grep -q SIG-SHA1 "$tmp/out"'
		run $W "$F" verify-registration --rp-id example.org --challenge "$CH" \
		    --algs es256,rs256 --json "$tmp/reg.json"
		check "rs1: not offered (--algs es256,rs256): REG-16" \
		    '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw REG-16'
	else
		check "$name: no SHA-1 warning" '! grep -q SIG-SHA1 "$tmp/vr.json"'
	fi
	json "$tmp/vr.json" "json.dumps(j['credentialRecord'])" > "$tmp/rec.json"
	getopts_for "$(json "$tmp/reg.json" "j['id']")" > "$tmp/g.json"
	run $W "$F" get --store "$store" "$tmp/g.json"
	cp "$tmp/out" "$tmp/auth.json"
	check "$name: get signs an assertion" '[ $rc -eq 0 ]'
	run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
	    --credential "$tmp/rec.json" --json "$tmp/auth.json"
	check "$name: the assertion verifies (AUTH-18)" '[ $rc -eq 0 ]'
	if [ "$name" = rs1 ]; then
		check "rs1: the assertion carries the SIG-SHA1 warning" 'rules "$tmp/out" warnings | grep -qw SIG-SHA1'
		run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
		    --credential "$tmp/rec.json" --policy sha1-sigs=error --json "$tmp/auth.json"
		check "rs1: sha1-sigs=error refuses the assertion by SIG-SHA1, the signature still checked" \
		    '[ $rc -eq 1 ] && [ "$(rules "$tmp/out" errors)" = SIG-SHA1 ]'
	fi
	# a flipped signature byte fails AUTH-18 under this alg too
	python3 -c "
import json,sys,base64
j=json.load(open(sys.argv[1])); s=j['response']['signature']
b=bytearray(base64.urlsafe_b64decode(s+'='*(-len(s)%4))); b[7]^=1
j['response']['signature']=base64.urlsafe_b64encode(bytes(b)).rstrip(b'=').decode()
json.dump(j,open(sys.argv[2],'w'))" "$tmp/auth.json" "$tmp/bad.json"
	run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
	    --credential "$tmp/rec.json" --json "$tmp/bad.json"
	check "$name: a flipped signature bit fails AUTH-18" '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw AUTH-18'
done
run $W "$F" create --store "$tmp/x.store" --algs ps1024 "$tmp/o.json"
check "create --algs ps1024: usage error naming the supported algs" '[ $rc -eq 2 ] && grep -q "ps384, ps512, rs1" "$tmp/err"'

# ---- AppID
store="$tmp/u2f.store"
opts -7 > "$tmp/o.json"
run $W "$F" create --store "$store" --appid "$APPID" "$tmp/o.json"
cp "$tmp/out" "$tmp/reg.json"
check "create --appid: a U2F-era credential (fido-u2f attestation)" \
    '[ $rc -eq 0 ] && $F decode "$tmp/reg.json" | grep -q "fmt: fido-u2f"'
run $W "$F" verify-registration --rp-id example.org --challenge "$CH" --json "$tmp/reg.json"
check "its rpIdHash is not the RP ID's (REG-11)" '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw REG-11'
run $W "$F" verify-registration --rp-id "$APPID" --origin https://example.org --challenge "$CH" --json "$tmp/reg.json"
cp "$tmp/out" "$tmp/vr.json"
check "the U2F-era RP registered it under the AppID" '[ $rc -eq 0 ]'
json "$tmp/vr.json" "json.dumps(j['credentialRecord'])" > "$tmp/rec.json"
id=$(json "$tmp/reg.json" "j['id']")
getopts_for "$id" > "$tmp/g.json"
run $W "$F" get --store "$store" "$tmp/g.json"
check "get without extensions.appid: NotAllowedError (no credential for the RP ID)" \
    '[ $rc -eq 1 ] && grep -q "\"ctapStatus\":\"0x2e\"" "$tmp/out"'
getopts_for "$id" "{\"appid\":\"$APPID\"}" > "$tmp/g.json"
run $W "$F" get --store "$store" "$tmp/g.json"
cp "$tmp/out" "$tmp/auth.json"
check "get with extensions.appid: asked again with the AppID, appid true" \
    '[ $rc -eq 0 ] && [ "$(json "$tmp/auth.json" "j[\"clientExtensionResults\"][\"appid\"]")" = True ]'
run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
    --credential "$tmp/rec.json" --appid "$APPID" --json "$tmp/auth.json"
check "verify-authentication --appid: verified, EXT-APPID-01 and AUTH-12 pass" \
    '[ $rc -eq 0 ] && [ "$(json "$tmp/out" "\" \".join(sorted(c[\"rule\"]+\"=\"+c[\"status\"] for c in j[\"checks\"] if c[\"rule\"] in (\"EXT-APPID-01\",\"AUTH-12\")))")" = "AUTH-12=pass EXT-APPID-01=pass" ]'
run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
    --credential "$tmp/rec.json" --json "$tmp/auth.json"
check "without --appid: AUTH-12 and EXT-APPID-01 fail" \
    '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw AUTH-12 && rules "$tmp/out" errors | grep -qw EXT-APPID-01'
run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
    --credential "$tmp/rec.json" --appid https://example.org/other.json --json "$tmp/auth.json"
check "another AppID: AUTH-12 and EXT-APPID-01 fail" \
    '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw EXT-APPID-01'
python3 -c "
import json,sys
j=json.load(open(sys.argv[1])); j['clientExtensionResults']['appid']=False
json.dump(j,open(sys.argv[2],'w'))" "$tmp/auth.json" "$tmp/hidden.json"
run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" \
    --credential "$tmp/rec.json" --appid "$APPID" --json "$tmp/hidden.json"
check "hashed over the AppID but appid false: EXT-APPID-01 fails" \
    '[ $rc -eq 1 ] && rules "$tmp/out" errors | grep -qw EXT-APPID-01'
getopts_for "$id" '{"appid":"https://evil.example/appid.json"}' > "$tmp/g.json"
run $W "$F" get --store "$store" "$tmp/g.json"
check "an AppID off the caller's host: SecurityError (appid-facet)" \
    '[ $rc -eq 1 ] && grep -q "\"rule\":\"appid-facet\"" "$tmp/out"'
run $W "$F" create --store "$store" --appid https://evil.example/a "$tmp/o.json"
check "create --appid off the caller's host: SecurityError" \
    '[ $rc -eq 1 ] && grep -q SecurityError "$tmp/out"'
run $W "$F" verify-authentication --help
check "verify-authentication --help names --appid" 'grep -q -- "--appid URL" "$tmp/out"'
done_testing
