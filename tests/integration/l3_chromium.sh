#!/bin/sh
# l3_chromium.sh — WebAuthn Level 3's newer calls in real Chromium (Debian's
# /usr/bin/chromium through playwright-core, its virtual authenticator over
# CDP) against `fidosim serve`: getClientCapabilities() read by the page, the
# signals the server sends called by the page and what they do to the
# virtual authenticator, a conditional create, and a related origin (serve
# --tls --related-origins, the RP ID's /.well-known/webauthn fetched by
# Chromium itself). Each observation is a "# observed:" line of the TAP log.
set -u
. tests/serve_start.sh
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ]; then
	echo "not ok 1 - node, $CHROMIUM or node_modules/playwright-core missing (make test installs them: make deps; npm ci)"
	echo "1..1"
	exit 0
fi
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
rc=0

# The page at http://localhost:PORT (RP ID localhost).
if ! serve_start "$tmp/log"; then
	echo "not ok 1 - fidosim serve did not start"; sed 's/^/# /' "$tmp/log"; echo "1..1"; exit 1
fi
CHROMIUM="$CHROMIUM" TAP_START=0 timeout 180 node tests/integration/l3_chromium.mjs page "$PORT" > "$tmp/tap1" || rc=1
cat "$tmp/tap1"
k=$(grep -cE '^(not )?ok ' "$tmp/tap1")
serve_alive || { echo "not ok - fidosim serve died"; rc=1; }
[ $rc -eq 0 ] || { echo "# server log (tail):"; tail -20 "$tmp/log" | sed 's/^/# /'; }
serve_stop >/dev/null 2>&1

# A related origin: RP ID rp.test lists https://shop.test and five more labels
# (l2..l6.test), not elsewhere.test; l6.test is the sixth label.
printf '{"origins": ["https://shop.test", "https://l2.test", "https://l3.test", "https://l4.test", "https://l5.test", "https://l6.test"]}\n' > "$tmp/webauthn.json"
if ! serve_start "$tmp/log2" --tls --rp-id rp.test --data "$tmp/d" --related-origins "$tmp/webauthn.json"; then
	echo "not ok - fidosim serve --tls --related-origins did not start"; sed 's/^/# /' "$tmp/log2"; exit 1
fi
CHROMIUM="$CHROMIUM" TAP_START=$k timeout 120 node tests/integration/l3_chromium.mjs related "$PORT" > "$tmp/tap2" || rc=1
cat "$tmp/tap2"
k=$((k + $(grep -cE '^(not )?ok ' "$tmp/tap2") + 1))
if grep -q 'GET /.well-known/webauthn 200' "$tmp/log2"; then
	echo "ok $k - Chromium fetched rp.test's /.well-known/webauthn from serve"
else
	echo "not ok $k - Chromium did not fetch /.well-known/webauthn"; rc=1
fi
grep 'well-known' "$tmp/log2" | head -3 | sed 's/^/# observed: serve log: /'
serve_alive || { k=$((k + 1)); echo "not ok $k - fidosim serve (tls) died"; rc=1; }
echo "1..$k"
exit $rc
