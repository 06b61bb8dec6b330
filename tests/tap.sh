# tap.sh — sourced by tests/integration scripts: TAP helpers over the binary
# under test. Sets F (the fidosim binary), W (a wrapper such as valgrind),
# tmp (a scratch folder removed on exit) and n (the test number).
#   run CMD...     exit code in $rc, stdout in $tmp/out, stderr in $tmp/err
#   check DESC C   C is a shell test evaluated now; prints ok / not ok with
#                  the first lines of the last run's output when it fails
#   ok DESC / nok DESC   a result decided by the caller
#   done_testing   prints the plan ("1..N"); call it last
F=${FIDOSIM:-build/fidosim}
W=${FSIM_WRAP:-}
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
check() {
	if eval "$2"; then ok "$1"; else
		nok "$1 (exit $rc)"; sed 's/^/# out: /' "$tmp/out" | head -5
		sed 's/^/# err: /' "$tmp/err" | head -5; fi
}
done_testing() { echo "1..$n"; }
