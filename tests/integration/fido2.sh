#!/bin/sh
# fido2.sh — libfido2 against `fidosim authenticator --listen`: the CTAPHID
# framing over the socket, then makeCredential / getAssertion verified by
# libfido2 (tests/integration/fido2_dev.c, built by make as
# $FSIM_BUILD/itests/fido2_dev), once with --uv 0 and packed attestation,
# once with --uv auto, packed self attestation and a --seed. Also the
# command's own contract (exit codes, socket file). TAP output.
set -u
F=${FIDOSIM:-build/fidosim}
W=${FSIM_WRAP:-}
BIN=${FSIM_BUILD:-build}/itests/fido2_dev
AAGUID=f1d0f1d0-5157-4e11-8a1b-0123456789ab
# A short folder: a socket path must fit in sun_path (108 bytes).
tmp=$(mktemp -d /tmp/fsim-fido2.XXXXXX)
out="$tmp/tap"
: > "$out"
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ok() { echo "ok - $1" >> "$out"; }
nok() { echo "not ok - $1" >> "$out"; }

# wait_ready LOG PID: the server says it listens; up to 30 s (valgrind is slow).
wait_ready() {
	i=0
	while [ $i -lt 300 ]; do
		grep -q 'listening on' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# serve NAME UV ATTESTATION [EXTRA...]: one server, the C test against it.
serve() {
	name=$1 uv=$2 att=$3
	shift 3
	sock="$tmp/$name.sock"
	$W "$F" authenticator --listen "$sock" --store "$tmp/$name.store" --aaguid "$AAGUID" \
	    --uv "$uv" --attestation-format "$att" --algs es256,eddsa "$@" 2>"$tmp/$name.log" &
	pid=$!
	if ! wait_ready "$tmp/$name.log" "$pid" || [ ! -S "$sock" ]; then
		nok "$name: the server creates its socket"
		sed 's/^/# /' "$tmp/$name.log" >> "$out"
		kill -KILL "$pid" 2>/dev/null
		pid=
		return
	fi
	ok "$name: the server creates its socket"
	if [ "$name" = ext ]; then
		"$EXT" "$sock" >> "$out" 2>&1
	else
		"$BIN" "$sock" "$AAGUID" "$uv" "$att" >> "$out" 2>&1
	fi
	rc=$?
	[ $rc -eq 0 ] || echo "# $name: fido2_dev exited $rc" >> "$out"
	kill -TERM "$pid"
	( sleep 30; kill -KILL "$pid" 2>/dev/null ) &
	dog=$!
	wait "$pid"
	rc=$?
	kill "$dog" 2>/dev/null
	pid=
	[ $rc -eq 0 ] && ok "$name: SIGTERM stops the server with exit 0" \
	    || { nok "$name: SIGTERM stops the server with exit 0 (got $rc)"; sed 's/^/# /' "$tmp/$name.log" >> "$out"; }
	[ ! -e "$sock" ] && ok "$name: the socket file is removed" || nok "$name: the socket file is removed"
}

if [ ! -x "$BIN" ]; then
	nok "fido2_dev is built ($BIN; make test builds it)"
else
	serve uv0 0 packed
	serve uvauto auto packed-self --seed 00112233445566778899aabbccddeeff
fi
EXT=${FSIM_BUILD:-build}/itests/fido2_ext
if [ ! -x "$EXT" ]; then
	nok "fido2_ext is built ($EXT; make test builds it)"
else
	serve ext auto none
fi

# The command-line contract.
$W "$F" authenticator --help > "$tmp/help" 2>&1 && grep -q -- '--listen PATH' "$tmp/help" \
    && ok "authenticator --help" || nok "authenticator --help"
$W "$F" authenticator --store "$tmp/x.store" > /dev/null 2>&1; [ $? -eq 2 ] \
    && ok "no --listen: exit 2" || nok "no --listen: exit 2"
$W "$F" authenticator --listen "$tmp/y.sock" --uv maybe > /dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--uv' "$tmp/err" && ok "bad --uv value: exit 2 naming the option" \
    || nok "bad --uv value: exit 2 naming the option (got $rc)"
# Each shared settings flag rejects a bad value with exit 2, naming the flag.
for bad in "--quirk no-such-quirk" "--aaguid not-a-uuid" "--be 2" "--bs yes" "--algs es256,md5" \
    "--algs es256,es256" "--attestation tpm2" "--counter sometimes" "--seed 0g" "--seed 123" "--store"; do
	# shellcheck disable=SC2086
	$W "$F" authenticator --listen "$tmp/y.sock" $bad > /dev/null 2>"$tmp/err"; rc=$?
	opt=${bad%% *}
	[ $rc -eq 2 ] && grep -q -- "$opt" "$tmp/err" && [ ! -e "$tmp/y.sock" ] \
	    && ok "$bad: exit 2 naming $opt" || nok "$bad: exit 2 naming $opt (got $rc)"
done
$W "$F" authenticator --listen "$tmp/no/such/dir/s" --store "$tmp/z.store" > /dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'cannot bind' "$tmp/err" && ok "unbindable path: exit 2 with a message" \
    || nok "unbindable path: exit 2 with a message (got $rc)"
echo data > "$tmp/regular"
$W "$F" authenticator --listen "$tmp/regular" --store "$tmp/z.store" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ "$(cat "$tmp/regular")" = data ] && ok "a regular file at PATH is left alone: exit 2" \
    || nok "a regular file at PATH is left alone: exit 2 (got $rc)"
# A stale socket file (no server behind it) is replaced.
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])" "$tmp/stale.sock"
$W "$F" authenticator --listen "$tmp/stale.sock" --store "$tmp/s.store" 2>"$tmp/stale.log" &
pid=$!
if wait_ready "$tmp/stale.log" "$pid"; then
	ok "a stale socket file is replaced"
else
	nok "a stale socket file is replaced"
	sed 's/^/# /' "$tmp/stale.log" >> "$out"
fi
# ... but not while a live server answers on it.
$W "$F" authenticator --listen "$tmp/stale.sock" --store "$tmp/s2.store" > /dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'another server' "$tmp/err" && ok "a live server's socket is not taken: exit 2" \
    || nok "a live server's socket is not taken: exit 2 (got $rc)"
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] && [ ! -e "$tmp/stale.sock" ] && ok "SIGINT: exit 0, socket removed" \
    || nok "SIGINT: exit 0, socket removed (got $rc)"

awk '/^ok /{n++; sub(/^ok/, "ok " n)} /^not ok /{n++; sub(/^not ok/, "not ok " n)} {print} END {print "1.." n}' "$out"
