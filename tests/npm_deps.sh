#!/bin/sh
# npm_deps.sh — the test-only npm packages (package-lock.json) in node_modules,
# installed with `npm ci` when node_modules is missing or was installed from
# another lock file. Node.js itself comes from Debian (tests/deps.sh) when the
# machine has none. Used by `make test` and .ci/run; quick when up to date.
set -u
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
	echo "npm-deps: no npm: installing Debian's nodejs and npm"
	FIDOSIM_DEPS_EXTRA="nodejs npm" sh tests/deps.sh || exit 1
fi
stamp=node_modules/.fidosim-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	echo "npm-deps: node_modules matches package-lock.json"
	exit 0
fi
echo "npm-deps: npm ci (node_modules is missing or older than package-lock.json)"
if ! npm ci --no-audit --no-fund --loglevel=error >/tmp/fidosim-npm.log 2>&1; then
	tail -20 /tmp/fidosim-npm.log >&2
	echo "npm-deps: npm ci failed (log: /tmp/fidosim-npm.log)" >&2
	exit 1
fi
echo "$want" > "$stamp"
echo "npm-deps: done"
