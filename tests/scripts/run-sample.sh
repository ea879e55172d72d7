#!/bin/sh
# run-sample.sh - `make run`: replay the bundled sample capture through the
# sensor into var/ (EVE JSON + SQLite), print what it found, then serve the
# dashboard on 127.0.0.1 over that database with a generated first login,
# in the foreground until Ctrl-C.
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
import collections, json
ev = [json.loads(l) for l in open("var/eve.json")]
c = collections.Counter(e["event_type"] for e in ev)
print("EVE events in var/eve.json: " + ", ".join("%s %d" % kv for kv in sorted(c.items())))
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
[ -x build/shadowtap-dashboard ] || { echo "run: build/shadowtap-dashboard missing" >&2; exit 1; }
port=${PORT:-8080}
rm -f var/dashboard-state.db var/dashboard-state.db-wal var/dashboard-state.db-shm
echo
echo "== dashboard: http://127.0.0.1:$port/"
echo "   first login (printed once):"
build/shadowtap-dashboard --state var/dashboard-state.db --add-user admin --role admin </dev/null | sed 's/^/   /'
build/shadowtap-dashboard --state var/dashboard-state.db --add-user officer --role privacy_officer </dev/null | sed 's/^/   /'
echo "   Ctrl-C stops the dashboard."
exec build/shadowtap-dashboard --db var/shadowtap.db --state var/dashboard-state.db --listen 127.0.0.1:$port
