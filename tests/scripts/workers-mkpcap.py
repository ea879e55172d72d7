#!/usr/bin/env python3
"""workers-mkpcap.py OUT.pcap [CLIENTS]: DNS then TLS for many clients, for
the multi-core tests (TEST-NET addresses only).  Client i (192.0.2.10+i)
asks the resolver 198.51.100.53 for api.openai.com, is answered
203.0.113.100+i, then opens a TLS connection to that address with no server
name (named only by the DNS answer), and one to 198.51.100.200+i for which it
made no lookup (a tls_no_sni visibility).  Both directions of every flow.
"""
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

ETH = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"

def ip4(src, dst, proto, l4):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, src, dst)
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + l4

def tcp(src, dst, sp, dp, seq, ack, flags, data=b""):
    t = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ph = src + dst + struct.pack("!BBH", 0, 6, len(t))
    t = t[:16] + struct.pack("!H", csum(ph + t)) + t[18:]
    return ETH + ip4(src, dst, 6, t)

def udp(src, dst, sp, dp, data):
    u = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
    ph = src + dst + struct.pack("!BBH", 0, 17, len(u))
    u = u[:6] + struct.pack("!H", csum(ph + u) or 0xffff) + u[8:]
    return ETH + ip4(src, dst, 17, u)

def tcp_session(c, s, sp, dp, req, resp=b""):
    ps = [tcp(c, s, sp, dp, 1000, 0, 0x02), tcp(s, c, dp, sp, 5000, 1001, 0x12),
          tcp(c, s, sp, dp, 1001, 5001, 0x10), tcp(c, s, sp, dp, 1001, 5001, 0x18, req)]
    if resp:
        ps.append(tcp(s, c, dp, sp, 5001, 1001 + len(req), 0x18, resp))
    ps += [tcp(c, s, sp, dp, 1001 + len(req), 5001 + len(resp), 0x11),
           tcp(s, c, dp, sp, 5001 + len(resp), 1002 + len(req), 0x11)]
    return ps

def client_hello_no_sni():
    alpn = b"\x02h2"
    ext = struct.pack("!HHH", 16, len(alpn) + 2, len(alpn)) + alpn
    body = (b"\x03\x03" + bytes(range(32)) + b"\0" + struct.pack("!H", 4) +
            b"\x13\x01\xc0\x2f" + b"\x01\x00" + struct.pack("!H", len(ext)) + ext)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs

def qname(name):
    return b"".join(bytes([len(l)]) + l for l in name.split(b".")) + b"\0"

def dns_query(qid, name):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname(name) + struct.pack("!HH", 1, 1)

def dns_answer(qid, name, addr):
    return (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + qname(name) +
            struct.pack("!HH", 1, 1) + struct.pack("!HHHIH", 0xc00c, 1, 1, 300, 4) + addr)

n = int(sys.argv[2]) if len(sys.argv) > 2 else 16
R = bytes([198, 51, 100, 53])
ps = []
for i in range(n):
    c = bytes([192, 0, 2, 10 + i])
    s = bytes([203, 0, 113, 100 + i])
    ps.append(udp(c, R, 30000 + i, 53, dns_query(0x100 + i, b"api.openai.com")))
    ps.append(udp(R, c, 53, 30000 + i, dns_answer(0x100 + i, b"api.openai.com", s)))
for i in range(n):
    c = bytes([192, 0, 2, 10 + i])
    ps += tcp_session(c, bytes([203, 0, 113, 100 + i]), 40000 + i, 443,
                      client_hello_no_sni())
    ps += tcp_session(c, bytes([198, 51, 100, 200 + i % 50]), 41000 + i, 443,
                      client_hello_no_sni())
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = 1795430000
    for i, p in enumerate(ps):
        f.write(struct.pack("<IIII", t + i // 1000, (i % 1000) * 1000, len(p), len(p)) + p)
