#!/usr/bin/env python3
"""ecs.py ECS.md EVE... - check the docs/ECS.md table against real events (TAP).

Every EVE field of the table must occur in the events with the listed JSON
type; every key of the events that Suricata's schema knows must be in the
table (or be a stats counter or a member of an object that is)."""
import collections, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = {"string": str, "integer": int, "array": list, "boolean": bool, "object": dict}


def walk(o, p, out):
    if isinstance(o, dict):
        for k, v in o.items():
            walk(v, p + "." + k if p else k, out)
        return
    if isinstance(o, list) and o and isinstance(o[0], dict):
        for v in o:
            walk(v, p + "[]", out)
    out[p].add(type(o))


def main(md, files):
    rows = {}
    for line in open(md):
        m = re.match(r"\|\s*([a-z_][a-z0-9_.\[\]]*)\s*\|\s*(\w+)\s*\|", line)
        if m:
            rows[m.group(1)] = m.group(2)
    seen = collections.defaultdict(set)
    for fn in files:
        for line in open(fn):
            if line.strip():
                walk(json.loads(line), "", seen)
    suri = json.load(open(os.path.join(HERE, "suricata-schema.json")))

    def in_suri(path):
        s = suri
        for part in path.replace("[]", ".[]").split("."):
            if part == "[]":
                s = s.get("items", {})
                continue
            s = s.get("properties", {}).get(part)
            if s is None:
                return False
        return True

    bad = [f for f, t in rows.items() if not (seen.get(f) and seen[f] <= {TYPES[t]} |
                                              ({int} if t == "number" else set()))]
    print(("ok" if rows and not bad else "not ok") +
          " - ecs: %d table fields all occur with their type%s" % (len(rows), " (bad: %s)" % bad if bad else ""))
    miss = sorted(p for p in seen if in_suri(p) and p not in rows and not p.startswith("stats.")
                  and not p.startswith("alert.shadowtap"))
    print(("ok" if not miss else "not ok") + " - ecs: every Suricata-shared field seen is mapped%s"
          % (" (missing: %s)" % miss if miss else ""))
    return 1 if bad or miss else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
