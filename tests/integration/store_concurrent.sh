#!/bin/sh
# store_concurrent.sh — processes sharing one authenticator store (issue 19):
# 20 `fidosim create` at once (each another user) keep 20 credentials; 50
# `fidosim get` at once (global counter) give 50 distinct counters; the same
# mixed with `fidosim authenticator --listen` on that store, driven by
# python-fido2 (tests/store_listen.py): every counter handed
# out, by either, distinct and each process's increasing; 6 processes
# creating a new store at once agree on its wrapping key (their
# non-discoverable credentials all work); a JSON store imported by 8
# processes at once is imported once. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
PY=/usr/bin/python3
N_CREATE=${STORE_N_CREATE:-20}
N_GET=${STORE_N_GET:-50}
# opts TAG RESIDENTKEY: creation options for user "TAG" (its user.id is TAG in base64url)
opts() {
	printf '{"rp":{"id":"example.org","name":"E"},"user":{"id":"%s","name":"u%s","displayName":"U"},"challenge":"AAECAwQFBgcICQoLDA0ODw","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"%s"}}' "$(printf '%s' "$1" | base64 | tr '+/' '-_' | tr -d '=')" "$1" "$2"
}
get='{"rpId":"example.org","challenge":"AAECAwQFBgcICQoLDA0ODw"}'
py_count() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$1"; }
# signCount of each AuthenticationResponseJSON in the files given
counters() {
	python3 - "$@" <<'PY'
import base64, json, sys
for p in sys.argv[1:]:
    try:
        j = json.load(open(p))
        ad = base64.urlsafe_b64decode(j["response"]["authenticatorData"] + "==")
        print(int.from_bytes(ad[33:37], "big"))
    except Exception as e:
        print("bad %s: %s" % (p, e))
PY
}

s="$tmp/s"
# ---- 20 parallel creates, then 50 parallel gets ----
i=0
while [ $i -lt "$N_CREATE" ]; do
	i=$((i + 1))
	$W "$F" create --store "$s" --counter global "$(opts "user$i" required)" > "$tmp/reg$i.json" 2>"$tmp/reg$i.err" &
done
wait
bad=0; i=0
while [ $i -lt "$N_CREATE" ]; do i=$((i + 1)); [ -s "$tmp/reg$i.json" ] || { bad=$((bad + 1)); sed 's/^/# /' "$tmp/reg$i.err" | head -2; }; done
[ $bad -eq 0 ] && ok "$N_CREATE parallel creates all succeed" || nok "$bad of $N_CREATE parallel creates failed"
"$F" credentials list --store "$s" --json > "$tmp/list.json"
[ "$(py_count "$tmp/list.json")" = "$N_CREATE" ] && ok "the store keeps all $N_CREATE credentials" \
    || nok "the store keeps $(py_count "$tmp/list.json") of $N_CREATE credentials"
i=0
while [ $i -lt "$N_GET" ]; do
	i=$((i + 1))
	$W "$F" get --store "$s" --counter global "$get" > "$tmp/get$i.json" 2>"$tmp/get$i.err" &
done
wait
counters "$tmp"/get*.json > "$tmp/c1"
distinct=$(sort -n "$tmp/c1" | uniq | grep -c '^[0-9]')
[ "$distinct" = "$N_GET" ] && ok "$N_GET parallel gets: $N_GET distinct counters" \
    || { nok "$N_GET parallel gets: $distinct distinct counters"; sort -n "$tmp/c1" | uniq -c | awk '$1 > 1 || $2 !~ /^[0-9]/' | head -5 | sed 's/^/# /'; }
max=$(sort -n "$tmp/c1" | tail -1)
# the creates took 1..N_CREATE of the global counter
[ "$max" = $((N_CREATE + N_GET)) ] && ok "the counters are $((N_CREATE + 1))..$((N_CREATE + N_GET)): none lost, none repeated" \
    || nok "the highest counter is $max, not $((N_CREATE + N_GET))"

# ---- the same, mixed with authenticator --listen traffic (python-fido2) ----
if ! $PY -c "import fido2" 2>/dev/null; then
	nok "python-fido2: /usr/bin/python3 cannot import fido2 (apt-get install python3-fido2)"
else
	sdir=$(mktemp -d /tmp/fsim-stc.XXXXXX)
	sock="$sdir/a.sock"
	$W "$F" authenticator --listen "$sock" --store "$s" --counter global 2>"$tmp/listen.log" &
	lpid=$!
	k=0
	while [ $k -lt 100 ] && ! grep -q 'listening on' "$tmp/listen.log" 2>/dev/null; do sleep 0.1; k=$((k + 1)); done
	$PY tests/store_listen.py "$sock" example.org 40 > "$tmp/listen.out" 2>"$tmp/listen.err" &
	ppid_=$!
	pids=""
	i=0
	while [ $i -lt 30 ]; do
		i=$((i + 1))
		$W "$F" get --store "$s" --counter global "$get" > "$tmp/mget$i.json" 2>"$tmp/mget$i.err" &
		pids="$pids $!"
		if [ $((i % 6)) -eq 0 ]; then
			$W "$F" create --store "$s" --counter global "$(opts "mix$i" required)" > "$tmp/mreg$i.json" 2>/dev/null &
			pids="$pids $!"
		fi
	done
	wait $ppid_; prc=$?
	for p in $pids; do wait "$p"; done
	kill -TERM "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
	rm -rf "$sdir"
	[ $prc -eq 0 ] && [ "$(grep -c '^[0-9]' "$tmp/listen.out")" = 40 ] \
	    && ok "python-fido2 ran 40 getAssertions through authenticator --listen meanwhile" \
	    || { nok "python-fido2 through authenticator --listen: exit $prc"; sed 's/^/# /' "$tmp/listen.err" | tail -5; }
	# the listener's counters increase, one after another
	sort -n -c "$tmp/listen.out" 2>/dev/null && [ "$(sort -n "$tmp/listen.out" | uniq -d | wc -l)" = 0 ] \
	    && ok "the listener's counters strictly increase" || nok "the listener's counters: $(tr '\n' ' ' < "$tmp/listen.out")"
	counters "$tmp"/mget*.json > "$tmp/c2"
	cat "$tmp/c1" "$tmp/c2" "$tmp/listen.out" > "$tmp/all"
	grep -v "^[0-9]" "$tmp/all" | head -3 | sed "s/^/# /"; cat "$tmp"/mget*.err | head -3 | sed "s/^/# err: /"
	total=$(grep -c . "$tmp/all"); distinct=$(grep '^[0-9]' "$tmp/all" | sort -n | uniq | wc -l)
	[ "$total" = "$distinct" ] && ok "CLI and listener: $total counters, all distinct (none reused)" \
	    || { nok "CLI and listener: $distinct distinct of $total"; sort -n "$tmp/all" | uniq -c | awk '$1 > 1' | head -5 | sed 's/^/# /'; }
	"$F" credentials list --store "$s" --json > "$tmp/list2.json"
	[ "$(py_count "$tmp/list2.json")" = $((N_CREATE + 5)) ] && ok "the store keeps all $((N_CREATE + 5)) credentials (the listener lost none made meanwhile)" \
	    || nok "the store keeps $(py_count "$tmp/list2.json") of $((N_CREATE + 5)) credentials"
fi

# ---- 6 processes make a new store at once: one wrapping key ----
s2="$tmp/new/s"
i=0
while [ $i -lt 6 ]; do
	i=$((i + 1))
	$W "$F" create --store "$s2" "$(opts "new$i" discouraged)" > "$tmp/nd$i.json" 2>"$tmp/nd$i.err" &
done
wait
okc=0; i=0
while [ $i -lt 6 ]; do
	i=$((i + 1))
	id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$tmp/nd$i.json" 2>/dev/null)
	[ -n "$id" ] && $W "$F" get --store "$s2" "{\"rpId\":\"example.org\",\"challenge\":\"AAECAwQFBgcICQoLDA0ODw\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"$id\"}]}" > /dev/null 2>&1 && okc=$((okc + 1))
done
[ $okc = 6 ] && ok "6 processes creating one new store: all 6 non-discoverable credentials work" || nok "only $okc of 6 non-discoverable credentials work"

# ---- a JSON store (an earlier version's) opened by 8 processes at once ----
"$F" credentials export --format json --store "$s" > "$tmp/old.json"
mkdir "$tmp/imp" && cp "$tmp/old.json" "$tmp/imp/s"
i=0
while [ $i -lt 8 ]; do
	i=$((i + 1))
	$W "$F" credentials list --store "$tmp/imp/s" --json > "$tmp/imp$i.json" 2>"$tmp/imp$i.err" &
done
wait
same=0; i=0
while [ $i -lt 8 ]; do i=$((i + 1)); cmp -s "$tmp/imp$i.json" "$tmp/list2.json" && same=$((same + 1)); done
[ $same = 8 ] && [ "$(ls "$tmp/imp" | grep -c json-backup)" = 1 ] && cmp -s "$tmp/imp/s.json-backup" "$tmp/old.json" \
    && ok "a JSON store opened by 8 processes at once: imported once, every credential there, the JSON kept as s.json-backup" \
    || nok "JSON import under concurrency: $same of 8 lists match; $(ls "$tmp/imp" | tr '\n' ' ')"
"$F" credentials export --format json --store "$tmp/imp/s" | cmp -s - "$tmp/old.json" \
    && ok "credentials export --format json gives the imported JSON back, byte for byte" || nok "export after import differs"
[ "$(stat -c %a "$tmp/imp/s")" = 600 ] && ok "the imported store is mode 0600" || nok "imported store mode $(stat -c %a "$tmp/imp/s")"
done_testing
