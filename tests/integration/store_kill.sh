#!/bin/sh
# store_kill.sh — SIGKILL `fidosim create` and `fidosim get` at random points
# 200 times: the store must always load afterwards and no counter may ever go
# back (DESIGN.md: the store survives a kill at any point). TAP output.
set -u
F=${FIDOSIM:-build/fidosim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
rnd() { od -An -N1 -tu1 /dev/urandom | tr -d ' '; }

store="$tmp/store"
cat > "$tmp/create.json" <<'JSON'
{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},
 "challenge":"AAECAwQFBgcICQoLDA0ODw","pubKeyCredParams":[{"type":"public-key","alg":-7}],
 "authenticatorSelection":{"residentKey":"required"}}
JSON
cat > "$tmp/get.json" <<'JSON'
{"rpId":"example.org","challenge":"AAECAwQFBgcICQoLDA0ODw"}
JSON
if ! "$F" create --store "$store" --counter per-credential "$tmp/create.json" > "$tmp/reg.json"; then
	nok "first registration"; echo "1..$n"; exit 0
fi
count() {
	"$F" credentials list --store "$store" --json 2>"$tmp/err" |
	    python3 -c "import json,sys; print(max([c['signCount'] for c in json.load(sys.stdin)] or [0]))"
}
last=$(count)
bad=0
i=0
while [ $i -lt 200 ]; do
	i=$((i + 1))
	if [ $((i % 10)) -eq 0 ]; then
		# Another user each time: a new credential, not a replacement of the first.
		sed "s/dXNlcg/dXNlc$((i / 10))/" "$tmp/create.json" > "$tmp/create2.json"
		"$F" create --store "$store" "$tmp/create2.json" > /dev/null 2>&1 &
	else
		"$F" get --store "$store" "$tmp/get.json" > /dev/null 2>&1 &
	fi
	pid=$!
	ms=$(( $(rnd) % 40 ))
	sleep "0.$(printf '%03d' "$ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	now=$(count)
	if [ -z "$now" ]; then
		bad=$((bad + 1)); echo "# kill $i: the store did not load: $(cat "$tmp/err")"
	elif [ "$now" -lt "$last" ]; then
		bad=$((bad + 1)); echo "# kill $i: counter went back from $last to $now"
	else
		last=$now
	fi
done
[ $bad -eq 0 ] && ok "200 kills: the store always loads and the counter never goes back (last $last)" \
    || nok "$bad of 200 kills broke the store or a counter"
"$F" get --store "$store" "$tmp/get.json" > /dev/null && ok "after the kills the store still works" || nok "store unusable after the kills"
ls -l "$store" | grep -q '^-rw-------' && ok "the store file is mode 0600" || nok "store mode $(ls -l "$store")"
echo "1..$n"
