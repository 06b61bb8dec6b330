#!/bin/sh
# scenarios.sh — lifecycle scenarios: every shipped scenario meets its
# expected verdicts under every RP policy preset; a wrong expectation is
# reported and exits 1; malformed scenario files exit 2 naming file:line.
set -u
. "$(dirname "$0")/../tap.sh"

run $W "$F" scenario --list
check "scenario --list shows at least twelve shipped scenarios" '[ $rc -eq 0 ] && [ $(wc -l < $tmp/out) -ge 12 ]'
for s in $(sed 's/ .*//' "$tmp/out"); do
	run $W "$F" scenario "$s"
	check "scenario $s: every expectation met" '[ $rc -eq 0 ] && grep -q "^ok   $s" $tmp/out'
done
run $W "$F" scenario --json be-upgrade-after-sync
check "scenario --json: steps with views, verdicts and met expectations" \
    '[ $rc -eq 0 ] && python3 -c "import json,sys; j=json.load(open(sys.argv[1])); s=j[0][\"steps\"][3]; assert s[\"met\"] and s[\"result\"][\"verdicts\"] and j[0][\"sources\"]" $tmp/out'

cat > "$tmp/wrong.scenario" <<'S'
name = wrong
provider = be=0 bs=1 quirk=bs-without-be
step = register
expect = *=pass
S
run $W "$F" scenario "$tmp/wrong.scenario"
check "a wrong expectation exits 1 and names the preset, expected and got" \
    '[ $rc -eq 1 ] && grep -q "^FAIL wrong" $tmp/out && grep -q "spec .*expected pass .*got fail:.*REG-14" $tmp/out'

bad() { # bad DESC CONTENT
	printf "$2\n" > "$tmp/bad.scenario"
	run $W "$F" scenario "$tmp/bad.scenario"
	check "bad scenario ($1) exits 2 naming the file" '[ $rc -eq 2 ] && grep -q "bad.scenario" $tmp/err'
}
bad "no name" 'step = register'
bad "no steps" 'name = x'
bad "first step not register" 'name = x\nstep = authenticate'
bad "unknown step" 'name = x\nstep = register\nstep = dance'
bad "expect after a change" 'name = x\nstep = register\nstep = set-be 1\nexpect = *=pass'
bad "unknown preset" 'name = x\nstep = register\nexpect = nosuchlib=pass'
bad "bad verdict" 'name = x\nstep = register\nexpect = spec=maybe'
bad "bad provider setting" 'name = x\nprovider = be=2\nstep = register'
bad "unknown key" 'name = x\ncolour = red\nstep = register'
bad "counter out of range" 'name = x\nstep = register\nstep = set-counter 99999999999'
head -c 2000 /dev/urandom > "$tmp/rand.scenario"
run $W "$F" scenario "$tmp/rand.scenario"
check "random bytes exit 2" '[ $rc -eq 2 ]'
done_testing
