#!/bin/sh
# serve_load.sh — a load test of `fidosim serve`: concurrent clients
# (tests/integration/serve_load.mjs, real ceremonies signed with node's
# crypto) for LOAD_SECONDS (default 5) on loopback, with --data (every
# change committed durably before it is answered); no error allowed,
# requests/s and ceremonies/s printed; the database holds the credentials
# afterwards, mode 0600. LOAD_MODE=register: registrations only (each a
# new credential). TAP output.
set -u
. tests/serve_start.sh
LOAD_SECONDS=${LOAD_SECONDS:-5}
LOAD_CLIENTS=${LOAD_CLIENTS:-8}
LOAD_MODE=${LOAD_MODE:-mixed}
if ! command -v node >/dev/null 2>&1; then
	echo "not ok 1 - node missing (make test installs it through tests/deps.sh)"; echo "1..1"; exit 0
fi
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
if ! serve_start "$tmp/log" --data "$tmp/data"; then
	echo "not ok 1 - fidosim serve did not start"; sed 's/^/# /' "$tmp/log"; echo "1..1"; exit 1
fi
node tests/integration/serve_load.mjs "$PORT" "$LOAD_SECONDS" "$LOAD_CLIENTS" "$LOAD_MODE" | grep -v '^1\.\.'
n=1
if serve_alive; then n=$((n + 1)); echo "ok $n - the server is still running"; else n=$((n + 1)); echo "not ok $n - the server died"; fi
serve_stop; src=$?
n=$((n + 1))
[ $src -eq 0 ] && echo "ok $n - it stops cleanly (exit 0)" || echo "not ok $n - exit $src on SIGTERM"
n=$((n + 1))
if python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute('pragma integrity_check').fetchone()[0]=='ok'; assert c.execute('select count(*) from credentials').fetchone()[0]>0" "$tmp/data/serve.db" 2>/dev/null \
    && [ "$(stat -c %a "$tmp/data/serve.db")" = 600 ]; then
	echo "ok $n - the database passes its integrity check, holds the credentials, mode 0600"
else
	echo "not ok $n - the database is damaged, empty or not 0600"
fi
lines=$(grep -c '^[0-9]\{4\}-' "$tmp/log")
echo "# $lines request log lines"
echo "1..$n"
