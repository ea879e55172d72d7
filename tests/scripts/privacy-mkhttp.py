#!/usr/bin/env python3
"""privacy-mkhttp.py OUT.pcap: one HTTP GET with a query string and a full
browser user agent, 192.0.2.77 -> 203.0.113.80:80 (synthetic, TEST-NET)."""
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def pkt(src, dst, sp, dp, seq, ack, flags, data=b""):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp

c, s = bytes([192, 0, 2, 77]), bytes([203, 0, 113, 80])
req = (b"GET /v1/chat/completions?user=jan.jansen&token=s3cr3t#frag HTTP/1.1\r\n"
       b"Host: api.openai.com\r\n"
       b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
       b"(KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36\r\n\r\n")
resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
ps = [pkt(c, s, 40000, 80, 1000, 0, 0x02), pkt(s, c, 80, 40000, 5000, 1001, 0x12),
      pkt(c, s, 40000, 80, 1001, 5001, 0x10), pkt(c, s, 40000, 80, 1001, 5001, 0x18, req),
      pkt(s, c, 80, 40000, 5001, 1001 + len(req), 0x18, resp),
      pkt(c, s, 40000, 80, 1001 + len(req), 5001 + len(resp), 0x11),
      pkt(s, c, 80, 40000, 5001 + len(resp), 1002 + len(req), 0x11)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = int(sys.argv[2]) if len(sys.argv) > 2 else 1795430000
    for i, p in enumerate(ps):
        f.write(struct.pack("<IIII", t, i * 1000, len(p), len(p)) + p)
