#!/bin/sh
# serve_ux.sh — `fidosim serve` for a person with a browser (issue 20 item 4):
# it prints the URL that works first; --tls makes a self-signed certificate for
# any RP ID (kept in --data), curl and Chromium reach it with what serve prints,
# and a ceremony at RP ID example.test verifies in the browser; the page opened
# at the wrong host names the right URL; the rule table at phone width.
# TAP output (browser parts from serve_ux.mjs).
set -u
. tests/serve_start.sh
F=${FIDOSIM:-build/fidosim}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
if ! command -v node >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ]; then
	echo "not ok 1 - node, $CHROMIUM or node_modules/playwright-core missing (make test installs them)"
	echo "1..1"; exit 1
fi
export FIDOSIM_ARTIFACTS=${FIDOSIM_ARTIFACTS:-out/artifacts}
mkdir -p "$FIDOSIM_ARTIFACTS"
# Browser TAP renumbered into ours.
browser() { CHROMIUM="$CHROMIUM" timeout 120 node tests/integration/serve_ux.mjs "$@" > "$tmp/b.tap" 2>&1
	while IFS= read -r l; do case "$l" in
		"ok "*) ok "${l#ok * - }" ;; "not ok "*) nok "${l#not ok * - }" ;; "#"*) echo "$l" ;; esac
	done < "$tmp/b.tap"; }

# --- plain HTTP on localhost: what it prints, the wrong-host hint ---
${FSIM_WRAP:-} "$F" serve --port 0 > "$tmp/out" 2> "$tmp/log" &
SERVE_PID=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$tmp/out" && break; sleep 0.1; done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
first=$(head -1 "$tmp/out")
case "$first" in "fidosim serve: open http://localhost:$PORT/ in a browser"*) ok "the first line is the URL that works: http://localhost:$PORT/" ;;
	*) nok "first line: $first" ;; esac
grep -q "listening on http://127.0.0.1:$PORT/ for API clients" "$tmp/out" && ok "the same line keeps 'listening on http://127.0.0.1:PORT/' for scripts" || nok "listening line: $(cat "$tmp/out")"
browser host "$PORT"
serve_stop >/dev/null 2>&1

# --- a refused registration at phone width (the page's origin is not accepted) ---
if serve_start "$tmp/log2" --origin https://not-this-page.example; then
	browser phone "$PORT"
	serve_stop >/dev/null 2>&1
else nok "serve (phone) did not start"; fi

# --- HTTPS, self-signed, another RP ID ---
${FSIM_WRAP:-} "$F" serve --port 0 --tls --rp-id example.test --data "$tmp/d" > "$tmp/tout" 2> "$tmp/tlog" &
SERVE_PID=$!
for _ in $(seq 1 100); do grep -q 'to trust it' "$tmp/tout" && break; sleep 0.1; done
PORT=$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/tout")
SPKI=$(sed -n 's|.*(SPKI SHA-256 \([A-Za-z0-9+/=]*\)).*|\1|p' "$tmp/tout")
grep -q "open https://example.test:$PORT/ in a browser" "$tmp/tout" && ok "--tls: the URL is https://example.test:$PORT/" || nok "--tls output: $(cat "$tmp/tout")"
[ -n "$SPKI" ] && grep -q "ignore-certificate-errors-spki-list=$SPKI" "$tmp/tout" && ok "it prints how to trust the certificate" || nok "no trust hint"
[ "$(stat -c %a "$tmp/d/tls-key.pem" 2>/dev/null)" = 600 ] && [ -s "$tmp/d/tls-cert.pem" ] && ok "the pair is kept in --data, the key 0600" || nok "tls pair files"
code=$(curl -s -o "$tmp/opts.json" -w '%{http_code}' --cacert "$tmp/d/tls-cert.pem" --resolve "example.test:$PORT:127.0.0.1" \
    -H 'Content-Type: application/json' -d '{"username":"curl-user"}' "https://example.test:$PORT/registration/options")
[ "$code" = 200 ] && grep -q '"id":"example.test"' "$tmp/opts.json" && ok "curl --cacert reaches it and verifies the certificate" || nok "curl over TLS: $code"
openssl x509 -in "$tmp/d/tls-cert.pem" -noout -ext subjectAltName 2>/dev/null | grep -q "DNS:example.test" && ok "the certificate names the RP ID" || nok "certificate SAN"
browser tls "$PORT" "$SPKI" example.test
serve_stop >/dev/null 2>&1
# The same --data gives the same certificate next time.
before=$(openssl x509 -in "$tmp/d/tls-cert.pem" -noout -fingerprint -sha256)
${FSIM_WRAP:-} "$F" serve --port 0 --tls --rp-id example.test --data "$tmp/d" > "$tmp/tout2" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do grep -q 'to trust it' "$tmp/tout2" && break; sleep 0.1; done
grep -q "SPKI SHA-256 $SPKI" "$tmp/tout2" && [ "$before" = "$(openssl x509 -in "$tmp/d/tls-cert.pem" -noout -fingerprint -sha256)" ] \
    && ok "restarted on the same --data: the same certificate" || nok "certificate changed on restart"
serve_stop >/dev/null 2>&1
"$F" serve --tls --tls-cert x.pem > /dev/null 2> "$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "go together\|neither --tls" "$tmp/e" && ok "--tls with --tls-cert: usage error" || nok "tls usage: $rc $(cat "$tmp/e")"
echo "1..$n"
