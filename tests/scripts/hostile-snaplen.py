#!/usr/bin/env python3
"""hostile-snaplen.py SENSOR OUTDIR SNAP PCAP...: for each capture, a copy
cut to SNAP bytes per packet (editcap -s), then the names (TLS SNI, DNS
query names, HTTP Host) tshark finds in the cut copy against the sensor's
EVE for the same copy.  Prints TAP lines.

A name tshark shows in the cut copy but not in the whole capture is a
line the snap length cut in the middle ("www.exam"): the sensor reports
only complete header lines, so those are known differences, listed and not
failures.  A name the sensor reports must be one tshark finds in the whole
capture (nothing invented from a cut packet)."""
import json, os, subprocess, sys

sensor, out, snap, pcaps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
FIELDS = ["tls.handshake.extensions_server_name", "dns.qry.name", "http.host"]

def strip_port(v):
    """http.host keeps the port; the sensor reports the name only."""
    if v.startswith("["):
        return v[1:v.index("]")] if "]" in v else v
    if v.count(":") == 1:
        return v.split(":")[0]
    return v

def wire_style(n):
    """tshark writes control bytes in names as \\ooo (octal)."""
    return "".join("\\%03o" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f else c
                   for c in n)

def tshark_names(path):
    r = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields"] +
                       sum([["-e", f] for f in FIELDS], []),
                       capture_output=True, text=True, errors="replace")
    names = set()
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        for i, col in enumerate(cols):
            for v in col.split(","):
                v = v.strip().lower().rstrip(".")
                if v and i == 2:
                    v = strip_port(v)
                if v:
                    names.add(v)
    return names

def sensor_names(path, eve):
    if os.path.exists(eve):
        os.unlink(eve)
    # Address mode: names are compared as sent (pseudonym mode withholds
    # mDNS/LLMNR device names, which tshark shows).
    conf = os.path.join(out, "addr.yaml")
    with open(conf, "w") as c:
        c.write("privacy:\n  eve_clients: address\n")
    r = subprocess.run([sensor, "-c", conf, "-r", path, "--all-flows",
                        "-e", eve], capture_output=True, text=True)
    names, stats = set(), {}
    for l in open(eve, encoding="utf-8"):
        e = json.loads(l)
        t = e["event_type"]
        if t == "tls" and e["tls"].get("sni"):
            names.add(e["tls"]["sni"])
        elif t == "quic" and e["quic"].get("sni"):
            names.add(e["quic"]["sni"])
        elif t == "dns" and e["dns"].get("rrname"):
            names.add(e["dns"]["rrname"])
        elif t == "http" and e["http"].get("hostname"):
            names.add(e["http"]["hostname"])
        elif t == "stats":
            stats = e["stats"]
    return r.returncode, {wire_style(n) for n in names}, stats

fails = tot_t = tot_o = cuts = 0
for pc in pcaps:
    base = os.path.basename(pc).rsplit(".", 1)[0]
    if base == "input":		# tests/cases/NAME/input.pcap
        base = os.path.basename(os.path.dirname(pc))
    cut = os.path.join(out, "%s-s%d.pcap" % (base, snap))
    if subprocess.run(["editcap", "-s", str(snap), pc, cut],
                      capture_output=True).returncode != 0:
        print("ok - snaplen %d %s # skip editcap failed" % (snap, base))
        continue
    whole, tcut = tshark_names(pc), tshark_names(cut)
    rc, ours, st = sensor_names(cut, os.path.join(out, base + ".json"))
    known = tcut - whole
    want = tcut & whole
    missing = want - ours
    invented = {n for n in ours - whole if "\\" not in json.dumps(n)[1:-1]}
    cuts += st.get("shadowtap", {}).get("decoder", {}).get("snaplen_cut", 0)
    tcp_cut = st.get("shadowtap", {}).get("dpi", {}).get("snap_cut_parsed", 0)
    tot_t += len(want)
    tot_o += len(want & ours)
    good = rc == 0 and not missing and not invented
    print("%s - snaplen %d %s: %d/%d names tshark finds, %d segments parsed cut%s" % (
        "ok" if good else "not ok", snap, base, len(want & ours), len(want), tcp_cut,
        " (known: %d cut mid-line)" % len(known) if known else ""))
    if not good:
        fails += 1
        print("#   rc %d missing %s invented %s" % (rc, sorted(missing)[:8],
                                                  sorted(invented)[:8]))
print("# snaplen %d: %d of %d tshark names found, %d packets counted as cut" %
      (snap, tot_o, tot_t, cuts))
sys.exit(1 if fails else 0)
