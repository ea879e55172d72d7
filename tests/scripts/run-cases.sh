#!/bin/sh
# run-cases.sh - behaviour tests: replay every tests/cases/NAME/input.pcap
# through build/shadowtap-sensor and compare its alerts with
# tests/cases/NAME/expected.txt.  Prints "ok - case NAME" / "not ok - case NAME".
#
# expected.txt, one item per line ('#' comments):
#   CLASS DETECTOR     a dlp alert that must be raised (at least as many
#                      alerts as lines with this pair)
#   upload RULE        an upload alert (RULE: upload-threshold, upload-baseline)
#   not CLASS          no dlp alert of this class may appear
# Rules: tests/cases/NAME/rules if present, else ./rules if present.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
SENSOR=$B/shadowtap-sensor
n=0
fail=0
if [ ! -x "$SENSOR" ]; then
	echo "not ok - cases: $SENSOR not built"
	exit 1
fi
for pcap in tests/cases/*/input.pcap; do
	[ -f "$pcap" ] || continue
	dir=$(dirname "$pcap")
	name=$(basename "$dir")
	if [ ! -f "$dir/expected.txt" ]; then
		# core-* cases carry expect.jsonl, checked by run-core-cases.py.
		echo "# case $name: no expected.txt, skipped here"
		continue
	fi
	n=$((n + 1))
	rules=""
	if [ -d "$dir/rules" ]; then rules="-R $dir/rules"
	elif [ -d rules ]; then rules="-R rules"; fi
	# shellcheck disable=SC2086
	if ! out=$("$SENSOR" -r "$pcap" $rules -e - 2>/dev/null); then
		echo "not ok - case $name (sensor failed)"
		fail=$((fail + 1))
		continue
	fi
	if msg=$(printf '%s\n' "$out" | python3 -c '
import collections, json, sys
exp = collections.Counter(); nots = set()
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].split()
    if not line:
        continue
    if line[0] == "not":
        nots.add(line[1])
    else:
        exp[(line[0], line[1])] += 1
got = collections.Counter()
for l in sys.stdin:
    try:
        e = json.loads(l)
    except ValueError:
        continue
    if e.get("event_type") != "alert":
        continue
    a = e["alert"].get("shadowtap", {})
    if a.get("kind") == "dlp":
        got[(a.get("class"), a.get("detector"))] += 1
    elif a.get("kind") == "upload":
        got[("upload", a.get("rule"))] += 1
bad = []
for k, c in exp.items():
    if got[k] < c:
        bad.append("missing %s %s (%d < %d)" % (k[0], k[1], got[k], c))
for (cls, det), c in got.items():
    if cls in nots:
        bad.append("unexpected %s %s" % (cls, det))
print("; ".join(bad))
sys.exit(1 if bad else 0)
' "$dir/expected.txt" 2>&1); then
		echo "ok - case $name"
	else
		echo "not ok - case $name: $msg"
		fail=$((fail + 1))
	fi
done
if [ "$n" -eq 0 ]; then
	echo "ok - cases: no cases in tests/cases"
fi
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
