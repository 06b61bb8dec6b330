#!/bin/sh
# differential.sh — two independent relying parties, @simplewebauthn/server
# (npm, pinned) and python-fido2's Fido2Server (Debian), judge what
# `fidosim create`/`get` produce across the issue's matrix. TAP output.
set -u
F=${FIDOSIM:-build/fidosim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! FIDOSIM="$F" sh tests/differential/gen.sh "$tmp/cases" 2> "$tmp/gen.err"; then
	echo "not ok 1 - the corpus could not be made: $(tail -3 "$tmp/gen.err")"
	echo "1..1"
	exit 0
fi
if [ -d node_modules/@simplewebauthn/server ]; then
	node tests/differential/simplewebauthn.mjs "$tmp/cases" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&simplewebauthn: /' > "$tmp/sw.tap"
else
	echo "not ok 1 - simplewebauthn: node_modules missing (run npm ci)" > "$tmp/sw.tap"
fi
if /usr/bin/python3 -c "import fido2" 2>/dev/null; then
	/usr/bin/python3 tests/differential/python_fido2.py "$tmp/cases" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&python-fido2: /' > "$tmp/py.tap"
else
	echo "not ok 1 - python-fido2: /usr/bin/python3 cannot import fido2 (apt-get install python3-fido2)" > "$tmp/py.tap"
fi
# Renumber the two TAP streams into one.
cat "$tmp/sw.tap" "$tmp/py.tap" | grep -E '^(not )?ok |^# ' | awk '
	/^(not )?ok / { k++; sub(/ok [0-9]+ /, "ok " k " "); print; next } { print }
	END { print "1.." k }'
