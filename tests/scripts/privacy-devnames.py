#!/usr/bin/env python3
"""privacy-devnames.py MODE FILE...: device names in mDNS (.local) names of
EVE files and SQLite databases.  Prints the number of .local names with a
personal label (a label that is not "withheld", not a service label "_x"
and not "local"); MODE "list" also prints them."""
import json, re, sqlite3, sys

NAME = re.compile(r'"(?:rrname|rdata|host)":"([^"]*\.local)\.?"')

def personal(n):
    labels = n.rstrip(".").split(".")[:-1]
    return any(l and l != "withheld" and not l.startswith("_") for l in labels)

found = set()
for fn in sys.argv[2:]:
    if fn.endswith(".db"):
        try:
            db = sqlite3.connect("file:%s?mode=ro" % fn, uri=True)
            rows = db.execute("SELECT rrname, answers FROM dns UNION ALL "
                              "SELECT host, NULL FROM flows").fetchall()
        except sqlite3.Error:
            continue
        text = "\n".join(json.dumps({"rrname": a or ""}) + (b or "") for a, b in rows)
    else:
        text = open(fn, errors="replace").read()
    for m in NAME.finditer(text):
        if personal(m.group(1)):
            found.add(m.group(1))
print(len(found))
if sys.argv[1] == "list":
    for n in sorted(found):
        print(n)
