#!/bin/sh
# mds_real.sh — a real production MDS3 BLOB, which the user downloads:
#   make mds-real MDS_BLOB=/path/blob.jwt [MDS_AT=UNIX_TIME]
# (MDS_AT: a time when its signing chain was valid; default 1733097600,
# 2024-12-02, the issue date of BLOB no 121.) No BLOB ships with fidosim: its
# legalHeader binds its use to FIDO's metadata terms. So this check is not
# part of make test (which must run everything it holds on a fresh clone);
# it runs on demand, and fails without a BLOB rather than skipping.
# Checks: the BLOB verifies to GlobalSign Root CA - R3 (or R46) with the
# system's roots; `mds show` finds YubiKey 5 Series with NFC
# (fa2b99dc-9e39-4257-8f92-4a30d23c4118) FIDO_CERTIFIED; the real YubiKey 5
# NFC registration of vectors/real-world (java-webauthn-server's test data)
# verified with --mds is trusted and named; `mds list --status REVOKED` finds
# TruU's entry (no 121's only REVOKED one).
. tests/tap.sh
if [ -z "${FIDOSIM_MDS_BLOB:-}" ] || [ ! -r "$FIDOSIM_MDS_BLOB" ]; then
	echo "not ok 1 - no real MDS3 BLOB given: make mds-real MDS_BLOB=/path/blob.jwt (download it from https://mds3.fidoalliance.org/)"
	echo "1..1"
	exit 1
fi
AT=${FIDOSIM_MDS_AT:-}; [ -n "$AT" ] || AT=1733097600
B=$FIDOSIM_MDS_BLOB
run $W "$F" mds verify --at "$AT" --json "$B"
check "the real BLOB verifies at $AT" '[ $rc -eq 0 ] && grep -q "\"valid\": true" "$tmp/out"'
check "... to a GlobalSign root" 'grep -q "\"root\": \"GlobalSign Root \(CA - R3\|R46\)\"" "$tmp/out"'
run $W "$F" mds show --at "$AT" --json "$B" fa2b99dc-9e39-4257-8f92-4a30d23c4118
check "mds show finds YubiKey 5 Series with NFC, FIDO_CERTIFIED" '[ $rc -eq 0 ] &&
    grep -q "\"description\": \"YubiKey 5 Series with NFC\"" "$tmp/out" &&
    grep -q "\"status\": \"FIDO_CERTIFIED\"" "$tmp/out"'
C=vectors/real-world/cases/jws-YubiKey5-reg.json
python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['response'], open(sys.argv[2], 'w'))" "$C" "$tmp/yk.json"
run $W "$F" verify-registration --rp-id example.com --origin https://example.com \
    --challenge Y2hhbGxlbmdl --at "$AT" --mds "$B" --json "$tmp/yk.json"
check "a real YubiKey 5 NFC registration with --mds: verified" '[ $rc -eq 0 ]'
check "... trusted by the statement's attestation root" 'python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j[\"attestation\"][\"trusted\"] and any(c[\"rule\"] == \"ATT-TRUST-01\" and c[\"status\"] == \"pass\" and \"metadata statement\" in c[\"message\"] for c in j[\"checks\"]) else 1)" "$tmp/out"'
check "... and named, with its status" 'python3 -c "import json,sys; a=json.load(open(sys.argv[1]))[\"authenticator\"]; sys.exit(0 if a[\"name\"] and a[\"mds\"][\"description\"] == \"YubiKey 5 Series with NFC\" and a[\"mds\"][\"status\"] == \"FIDO_CERTIFIED\" and a[\"mds\"][\"certification\"] == \"FIDO_CERTIFIED_L1\" else 1)" "$tmp/out"'
run $W "$F" mds list --at "$AT" --status REVOKED --json "$B"
check "mds list --status REVOKED names TruU's entry" 'grep -q ba86dc56-635f-4141-aef6-00227b1b9af6 "$tmp/out"'
done_testing
