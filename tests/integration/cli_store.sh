#!/bin/sh
# cli_store.sh — `fidosim credentials list|delete`, `fidosim ca export` and
# `fidosim quirks` through the real binary. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"
py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

opts='{"rp":{"id":"example.org","name":"E"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},"challenge":"AAECAwQFBgcICQoLDA0ODw","pubKeyCredParams":[{"type":"public-key","alg":-8}],"authenticatorSelection":{"residentKey":"required"}}'
$W "$F" create --store "$tmp/s" --be 1 "$opts" > "$tmp/reg.json" && ok "create a discoverable credential" || nok "create"
$W "$F" credentials list --store "$tmp/s" --json > "$tmp/list.json"
[ "$(py "$tmp/list.json" 'len(j), j[0]["rpId"], j[0]["algName"], j[0]["discoverable"], j[0]["backupEligible"], "privateKey" in j[0]')" = "1 example.org EdDSA True True False" ] \
    && ok "credentials list --json shows it, without its key" || nok "credentials list: $(cat "$tmp/list.json")"
$W "$F" credentials list --store "$tmp/s" --rp-id other.example --json > "$tmp/l2.json"
[ "$(py "$tmp/l2.json" 'len(j)')" = 0 ] && ok "--rp-id filters" || nok "--rp-id filter"
$W "$F" credentials list --store "$tmp/s" | grep -q '^example.org *EdDSA *rk *BE=1' && ok "the text list" || nok "text list"
id=$(py "$tmp/reg.json" 'j["id"]')
$W "$F" credentials delete --store "$tmp/s" "$id" && ok "delete it" || nok "delete"
$W "$F" credentials delete --store "$tmp/s" "$id" 2>/dev/null; [ $? -eq 1 ] && ok "deleting it again: exit 1" || nok "second delete"
$W "$F" credentials list --store "$tmp/s" --json > "$tmp/l3.json"
[ "$(py "$tmp/l3.json" 'len(j)')" = 0 ] && ok "the store is empty after the delete" || nok "empty after delete"
# Issue 20 item 9: the text list printed only 40 characters of the ID, so an
# ID pasted from it into delete failed. A discoverable credential's ID is 43+
# characters of base64url, and may start with '-' (delete takes it as the ID).
$W "$F" create --store "$tmp/s" --be 1 "$opts" > "$tmp/reg2.json"
id2=$(py "$tmp/reg2.json" 'j["id"]')
COLUMNS=80 $W "$F" credentials list --store "$tmp/s" > "$tmp/list.txt"
pasted=$(awk '{print $NF}' "$tmp/list.txt" | head -1)
[ ${#id2} -gt 40 ] && [ "$pasted" = "$id2" ] && $W "$F" credentials delete --store "$tmp/s" "$pasted" \
    && ok "the text list shows whole IDs, and one pasted from it deletes (${#id2} characters)" \
    || nok "text list ID: '$pasted' vs '$id2'"
$W "$F" credentials delete --store "$tmp/s" -AAA 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "no credential -AAA" "$tmp/err" && ok "an ID starting with '-' is an ID, not an option" || nok "dash ID: exit $rc $(cat "$tmp/err")"
$W "$F" credentials frob 2>/dev/null; [ $? -eq 2 ] && ok "unknown subcommand: exit 2" || nok "unknown subcommand"
echo '{"garbage": ' > "$tmp/bad"
$W "$F" credentials list --store "$tmp/bad" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q STORE-01 "$tmp/err" && [ "$(cat "$tmp/bad")" = '{"garbage": ' ] \
    && ok "a corrupt store is reported (STORE-01) and left untouched" || nok "corrupt store: exit $rc $(cat "$tmp/err")"

$W "$F" ca export --store "$tmp/s" > "$tmp/root.pem" && openssl x509 -in "$tmp/root.pem" -noout -subject 2>/dev/null | grep -q 'fidosim' \
    && ok "ca export writes the root as PEM" || nok "ca export"
$W "$F" ca export --store "$tmp/s" > "$tmp/root2.pem"; cmp -s "$tmp/root.pem" "$tmp/root2.pem" && ok "the same store gives the same root" || nok "root changed"
$W "$F" ca export --store "$tmp/x1" --seed 0102 > "$tmp/a.pem"; $W "$F" ca export --store "$tmp/x2" --seed 0102 > "$tmp/b.pem"
cmp -s "$tmp/a.pem" "$tmp/b.pem" && ok "the same --seed gives the same root in a new store" || nok "seeded roots differ"
$W "$F" quirks --json > "$tmp/q.json"
[ "$(py "$tmp/q.json" '[q["rule"] for q in j if q["name"] == "bs-without-be"][0]')" = REG-14 ] && ok "quirks --json names the rule each breaks" || nok "quirks --json"
# Each quirk's rule is in the catalog and names that quirk back.
$W "$F" rules --json > "$tmp/rules.json"
python3 - "$tmp/q.json" "$tmp/rules.json" <<'PY' && ok "every quirk's rule is in the catalog, which names the quirk" || nok "quirk/catalog mismatch"
import json, sys
q = json.load(open(sys.argv[1])); r = {x["id"]: x for x in json.load(open(sys.argv[2]))}
bad = [x["name"] for x in q if x.get("rule") and (x["rule"] not in r or r[x["rule"]].get("quirk") != x["name"])]
if bad:
    print("# " + ", ".join(bad)); sys.exit(1)
PY
echo "1..$n"
