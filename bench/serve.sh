#!/bin/sh
# serve.sh [--seconds S] [--clients N] [--mode mixed|register] — a sustained
# load run of `fidosim serve --data DIR` (every change committed durably
# before it is answered): tests/integration/serve_load.mjs with N concurrent
# clients (default 8) for S seconds (default 60), the server's resident
# memory (VmRSS) sampled at start, after a 5-second warm-up, and every
# S/10 seconds, then the load's requests/s, ceremonies/s and p50/p99
# latency, the RSS growth from the warm-up sample to the end, and the load
# average. The issue's check is RSS within 10% over the run.
set -u
cd "$(dirname "$0")/.."
seconds=60
clients=8
mode=mixed
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=${2:-}; shift 2 ;;
	--clients) clients=${2:-}; shift 2 ;;
	--mode) mode=${2:-}; shift 2 ;;
	-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "serve.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
case $seconds$clients in *[!0-9]*|'') echo "serve.sh: --seconds and --clients want whole numbers" >&2; exit 2 ;; esac
[ "$seconds" -ge 10 ] || { echo "serve.sh: --seconds must be at least 10" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "serve.sh: node missing" >&2; exit 2; }
. tests/serve_start.sh
tmp=$(mktemp -d)
trap 'serve_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT INT TERM
serve_start "$tmp/log" --data "$tmp/data" || { echo "serve.sh: fidosim serve did not start" >&2; cat "$tmp/log" >&2; exit 1; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SERVE_PID/status"; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at start; $clients clients, $seconds s, mode $mode"
echo "rss at start: $(rss) kB"
node tests/integration/serve_load.mjs "$PORT" "$seconds" "$clients" "$mode" > "$tmp/load" 2>&1 &
node_pid=$!
sleep 5
warm=$(rss)
echo "rss after 5 s: $warm kB"
step=$((seconds / 10))
t=5
while kill -0 "$node_pid" 2>/dev/null; do
	sleep "$step"
	t=$((t + step))
	kill -0 "$node_pid" 2>/dev/null || break
	echo "rss at ${t} s: $(rss) kB"
done
wait "$node_pid"
rc=$?
last=$(rss)
echo "rss at end: $last kB ($(awk -v a="$warm" -v b="$last" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }') since 5 s)"
grep '^#' "$tmp/load" | sed 's/^# //'
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at end"
serve_alive || { echo "serve.sh: the server died" >&2; exit 1; }
exit $rc
