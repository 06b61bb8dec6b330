#!/bin/sh
# run.sh — the whole suite: cmocka unit tests, CLI integration tests, and the
# fuzz targets replayed over their corpora. Every test reports TAP lines
# ("ok" / "not ok"); the last line is "N passed, N failed". A TAP skip
# ("ok N - ... # SKIP reason") is not a pass: it is counted and listed apart,
# with its reason, just before that line. Each suite says when it starts.
#   BUILD=dir      where make put the binaries (default build)
#   VALGRIND=1     run every binary under valgrind
#   ONLY=pattern   run only the unit/integration files whose name matches
set -u
BUILD=${BUILD:-build}
export FIDOSIM="$BUILD/fidosim"
export FSIM_BUILD="$BUILD"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ "${VALGRIND:-0}" = 1 ]; then
	export FSIM_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
else
	export FSIM_WRAP=""
fi
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT
passed=0
failed=0
skipped=0

# count NAME FILE: add the ok / not ok / skip lines of one run's output.
count() {
	s=$(grep -ciE '^ok [^#]*# *skip' "$2")
	p=$(grep -c '^ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	passed=$((passed + p - s))
	failed=$((failed + f))
	skipped=$((skipped + s))
	grep -iE '^ok [^#]*# *skip' "$2" | sed "s|^|$1: |" >> "$skips"
}

# run NAME CMD...: run a test program; a crash or a non-zero exit with no
# failing TAP line still counts as one failure.
run() {
	name=$1; shift
	echo "# running $name ..."
	"$@" >"$log" 2>&1
	rc=$?
	count "$name" "$log"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		failed=$((failed + 1))
		echo "not ok - $name exited $rc"
	fi
	grep -E '^(not ok|# )' "$log" | grep -v '^# ok' | head -50
	if [ $rc -ne 0 ]; then
		grep -vE '^(ok|not ok|1\.\.|# )' "$log" | tail -30
	fi
	s=$(grep -ciE '^ok [^#]*# *skip' "$log")
	echo "# $name: $(($(grep -c '^ok ' "$log") - s)) passed, $(grep -c '^not ok ' "$log") failed${s:+$( [ "$s" -gt 0 ] && echo ", $s skipped")}"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"${ONLY:-}"*) ;; *) continue ;; esac
	run "$(basename "$t")" $FSIM_WRAP "$t"
done

for t in tests/integration/*.sh tests/integration/*.py; do
	[ -f "$t" ] || continue
	case "$t" in *"${ONLY:-}"*) ;; *) continue ;; esac
	case "$t" in *.py) run "$(basename "$t")" python3 "$t" ;; *) run "$(basename "$t")" sh "$t" ;; esac
done

# Fuzz targets as replay binaries over their seed corpus and the vectors.
if [ -z "${ONLY:-}" ]; then
	for t in "$BUILD"/replay/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		run "$name" sh -c "$FSIM_WRAP $t fuzz/corpus/$name fuzz/regressions/$name && echo 'ok - $name replay'"
	done
fi

if [ "$skipped" -gt 0 ]; then
	echo "# $skipped skipped (not counted as passed):"
	sed 's/^/#   /' "$skips"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
