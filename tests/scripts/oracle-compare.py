#!/usr/bin/env python3
"""oracle-compare.py - compare shadowtap's extracted metadata with tshark's.

Runs the sensor over every capture of ../shared/pcap/ndpi, collects per flow
(normalised 5-tuple) the TLS SNI, QUIC SNI, HTTP Host and DNS query names from
its EVE output, and compares them with tests/oracle/ndpi.tsv (written by
oracle-gen.sh from tshark).  Every difference must be explained in
tests/oracle/known-diffs.tsv (file, kind, value, side, reason); the test fails
on an unexplained difference or when agreement drops below 99 %.
Prints TAP-style "ok"/"not ok" lines and a summary.
"""
import collections, json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PCAPS = os.environ.get("NDPI_PCAPS", os.path.join(ROOT, "..", "shared", "pcap", "ndpi"))
SENSOR = os.environ.get("SENSOR", os.path.join(ROOT, "build", "shadowtap-sensor"))
import atexit, tempfile
_cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
_cfg.write("privacy:\n  eve_clients: address\n")
_cfg.close()
ADDR_CFG = _cfg.name
atexit.register(os.unlink, ADDR_CFG)
ORACLE = os.path.join(ROOT, "tests", "oracle", "ndpi.tsv")
KNOWN = os.path.join(ROOT, "tests", "oracle", "known-diffs.tsv")
KINDS = ("tls_sni", "quic_sni", "http_host", "dns_qname")


def unescape_ours(s):
    """Our JSON shows invalid UTF-8 bytes as \\xNN; tshark as U+FFFD."""
    if "\\x" not in s:
        return s
    out, i = bytearray(), 0
    while i < len(s):
        if s.startswith("\\x", i) and i + 4 <= len(s):
            try:
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            except ValueError:
                pass
        out += s[i].encode("utf-8")
        i += 1
    return out.decode("utf-8", "replace")


def unescape_tshark(s):
    """tshark shows control bytes in names as \\ooo (octal)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


def norm_name(s):
    s = s.strip().lower()
    if s == "<root>":
        return ""
    while s.endswith("."):
        s = s[:-1]
    return s


def strip_port(h):
    h = h.strip()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    if h.count(":") == 1:
        return h.split(":")[0]
    return h


def flow_key(proto, a, ap, b, bp):
    x, y = (a, int(ap)), (b, int(bp))
    return (proto,) + (x + y if x <= y else y + x)


def last(v):
    v = [x for x in v.split(",") if x]
    return v[-1] if v else ""


def load_oracle():
    items = collections.defaultdict(set)
    with open(ORACLE, encoding="utf-8", errors="replace") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 15:
                continue
            (fn, ip4s, ip4d, ip6s, ip6d, ts, td, us, ud, hst, sni, host,
             qname, qver, protos) = c[:15]
            plist = protos.split(":")
            # Innermost IP version: whichever appears last in the stack.
            i4 = max([i for i, p in enumerate(plist) if p == "ip"], default=-1)
            i6 = max([i for i, p in enumerate(plist) if p == "ipv6"], default=-1)
            src, dst = (last(ip4s), last(ip4d)) if i4 > i6 else (last(ip6s), last(ip6d))
            if ts:
                proto, sp, dp = "TCP", last(ts), last(td)
            elif us:
                proto, sp, dp = "UDP", last(us), last(ud)
            else:
                continue
            if not src or not sp:
                continue
            k = flow_key(proto, src, sp, dst, dp)
            if sni and "1" in hst.split(","):
                kind = "quic_sni" if "quic" in plist else "tls_sni"
                items[(fn, kind, k)].add(norm_name(sni.split(",")[0]))
            if host:
                for h in host.split(","):
                    items[(fn, "http_host", k)].add(norm_name(strip_port(h)))
            if qname:
                items[(fn, "dns_qname", k)].add(norm_name(unescape_tshark(qname.split(",")[0])))
    return items


def run_sensor(path):
    items = collections.defaultdict(set)
    # Flows are matched on the client address: address mode (issue 9).
    p = subprocess.run([SENSOR, "-r", path, "-e", "-", "--all-flows", "-c", ADDR_CFG],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    fn = os.path.basename(path)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            items[(fn, "bad_json", ())].add(line[:80])
            continue
        t = ev.get("event_type")
        if "src_port" not in ev:
            continue
        k = flow_key(ev["proto"], ev.get("src_ip", ""), ev["src_port"],
                     ev["dest_ip"], ev["dest_port"])
        if t == "tls" and ev["tls"].get("sni"):
            items[(fn, "tls_sni", k)].add(norm_name(unescape_ours(ev["tls"]["sni"])))
        elif t == "quic" and ev["quic"].get("sni"):
            items[(fn, "quic_sni", k)].add(norm_name(unescape_ours(ev["quic"]["sni"])))
        elif t == "http" and ev["http"].get("hostname"):
            items[(fn, "http_host", k)].add(norm_name(unescape_ours(ev["http"]["hostname"])))
        elif t == "dns" and ev["dns"]["type"] == "query":
            items[(fn, "dns_qname", k)].add(norm_name(unescape_ours(ev["dns"]["rrname"])))
    return items, p.returncode


def load_known():
    known = {}
    if os.path.exists(KNOWN):
        with open(KNOWN, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                c = line.rstrip("\n").split("\t")
                if len(c) >= 5:
                    known[(c[0], c[1], c[2], c[3])] = c[4]
    return known


def main():
    if not os.path.isdir(PCAPS):
        print("ok - oracle # skip: ../shared/pcap/ndpi absent")
        return 0
    if not os.path.exists(ORACLE):
        print("not ok - oracle: %s missing (run tests/scripts/oracle-gen.sh)" % ORACLE)
        return 1
    want = load_oracle()
    files = sorted(f for f in os.listdir(PCAPS) if f.endswith((".pcap", ".pcapng", ".cap")))
    got = collections.defaultdict(set)
    crashes = []
    for fn in files:
        items, rc = run_sensor(os.path.join(PCAPS, fn))
        if rc not in (0, 1):
            crashes.append((fn, rc))
        for k, v in items.items():
            got[k] |= v
    known = load_known()
    stats = collections.Counter()
    unexplained, used = [], set()
    for key in set(want) | set(got):
        fn, kind, k = key
        w, g = want.get(key, set()), got.get(key, set())
        for v in w & g:
            stats[kind, "match"] += 1
        for side, vals in (("tshark_only", w - g), ("ours_only", g - w)):
            for v in vals:
                stats[kind, side] += 1
                kk = (fn, kind, v, side)
                if kk in known or (fn, kind, "*", side) in known:
                    used.add(kk if kk in known else (fn, kind, "*", side))
                else:
                    unexplained.append("%s\t%s\t%s\t%s\t%s" % (fn, kind, v, side, k))
    fails = 0
    total_m = total = 0
    # Deliberately corrupted captures (fuzz-*) have no right answer: their
    # differences must be explained but they are left out of the rate.
    for key in set(want) | set(got):
        if key[0].startswith("fuzz-"):
            w, g = want.get(key, set()), got.get(key, set())
            for side, n in (("match", len(w & g)), ("tshark_only", len(w - g)),
                            ("ours_only", len(g - w))):
                stats[key[1], side] -= n
                stats["fuzz", side] += n
    for kind in KINDS:
        m, a, b = stats[kind, "match"], stats[kind, "tshark_only"], stats[kind, "ours_only"]
        total_m += m
        total += m + a + b
        pct = 100.0 * m / (m + a + b) if m + a + b else 100.0
        print("# %-10s match %5d  tshark-only %4d  ours-only %4d  agreement %.2f%%" % (kind, m, a, b, pct))
    pct = 100.0 * total_m / total if total else 100.0
    print("# overall agreement %.2f%% over %d items, %d captures (fuzz-* excluded: "
          "%d match, %d differ)" % (pct, total, len(files), stats["fuzz", "match"],
                                    stats["fuzz", "tshark_only"] + stats["fuzz", "ours_only"]))
    ok = pct >= 99.0
    print("%s - oracle agreement >= 99%% (%.2f%%)" % ("ok" if ok else "not ok", pct))
    fails += not ok
    print("%s - oracle: every difference explained (%d unexplained)" %
          ("ok" if not unexplained else "not ok", len(unexplained)))
    for u in sorted(unexplained)[:60]:
        print("#   " + u)
    fails += bool(unexplained)
    print("%s - sensor exits cleanly on every capture (%d bad)" %
          ("ok" if not crashes else "not ok", len(crashes)))
    for c in crashes:
        print("#   %s rc=%d" % c)
    fails += bool(crashes)
    stale = set(known) - used
    if stale:
        print("# note: %d known differences no longer occur" % len(stale))
    if os.environ.get("ORACLE_DUMP"):
        with open(os.environ["ORACLE_DUMP"], "w") as f:
            f.write("\n".join(sorted(unexplained)) + "\n")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
