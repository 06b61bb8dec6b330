#!/bin/sh
# cli_rules.sh — the rule catalog: docs/rules.md is current, every rule ID the
# code reports is in the catalog, `fidosim rules` works. TAP output.
set -u
. "$(dirname "$0")/../tap.sh"

$W "$F" rules --markdown > "$tmp/rules.md"
if cmp -s "$tmp/rules.md" docs/rules.md; then ok "docs/rules.md is generated from the current catalog"
else nok "docs/rules.md is stale: run 'make docs'"; diff "$tmp/rules.md" docs/rules.md | head -10 | sed 's/^/# /'; fi

# Every "XXX-NN" rule string in the C sources must be a catalog ID.
grep -ohE '"[A-Z]+(-[A-Z]+)*-[0-9][0-9A-Z]*"' core/*.c rp-sim/*.c cli/*.c | tr -d '"' | sort -u > "$tmp/used"
grep -oE '"[A-Z]+(-[A-Z]+)*-[0-9A-Z]+"' rp-sim/rules.def | tr -d '"' | sort -u > "$tmp/catalog"
missing=$(comm -23 "$tmp/used" "$tmp/catalog" | grep -vE '^(P-(256|384|521)|ML-DSA-(44|65|87))$' | tr '\n' ' ')
[ -z "$missing" ] && ok "every rule ID used in the code is in the catalog" || nok "rule IDs not in the catalog: $missing"

# IDs are unique.
dups=$(grep -oE 'FSIM_RULE\([A-Z0-9_]+, "[^"]+"' rp-sim/rules.def | sed 's/.*"\(.*\)"/\1/' | sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] && ok "rule IDs are unique" || nok "duplicate rule IDs: $dups"

$W "$F" rules > "$tmp/out" && grep -q '^REG-14 .*error.*7.1 step 17.*bs-without-be' "$tmp/out" \
    && ok "fidosim rules lists REG-14 with severity, section and quirk" || nok "fidosim rules text"
$W "$F" rules --json REG-14 > "$tmp/out" && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j==[{'id':'REG-14','severity':'error','section':'7.1 step 17','summary':j[0]['summary'],'quirk':'bs-without-be'}]" "$tmp/out" \
    && ok "fidosim rules --json ID" || nok "fidosim rules --json ID"
$W "$F" rules NOPE-1 >/dev/null 2>&1; [ $? -eq 1 ] && ok "unknown rule exits 1" || nok "unknown rule exit"
$W "$F" rules --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option exits 2" || nok "rules unknown option"
echo "1..$n"
