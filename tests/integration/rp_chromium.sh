#!/bin/sh
# rp_chromium.sh — ceremonies recorded from Chromium's virtual authenticator
# (vectors/chromium, made by tests/browser/record.mjs) through verify-*:
# every registration verifies, and its record verifies the two assertions
# in turn (the record after the first is the input of the second). TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
DIR=${CHROMIUM_VECTORS:-vectors/chromium}
get() { python3 -c "import json,sys; v=json.load(open(sys.argv[1])); print($2)" "$1"; }

for reg in "$DIR"/*-registration.json; do
	[ -f "$reg" ] || continue
	name=$(basename "$reg" -registration.json)
	rp=$(get "$reg" 'v["rpId"]'); origin=$(get "$reg" 'v["origin"]')
	ch=$(get "$reg" 'v["challenge"]'); uv=$(get "$reg" 'v["uv"]')
	algs=$(get "$reg" '",".join(str(a) for a in v["algs"])')
	if $W "$F" verify-registration --rp-id "$rp" --origin "$origin" --challenge "$ch" \
	    --uv "$uv" --algs "$algs" --json "$reg" > "$tmp/reg.json" 2> "$tmp/err"; then
		ok "$name: registration verified"
	else
		nok "$name: registration not verified"
		get "$tmp/reg.json" '[e["rule"] + ": " + e["message"] for e in v["errors"]]' | sed 's/^/# /'
		continue
	fi
	# The details agree with what the recorder asked the authenticator for.
	want=$(echo "$name" | sed 's/.*-be\([01]\)bs\([01]\)-.*/\1\2/')
	got=$(get "$tmp/reg.json" 'str(int(v["authenticatorData"]["flags"]["be"])) + str(int(v["authenticatorData"]["flags"]["bs"]))')
	[ "$want" = "$got" ] && ok "$name: BE/BS $got as configured" || nok "$name: BE/BS $got, configured $want"
	get "$tmp/reg.json" 'json.dumps(v["credentialRecord"])' > "$tmp/rec.json"
	for a in "$DIR/$name"-authentication-*.json; do
		[ -f "$a" ] || continue
		ach=$(get "$a" 'v["challenge"]')
		if $W "$F" verify-authentication --rp-id "$rp" --origin "$origin" --challenge "$ach" \
		    --uv "$uv" --credential "$tmp/rec.json" --json "$a" > "$tmp/auth.json" 2> "$tmp/err"; then
			ok "$(basename "$a" .json): verified with the stored record"
			get "$tmp/auth.json" 'json.dumps(v["credentialRecord"])' > "$tmp/rec.json"
		else
			nok "$(basename "$a" .json): not verified"
			get "$tmp/auth.json" '[e["rule"] + ": " + e["message"] for e in v["errors"]]' | sed 's/^/# /'
		fi
	done
	# Replaying the last assertion against the updated record: the counter did not increase.
	last=$(ls "$DIR/$name"-authentication-*.json 2>/dev/null | tail -1)
	if [ -n "$last" ]; then
		ach=$(get "$last" 'v["challenge"]')
		cnt=$(get "$tmp/rec.json" 'v["signCount"]')
		$W "$F" verify-authentication --rp-id "$rp" --origin "$origin" --challenge "$ach" \
		    --credential "$tmp/rec.json" --json "$last" > "$tmp/replay.json" 2>/dev/null
		rc=$?
		if [ "$cnt" -eq 0 ]; then
			[ $rc -eq 0 ] && ok "$name: replay with counters at 0 passes the counter rule" || nok "$name: replay with zero counters refused"
		else
			[ $rc -eq 1 ] && get "$tmp/replay.json" '"AUTH-19" in [e["rule"] for e in v["errors"]]' | grep -q True \
			    && ok "$name: a replayed assertion fails AUTH-19" || nok "$name: replay not refused by AUTH-19"
		fi
	fi
done
echo "1..$n"
