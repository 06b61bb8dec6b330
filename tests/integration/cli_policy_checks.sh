#!/bin/sh
# cli_policy_checks.sh — the --policy keys for what an RP library's verifier
# can check (sig-algs, alg-not-offered, at-in-assertion, cred-id-max,
# self-alg, tpm-vendors, tpm-rsa-only, leaf-dates) through the real
# verify-registration / verify-authentication on W3C L3 vectors, each key
# once refusing and once letting through, plus `fidosim policies` listing
# them; `fidosim policies NAME` with each decision's source line, library
# options by the library's own names, a preset file of one's own,
# `run --export-units`, and decisions the W3C vectors cannot show (packed
# certificate checks) on quirk output. TAP output.
set -u
F=${FIDOSIM:-build/fidosim}
W=${FSIM_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" | head -5; fi
}

# vec NAME: the vector's RP settings, one per line, into $tmp/args (and its record).
vec() {
	python3 - "vectors/w3c-l3/$1.json" "$tmp" > "$tmp/args" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); tmp = sys.argv[2]
args = ["--rp-id", v["rpId"], "--origin", v["origin"], "--challenge", v["challenge"],
        "--uv", v["uv"], "--json"]
if v["ceremony"] == "authentication":
    json.dump(v["credential"], open(tmp + "/record.json", "w"))
    args += ["--credential", tmp + "/record.json"]
print("\n".join(args))
PY
}

# judge VECTOR ARGS...: run the vector's verify-* with extra args; rc and $tmp/out.
judge() {
	v=$1
	shift
	vec "$v"
	cmd=verify-registration
	case "$v" in *-authentication) cmd=verify-authentication ;; esac
	IFS='
'
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/args") "$@"
	unset IFS
	$W "$F" "$cmd" "$@" "vectors/w3c-l3/$v.json" > "$tmp/out" 2> "$tmp/err"
	rc=$?
}
failed() { python3 -c "import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if any(e['rule']==sys.argv[2] for e in o['errors']) else 1)" "$tmp/out" "$1"; }

# sig-algs: ES384 assertions only for an RP that verifies ES384.
judge w3c-packed-es384-authentication --policy sig-algs=es256,eddsa
check "sig-algs without ES384: the ES384 assertion fails AUTH-18" '[ $rc -eq 1 ] && failed AUTH-18'
judge w3c-packed-es384-authentication --policy sig-algs=-7,-35
check "sig-algs with ES384 (numbers): it verifies" '[ $rc -eq 0 ]'
judge w3c-packed-ed448-authentication --policy-preset simplewebauthn
check "simplewebauthn preset: Ed448 assertion fails AUTH-18" '[ $rc -eq 1 ] && failed AUTH-18'
judge w3c-packed-ed448-authentication --policy-preset simplewebauthn --policy sig-algs=all
check "simplewebauthn preset, sig-algs=all: Ed448 verifies past AUTH-18" '! failed AUTH-18'

# alg-not-offered: python-fido2 never compares alg with pubKeyCredParams.
judge w3c-packed-es256-registration --algs rs256
check "alg not offered: REG-16 fails under spec" '[ $rc -eq 1 ] && failed REG-16'
judge w3c-packed-es256-registration --algs rs256 --policy alg-not-offered=ignore
check "alg-not-offered=ignore: verified" '[ $rc -eq 0 ]'

# at-in-assertion, cred-id-max: the keys parse and bound what they should.
# (AT in an assertion itself: test_policy_preset.c and the at-in-assertion quirk in differential.sh)
judge w3c-none-es256-authentication --policy at-in-assertion=ignore
check "at-in-assertion=ignore parses; an assertion without AT verifies" '[ $rc -eq 0 ]'
judge w3c-none-es256-authentication --policy at-in-assertion=maybe
check "at-in-assertion=maybe: usage error" '[ $rc -eq 2 ] && grep -q "at-in-assertion" "$tmp/err"'
judge w3c-none-es256-long-credential-id-registration --policy cred-id-max=16
check "cred-id-max=16 below the vector's long ID: REG-21 fails" '[ $rc -eq 1 ] && failed REG-21'
judge w3c-none-es256-long-credential-id-registration --policy cred-id-max=65535
check "cred-id-max=65535: the long ID verifies" '[ $rc -eq 0 ]'
judge w3c-none-es256-registration --policy cred-id-max=0
check "cred-id-max=0: usage error" '[ $rc -eq 2 ] && grep -q "cred-id-max" "$tmp/err"'

# tpm-vendors, tpm-rsa-only: the W3C TPM vector (ECC, manufacturer id:00000000).
judge w3c-tpm-es256-registration --attestation direct --policy-preset simplewebauthn
check "simplewebauthn preset: the TPM vector fails ATT-TPM-03 (vendor table)" \
    '[ $rc -eq 1 ] && failed ATT-TPM-03 && grep -q "id:00000000" "$tmp/out"'
judge w3c-tpm-es256-registration --attestation direct --policy-preset simplewebauthn \
    --policy tpm-vendors=id:00000000,id:FFFFF1D0
check "tpm-vendors naming id:00000000: verified" '[ $rc -eq 0 ]'
judge w3c-tpm-es256-registration --attestation direct --policy tpm-rsa-only=yes
check "tpm-rsa-only=yes: the ECC pubArea fails ATT-TPM-02" '[ $rc -eq 1 ] && failed ATT-TPM-02'
judge w3c-tpm-es256-registration --attestation direct --policy-preset python-fido2 \
    --policy tpm-rsa-only=no
check "python-fido2 preset, tpm-rsa-only=no: verified" '[ $rc -eq 0 ]'

# leaf-dates and self-alg: packed.
judge w3c-packed-es256-registration --policy att-chain=never --policy leaf-dates=packed --at 86400
check "leaf-dates=packed in 1970: ATT-03 fails though no path is checked" '[ $rc -eq 1 ] && failed ATT-03'
judge w3c-packed-es256-registration --policy att-chain=never --policy leaf-dates=none --at 86400
check "leaf-dates=none in 1970: verified" '[ $rc -eq 0 ]'
judge w3c-packed-self-es256-registration --policy self-alg=hash-only
check "self-alg=hash-only on a matching self statement: verified" '[ $rc -eq 0 ]'
judge w3c-packed-self-es256-registration --policy self-alg=maybe
check "self-alg=maybe: usage error naming the keys" '[ $rc -eq 2 ] && grep -q "self-alg" "$tmp/err"'

# policies lists the same keys.
$W "$F" policies --json > "$tmp/out" 2> "$tmp/err"
check "policies --json: the verifier keys per preset" 'python3 - "$tmp/out" <<'"'"'PY'"'"'
import json, sys
d = {p["name"]: p["decisions"] for p in json.load(open(sys.argv[1]))}
sw, pf, sp = d["simplewebauthn"], d["python-fido2"], d["spec"]
assert sp["sig-algs"] == ["all"] and sp["cred-id-max"] == 1023 and sp["tpm-vendors"] == ["any"]
assert -53 not in sw["sig-algs"] and -35 in sw["sig-algs"] and -35 not in pf["sig-algs"]
assert sw["self-alg"] == "hash-only" and sw["leaf-dates"] == ["packed", "tpm"]
assert "id:FFFFF1D0" in sw["tpm-vendors"] and "id:00000000" not in sw["tpm-vendors"]
assert pf["alg-not-offered"] == "ignore" and pf["tpm-rsa-only"] is True
assert sw["at-in-assertion"] == pf["at-in-assertion"] == "ignore"
PY'
$W "$F" policies > "$tmp/out" 2> "$tmp/err"
check "policies: the second table" 'grep -q "^preset  *sig-algs" "$tmp/out" && grep -q "^python-fido2  *-7,-8,-37,-257,-65535 *ignore" "$tmp/out"'
# policies NAME: each decision with the version modelled and its source line.
$W "$F" policies py_webauthn > "$tmp/out" 2> "$tmp/err"
check "policies py_webauthn: version and file:line per decision" 'grep -q "models: py_webauthn 2.8.0-alpha1" "$tmp/out" && grep -A1 "^  at-in-assertion = ignore" "$tmp/out" | grep -q "parse_authenticator_data.py:55-92"'
check "policies py_webauthn: its options, the default marked" 'grep -q "require_user_verification=false (default) -> uv-rule=never" "$tmp/out"'
$W "$F" policies --json simplewebauthn > "$tmp/out" 2> "$tmp/err"
check "policies --json NAME: one object with behaviours and options" 'python3 - "$tmp/out" <<'"'"'PY'"'"'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["name"] == "simplewebauthn" and p["version"].startswith("@simplewebauthn/server 14.1.0")
b = {x["knob"]: x for x in p["behaviours"]}
assert b["auth-top-origin"]["value"] == "if-cross" and "verifyAuthenticationResponse.js" in b["auth-top-origin"]["evidence"]
assert any(o["name"] == "expectedTopOrigin" for o in p["options"])
PY'
$W "$F" policies nosuch > "$tmp/out" 2> "$tmp/err"; rc=$?
check "policies nosuch: usage error naming the known presets" '[ $rc -eq 2 ] && grep -q "known: spec" "$tmp/err"'

# Library options by the library's own names.
# (the bare response: a vector file would supply its own topOrigin as a setting)
vec w3c-none-es256-top-origin-authentication
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["response"], open(sys.argv[2], "w"))' \
    vectors/w3c-l3/w3c-none-es256-top-origin-authentication.json "$tmp/bare.json"
IFS='
'
# shellcheck disable=SC2046
$W "$F" verify-authentication $(cat "$tmp/args") --policy-preset simplewebauthn --allow-cross-origin "$tmp/bare.json" > "$tmp/out" 2> "$tmp/err"; rc=$?
unset IFS
check "simplewebauthn: a topOrigin with no expectedTopOrigin fails AUTH-11" '[ $rc -eq 1 ] && grep -q "AUTH-11" "$tmp/out"'
judge w3c-none-es256-top-origin-authentication --policy-preset simplewebauthn --policy expectedTopOrigin=https://example.com
check "simplewebauthn --policy expectedTopOrigin=...: verified" '[ $rc -eq 0 ]'
judge w3c-packed-es256-registration --policy-preset java-webauthn-server --policy allowUntrustedAttestation=sometimes
check "an option value the library does not take: usage error naming its values" '[ $rc -eq 2 ] && grep -q "allowUntrustedAttestation takes true|false" "$tmp/err"'
judge w3c-packed-es256-registration --policy-preset spec --policy requireUserVerification=false
check "an option of another library: usage error" '[ $rc -eq 2 ] && grep -q "unknown policy" "$tmp/err"'

# A preset file of one's own.
cat > "$tmp/mine.policy" <<'EOP'
name = mine
library = my RP
version = 1
at-in-assertion = ignore
evidence = at-in-assertion: src/rp.c:1
EOP
judge w3c-packed-es256-registration --policy-preset "$tmp/mine.policy"
check "--policy-preset FILE: verified under a preset of one's own" '[ $rc -eq 0 ]'
printf 'name = mine\nlibrary = x\nversion = 1\ncounter = error\n' > "$tmp/bad.policy"
judge w3c-packed-es256-registration --policy-preset "$tmp/bad.policy"
check "--policy-preset FILE without evidence: usage error with file and line" '[ $rc -eq 2 ] && grep -q "counter is set without an evidence line" "$tmp/err"'

# packed-cert=ignore (py_webauthn): a certificate without OU registers there, not under spec.
printf '{"rp":{"id":"example.org","name":"E"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},"challenge":"AAECAwQFBgcICQoLDA0ODw","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"direct"}' > "$tmp/opts.json"
$W "$F" create --store "$tmp/s" --attestation packed --quirk cert-missing-ou "$tmp/opts.json" > "$tmp/reg.json" 2> "$tmp/err"
$W "$F" verify-registration --rp-id example.org --challenge AAECAwQFBgcICQoLDA0ODw --attestation direct --json "$tmp/reg.json" > "$tmp/out" 2> "$tmp/err"; rc=$?
check "cert-missing-ou under spec: ATT-PACKED-04" '[ $rc -eq 1 ] && grep -q "ATT-PACKED-04" "$tmp/out"'
$W "$F" verify-registration --rp-id example.org --challenge AAECAwQFBgcICQoLDA0ODw --attestation direct --policy-preset py_webauthn --json "$tmp/reg.json" > "$tmp/out" 2> "$tmp/err"; rc=$?
check "cert-missing-ou under py_webauthn (packed-cert=ignore): verified" '[ $rc -eq 0 ]'

# run --export-units: every unit as data, with every shipped preset's outcome.
$W "$F" run --export-units "$tmp/units" > "$tmp/out" 2> "$tmp/err"
check "run --export-units: one file per unit with the presets' outcomes" 'python3 - "$tmp/units" <<'"'"'PY'"'"'
import glob, json, sys
fs = glob.glob(sys.argv[1] + "/*.json")
assert len(fs) > 100, len(fs)
u = json.load(open(sys.argv[1] + "/REG-07.json"))
assert u["ceremony"] == "registration" and u["response"]["type"] == "public-key"
assert u["outcomes"]["spec"]["outcome"] == "fail" and u["outcomes"]["py_webauthn"]["outcome"] == "pass"
assert set(u["outcomes"]) >= {"spec", "fido2-lib", "go-webauthn"}
PY'
echo "1..$n"
