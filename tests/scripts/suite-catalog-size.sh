#!/bin/sh
# suite-catalog-size.sh - catalog size and shape: a 100,000-service catalog loads,
# a 100,000-service file of errors reports them capped ("and N more"), and
# the shipped catalog keeps shared-SaaS hosts, lookalikes and vendor sites
# apart (shadowtap-rules match).  Nothing here is timed; the timings are in
# tests/scripts/bench-catalog.sh (make bench-catalog).
set -u
R=${RULES_BIN:-build/shadowtap-rules}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }

python3 tests/scripts/gen-catalog.py 100000 "$T/big" valid
"$R" lint "$T/big" > "$T/big.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q ': OK' "$T/big.out" && ok "100k-service catalog lints clean" ||
	{ nok "100k-service catalog lints clean (rc $rc)"; head -5 "$T/big.out" | sed 's/^/#   /'; }
"$R" match "$T/big" api.svc99999.example > "$T/m" 2>&1 &&
	grep -q 'svc-99999' "$T/m" && ok "100k catalog: the last service matches" ||
	nok "100k catalog: the last service matches"
"$R" match "$T/big" xsvc99999.example > /dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && ok "100k catalog: a lookalike does not match" || nok "100k catalog: lookalike (rc $rc)"

python3 tests/scripts/gen-catalog.py 100000 "$T/bad" errors
"$R" lint "$T/bad" > "$T/bad.out" 2>&1; rc=$?
n=$(grep -c ': error: ' "$T/bad.out")
[ $rc -eq 2 ] && ok "100k error catalog: exit 2" || nok "100k error catalog: exit 2 (got $rc)"
# 20 files x 100 messages, plus policy errors; every error still counted
[ "$n" -le 2200 ] && [ "$n" -ge 2000 ] && ok "100k error catalog: messages capped ($n printed)" ||
	nok "100k error catalog: messages capped ($n printed)"
grep -q 's19.yaml: note: and [0-9]* more error(s)' "$T/bad.out" &&
	ok "100k error catalog: 'and N more' per file" || nok "100k error catalog: 'and N more' per file"
tot=$(sed -n 's/^.*\/bad: \([0-9]*\) error(s)$/\1/p' "$T/bad.out")
[ -n "$tot" ] && [ "$tot" -ge 700000 ] && ok "100k error catalog: all errors counted ($tot)" ||
	nok "100k error catalog: all errors counted (${tot:-none})"

# Overlapping ranges are still found after the sort-based check.
python3 tests/scripts/gen-catalog.py 200 "$T/ov" errors
"$R" lint "$T/ov" > "$T/ov.out" 2>&1
grep -q "s00.yaml:[0-9]*:[0-9]*: error: CIDR '198.51.100.1/32' overlaps a range of service 'bad-0'" "$T/ov.out" &&
	ok "overlapping ranges reported with file:line:col" ||
	{ nok "overlapping ranges reported"; grep -m3 CIDR "$T/ov.out" | sed 's/^/#   /'; }
