#!/bin/sh
# suite-eve.sh - EVE conformance: replay every capture of tests/data and
# tests/cases through the sensor (default output and --all-flows) and
# validate EVERY line against Suricata's etc/schema.json (tests/eve, our
# extra keys allowed) and against docs/eve-schema.json (strict); alert
# conventions; docs/eve-schema.json up to date; negative cases; the ECS
# table of docs/ECS.md against real events.  TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
S=$B/shadowtap-sensor
if [ ! -x "$S" ]; then echo "not ok - eve: $S not built"; exit 1; fi
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "ok - eve: schema validation # skip python3-jsonschema missing"; exit 0
fi
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
if python3 tests/eve/mkschema.py --check; then
	echo "ok - eve: docs/eve-schema.json matches tests/eve/mkschema.py"
else
	echo "not ok - eve: docs/eve-schema.json stale (run tests/eve/mkschema.py)"
fi
n=0
for p in tests/data/*.pcap tests/data/*/*.pcap tests/cases/*/input.pcap; do
	[ -f "$p" ] || continue
	d=$(dirname "$p")
	if [ -d "$d/rules" ]; then r=$d/rules; else r=rules; fi
	n=$((n + 1))
	"$S" -r "$p" -R "$r" -e "$T/a$n.json" >/dev/null 2>&1
	"$S" -r "$p" -R "$r" -e "$T/b$n.json" --all-flows >/dev/null 2>&1
done
echo "# $n captures replayed"
fail=0
python3 tests/eve/validate.py "$T"/*.json || fail=1
python3 tests/eve/negative.py || fail=1
python3 tests/eve/ecs.py docs/ECS.md "$T"/*.json || fail=1
# Conventions: --version with libraries, refusal to write nothing, loud no-rules.
v=$("$S" --version 2>&1)
case $v in *libpcap*nDPI*zlib*) echo "ok - conventions: --version lists library versions";;
*) echo "not ok - conventions: --version lists library versions"; fail=1;; esac
"$S" -r tests/data/sample.pcap -R rules >"$T/o" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'would write nothing' "$T/o"; then
	echo "ok - conventions: a run without outputs refuses (exit 2)"
else echo "not ok - conventions: a run without outputs refuses (rc $rc)"; fail=1; fi
"$S" -T >"$T/o" 2>&1
if grep -q 'NO AI matching' "$T/o"; then echo "ok - conventions: -T without rules warns"
else echo "not ok - conventions: -T without rules warns"; fail=1; fi
"$S" -T -R rules >"$T/o" 2>&1
if ! grep -q 'NO AI matching' "$T/o"; then echo "ok - conventions: -T with rules does not warn"
else echo "not ok - conventions: -T with rules does not warn"; fail=1; fi
exit $fail
