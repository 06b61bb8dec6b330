#!/bin/sh
# cli_l3.sh — WebAuthn Level 3's newer calls through the binary: a
# conditional create (create --mediation conditional) as each kind of
# provider answers it and as the RP judges it (verify-registration
# --mediation conditional, every policy preset); the signal methods
# (fidosim signal) and what a following get offers; related origins
# (--related-origins) on create, get, signal and verify; mediation values.
. tests/tap.sh
RP=example.org
CH=AAECAwQFBgcICQoLDA0ODw
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
opts() {   # opts USER_B64 NAME [UV] [MEDIATION]: creation options JSON
	printf '{%s"publicKey":{"rp":{"id":"%s","name":"Example"},"user":{"id":"%s","name":"%s","displayName":"%s"},"challenge":"%s","pubKeyCredParams":[{"type":"public-key","alg":-7}],"authenticatorSelection":{"residentKey":"required","userVerification":"%s"}}}' \
	    "${4:+\"mediation\":\"$4\",}" "$RP" "$1" "$2" "$2" "$CH" "${3:-preferred}"
}
flags() { $W $F decode "$1" | sed -n 's/^ *flags: //p' | head -1; }

# ---- conditional create, provider side ----
opts YWxpY2U alice > "$tmp/o.json"
run $W $F create --store "$tmp/s1" --preset icloud-keychain --mediation conditional "$tmp/o.json"
cp "$tmp/out" "$tmp/reg.json"
check "icloud-keychain: a conditional create succeeds" '[ $rc -eq 0 ]'
f=$(flags "$tmp/reg.json")
check "icloud-keychain: conditional create gives UP=0 and UV=0 ($f)" 'echo "$f" | grep -q "clear: up uv"'
run $W $F create --store "$tmp/s1" --preset icloud-keychain "$tmp/o.json"
f=$(flags "$tmp/out")
check "icloud-keychain: a modal create gives UP=1 UV=1 ($f)" 'echo "$f" | grep -q "^UP UV"'
# mediation in the options JSON, beside publicKey, as browsers take it
opts YWxpY2U alice preferred conditional > "$tmp/oc.json"
run $W $F create --store "$tmp/s1" --preset icloud-keychain "$tmp/oc.json"
f=$(flags "$tmp/out")
check "\"mediation\":\"conditional\" in the options JSON makes a conditional create ($f)" '[ $rc -eq 0 ] && echo "$f" | grep -q "clear: up uv"'
# no-up: UV only when collected (required)
printf 'name = nu\nconditional-create = no-up\nuv = auto\n' > "$tmp/nu.preset"
opts YWxpY2U alice required > "$tmp/or.json"
run $W $F create --store "$tmp/s2" --preset "$tmp/nu.preset" --mediation conditional "$tmp/or.json"
f=$(flags "$tmp/out")
check "no-up provider, UV required: UP=0, UV=1 collected ($f)" '[ $rc -eq 0 ] && echo "$f" | grep -q "^UV" && echo "$f" | grep -q "clear: up"'
run $W $F create --store "$tmp/s2" --preset "$tmp/nu.preset" --mediation conditional "$tmp/o.json"
f=$(flags "$tmp/out")
check "no-up provider, UV preferred: UP=0, UV=0 ($f)" '[ $rc -eq 0 ] && echo "$f" | grep -q "clear: up uv"'
run $W $F create --store "$tmp/s2" --preset "$tmp/nu.preset" --uv never --mediation conditional "$tmp/or.json"
check "UV required, provider cannot verify: ConstraintError (L3 5.1.3), exit 1" \
    '[ $rc -eq 1 ] && grep -q "\"name\":\"ConstraintError\"" "$tmp/out" && grep -q conditional-create-uv "$tmp/out"'
run $W $F create --store "$tmp/s2" --preset yubikey5 --mediation conditional "$tmp/o.json"
check "yubikey5: a CTAP 2.1 key refuses up=false (CTAP2_ERR_INVALID_OPTION, NotAllowedError)" \
    '[ $rc -eq 1 ] && grep -q "\"ctapStatus\":\"0x2c\"" "$tmp/out" && grep -q NotAllowedError "$tmp/out"'
run $W $F create --store "$tmp/s2" --preset icloud-keychain --platform firefox-legacy --mediation conditional "$tmp/o.json"
f=$(flags "$tmp/out")
check "firefox-legacy ignores mediation: a modal create, UP=1 ($f)" '[ $rc -eq 0 ] && echo "$f" | grep -q "^UP"'
run $W $F create --store "$tmp/s2" --mediation sometimes "$tmp/o.json"
check "mediation \"sometimes\": TypeError (rule mediation-value), exit 1" \
    '[ $rc -eq 1 ] && grep -q TypeError "$tmp/out" && grep -q mediation-value "$tmp/out"'

# ---- conditional create, RP side ----
V="$W $F verify-registration --rp-id $RP --challenge $CH"
run $V --json "$tmp/reg.json"
check "verify-registration without --mediation: refused by REG-12" \
    '[ $rc -eq 1 ] && jget "$tmp/out" "[e[\"rule\"] for e in d[\"errors\"]]" | grep -q "REG-12"'
run $V --mediation conditional --json "$tmp/reg.json"
check "verify-registration --mediation conditional: verified, REG-12 reported as information" \
    '[ $rc -eq 0 ] && jget "$tmp/out" "d[\"verified\"]" | grep -q True'
run $V --mediation conditional --policy reg-up-conditional=always --json "$tmp/reg.json"
check "--policy reg-up-conditional=always: refused by REG-12 even so" '[ $rc -eq 1 ] && grep -q REG-12 "$tmp/out"'
for p in spec:0 py_webauthn:0 java-webauthn-server:0 go-webauthn:0 webauthn-rs:12 fido2-net-lib:12 \
    libfido2:12 python-fido2:12 fido2-lib:12 simplewebauthn:13; do
	name=${p%%:*}; want=${p#*:}
	run $V --mediation conditional --policy-preset "$name" --json "$tmp/reg.json"
	got=$(jget "$tmp/out" "','.join(e['rule'] for e in d['errors'])")
	if [ "$want" = 0 ]; then
		check "policy $name: a conditional create with UP=0 UV=0 verifies" '[ $rc -eq 0 ]'
	else
		check "policy $name: refused by REG-$want only ($got)" '[ $rc -eq 1 ] && [ "$got" = "REG-$want" ]'
	fi
done
run $W $F verify-registration --help
check "verify-registration --help names --mediation" 'grep -q -- "--mediation conditional" "$tmp/out"'

# ---- signals ----
S="$tmp/sig"
run $W $F create --store "$S" "$(opts YWxpY2U alice)"; cp "$tmp/out" "$tmp/a.json"
run $W $F create --store "$S" "$(opts Ym9i bob)"; cp "$tmp/out" "$tmp/b.json"
A=$(jget "$tmp/a.json" "d['id']"); B=$(jget "$tmp/b.json" "d['id']")
G='{"rpId":"example.org","challenge":"AAECAwQFBgcICQoLDA0ODw"}'
printf '{"signal":"unknownCredential","rpId":"%s","credentialId":"%s"}' "$RP" "$A" > "$tmp/unk.json"
run $W $F signal --store "$S" "$tmp/unk.json"
check "signal unknownCredential: exit 0, alice's credential hidden" \
    '[ $rc -eq 0 ] && [ "$(jget "$tmp/out" "d[\"changes\"][0][\"action\"]")" = hidden ]'
run $W $F credentials list --store "$S"
check "credentials list shows it as hidden" 'grep -F -e "$A" "$tmp/out" | grep -q hidden'
run $W $F credentials list --store "$S" --json
check "credentials list --json: \"hidden\": true for alice, false for bob" \
    '[ "$(jget "$tmp/out" "[c[\"hidden\"] for c in d if c[\"id\"]==\"$A\"]")" = "[True]" ] && [ "$(jget "$tmp/out" "[c[\"hidden\"] for c in d if c[\"id\"]==\"$B\"]")" = "[False]" ]'
run $W $F get --store "$S" "$G"
check "a following get offers bob's credential, not the one signalled unknown" \
    '[ $rc -eq 0 ] && [ "$(jget "$tmp/out" "d[\"id\"]")" = "$B" ]'
run $W $F get --store "$S" "{\"rpId\":\"$RP\",\"challenge\":\"$CH\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"$A\"}]}"
check "get naming the hidden credential: NotAllowedError (CTAP2_ERR_NO_CREDENTIALS)" \
    '[ $rc -eq 1 ] && grep -q "0x2e" "$tmp/out"'
printf '{"signal":"allAcceptedCredentials","rpId":"%s","userId":"YWxpY2U","allAcceptedCredentialIds":["%s"]}' "$RP" "$A" > "$tmp/acc.json"
run $W $F signal --store "$S" --text "$tmp/acc.json"
check "signal allAcceptedCredentials listing it again: unhidden (text output)" '[ $rc -eq 0 ] && grep -q unhidden "$tmp/out"'
run $W $F get --store "$S" "{\"rpId\":\"$RP\",\"challenge\":\"$CH\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"$A\"}]}"
check "and offered again" '[ $rc -eq 0 ]'
printf '{"signal":"currentUserDetails","rpId":"%s","userId":"Ym9i","name":"robert","displayName":"Robert"}' "$RP" > "$tmp/det.json"
run $W $F signal --store "$S" "$tmp/det.json"
check "signal currentUserDetails: bob's names updated (from bob)" \
    '[ $rc -eq 0 ] && [ "$(jget "$tmp/out" "d[\"changes\"][0][\"name\"][\"from\"]")" = bob ]'
run $W $F credentials list --store "$S" --json
check "the store holds the new names" '[ "$(jget "$tmp/out" "\",\".join(c[\"userName\"]+\"/\"+c[\"userDisplayName\"] for c in d if c[\"id\"]==\"$B\")")" = robert/Robert ]'
# chrome-virtual removes (as Chromium's virtual authenticator does)
printf '{"signal":"allAcceptedCredentials","rpId":"%s","userId":"Ym9i","allAcceptedCredentialIds":[]}' "$RP" > "$tmp/none.json"
run $W $F signal --store "$S" --preset chrome-virtual "$tmp/none.json"
check "chrome-virtual: allAcceptedCredentials without bob's ID removes it" \
    '[ $rc -eq 0 ] && [ "$(jget "$tmp/out" "d[\"provider\"]+\"/\"+d[\"changes\"][0][\"action\"]")" = remove/removed ]'
run $W $F credentials list --store "$S" --json
check "the store no longer has it" '! grep -qF -e "$B" "$tmp/out"'
run $W $F signal --store "$S" --platform firefox-legacy "$tmp/unk.json"
check "firefox-legacy has no signal methods: TypeError (rule signals)" \
    '[ $rc -eq 1 ] && grep -q TypeError "$tmp/out" && grep -q "\"rule\":\"signals\"" "$tmp/out"'
run $W $F signal --store "$S" '{"signal":"unknownCredential","rpId":"example.org","credentialId":"*not*"}'
check "a credentialId that is not base64url: TypeError (5.1.10.2 step 1)" \
    '[ $rc -eq 1 ] && grep -q signal-base64url "$tmp/out"'
run $W $F signal --store "$S" '{"signal":"currentUserDetails","rpId":"example.org","userId":"YQ"}'
check "a dictionary member missing: TypeError naming it" '[ $rc -eq 1 ] && grep -q "CurrentUserDetailsOptions.name" "$tmp/out"'
run $W $F signal --store "$S" --origin https://evil.example.net "$tmp/unk.json"
check "a caller off the RP ID's domain: SecurityError (5.1.10.1)" '[ $rc -eq 1 ] && grep -q SecurityError "$tmp/out"'
run $W $F signal --store "$S" '{"signal":"maybeCredential","rpId":"example.org"}'
check "an unknown signal: TypeError" '[ $rc -eq 1 ] && grep -q TypeError "$tmp/out"'
run $W $F signal --store "$S" '{"signal":'
check "a SIGNAL_JSON that is not JSON: exit 2" '[ $rc -eq 2 ]'

# ---- related origins ----
printf '{"origins":["https://shop.example.com","https://b.test","https://c.test","https://d.test","https://e.test","https://f.test"]}' > "$tmp/wk.json"
R="$tmp/rel"
run $W $F create --store "$R" --origin https://shop.example.com --related-origins "$tmp/wk.json" "$(opts YWxpY2U alice)"
cp "$tmp/out" "$tmp/rreg.json"
check "create from a related origin listed in the RP ID's document: exit 0" '[ $rc -eq 0 ]'
run $W $F create --store "$R" --origin https://other.example.net --related-origins "$tmp/wk.json" "$(opts YWxpY2U alice)"
check "an origin not listed: SecurityError, rule related-origins-not-listed" \
    '[ $rc -eq 1 ] && grep -q SecurityError "$tmp/out" && grep -q related-origins-not-listed "$tmp/out"'
run $W $F create --store "$R" --origin https://f.test --related-origins "$tmp/wk.json" "$(opts YWxpY2U alice)"
check "an origin listed as the sixth label: refused, rule related-origins-label-limit" \
    '[ $rc -eq 1 ] && grep -q related-origins-label-limit "$tmp/out"'
run $W $F create --store "$tmp/rel5" --origin https://e.test --related-origins "$tmp/wk.json" "$(opts YWxpY2U alice)"
check "the fifth label: accepted" '[ $rc -eq 0 ]'
run $W $F create --store "$R" --origin https://shop.example.com "$(opts YWxpY2U alice)"
check "no document: SecurityError, rule rp-id-origin naming --related-origins" \
    '[ $rc -eq 1 ] && grep -q rp-id-origin "$tmp/out" && grep -q -- --related-origins "$tmp/out"'
run $W $F create --store "$R" --platform firefox-legacy --origin https://shop.example.com --related-origins "$tmp/wk.json" "$(opts YWxpY2U alice)"
check "firefox-legacy: rule related-origins-unsupported" '[ $rc -eq 1 ] && grep -q related-origins-unsupported "$tmp/out"'
run $W $F get --store "$R" --origin https://shop.example.com --related-origins "$tmp/wk.json" "$G"
cp "$tmp/out" "$tmp/rauth.json"
check "get from the related origin: exit 0" '[ $rc -eq 0 ]'
run $V --origin https://shop.example.com --json "$tmp/rreg.json"
check "verify-registration --origin the related origin: verified" '[ $rc -eq 0 ]'
run $V --json "$tmp/rreg.json"
check "verify-registration expecting only https://example.org: refused by REG-06" \
    '[ $rc -eq 1 ] && grep -q REG-06 "$tmp/out"'
run $V --related-origins "$tmp/wk.json" --json "$tmp/rreg.json"
cp "$tmp/out" "$tmp/rver.json"
check "verify-registration --related-origins: the document's origins are expected: verified" '[ $rc -eq 0 ]'
run $W $F verify-authentication --rp-id $RP --challenge $CH --credential "$tmp/rver.json" --related-origins "$tmp/wk.json" "$tmp/rauth.json"
check "verify-authentication --related-origins: verified" '[ $rc -eq 0 ]'
printf '{"origins":"https://shop.example.com"}' > "$tmp/bad.json"
run $W $F create --store "$R" --related-origins "$tmp/bad.json" "$(opts YWxpY2U alice)"
check "a document whose origins is not an array: usage error naming the file" '[ $rc -eq 2 ] && grep -q bad.json "$tmp/err"'
printf '{"signal":"unknownCredential","rpId":"%s","credentialId":"%s"}' "$RP" "$(jget "$tmp/rreg.json" "d['id']")" > "$tmp/runk.json"
run $W $F signal --store "$R" --origin https://shop.example.com --related-origins "$tmp/wk.json" "$tmp/runk.json"
check "signal from the related origin: delivered (5.1.10.1 with 5.11)" '[ $rc -eq 0 ] && grep -q hidden "$tmp/out"'

# ---- conditional get ----
Q="$tmp/cg"
run $W $F create --store "$Q" "$(opts YWxpY2U alice)"; C=$(jget "$tmp/out" "d['id']")
run $W $F get --store "$Q" --mediation conditional "{\"rpId\":\"$RP\",\"challenge\":\"$CH\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"$C\"}]}"
check "conditional get: allowCredentials is a filter; the discoverable credential in it answers" '[ $rc -eq 0 ]'
run $W $F get --store "$Q" --mediation conditional "{\"rpId\":\"$RP\",\"challenge\":\"$CH\",\"allowCredentials\":[{\"type\":\"public-key\",\"id\":\"AAAA\"}]}"
check "conditional get: a discoverable credential outside the filter is not used (conditional-get-filter)" \
    '[ $rc -eq 1 ] && grep -q conditional-get-filter "$tmp/out"'

done_testing
