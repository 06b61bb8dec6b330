#!/bin/sh
# cli_mldsa.sh — ML-DSA-44/65/87 credentials (COSE -48/-49/-50) through the
# real binary: `create --algs mldsaNN` with each statement (none, packed
# self attestation signed with ML-DSA, packed x5c with a P-256 certificate),
# `get`, and the relying party judging both; --seed runs repeat byte for
# byte; decode names the AKP key; --algs on verify-registration takes the
# names and numbers, and an ML-DSA key the RP did not offer, a bad ML-DSA
# signature and a wrong-length one are refused by their rules. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

RP=example.org
CHAL=AAECAwQFBgcICQoLDA0ODw
CHAL2=EBESExQVFhcYGRobHB0eHw
creation() { # creation COSE_ALG RK CONVEYANCE
	printf '{"rp":{"id":"%s","name":"Example"},"user":{"id":"dXNlci0x","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":%s}],"attestation":"%s","authenticatorSelection":{"residentKey":"%s","userVerification":"required"}}' \
	    "$RP" "$CHAL" "$1" "$3" "$2"
}

for set in 44 65 87; do
	case $set in 44) alg=-48 ;; 65) alg=-49 ;; 87) alg=-50 ;; esac
	for att in none packed-self packed; do
		conv=direct; [ "$att" = none ] && conv=none
		creation "$alg" discouraged "$conv" > "$tmp/opts.json"
		st="$tmp/st-$set-$att"
		run $W "$F" create --store "$st" --algs "mldsa$set" --attestation "$att" --seed 5eed "$tmp/opts.json"
		cp "$tmp/out" "$tmp/reg.json"
		check "ML-DSA-$set $att: create exits 0, publicKeyAlgorithm $alg" \
		    '[ $rc -eq 0 ] && [ "$(py "$tmp/reg.json" "j[\"response\"][\"publicKeyAlgorithm\"]")" = "$alg" ]'
		$W "$F" ca export --store "$st" > "$tmp/root.pem" 2>/dev/null
		run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --algs "mldsa$set" \
		    --trust-anchors "$tmp/root.pem" --json "$tmp/reg.json"
		cp "$tmp/out" "$tmp/vreg.json"
		want_fmt=packed; [ "$att" = none ] && want_fmt=none
		check "ML-DSA-$set $att: verify-registration verified, fmt $want_fmt, no warnings" \
		    '[ $rc -eq 0 ] && [ "$(py "$tmp/vreg.json" "(j[\"verified\"], j[\"attestation\"][\"fmt\"], len(j[\"warnings\"]))")" = "(True, '"'$want_fmt'"', 0)" ]'
		py "$tmp/vreg.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec.json"
		id=$(py "$tmp/reg.json" 'j["id"]')
		printf '{"challenge":"%s","rpId":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]}' \
		    "$CHAL2" "$RP" "$id" > "$tmp/req.json"
		run $W "$F" get --store "$st" --seed 5eed01 "$tmp/req.json"
		cp "$tmp/out" "$tmp/auth.json"
		check "ML-DSA-$set $att: get exits 0 with a $(case $set in 44) echo 2420 ;; 65) echo 3309 ;; 87) echo 4627 ;; esac)-byte signature" \
		    '[ $rc -eq 0 ] && [ "$(py "$tmp/auth.json" "len(__import__(\"base64\").urlsafe_b64decode(j[\"response\"][\"signature\"] + \"==\"))")" = "$(case $set in 44) echo 2420 ;; 65) echo 3309 ;; 87) echo 4627 ;; esac)" ]'
		run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL2" --credential "$tmp/rec.json" --json "$tmp/auth.json"
		check "ML-DSA-$set $att: verify-authentication verified" \
		    '[ $rc -eq 0 ] && [ "$(py "$tmp/out" "j[\"verified\"]")" = True ]'
	done
done

# --- the same seed and inputs give the same bytes (keys, wrapped IDs, hedged signatures) ---
creation -49 required none > "$tmp/opts.json"
for k in 1 2; do
	$W "$F" create --store "$tmp/seed$k" --algs mldsa65 --seed 0a0b "$tmp/opts.json" > "$tmp/sreg$k.json"
	printf '{"challenge":"%s","rpId":"%s"}' "$CHAL2" "$RP" > "$tmp/req.json"
	$W "$F" get --store "$tmp/seed$k" --seed 0c0d "$tmp/req.json" > "$tmp/sauth$k.json"
done
check "--seed: two ML-DSA-65 registrations are byte-identical" 'cmp -s "$tmp/sreg1.json" "$tmp/sreg2.json"'
check "--seed: their assertions (hedged signatures, rnd from the seed) are byte-identical" \
    'cmp -s "$tmp/sauth1.json" "$tmp/sauth2.json" && [ -s "$tmp/sauth1.json" ]'
$W "$F" create --store "$tmp/seed3" --algs mldsa65 --seed 0a0c "$tmp/opts.json" > "$tmp/sreg3.json"
check "--seed: another seed, another key" '! cmp -s "$tmp/sreg1.json" "$tmp/sreg3.json"'

# --- decode ---
run $W "$F" decode --json "$tmp/sreg1.json"
check "decode: the AKP key, ML-DSA-65, 1952-byte key, 3309-byte signatures" \
    '[ $rc -eq 0 ] && grep -q "\"kty\": *\"AKP\"" "$tmp/out" && grep -q "\"algName\": *\"ML-DSA-65\"" "$tmp/out" && grep -q "\"publicKeyBytes\": *1952" "$tmp/out" && grep -q "\"signatureBytes\": *3309" "$tmp/out"'

# --- --algs on verify-registration ---
creation -48 discouraged none > "$tmp/opts.json"
$W "$F" create --store "$tmp/a" --algs mldsa44 "$tmp/opts.json" > "$tmp/reg44.json"
for a in mldsa44 -48 ML-DSA-44 es256,mldsa44; do
	run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --algs "$a" "$tmp/reg44.json"
	check "verify-registration --algs $a accepts the ML-DSA-44 credential" '[ $rc -eq 0 ]'
done
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --algs es256,mldsa65 --json "$tmp/reg44.json"
check "an ML-DSA-44 key the RP did not offer (es256,mldsa65) fails REG-16" \
    '[ $rc -eq 1 ] && [ "$(py "$tmp/out" "[e[\"rule\"] for e in j[\"errors\"]]")" = "['"'REG-16'"']" ]'
run $W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --algs mldsa45 "$tmp/reg44.json"
check "--algs mldsa45 is a usage error" '[ $rc -eq 2 ]'
run $W "$F" create --store "$tmp/a" --algs mldsa45 "$tmp/opts.json"
check "create --algs mldsa45 is a usage error naming the ML-DSA sets" '[ $rc -eq 2 ] && grep -q mldsa87 "$tmp/err"'

# --- refusals: a bad ML-DSA signature, a cut one ---
$W "$F" verify-registration --rp-id "$RP" --challenge "$CHAL" --json "$tmp/reg44.json" > "$tmp/v44.json"
py "$tmp/v44.json" 'json.dumps(j["credentialRecord"])' > "$tmp/rec44.json"
id=$(py "$tmp/reg44.json" 'j["id"]')
printf '{"challenge":"%s","rpId":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]}' "$CHAL2" "$RP" "$id" > "$tmp/req.json"
$W "$F" get --store "$tmp/a" --quirk bad-signature "$tmp/req.json" > "$tmp/bad.json"
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL2" --credential "$tmp/rec44.json" --json "$tmp/bad.json"
check "quirk bad-signature on an ML-DSA-44 assertion fails AUTH-18" \
    '[ $rc -eq 1 ] && py "$tmp/out" "[e[\"rule\"] for e in j[\"errors\"]]" | grep -q AUTH-18'
python3 - "$tmp/bad.json" "$tmp/cut.json" <<'PY'
import base64, json, sys
j = json.load(open(sys.argv[1]))
s = base64.urlsafe_b64decode(j["response"]["signature"] + "==")[:-1]
j["response"]["signature"] = base64.urlsafe_b64encode(s).rstrip(b"=").decode()
json.dump(j, open(sys.argv[2], "w"))
PY
run $W "$F" verify-authentication --rp-id "$RP" --challenge "$CHAL2" --credential "$tmp/rec44.json" --json "$tmp/cut.json"
check "an ML-DSA-44 signature one byte short fails SIG-ML-01" \
    '[ $rc -eq 1 ] && py "$tmp/out" "[e[\"rule\"] for e in j[\"errors\"]]" | grep -q SIG-ML-01'
done_testing
