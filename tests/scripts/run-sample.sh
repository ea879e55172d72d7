#!/bin/sh
# run-sample.sh - `make run`: replay the bundled sample capture through the
# sensor into var/ (EVE JSON + SQLite) and print what it found.
set -eu
cd "$(dirname "$0")/../.."
mkdir -p var
rm -f var/eve.json var/shadowtap.db var/shadowtap.db-wal var/shadowtap.db-shm
rules=""
[ -f rules/policy.yaml ] && rules="-R rules"
echo "== shadowtap-sensor -r tests/data/sample.pcap $rules -e var/eve.json -d var/shadowtap.db"
# shellcheck disable=SC2086
build/shadowtap-sensor -r tests/data/sample.pcap $rules -e var/eve.json -d var/shadowtap.db
echo
python3 - <<'PY'
import collections, json, sqlite3
ev = [json.loads(l) for l in open("var/eve.json")]
c = collections.Counter(e["event_type"] for e in ev)
print("EVE events in var/eve.json: " + ", ".join("%s %d" % kv for kv in sorted(c.items())))
names = collections.Counter()
for e in ev:
    t = e["event_type"]
    if t in ("tls", "quic") and e[t].get("sni"):
        names["%s %s" % (t, e[t]["sni"])] += 1
    elif t == "http":
        names["http %s" % e["http"]["hostname"]] += 1
print("\nServer names seen (TLS/QUIC SNI, HTTP Host):")
for k, n in sorted(names.items()):
    print("  %-45s %d" % (k, n))
ai = [e for e in ev if e["event_type"] == "ai"]
if ai:
    print("\nAI services (event_type ai):")
    cnt = collections.Counter((e["ai"]["service"], e["ai"]["verdict"], e["ai"]["matched_by"]) for e in ai)
    for (s, v, m), n in sorted(cnt.items()):
        print("  %-28s %-11s via %-11s x%d" % (s, v, m, n))
for kind in ("alert", "visibility"):
    x = [e for e in ev if e["event_type"] == kind]
    if x:
        print("\n%s events:" % kind)
        for e in x[:15]:
            d = e[kind]
            k = d.get("shadowtap", {}).get("kind", "") if kind == "alert" else d.get("kind", "")
            print("  %-10s %s" % (k, d.get("signature") or d.get("detail") or ""))
        if len(x) > 15:
            print("  ... and %d more (left out)" % (len(x) - 15))
db = sqlite3.connect("file:var/shadowtap.db?mode=ro", uri=True)
tabs = [r[0] for r in db.execute("select name from sqlite_master where type='table' order by name")]
print("\nSQLite var/shadowtap.db (schema v%d): " % db.execute("pragma user_version").fetchone()[0] +
      ", ".join("%s %d" % (t, db.execute("select count(*) from %s" % t).fetchone()[0]) for t in tabs))
PY
echo
printf '%s\n' 'Try: grep "\"event_type\":\"alert\"" var/eve.json    or    sqlite3 var/shadowtap.db "select service, verdict, count(*) from ai_events group by 1, 2"'
