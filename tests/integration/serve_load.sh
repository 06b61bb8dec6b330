#!/bin/sh
# serve_load.sh — a load test of `fidosim serve`: concurrent clients
# (tests/integration/serve_load.mjs, real ceremonies signed with node's
# crypto) for LOAD_SECONDS (default 5) on loopback, with --data (every
# change written atomically); no error allowed, requests/s printed; the
# credentials file is valid JSON afterwards. TAP output.
set -u
. tests/serve_start.sh
LOAD_SECONDS=${LOAD_SECONDS:-5}
LOAD_CLIENTS=${LOAD_CLIENTS:-8}
if ! command -v node >/dev/null 2>&1; then
	echo "not ok 1 - node missing (make test installs it through tests/deps.sh)"; echo "1..1"; exit 0
fi
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
if ! serve_start "$tmp/log" --data "$tmp/data"; then
	echo "not ok 1 - fidosim serve did not start"; sed 's/^/# /' "$tmp/log"; echo "1..1"; exit 1
fi
node tests/integration/serve_load.mjs "$PORT" "$LOAD_SECONDS" "$LOAD_CLIENTS" | grep -v '^1\.\.'
n=1
if serve_alive; then n=$((n + 1)); echo "ok $n - the server is still running"; else n=$((n + 1)); echo "not ok $n - the server died"; fi
serve_stop; src=$?
n=$((n + 1))
[ $src -eq 0 ] && echo "ok $n - it stops cleanly (exit 0)" || echo "not ok $n - exit $src on SIGTERM"
n=$((n + 1))
if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['version']==1 and len(j['credentials'])>0" "$tmp/data/credentials.json" 2>/dev/null \
    && [ "$(stat -c %a "$tmp/data/credentials.json")" = 600 ]; then
	echo "ok $n - the credentials file is valid JSON, mode 0600"
else
	echo "not ok $n - the credentials file is damaged or not 0600"
fi
lines=$(grep -c '^[0-9]\{4\}-' "$tmp/log")
echo "# $lines request log lines"
echo "1..$n"
