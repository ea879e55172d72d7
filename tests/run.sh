#!/bin/sh
# run.sh - every test suite of `make check`.  Each suite prints TAP-style
# "ok - name" / "not ok - name" lines; this script counts them and ends with
# the line "N passed, N failed" (non-zero exit on any failure).
set -u
cd "$(dirname "$0")/.." || exit 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
B=${B:-build}
fail_suites=""

suite() {		# suite NAME CMD...
	name=$1; shift
	echo "== $name"
	start=$(date +%s)
	"$@" > "$out/$name.log" 2>&1
	rc=$?
	grep -E '^(ok|not ok) ' "$out/$name.log" | sed "s/^/  /"
	grep -E '^#' "$out/$name.log" | grep -v '^# [0-9]* passed' | head -40 | sed "s/^/  /"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out/$name.log"; then
		# A crash or error before any result line counts as a failure.
		echo "not ok - $name exited $rc" >> "$out/$name.log"
		echo "  not ok - $name exited $rc"; tail -5 "$out/$name.log" | sed 's/^/  | /'
	fi
	[ $rc -ne 0 ] && fail_suites="$fail_suites $name"
	echo "   ($(( $(date +%s) - start ))s)"
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] && suite "unit-$(basename "$t" | sed 's/^test_//')" "$t"
done
[ -f tests/scripts/check-catalog.py ] && suite catalog sh -c \
	'python3 tests/scripts/check-catalog.py && echo "ok - catalog schema, ids, domains, CIDRs"'
suite cli sh tests/scripts/test-cli.sh
suite live sh tests/scripts/test-live.sh
suite ai sh tests/scripts/test-ai.sh
suite reload sh tests/scripts/test-reload.sh
suite core-cases python3 tests/scripts/run-core-cases.py
suite cases sh tests/scripts/run-cases.sh
suite oracle python3 tests/scripts/oracle-compare.py
suite layout sh tests/scripts/check-layout.sh
# Suites added by later work: tests/scripts/suite-NAME.sh (same TAP lines).
for s in tests/scripts/suite-*.sh; do
	[ -f "$s" ] && suite "$(basename "$s" .sh | sed 's/^suite-//')" sh "$s"
done
suite asan sh tests/scripts/asan-sweep.sh

# "ok - ... # skip <why>" is a skip (needs ../shared, root, ...), not a pass.
pass=$(cat "$out"/*.log | grep '^ok ' | grep -vc '# [Ss][Kk][Ii][Pp]')
skip=$(cat "$out"/*.log | grep '^ok ' | grep -c '# [Ss][Kk][Ii][Pp]')
fail=$(cat "$out"/*.log | grep -c '^not ok ')
[ -n "$fail_suites" ] && echo "failing suites:$fail_suites"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ -z "$fail_suites" ]
