#!/bin/sh
# rp_vectors.sh — every W3C L3 vector through `fidosim verify-registration` /
# `verify-authentication` with the RP settings its README names; the verdict,
# flags, signCount, AAGUID and fmt must be the expected ones. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"

for v in vectors/w3c-l3/*.json; do
	name=$(basename "$v" .json)
	# The arguments the vector asks for, one per line.
	python3 - "$v" "$tmp" > "$tmp/args" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); tmp = sys.argv[2]
args = ["--rp-id", v["rpId"], "--origin", v["origin"], "--challenge", v["challenge"], "--uv", v["uv"], "--json"]
if v.get("allowCrossOrigin"):
    args.append("--allow-cross-origin")
cdj = v["response"]["response"]["clientDataJSON"]
import base64
cd = json.loads(base64.urlsafe_b64decode(cdj + "=" * (-len(cdj) % 4)))
if "topOrigin" in cd:
    args += ["--top-origin", cd["topOrigin"]]
if v["ceremony"] == "registration":
    if v.get("trustAnchors"):
        open(tmp + "/anchors.pem", "w").write("\n".join(v["trustAnchors"]) + "\n")
        args += ["--trust-anchors", tmp + "/anchors.pem", "--require-trusted-attestation"]
else:
    json.dump(v["credential"], open(tmp + "/record.json", "w"))
    args += ["--credential", tmp + "/record.json"]
print("\n".join(args))
PY
	cmd=verify-registration
	case "$name" in *-authentication) cmd=verify-authentication ;; esac
	# shellcheck disable=SC2046
	IFS='
'
	set -- $(cat "$tmp/args")
	unset IFS
	$W "$F" "$cmd" "$@" "$v" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	expect=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['expect'])" "$v")
	verdict=$(python3 - "$v" "$tmp/out" "$rc" <<'PY'
import json, sys
v = json.load(open(sys.argv[1])); rc = int(sys.argv[3])
try:
    o = json.load(open(sys.argv[2]))
except Exception as e:
    print("output is not JSON: %s" % e); sys.exit()
problems = []
if v["expect"] == "accept":
    if rc != 0 or not o["verified"]:
        problems.append("not verified (exit %d): %s" % (rc, [e["rule"] + ": " + e["message"] for e in o["errors"]]))
    d = v.get("expectDetails", {})
    ad = o["authenticatorData"] or {}
    for k, want in d.get("flags", {}).items():
        if ad.get("flags", {}).get(k) != want:
            problems.append("flag %s is %s, expected %s" % (k, ad.get("flags", {}).get(k), want))
    if "signCount" in d and ad.get("signCount") != d["signCount"]:
        problems.append("signCount %s" % ad.get("signCount"))
    if v["ceremony"] == "registration":
        if d.get("aaguid") and ad.get("aaguid") != d["aaguid"]:
            problems.append("aaguid %s" % ad.get("aaguid"))
        if d.get("fmt") and o["attestation"]["fmt"] != d["fmt"]:
            problems.append("fmt %s" % o["attestation"]["fmt"])
        if not o["credentialRecord"]:
            problems.append("no credential record")
else:
    if rc != 1 or o["verified"]:
        problems.append("accepted (exit %d), expected a rejection" % rc)
    # The main-branch android-key vector: empty authorization lists (§8.4).
    if "android-key" in v["name"] and [e["rule"] for e in o["errors"]] != ["ATT-AKEY-06", "REG-18"]:
        problems.append("errors %s, expected exactly ATT-AKEY-06 (and REG-18)" % [e["rule"] for e in o["errors"]])
print("; ".join(problems) if problems else "OK")
PY
)
	if [ "$verdict" = OK ]; then ok "$name: $expect as expected"
	else nok "$name: $verdict"; sed 's/^/# /' "$tmp/err" | head -5; fi
done

# The credential record a registration outputs is the input of the matching authentication.
for reg in vectors/w3c-l3/w3c-packed-es256-registration.json vectors/w3c-l3/w3c-none-es256-registration.json; do
	auth=$(echo "$reg" | sed 's/registration/authentication/')
	r=$(python3 -c "import json,sys; v=json.load(open(sys.argv[1])); print(v['rpId'], v['challenge'])" "$reg")
	set -- $r
	$W "$F" verify-registration --rp-id "$1" --challenge "$2" --json "$reg" > "$tmp/reg.json"
	python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['credentialRecord'], open(sys.argv[2],'w'))" "$tmp/reg.json" "$tmp/rec.json"
	a=$(python3 -c "import json,sys; v=json.load(open(sys.argv[1])); print(v['challenge'])" "$auth")
	if $W "$F" verify-authentication --rp-id "$1" --challenge "$a" --credential "$tmp/rec.json" --json "$auth" > "$tmp/auth.json"; then
		ok "$(basename "$reg" .json): its record verifies the authentication"
	else
		nok "$(basename "$reg" .json): record from registration did not verify the authentication"
		head -c 600 "$tmp/auth.json" | sed 's/^/# /'
	fi
done
echo "1..$n"
