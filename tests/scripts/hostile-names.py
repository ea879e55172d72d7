#!/usr/bin/env python3
"""hostile-names.py EVE DB: TAP checks on the sensor's output for
hostile-mkpcap.py's capture (issue 15): names with a NUL are reported whole
and attributed by their tail, HTTP control bytes are flagged, every EVE line
is JSON, every TEXT value in the database reads as UTF-8 in Python and
`sqlite3 -json` of every table parses."""
import json, sqlite3, subprocess, sys

eve, dbp = sys.argv[1], sys.argv[2]
fails = 0

def ok(cond, name, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + "hostile names: " + name)
    if not cond:
        fails += 1
        if detail:
            print("#   " + str(detail)[:300])

lines = open(eve, "rb").read().splitlines()
evs, bad = [], 0
for l in lines:
    try:
        evs.append(json.loads(l.decode("utf-8")))
    except Exception:
        bad += 1
ok(bad == 0 and evs, "every EVE line is UTF-8 JSON (%d lines)" % len(lines))

def ev(t, key, val):
    return [e for e in evs if e.get("event_type") == t and
            e.get(t, {}).get(key) == val]

NAMES = {"tls_sni": "evil\0hidden.chat.openai.com",
         "http_host": "evil\0.chat.openai.com",
         "dns_query": "x\0y.chat.openai.com"}
for mb, name in NAMES.items():
    a = ev("ai", "host", name)
    ok(len(a) == 1 and a[0]["ai"]["service"] == "chatgpt" and
       a[0]["ai"]["matched_by"] == mb,
       "%s %r kept whole and attributed to chatgpt by its tail" % (mb, name),
       [e.get("ai") for e in evs if e.get("event_type") == "ai"])
    v = ev("visibility", "detail", name)
    ok(len(v) == 1 and v[0]["visibility"]["kind"] == "name_nul",
       "%s %r: one name_nul visibility event with the raw name" % (mb, name))
ok(len(ev("tls", "sni", NAMES["tls_sni"])) == 1, "tls event sni not cut at the NUL")
ok(len(ev("http", "hostname", NAMES["http_host"])) == 1, "http event hostname not cut at the NUL")
ok(len(ev("dns", "rrname", NAMES["dns_query"])) == 1, "dns event rrname not cut at the NUL")
alerts = [e["alert"]["signature"] for e in evs if e.get("event_type") == "alert"]
ok(not any(s.endswith("(evil)") for s in alerts), "alert signatures not cut at the NUL", alerts)
# Negative: a name without a NUL raises no name_nul event.
ok(len([e for e in evs if e.get("event_type") == "visibility" and
        e["visibility"]["kind"] == "name_nul"]) == 3,
   "exactly three name_nul events (names without a NUL raise none)")

h = ev("http", "url", "/v1/\x01\x1b[31mred\x7f")
ok(len(h) == 1 and h[0]["http"].get("anomaly") == "invalid_target" and
   h[0]["http"]["hostname"] == "api.openai.com",
   "HTTP request with control bytes in the target: http event, anomaly flag, escaped target",
   [e.get("http") for e in evs if e.get("event_type") == "http"])
ok(any(e["ai"]["host"] == "api.openai.com" and e["ai"]["matched_by"] == "http_host"
       for e in evs if e.get("event_type") == "ai"),
   "... and its Host is still attributed")
ok(all("anomaly" not in e["http"] for e in evs if e.get("event_type") == "http"
       and e["http"]["url"] == "/"), "a clean request has no anomaly flag")
st = [e for e in evs if e.get("event_type") == "stats"]
dec = st[-1]["stats"] if st else {}
ok(bool(st) and '"http_anomalies": 1' in json.dumps(dec) and
   '"name_nul": 3' in json.dumps(dec), "stats count http_anomalies 1 and name_nul 3")

db = sqlite3.connect(dbp)
tabs = [r[0] for r in db.execute(
    "select name from sqlite_master where type='table' and name not like 'sqlite_%'")]
errs, ntext = [], 0
for t in tabs:
    cols = list(db.execute('pragma table_info("%s")' % t))
    for c in cols:
        try:
            for (v,) in db.execute('select "%s" from "%s"' % (c[1], t)):
                if isinstance(v, str):
                    ntext += 1
                    if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in v):
                        errs.append("%s.%s control char %r" % (t, c[1], v))
        except Exception as e:
            errs.append("%s.%s: %s" % (t, c[1], e))
    # sqlite3 -json: BLOB columns (sealed identities) as hex().
    sel = ",".join('hex("%s")' % c[1] if c[2].upper() == "BLOB" else '"%s"' % c[1]
                   for c in cols)
    out = subprocess.run(["sqlite3", "-json", dbp, 'select %s from "%s"' % (sel, t)],
                         capture_output=True)
    try:
        json.loads(out.stdout.decode("utf-8") or "[]")
    except Exception as e:
        errs.append("sqlite3 -json %s: %s" % (t, e))
ok(not errs and ntext > 0,
   "python sqlite3 reads every TEXT value of %d tables (%d values) as UTF-8 "
   "without control bytes; sqlite3 -json parses" % (len(tabs), ntext), errs)
hosts = {r[0] for r in db.execute("select host from flows")}
ok("evil\\u0000hidden.chat.openai.com" in hosts and
   "\\xff\\xfe\\u001b[2j\\u007f.example.com" in hosts and
   "h\\xe9llo.example.net" in hosts,
   "flows.host holds the EVE spelling (\\u0000, \\xNN, \\u001b)", sorted(hosts))
ai = {(r[0], r[1]) for r in db.execute("select service, host from ai_events")}
ok(("chatgpt", "x\\u0000y.chat.openai.com") in ai, "ai_events keeps the whole DNS name", ai)
url = {r[0] for r in db.execute("select url from http")}
ok("/v1/\\u0001\\u001b[31mred\\u007f" in url,
   "http.url escaped like EVE (only AI flows keep http rows)", url)
sys.exit(1 if fails else 0)
