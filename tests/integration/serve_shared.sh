#!/bin/sh
# serve_shared.sh — `fidosim serve --data D` under concurrency (issue 19):
#  1. two servers on one data folder, each under 4 concurrent clients
#     (tests/integration/serve_load.mjs, mixed registrations and
#     authentications) for SHARED_SECONDS (default 5; the issue's check is
#     SHARED_SECONDS=20; SHARED_MODE=register: registrations only): no answer
#     but 200 (no 500), and every registration
#     either answered is in the database afterwards;
#  2. the cost of a registration with 20,000 stored credentials is within 2x
#     of its cost with 10 (one client, registrations only, SCALE_SECONDS
#     each, default 3, best of two runs each).
# TAP output.
set -u
. tests/serve_start.sh
SHARED_SECONDS=${SHARED_SECONDS:-5}
SCALE_SECONDS=${SCALE_SECONDS:-3}
SHARED_MODE=${SHARED_MODE:-mixed}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
if ! command -v node >/dev/null 2>&1; then
	nok "node is missing (apt-get install nodejs)"; echo "1..$n"; exit 1
fi
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -TERM $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
D="$tmp/data"
db_count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from credentials').fetchone()[0])" "$1"; }

# ---- 1. two servers, one folder ----
serve_start "$tmp/log1" --data "$D" || { nok "the first server starts"; echo "1..$n"; exit 1; }
P1=$PORT; S1=$SERVE_PID; pids="$S1"
serve_start "$tmp/log2" --data "$D" || { nok "the second server starts"; echo "1..$n"; exit 1; }
P2=$PORT; S2=$SERVE_PID; pids="$pids $S2"
node tests/integration/serve_load.mjs "$P1" "$SHARED_SECONDS" 4 "$SHARED_MODE" > "$tmp/l1" 2>&1 &
n1=$!
node tests/integration/serve_load.mjs "$P2" "$SHARED_SECONDS" 4 "$SHARED_MODE" > "$tmp/l2" 2>&1 &
n2=$!
wait $n1; r1=$?
wait $n2; r2=$?
sed -n "s/^# /# server 1: /p" "$tmp/l1"
sed -n "s/^# /# server 2: /p" "$tmp/l2"
grep -h '^# /' "$tmp/l1" "$tmp/l2" | head -5   # the first errors, if any
regs=$(cat "$tmp/l1" "$tmp/l2" | sed -n 's/.*ceremonies (\([0-9]*\) registrations).*/\1/p' | awk '{s += $1} END {print s + 0}')
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && ok "two servers on one --data for $SHARED_SECONDS s: every answer 200 (no 500)" \
    || nok "two servers on one --data: errors (exits $r1 $r2)"
fivehundreds=$(cat "$tmp/log1" "$tmp/log2" | awk '$5 >= 500' | wc -l)
[ "$fivehundreds" -eq 0 ] && ok "the request logs have no 5xx" || nok "$fivehundreds requests answered 5xx"
kill -TERM $S1 $S2; wait $S1; wait $S2; pids=""
have=$(db_count "$D/serve.db")
[ "$regs" -gt 0 ] && [ "$have" = "$regs" ] && ok "no credential lost: $regs registrations verified, $have in the database" \
    || nok "credentials lost: $regs registrations verified, $have in the database"
python3 -c "import sqlite3,sys; assert sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0] == 'ok'" "$D/serve.db" \
    && ok "the shared database passes its integrity check" || nok "integrity check"

# ---- 2. a registration with 20,000 stored credentials vs 10 ----
# fill N: a database with N credentials (copies of one real one under new IDs)
fill() {
	python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
row = c.execute("select username, created, discoverable, sign_count, record from credentials limit 1").fetchone()
c.execute("delete from credentials")
c.executemany("insert into credentials (id, username, created, discoverable, sign_count, record) values (randomblob(16), ?, ?, ?, ?, ?)",
              (("fill%d" % (i % 5000),) + row[1:] for i in range(n)))
c.commit()
PY
}
rate() {   # rate DATA: registrations/s of one client, best of two runs
	best=0
	for k in 1 2; do
		serve_start "$tmp/logs" --data "$1" || return 1
		pids="$SERVE_PID"
		r=$(node tests/integration/serve_load.mjs "$PORT" "$SCALE_SECONDS" 1 register | sed -n 's/.* \([0-9]*\) ceremonies\/s.*/\1/p')
		serve_stop; pids=""
		[ "${r:-0}" -gt "$best" ] && best=$r
	done
	echo "$best"
}
for size in 10 20000; do
	mkdir -p "$tmp/s$size"
	serve_start "$tmp/logs" --data "$tmp/s$size" && node tests/integration/serve_load.mjs "$PORT" 1 1 register > /dev/null
	serve_stop
	fill "$tmp/s$size/serve.db" "$size"
done
r10=$(rate "$tmp/s10"); r20k=$(rate "$tmp/s20000")
echo "# one client, registrations only: $r10/s with 10 stored credentials, $r20k/s with 20,000"
[ "${r20k:-0}" -gt 0 ] && [ $((r20k * 2)) -ge "${r10:-0}" ] \
    && ok "a registration with 20,000 stored credentials costs within 2x of one with 10 ($r10/s vs $r20k/s)" \
    || nok "a registration with 20,000 stored credentials costs over 2x ($r10/s vs $r20k/s)"
echo "1..$n"
