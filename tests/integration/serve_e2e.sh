#!/bin/sh
# serve_e2e.sh — `fidosim serve` driven by headless Chromium (Debian's
# /usr/bin/chromium through playwright-core) with Chromium's own virtual
# authenticator (CDP WebAuthn domain): the page registers and authenticates
# with BE/BS 0/0 and 1/1, UV on and off, ES256 and EdDSA (and ML-DSA-44), and shows the
# verdict and the flags; then the API from inside the page (options, create/get,
# toJSON() posted back) verifies and a replayed assertion gets 4xx.
# Screenshots go to $FIDOSIM_ARTIFACTS (default out/artifacts). TAP output.
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
if ! serve_start "$tmp/log" --data "$tmp/data"; then
	echo "not ok 1 - fidosim serve did not start"; sed 's/^/# /' "$tmp/log"; echo "1..1"; exit 1
fi
export FIDOSIM_ARTIFACTS=${FIDOSIM_ARTIFACTS:-out/artifacts}
mkdir -p "$FIDOSIM_ARTIFACTS"
CHROMIUM="$CHROMIUM" timeout 120 node tests/integration/serve_e2e.mjs "$PORT"
rc=$?
if serve_alive; then echo "# the server is still running"; else echo "not ok - fidosim serve died"; rc=1; fi
if [ $rc -ne 0 ]; then echo "# server log (tail):"; tail -20 "$tmp/log" | sed 's/^/# /'; fi
exit $rc
