# serve_start.sh — sourced by the tests of `fidosim serve`:
#   serve_start LOG [ARGS...]   start `$FIDOSIM serve --port 0 ARGS` (any free
#                               loopback port); sets SERVE_PID, PORT, URL,
#                               ORIGIN; returns 1 when it did not come up
#   serve_alive                 is it still running?
#   serve_stop                  SIGTERM, wait; returns its exit status
serve_start() {
	_log=$1; shift
	_out=$(mktemp)
	${FSIM_WRAP:-} "${FIDOSIM:-build/fidosim}" serve --port 0 "$@" >"$_out" 2>"$_log" &
	SERVE_PID=$!
	PORT=""
	for _i in $(seq 1 100); do
		PORT=$(sed -n 's|.*listening on https\{0,1\}://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$_out")
		[ -n "$PORT" ] && break
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$_out"
	[ -n "$PORT" ] || return 1
	URL="http://127.0.0.1:$PORT"
	ORIGIN="http://localhost:$PORT"
	export PORT URL ORIGIN
	return 0
}
serve_alive() { kill -0 "$SERVE_PID" 2>/dev/null; }
serve_stop() {
	kill -TERM "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID"
}
