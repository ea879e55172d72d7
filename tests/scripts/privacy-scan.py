#!/usr/bin/env python3
"""privacy-scan.py ADDR_EVE PSEUDO_EVE DB: client addresses (src_ip of the
address-mode EVE run) must not appear, in any textual form, in the
pseudonym-mode EVE file or any table of DB except identities.
Prints one line per finding; exit 1 when any, 0 when clean."""
import ipaddress, json, sqlite3, sys

def forms(a):
    ip = ipaddress.ip_address(a)
    out = set()
    if ip.version == 4:
        out.add(str(ip))
        m = ipaddress.IPv6Address("::ffff:" + str(ip))
        out.update({"::ffff:" + str(ip), m.compressed, m.exploded})
        raw = [ip.packed, m.packed]
    else:
        out.update({ip.compressed, ip.exploded})
        if ip.ipv4_mapped:
            out.update(forms(str(ip.ipv4_mapped))[0])
        raw = [ip.packed]
    return {f.lower() for f in out}, raw

def main():
    addrs, servers = set(), set()
    for line in open(sys.argv[1], errors="replace"):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if "src_ip" in ev:
            addrs.add(ev["src_ip"])
        if "dest_ip" in ev:
            servers.add(ev["dest_ip"])
    # A host that is also a server in some flow (loopback captures, a
    # client that answers) keeps its server address: servers stay.
    addrs -= servers
    pats, raws = set(), set()
    for a in addrs:
        f, r = forms(a)
        pats |= f
        raws.update(r)
    bad = 0
    def check(where, text):
        nonlocal bad
        t = text.lower()
        for p in pats:
            i = t.find(p)
            while i >= 0:
                # a dotted quad must not be the tail of a longer number
                pre = t[i - 1] if i > 0 else " "
                post = t[i + len(p)] if i + len(p) < len(t) else " "
                if not (pre.isalnum() or pre == "." or post.isdigit() or
                        (post == "." and p.count(".") == 3 and
                         i + len(p) + 1 < len(t) and t[i + len(p) + 1].isdigit())):
                    print(f"{where}: {p}")
                    bad += 1
                    break
                i = t.find(p, i + 1)
    for n, line in enumerate(open(sys.argv[2], errors="replace"), 1):
        check(f"{sys.argv[2]}:{n}", line)
    db = sqlite3.connect(f"file:{sys.argv[3]}?mode=ro", uri=True)
    tabs = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")]
    for t in tabs:
        if t == "identities":
            continue
        for row in db.execute(f'SELECT * FROM "{t}"'):
            for v in row:
                if isinstance(v, bytes):
                    for r in raws:
                        if r in v:
                            print(f"{t}: raw address bytes")
                            bad += 1
                    v = v.decode("latin-1")
                if isinstance(v, str):
                    check(t, v)
    print(f"# {len(addrs)} client addresses ({len(servers)} servers), {len(tabs) - 1} tables", file=sys.stderr)
    return 1 if bad else 0

sys.exit(main())
