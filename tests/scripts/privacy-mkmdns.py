#!/usr/bin/env python3
"""privacy-mkmdns.py OUT.pcap: device names in multicast DNS and LLMNR
(synthetic, TEST-NET): 192.0.2.77:5353 -> 198.51.100.251:5353 announces
"Janes-iPhone.local" (A 192.0.2.77) and a PTR to
"Janes-iPhone._companion-link._tcp.local"; 192.0.2.77 asks LLMNR
(198.51.100.252:5355) for "JANES-PC"; and an ordinary DNS lookup of
api.openai.com that must stay as it is."""
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def udp(src, dst, sp, dp, data):
    u = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + u

def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"

def rr(n, t, data, ttl=120):
    return name(n) + struct.pack("!HHIH", t, 1, ttl, len(data)) + data

def msg(qid, flags, qs, ans):
    h = struct.pack("!HHHHHH", qid, flags, len(qs), len(ans), 0, 0)
    return h + b"".join(name(q) + struct.pack("!HH", t, 1) for q, t in qs) + b"".join(ans)

c = bytes([192, 0, 2, 77])
m, l, r = bytes([198, 51, 100, 251]), bytes([198, 51, 100, 252]), bytes([198, 51, 100, 53])
ann = msg(0, 0x8400, [], [rr("Janes-iPhone.local", 1, c),
                          rr("_companion-link._tcp.local", 12,
                             name("Janes-iPhone._companion-link._tcp.local"))])
q = msg(0, 0, [("Janes-iPhone.local", 1)], [])
ll = msg(0x1234, 0, [("JANES-PC", 1)], [])
dq = msg(0x4321, 0x0100, [("api.openai.com", 1)], [])
da = msg(0x4321, 0x8180, [("api.openai.com", 1)], [rr("api.openai.com", 1, bytes([203, 0, 113, 9]))])
ps = [udp(c, m, 5353, 5353, q), udp(c, m, 5353, 5353, ann), udp(c, l, 49152, 5355, ll),
      udp(c, r, 49153, 53, dq), udp(r, c, 53, 49153, da)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1795430000
    for i, p in enumerate(ps):
        f.write(struct.pack("<IIII", t, i * 1000, len(p), len(p)) + p)
