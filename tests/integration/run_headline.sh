#!/bin/sh
# run_headline.sh — what `fidosim run` says and how it exits (issue 20,
# items 3, 5 and 8):
#   a run about one provider leads with what it emitted against what the RP
#   received per platform (AAGUID, webauthn.io's name, fmt, BE/BS, UV), the
#   rule behind each change and each policy's verdict, under the preset's own
#   name; explain has the webauthn.io row;
#   --merge refuses a shard given twice, a missing one, and shards of other
#   seeds, options, versions or matrices, naming each problem (exit 2);
#   the headline separates unexpected cells from those rejected or accepted
#   as intended; --fail-on unexpected|fail|never sets the exit status; a
#   provider-only run prints no coverage line. TAP output.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../tap.sh"
PY=/usr/bin/python3
jq_() { $PY -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

# ---- item 3: a provider with its own AAGUID, BE=BS=1 ----
cat > "$tmp/my.preset" <<'P'
name        = my-manager
description = a synced passkey manager with its own AAGUID
evidence    = our own design
aaguid      = 7ee7ac3e-0000-4000-8000-0000000000aa
be          = 1
bs          = 1
uv          = always
counter     = zero
attestation = none
transports  = internal,hybrid
P
# The number of shipped RP policy presets (10 since fido2-lib joined).
NPOL=$($W "$F" policies --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
run $W "$F" run --provider "$tmp/my.preset" -o "$tmp/prov"
P=$tmp/prov/report.json
check "--provider: exit 0, and the summary leads with the provider's table" \
    '[ $rc -eq 0 ] && sed -n 4p $tmp/out | grep -q "^provider my-manager through 8 platforms, judged by $NPOL RP policy presets"'
check "--provider: one row per platform, what it emitted first" \
    'grep -q "^  (provider emitted) *7ee7ac3e-0000-4000-8000-0000000000aa *(Unavailable) *none *1/1 *1" $tmp/out &&
     grep -q "^  windows *00000000-0000-0000-0000-000000000000\* *iCloud Keychain\* *none *1/1 *1 *$NPOL/$NPOL verified" $tmp/out'
check "--provider: the AAGUID became zeros through apple-provider-extension and windows, by zero-aaguid; webauthn.io would call it iCloud Keychain" \
    'grep -q "AAGUID became zeros through apple-provider-extension and windows, by platform rule zero-aaguid \[departs from WebAuthn L3 5.4.7 (L3 keeps the AAGUID)\]; webauthn.io would call it \"iCloud Keychain\"" $tmp/out'
check "--provider: each changed field of a platform names its rule" \
    'grep -q "^    webauthn.io name *(Unavailable) *iCloud Keychain *<- platform rule zero-aaguid" $tmp/out'
check "--provider: the cells and the axis carry the preset's name, not \"custom\"" \
    '[ "$(jq_ $P "set(c[\"preset\"] for c in r[\"cells\"]) == {\"my-manager\"} and r[\"axes\"][\"presets\"] == [\"my-manager\"]")" = True ]'
check "--provider: report.json provider table: windows received zeros named iCloud Keychain because of zero-aaguid" \
    '[ "$(jq_ $P "[ (x[\"received\"], [b[\"rule\"] for b in x[\"because\"]]) for p in r[\"provider\"][\"platforms\"] if p[\"platform\"]==\"windows\" for x in p[\"ceremonies\"][0][\"rows\"] if x[\"field\"] in (\"aaguid\",\"providerName\")] == [(\"00000000-0000-0000-0000-000000000000\", [\"zero-aaguid\"]), (\"iCloud Keychain\", [\"zero-aaguid\"])]")" = True ]'
check "--provider: each platform has every policy's verdict" \
    '[ "$(jq_ $P "all(len(p[\"verdicts\"]) == $NPOL and p[\"verified\"] == $NPOL for p in r[\"provider\"][\"platforms\"]) and len(r[\"provider\"][\"platforms\"]) == 8")" = True ]'
check "a provider-only run prints no rule-coverage line" '! grep -q "^coverage:" $tmp/out'
run $PY -c "import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))" \
    "$here/docs/report.schema.json" "$P"
check "--provider: report.json validates against docs/report.schema.json" '[ $rc -eq 0 ]'

# A provider the platforms and policies treat differently: refused, and failing one policy.
sed -e 's/^name .*/name        = my-enclave/' -e 's/^be .*/be          = 0/' -e 's/^bs .*/bs          = 0/' \
    -e 's/^uv .*/uv          = never/' -e 's/^attestation .*/attestation = packed/' "$tmp/my.preset" > "$tmp/enclave.preset"
run $W "$F" run --provider "$tmp/enclave.preset" -o "$tmp/encl"
check "--provider: a refusal names the platform rule and its section" \
    '[ $rc -eq 0 ] && grep -q "registration REFUSED through apple-provider-extension: NotAllowedError by platform rule require-fmt-none \[not in the spec" $tmp/out'
check "--provider: a policy that fails names the RP rule and its section" \
    'grep -q "fails under simplewebauthn through chrome-android, .*, by RP rule REG-13 (7.1 step 16)" $tmp/out &&
     grep -q "^    simplewebauthn *fail by RP rule REG-13 (7.1 step 16): user verification is required" $tmp/out'
check "--provider: fmt packed became none, by convey-l3" \
    'grep -q "fmt packed became none through chrome-desktop, safari-macos, spec-l3 and windows, by platform rule convey-l3" $tmp/out'
run $W "$F" run --provider "$tmp/enclave.preset" -o "$tmp/encl" --fail-on fail --quiet
check "--fail-on fail: a provider that does not work everywhere exits 1" '[ $rc -eq 1 ]'
# The number of shipped RP policy presets (10 since fido2-lib joined).
NPOL=$($W "$F" policies --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
run $W "$F" run --provider "$tmp/my.preset" -o "$tmp/prov" --fail-on fail --quiet
check "--fail-on fail: a provider that works everywhere exits 0" '[ $rc -eq 0 ]'
run $W "$F" run --presets icloud-keychain --no-quirks --no-scenarios --no-mutations -o "$tmp/one" --quiet
check "--presets with one name is a run about that provider too" \
    '[ $rc -eq 0 ] && [ "$(jq_ $tmp/one/report.json "r[\"provider\"][\"preset\"]")" = icloud-keychain ]'
run $W "$F" run --presets icloud-keychain,yubikey5 --no-quirks --no-scenarios --no-mutations -o "$tmp/two" --quiet
check "two presets: no provider table" '[ $rc -eq 0 ] && [ "$(jq_ $tmp/two/report.json "\"provider\" in r")" = False ]'

# explain: the provider name webauthn.io would show, emitted and delivered.
run $W "$F" explain --preset "$tmp/my.preset" --platform windows --registration-only
check "explain: a webauthn.io row, emitted (Unavailable), delivered iCloud Keychain, with its rule" \
    '[ $rc -eq 0 ] && grep -q "^  webauthn.io *(Unavailable) *iCloud Keychain *iCloud Keychain" $tmp/out &&
     grep -A1 "^  webauthn.io" $tmp/out | grep -q "<- platform rule zero-aaguid"'
run $W "$F" explain --preset "$tmp/my.preset" --platform spec-l3 --registration-only
check "explain: the row without a change names no rule" \
    '[ $rc -eq 0 ] && grep -q "^  webauthn.io *(Unavailable) *(Unavailable)" $tmp/out && ! grep -A1 "^  webauthn.io" $tmp/out | grep -q "<-"'
run $W "$F" explain --preset "$tmp/my.preset" --platform apple-provider-extension --json
check "explain --json: providerName in the emitted and delivered views" \
    '[ $rc -eq 0 ] && $PY -c "import json,sys; c=json.load(open(sys.argv[1]))[\"ceremonies\"][0]; sys.exit(not (c[\"emitted\"][\"providerName\"]==\"(Unavailable)\" and c[\"delivered\"][\"providerName\"]==\"iCloud Keychain\"))" $tmp/out'

# ---- item 8: the headline and --fail-on on the default matrix ----
run $W "$F" run -o "$tmp/full"
R=$tmp/full/report.json
check "the default matrix exits 0 (nothing unexpected)" '[ $rc -eq 0 ]'
check "the headline: 0 unexpected, on the line after the counts" 'sed -n 2p $tmp/out | grep -q "^  unexpected *0  deliberate cells"'
check "the headline: rejected as intended, with the report's count" \
    'grep -q "^  rejected as intended *$(jq_ $R "r[\"summary\"][\"rejectedAsIntended\"]")  quirks, mutations" $tmp/out'
check "the headline: the combinations that do not work are findings, apart" \
    'grep -q "^  combinations *$(jq_ $R "r[\"summary\"][\"matrix\"][\"cells\"]")  preset x platform x policy: $(jq_ $R "r[\"summary\"][\"matrix\"][\"pass\"]") work" $tmp/out'
check "summary: no unexpected cell; rejected + accepted + unexpected = the cells with an expectation" \
    '[ "$(jq_ $R "r[\"summary\"][\"unexpected\"] == 0 and r[\"summary\"][\"rejectedAsIntended\"] + r[\"summary\"][\"acceptedAsIntended\"] == sum(c[\"expected\"] is not None for c in r[\"cells\"])")" = True ]'
check "every cell has an assessment that agrees with expected, ok and outcome" \
    '[ "$(jq_ $R "all(c[\"assessment\"] == ((\"unexpected\" if not c[\"ok\"] else \"accepted-as-intended\" if c[\"expected\"]==\"pass\" else \"rejected-as-intended\") if c[\"expected\"] is not None else (\"combination-works\" if c[\"outcome\"]==\"pass\" else \"combination-fails\")) for c in r[\"cells\"])")" = True ]'
check "a quirk a library preset lets through is as intended, and says which documented decision" \
    '[ "$(jq_ $R "[(c[\"expected\"], c[\"ok\"], c[\"why\"]) for c in r[\"cells\"] if c[\"id\"]==\"quirk/bs-without-be/python-fido2\"] == [(\"pass\", True, \"python-fido2 does not check BS without BE (bs-without-be=ignore in '"'"'fidosim policies'"'"')\")]")" = True ]'
check "the spec policy still catches every quirk by its rule" \
    '[ "$(jq_ $R "all(c[\"ok\"] and (not c[\"expectedRules\"] or c[\"outcome\"]==\"fail\") for c in r[\"cells\"] if c[\"kind\"]==\"quirk\" and c[\"policy\"]==\"spec\")")" = True ]'
check "a warn-only policy expects the warning (go-webauthn, counter-regress)" \
    '[ "$(jq_ $R "[(c[\"expected\"], c[\"ok\"], \"AUTH-19\" in c[\"warnings\"]) for c in r[\"cells\"] if c[\"id\"]==\"quirk/counter-regress/go-webauthn\"] == [(\"pass\", True, True)]")" = True ]'
check "the quirks some policies let through are listed, as documented" \
    'grep -q "^  quirk bs-without-be *caught under 6 of $NPOL policies; let through by fido2-net-lib, libfido2, python-fido2, fido2-lib" $tmp/out'
check "the default run keeps its coverage line" 'grep -q "^coverage: [0-9]* error rules" $tmp/out'
check "the coverage line names each uncovered rule with why no cell fails it (REG-09: unreachable)" \
    'n=$(sed -n "s/^coverage: \([0-9]*\) error rules.*/\1/p" $tmp/out); [ "$(sed -n "/^coverage:/,\$p" $tmp/out | grep -c "^  [A-Z][A-Z0-9]*-[0-9A-Z]* ")" = "$n" ] && grep -q "^  REG-09 *the RP hashes clientDataJSON" $tmp/out'
run $W "$F" run -o "$tmp/full" --fail-on fail --quiet
check "--fail-on fail: the default matrix exits 1 (some combinations fail or are refused)" '[ $rc -eq 1 ]'
run $W "$F" run -o "$tmp/full" --fail-on never --quiet
check "--fail-on never: exit 0" '[ $rc -eq 0 ]'
run $W "$F" run -o "$tmp/full" --fail-on sometimes
check "--fail-on with another word: exit 2 naming the choices" '[ $rc -eq 2 ] && grep -q "unexpected, fail or never" $tmp/err'
run $W "$F" help run
check "run --help documents --fail-on and its default" \
    '[ $rc -eq 0 ] && grep -q "\-\-fail-on WHAT" $tmp/out && grep -q "unexpected  (default)" $tmp/out'

# ---- item 5: --merge accepts exactly the shards of one run ----
small="--presets yubikey5,bitwarden --no-mutations -j 1 --quiet"
for i in 1 2 3; do "$F" run $small --shard $i/3 -o "$tmp/s$i" >/dev/null 2>&1; done
"$F" run $small --shard 3/3 --seed 02 -o "$tmp/seed2" >/dev/null 2>&1
"$F" run $small --shard 3/3 --no-quirks -o "$tmp/noq" >/dev/null 2>&1
"$F" run $small --shard 3/4 -o "$tmp/of4" >/dev/null 2>&1
"$F" run $small -o "$tmp/whole" >/dev/null 2>&1
check "each shard's report.json carries index, count, seed and digests" \
    '[ "$(jq_ $tmp/s2/report.json "(r[\"run\"][\"shardIndex\"], r[\"run\"][\"shardCount\"], r[\"run\"][\"seed\"], len(r[\"run\"][\"optionsDigest\"]), len(r[\"run\"][\"matrixDigest\"]), r[\"run\"][\"units\"] > 3)")" = "(2, 3, '"'"'01'"'"', 64, 64, True)" ]'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/s3" -o "$tmp/m" --quiet
check "three shards merge (exit 0) into the whole run's cells" \
    '[ $rc -eq 0 ] && $PY -c "import json,sys; k=lambda p: sorted(c[\"id\"] for c in json.load(open(p))[\"cells\"]); sys.exit(k(sys.argv[1]) != k(sys.argv[2]))" $tmp/m/report.json $tmp/whole/report.json'
run $W "$F" run --merge "$tmp/s1" "$tmp/s1" "$tmp/s2" "$tmp/s3" -o "$tmp/m2" --quiet
check "a shard merged with itself: exit 2, named" \
    '[ $rc -eq 2 ] && grep -q "shard 1/3 is given twice: $tmp/s1 and $tmp/s1 (the same directory)" $tmp/err && [ ! -e $tmp/m2/report.json ]'
cp -r "$tmp/s2" "$tmp/s2copy"
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/s2copy" "$tmp/s3" -o "$tmp/m2" --quiet
check "a shard given twice from two directories: exit 2, both named" \
    '[ $rc -eq 2 ] && grep -q "shard 2/3 is given twice: $tmp/s2 and $tmp/s2copy$" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" -o "$tmp/m2" --quiet
check "2 of 3 shards: exit 2, the missing one named" \
    '[ $rc -eq 2 ] && grep -q "shard 3/3 is missing" $tmp/err && [ ! -e $tmp/m2/report.json ]'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/seed2" -o "$tmp/m2" --quiet
check "shards of different seeds: exit 2, named" \
    '[ $rc -eq 2 ] && grep -q "different seeds: $tmp/seed2 ran with --seed 02, $tmp/s1 with 01" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/noq" -o "$tmp/m2" --quiet
check "shards of different options: exit 2, the option named" \
    '[ $rc -eq 2 ] && grep -q "different options: $tmp/noq and $tmp/s1 differ in quirks" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/of4" -o "$tmp/m2" --quiet
check "shards of different counts: exit 2" '[ $rc -eq 2 ] && grep -q "different shard counts" $tmp/err'
mkdir -p "$tmp/oldver" "$tmp/othermx" "$tmp/nometa"
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); r['fidosim']='0.0.1'; json.dump(r, open(sys.argv[2],'w'))" "$tmp/s3/report.json" "$tmp/oldver/report.json"
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); r['run']['matrixDigest']='0'*64; r['run']['units']=1; json.dump(r, open(sys.argv[2],'w'))" "$tmp/s3/report.json" "$tmp/othermx/report.json"
$PY -c "import json,sys; r=json.load(open(sys.argv[1])); [r['run'].pop(k) for k in ('shardIndex','shardCount','optionsDigest','matrixDigest')]; json.dump(r, open(sys.argv[2],'w'))" "$tmp/s3/report.json" "$tmp/nometa/report.json"
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/oldver" -o "$tmp/m2" --quiet
check "shards of different fidosim versions: exit 2, named" \
    '[ $rc -eq 2 ] && grep -q "different fidosim versions: $tmp/oldver was written by 0.0.1" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/othermx" -o "$tmp/m2" --quiet
check "shards of different matrices: exit 2, named" \
    '[ $rc -eq 2 ] && grep -q "different matrices: $tmp/othermx has 1 units" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s2" "$tmp/nometa" -o "$tmp/m2" --quiet
check "a report without shard metadata: exit 2, named" \
    '[ $rc -eq 2 ] && grep -q "$tmp/nometa has no shard metadata" $tmp/err'
run $W "$F" run --merge "$tmp/m" -o "$tmp/m2" --quiet
check "a merged report is not a shard: exit 2" '[ $rc -eq 2 ] && grep -q "is a merged report, not a shard" $tmp/err'
run $W "$F" run --merge "$tmp/s1" "$tmp/s1" "$tmp/seed2" -o "$tmp/m2" --quiet
check "every problem is named, one a line" \
    '[ $rc -eq 2 ] && grep -q "different seeds" $tmp/err && [ "$(grep -c "^  " $tmp/err)" -ge 1 ] && head -1 $tmp/err | grep -q "^fidosim run: --merge refused"'
run $PY -c "import json,sys,jsonschema; jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))" \
    "$here/docs/report.schema.json" "$tmp/m/report.json"
check "the merged report validates, and keeps the shards' options and digests" \
    '[ $rc -eq 0 ] && [ "$(jq_ $tmp/m/report.json "(r[\"run\"][\"shard\"], r[\"run\"][\"shardCount\"], r[\"run\"][\"optionsDigest\"] == json.load(open(\"$tmp/s1/report.json\"))[\"run\"][\"optionsDigest\"])")" = "('"'"'merged'"'"', 3, True)" ]'
done_testing
