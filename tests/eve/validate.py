#!/usr/bin/env python3
"""validate.py FILE... - check EVE lines against Suricata's schema and ours.

Every line must validate against
  (1) Suricata's etc/schema.json with additionalProperties relaxed (our
      extra keys allowed; every key Suricata knows must have Suricata's
      type, and its required keys must be there: dns.version, ...);
  (2) docs/eve-schema.json, strict: no key outside Suricata's + ours.
Plus the alert conventions of docs/EVENTS.md.  Prints TAP lines.
"""
import collections, json, os, re, sys
import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SID_LO, SID_HI = 1910000, 1910999


def relax(s):
    if isinstance(s, dict):
        return {k: relax(v) for k, v in s.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(s, list):
        return [relax(v) for v in s]
    return s


def load(p):
    with open(p) as f:
        return json.load(f)


def alert_problems(e):
    a = e["alert"]
    p = []
    if a.get("action") != "allowed":
        p.append("action")
    if a.get("gid") != 1:
        p.append("gid")
    if not (isinstance(a.get("signature_id"), int) and SID_LO <= a["signature_id"] <= SID_HI):
        p.append("signature_id range")
    if a.get("severity") not in (1, 2, 3):
        p.append("severity")
    sig = a.get("signature", "")
    if not sig.startswith("shadowtap: "):
        p.append("signature prefix")
    host = e.get("ai", {}).get("host")
    if host and sig.count(host) > 1:
        p.append("host repeated in signature")
    if not a.get("category"):
        p.append("category")
    return p


def version_problems(e):
    t = e.get("event_type")
    p = []
    if t == "tls" and "version" in e["tls"] and not re.fullmatch(
            r"TLS 1\.[0-3]|SSLv[23]|UNDETERMINED|TLS 1\.3 \(draft\)", e["tls"]["version"]):
        p.append("tls.version %r" % e["tls"]["version"])
    if t == "quic" and "version" in e["quic"] and not re.fullmatch(r"[0-9a-fx]+", e["quic"]["version"]):
        p.append("quic.version %r" % e["quic"]["version"])
    if t == "dns" and e["dns"].get("answers") == []:
        p.append("empty dns answers")
    return p


def main(files):
    suri = jsonschema.Draft202012Validator(relax(load(os.path.join(HERE, "suricata-schema.json"))))
    ours = jsonschema.Draft202012Validator(load(os.path.join(ROOT, "docs", "eve-schema.json")))
    n = 0
    bad = collections.Counter()
    types = collections.Counter()
    sids = collections.defaultdict(set)
    for fn in files:
        with open(fn) as f:
            for ln, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                n += 1
                e = json.loads(line)
                types[e.get("event_type")] += 1
                for name, v in (("suricata", suri), ("shadowtap", ours)):
                    err = next(v.iter_errors(e), None)
                    if err is not None:
                        if bad[name] < 5:
                            print("# %s:%d %s: %s at %s" % (fn, ln, name, err.message[:160],
                                  ".".join(map(str, err.absolute_path))))
                        bad[name] += 1
                vp = version_problems(e)
                if vp:
                    if bad["style"] < 5:
                        print("# %s:%d style: %s" % (fn, ln, ", ".join(vp)))
                    bad["style"] += 1
                if e.get("event_type") == "alert":
                    pr = alert_problems(e)
                    if pr:
                        if bad["alert"] < 5:
                            print("# %s:%d alert: %s" % (fn, ln, ", ".join(pr)))
                        bad["alert"] += 1
                    st = e["alert"].get("shadowtap", {})
                    key = (st.get("kind"), st.get("class") or st.get("rule") if st.get("kind") != "access"
                           else e.get("ai", {}).get("verdict"))
                    sids[e["alert"].get("signature_id")].add(key)
    print("# %d lines: %s" % (n, ", ".join("%s %d" % kv for kv in sorted(types.items()))))
    ok = lambda c, m: print(("ok" if c else "not ok") + " - " + m)
    ok(n > 0, "eve: lines produced (%d)" % n)
    ok(bad["suricata"] == 0, "eve: every line validates against Suricata's schema (%d bad)" % bad["suricata"])
    ok(bad["shadowtap"] == 0, "eve: every line validates against docs/eve-schema.json (%d bad)" % bad["shadowtap"])
    ok(bad["alert"] == 0 and types["alert"] > 0,
       "eve: alerts allowed/gid/sid range/severity/signature text (%d alerts, %d bad)" % (types["alert"], bad["alert"]))
    ok(all(len(v) == 1 for v in sids.values()),
       "eve: one signature_id per alert kind/detector (%d ids)" % len(sids))
    ok(bad["style"] == 0, "eve: tls.version 'TLS 1.x', quic.version digits, no empty dns answers (%d bad)"
       % bad["style"])
    want = ("flow", "dns", "tls", "quic", "http", "stats", "alert")
    miss = [t for t in want if types[t] == 0]
    ok(not miss, "eve: every shared event type seen" + (" (missing %s)" % miss if miss else ""))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
