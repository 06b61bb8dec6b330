#!/bin/sh
# install_moved.sh — an installed fidosim finds its data beside itself
# (BINDIR/../share/fidosim), whatever PREFIX the build had and wherever the
# checkout went: a copy of this checkout (with its build) is installed into a
# temporary prefix, then the copy is moved away and the prefix itself moved,
# and every command that reads shipped data runs from there with no
# FIDOSIM_DATA_DIR (issue 20 item 2: "the platforms folder (data/platforms) is
# not found"). TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
B=${FSIM_BUILD:-build}
src="$tmp/src"
mkdir -p "$src"
# The tracked files and the build (objects keep their times: only the
# touched datadir.c is compiled again, in the copy, with the copy's paths).
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$src"
(cd "$B" && tar -cf - fidosim obj lib gen 2>/dev/null) | (mkdir -p "$src/build" && tar -xf - -C "$src/build")
touch "$src/core/datadir.c"
if make -C "$src" --no-print-directory BUILD=build install PREFIX="$tmp/prefix" >"$tmp/make.log" 2>&1; then
	ok "make install PREFIX=<temporary folder> from a copy of the checkout"
else
	nok "make install PREFIX=<temporary folder> from a copy of the checkout"
	tail -5 "$tmp/make.log" | sed 's/^/# /'
fi
mv "$src" "$tmp/moved-away"
mv "$tmp/prefix" "$tmp/elsewhere"
P="$tmp/elsewhere/bin/fidosim"
unset FIDOSIM_DATA_DIR FIDOSIM_AAGUID_NAMES
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share"
nofound() { ! grep -qiE 'not found|cannot find|no such' "$tmp/err"; }

run $W "$P" presets
check "presets lists the shipped presets" '[ $rc -eq 0 ] && grep -q yubikey5 "$tmp/out" && grep -q icloud-keychain "$tmp/out"'
run $W "$P" presets yubikey5
check "presets yubikey5 reads data/presets" '[ $rc -eq 0 ] && grep -q cb69481e-8ff7-4039-93ec-0a2729a154a8 "$tmp/out"'
run $W "$P" platforms
check "platforms lists the shipped profiles" '[ $rc -eq 0 ] && grep -q apple-provider-extension "$tmp/out" && nofound'
run $W "$P" platforms chrome-desktop
check "platforms chrome-desktop reads data/platforms" '[ $rc -eq 0 ] && grep -q zero-aaguid "$tmp/out"'
run $W "$P" scenario
check "scenario runs the shipped scenarios" '[ $rc -eq 0 ] && grep -q be-upgrade-after-sync "$tmp/out"'
run $W "$P" explain --preset yubikey5 --platform chrome-desktop
check "explain --preset --platform" '[ $rc -eq 0 ] && grep -q "zero-aaguid" "$tmp/out"'
run $W "$P" run -o "$tmp/out-run"
check "run writes its report (matrix, scenarios, vector units)" '[ $rc -eq 0 ] && [ -s "$tmp/out-run/report.json" ] && nofound'
check "run's vector units read the installed vectors" 'python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if any(\"w3c\" in json.dumps(c) for c in r[\"cells\"]) else 1)" "$tmp/out-run/report.json"'
printf '{"rp":{"id":"example.org","name":"Example"},"user":{"id":"dXNlcg","name":"alice","displayName":"Alice"},"challenge":"AAECAwQFBgcICQoLDA0ODw","pubKeyCredParams":[{"type":"public-key","alg":-7}],"attestation":"none"}' > "$tmp/opts.json"
run $W "$P" create --store "$tmp/s" --preset icloud-keychain --platform apple-provider-extension "$tmp/opts.json"
cp "$tmp/out" "$tmp/reg.json"
check "create --preset --platform reads both" '[ $rc -eq 0 ] && grep -q attestationObject "$tmp/reg.json"'
run $W "$P" verify-registration --rp-id example.org --origin https://example.org --challenge AAECAwQFBgcICQoLDA0ODw --json "$tmp/reg.json"
check "verify-registration names the provider from the installed AAGUID list" '[ $rc -eq 0 ] && grep -q "iCloud Keychain" "$tmp/out"'
run $W "$P" policies
check "policies" '[ $rc -eq 0 ] && grep -q simplewebauthn "$tmp/out"'
done_testing
