#!/bin/sh
# asan-sweep.sh - replay every capture of ../shared/pcap/ndpi (and our own
# test captures) through an ASan+UBSan build of the sensor: no crash, no
# leak, no sanitizer report.  Skips the shared part when ../shared is absent.
# --no-privsep: one process that closes everything at exit, so LeakSanitizer
# sees the whole packet path (privsep's processes end with _exit); one
# privsep replay of the sample checks the three processes for sanitizer
# reports (a child's report fails its exit status, so the sensor's).
set -u
cd "$(dirname "$0")/../.." || exit 2
make -s asan >/dev/null 2>&1 || { echo "not ok - asan build failed"; make asan 2>&1 | tail -20 | sed 's/^/#   /'; exit 1; }
S=build/asan/shadowtap-sensor
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87
# The unit tests under the sanitizers first: their hostile vectors (e.g. the
# long classification marking of issue 15) must not touch memory they do not own.
ubad=0
for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" > "$T/unit.log" 2>&1; then
		echo "ok - asan/ubsan unit $(basename "$t")"
	else
		echo "not ok - asan/ubsan unit $(basename "$t")"; ubad=1
		grep -E "ERROR|runtime error|not ok|#[0-9] " "$T/unit.log" | head -20 | sed 's/^/#   /'
	fi
done
{ find tests/data tests/cases -name '*.pcap' -o -name '*.pcapng' 2>/dev/null
  [ -d ../shared/pcap/ndpi ] && find ../shared/pcap/ndpi -name '*.pcap*' -o -name '*.cap'; } | sort > "$T/list"
[ -d ../shared/pcap/ndpi ] || echo "# skip: ../shared/pcap/ndpi absent, sweeping tests/data only"
# Two at a time; each writes EVE and SQLite so the output path is covered.
xargs -P 2 -I{} sh -c '
  f="$1"; T="$2"; S="$3"; id=$(echo "$f" | md5sum | cut -c1-12)
  "$S" --no-privsep -r "$f" -e "$T/$id.json" -d "$T/$id.db" -k "$T/key" --all-flows > "$T/$id.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] || grep -qE "Sanitizer|runtime error|LeakSanitizer" "$T/$id.log"; then
    echo "$f rc=$rc" >> "$T/bad"; sed "s|^|    |" "$T/$id.log" | head -30 >> "$T/bad"
  fi
  rm -f "$T/$id.json" "$T/$id.db" "$T/$id.db-wal" "$T/$id.db-shm"
' _ {} "$T" "$S" < "$T/list"
n=$(wc -l < "$T/list")
if [ -s "$T/bad" ]; then
	echo "not ok - asan/ubsan sweep over $n captures"
	sed 's/^/# /' "$T/bad" | head -80
	exit 1
fi
echo "ok - asan/ubsan sweep over $n captures: no crash, leak or sanitizer report"
"$S" -r tests/data/sample.pcap -R rules -e "$T/p.json" -d "$T/p.db" -k "$T/key" \
    --all-flows > "$T/p.log" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! grep -qE "Sanitizer|runtime error" "$T/p.log"; then
	echo "ok - asan/ubsan: privsep replay (parent, engine, writer) exits 0, no report"
else
	echo "not ok - asan/ubsan: privsep replay rc=$rc"
	grep -E "Sanitizer|runtime error|ERROR" "$T/p.log" | head -5 | sed 's/^/# /'
	ubad=1
fi
exit $ubad
