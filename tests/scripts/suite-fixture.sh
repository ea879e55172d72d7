#!/bin/sh
# suite-fixture.sh - the fixture generator (tests/tools/mkfixture.c): for
# the same arguments the fast bulk writer gives the same expected JSON and
# the same rows as the row-by-row writer did (golden files made with it in
# tests/data/mkfixture/), its weeks are ISO weeks in Europe/Amsterdam also
# across the DST changes, and a -e that is not a Monday is refused.  TAP.
set -u
cd "$(dirname "$0")/../.."
F=build/tools/mkfixture
G=tests/data/mkfixture
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0; fail=0
ok()  { n=$((n+1)); echo "ok - $*"; }
nok() { n=$((n+1)); fail=$((fail+1)); echo "not ok - $*"; }
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else nok "$d"; fi; }

if [ ! -x $F ] || ! command -v sqlite3 >/dev/null || ! command -v python3 >/dev/null; then
	echo "ok - fixture suite # skip build first (make), sqlite3 and python3 needed"
	exit 0
fi
export TZ=Europe/Amsterdam

# rows DB: every table's rows, sorted, without the wall-clock column
# `updated` (catalog, exceptions), the input of the golden row hashes.
# agg_day (agg_hour per UTC day, newer than the golden files) is checked
# against agg_hour below instead; likewise the client bitmaps (clients,
# agg_day_clients, whose numbering is the loader's) against agg_client_day.
rows() {
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('agg_day', 'clients', 'agg_day_clients', 'sqlite_sequence') ORDER BY name"); do
		cols=$(sqlite3 "$1" "SELECT group_concat(name) FROM pragma_table_info('$t') WHERE name <> 'updated'")
		echo "== $t"; sqlite3 "$1" "SELECT $cols FROM $t" | LC_ALL=C sort
	done
}

# --- golden: the arguments of the report suite's two sensors
$F -o $T/a.db -s sensor-a -e 2026-11-16 -w 4 -n 3000 -c 40 -S 12 -E 1 -R 2 -H -j $T/a.json
check "fixture a exits 0" test $? -eq 0
$F -o $T/b.db -s sensor-b -e 2026-11-16 -w 4 -n 1000 -c 25 -S 8 -x 7 -j $T/b.json
check "fixture b exits 0" test $? -eq 0
for x in a b; do
	check "fixture $x: expected JSON unchanged" cmp $G/$x.json $T/$x.json
	got=$(rows $T/$x.db | sha256sum | cut -d' ' -f1)
	[ "$got" = "$(cat $G/$x.rows.sha256)" ] && ok "fixture $x: rows and aggregates unchanged" \
	    || nok "fixture $x: rows differ from the row-by-row writer ($got)"
done
check "negative: another seed gives another JSON" sh -c "$F -o $T/c.db -s sensor-b -e 2026-11-16 -w 4 -n 1000 -c 25 -S 8 -x 8 -j $T/c.json && ! cmp -s $G/b.json $T/c.json"
check "database back in WAL mode" test "$(sqlite3 $T/a.db 'PRAGMA journal_mode')" = wal
check "indexes rebuilt after the load" test "$(sqlite3 $T/a.db "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('ai_ts','ai_service','ai_client','alerts_ts','alerts_kind','alerts_service','visibility_ts','agg_client_day_service')")" -eq 8
check "integrity_check ok" test "$(sqlite3 $T/a.db 'PRAGMA integrity_check')" = ok
# The aggregates agree with the raw rows (the writer's rules).
check "agg_hour flows = ai flow rows" test "$(sqlite3 $T/a.db "SELECT (SELECT sum(flows) FROM agg_hour) = (SELECT count(*) FROM ai_events WHERE kind = 'flow')")" = 1
check "agg_client_day bytes = ai flow bytes" test "$(sqlite3 $T/a.db "SELECT (SELECT sum(bytes_up) FROM agg_client_day) = (SELECT sum(bytes_up) FROM ai_events WHERE kind = 'flow')")" = 1
check "agg_day = agg_hour summed per UTC day" test "$(sqlite3 $T/a.db "SELECT count(*) FROM (SELECT hour / 86400000000 * 86400000000 AS d, service, verdict, zone, sum(flows) f, sum(lookups) l, sum(bytes_up) b, sum(uploads) u, sum(dlp) p, sum(alerts) a, min(hour) fh, max(hour) lh FROM agg_hour GROUP BY 1, 2, 3, 4 EXCEPT SELECT day, service, verdict, zone, flows, lookups, bytes_up, uploads, dlp, alerts, first_hour, last_hour FROM agg_day)")" = 0 -a "$(sqlite3 $T/a.db "SELECT count(*) FROM agg_day")" -gt 0
# Client bitmaps: per (day, service, verdict) exactly agg_client_day's
# clients (bit clients.id, bit i % 8 of byte i / 8).
bits_ok() {
	python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = dict(db.execute("SELECT id, pseudo FROM clients"))
want = {}
for d, s, v, c in db.execute("SELECT day, service, verdict, client_pseudo FROM agg_client_day"):
    want.setdefault((d, s, v), set()).add(c)
got = {}
for d, s, v, b in db.execute("SELECT day, service, verdict, bits FROM agg_day_clients"):
    got[(d, s, v)] = {ids[i * 8 + k] for i, x in enumerate(b) for k in range(8) if x >> k & 1}
print("ok" if want and got == want else "differ %d %d" % (len(want), len(got)))
PY
}
for x in a b; do
	check "fixture $x: client bitmaps = agg_client_day's clients" test "$(bits_ok $T/$x.db)" = ok
done
check "agg_dlp_day findings = dlp alerts" test "$(sqlite3 $T/a.db "SELECT (SELECT sum(findings) FROM agg_dlp_day) = (SELECT count(*) FROM alerts WHERE kind = 'dlp')")" = 1

# --- ISO weeks in local time across both DST changes
# W42 2026 (summer), W43 (ends with the change to CET on 25 Oct: 169 h),
# W44 (winter); W13 2026 (the change to CEST on 29 Mar: 167 h), W14.
$F -o $T/autumn.db -e 2026-10-26 -w 3 -n 2000 -c 30 -S 8 -j $T/autumn.json
check "autumn fixture exits 0" test $? -eq 0
$F -o $T/spring.db -e 2026-03-30 -w 2 -n 2000 -c 30 -S 8 -j $T/spring.json
check "spring fixture exits 0" test $? -eq 0
# weeks JSON DB LABEL:HOURS...: label, local Monday 00:00 start, length
# (stats rows per hour), every event inside its week, counts per week.
weeks() {
	python3 - "$@" <<'PY'
import datetime, json, sqlite3, sys, zoneinfo
tz = zoneinfo.ZoneInfo("Europe/Amsterdam")
j = json.load(open(sys.argv[1])); db = sqlite3.connect(sys.argv[2])
want = [a.split(":") for a in sys.argv[3:]]
ws = j["weeks"]
assert [w["week"] for w in ws] == [l for l, _ in want], [w["week"] for w in ws]
for i, (w, (label, hours)) in enumerate(zip(ws, want)):
    s = datetime.datetime.fromtimestamp(w["start_us"] / 1e6, tz)
    assert (s.hour, s.minute, s.weekday()) == (0, 0, 0), (label, s)
    assert s.strftime("%G-W%V") == label, (label, s)
    e = s.date() + datetime.timedelta(days=7)
    end = int(datetime.datetime(e.year, e.month, e.day, tzinfo=tz).timestamp()) * 1000000
    assert end - w["start_us"] == int(hours) * 3600000000, (label, end - w["start_us"])
    if i + 1 < len(ws):
        assert ws[i + 1]["start_us"] == end, label
    st = db.execute("SELECT count(*) FROM stats WHERE name = 'capture.kernel_packets'"
                    " AND ts >= ? AND ts < ?", (w["start_us"], end)).fetchone()[0]
    assert st == int(hours), (label, "stats hours", st)
    n = db.execute("SELECT count(*) FROM ai_events WHERE ts >= ? AND ts < ?",
                   (w["start_us"], end)).fetchone()[0]
    assert n == sum(w["flows"].values()) + w["lookups"], (label, n)
first = ws[0]["start_us"]
n = db.execute("SELECT count(*) FROM ai_events WHERE ts < ?", (first,)).fetchone()[0]
assert n == 0, "events before the first week"
print("ok")
PY
}
check "autumn: W42 168 h, W43 169 h, W44 168 h, local Monday midnights" weeks $T/autumn.json $T/autumn.db 2026-W42:168 2026-W43:169 2026-W44:168
check "spring: W13 167 h, W14 168 h" weeks $T/spring.json $T/spring.db 2026-W13:167 2026-W14:168
if weeks $T/spring.json $T/spring.db 2026-W13:168 2026-W14:168 >/dev/null 2>&1; then
	nok "negative: the week check accepts a wrong week length"
else ok "negative: the week check refuses a wrong week length"; fi
# The old fixed 7x24 h weeks put the summer week's start at 01:00 local.
check "summer week starts at 00:00 local (22:00 UTC)" test "$(python3 -c "import json,datetime;print(datetime.datetime.utcfromtimestamp(json.load(open('$T/autumn.json'))['weeks'][0]['start_us']/1e6).strftime('%H:%M'))")" = 22:00

# --- bad -e
$F -o $T/x.db -e 2026-11-17 -w 1 -n 1 >/dev/null 2>$T/err; rc=$?
[ $rc -eq 2 ] && grep -q 'not a Monday' $T/err && ok "-e on a Tuesday: exit 2 with a message" || nok "-e Tuesday: rc=$rc"
$F -o $T/x.db -e 2026-13-01 -w 1 -n 1 >/dev/null 2>&1
check "-e not a date: exit 2" test $? -eq 2

echo "# $n tests, $fail failed"
[ $fail -eq 0 ]
