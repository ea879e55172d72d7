#!/usr/bin/env python3
"""hostile-mkpcap.py OUT.pcap: synthetic hostile names (issue 15), TEST-NET
addresses only.  Flows, in this order:
  1. TLS ClientHello, SNI b"evil\\0hidden.chat.openai.com"   (192.0.2.10:40001 -> 203.0.113.10:443)
  2. HTTP GET, Host b"evil\\0.chat.openai.com"                (192.0.2.10:40002 -> 203.0.113.11:80)
  3. DNS query b"x\\0y.chat.openai.com" A                     (192.0.2.10:40003 -> 198.51.100.53:53)
  4. HTTP GET with control bytes in the target, Host api.openai.com
                                                              (192.0.2.10:40004 -> 203.0.113.12:80)
  5. TLS ClientHello, SNI with invalid UTF-8, ESC and DEL      (192.0.2.10:40005 -> 203.0.113.13:443)
  6. HTTP GET with invalid UTF-8 in target, Host and UA        (192.0.2.10:40006 -> 203.0.113.14:80)
hostile-mkpcap.py OUT.pcap post-a: instead, one POST of 60 KB of 'a' to
api.openai.com (192.0.2.10:40100 -> 203.0.113.20:80), the regex budget case.
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

def client_hello(sni):
    ext = b""
    sn = b"\0" + struct.pack("!H", len(sni)) + sni
    ext += struct.pack("!HH", 0, len(sn) + 2) + struct.pack("!H", len(sn)) + sn
    alpn = b"\x02h2"
    ext += struct.pack("!HHH", 16, len(alpn) + 2, len(alpn)) + alpn
    body = (b"\x03\x03" + bytes(range(32)) + b"\0" + struct.pack("!H", 4) +
            b"\x13\x01\xc0\x2f" + b"\x01\x00" + struct.pack("!H", len(ext)) + ext)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs

def dns_query(labels):
    q = b"".join(bytes([len(l)]) + l for l in labels) + b"\0"
    return struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)

C = bytes([192, 0, 2, 10])
R = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
ps = []
ps += tcp_session(C, bytes([203, 0, 113, 10]), 40001, 443,
                  client_hello(b"evil\0hidden.chat.openai.com"))
ps += tcp_session(C, bytes([203, 0, 113, 11]), 40002, 80,
                  b"GET / HTTP/1.1\r\nHost: evil\0.chat.openai.com\r\n\r\n", R)
ps.append(udp(C, bytes([198, 51, 100, 53]), 40003, 53,
              dns_query([b"x\0y", b"chat", b"openai", b"com"])))
ps += tcp_session(C, bytes([203, 0, 113, 12]), 40004, 80,
                  b"GET /v1/\x01\x1b[31mred\x7f HTTP/1.1\r\nHost: api.openai.com\r\n\r\n", R)
ps += tcp_session(C, bytes([203, 0, 113, 13]), 40005, 443,
                  client_hello(b"\xff\xfe\x1b[2J\x7f.example.com"))
ps += tcp_session(C, bytes([203, 0, 113, 14]), 40006, 80,
                  b"GET /caf\xe9\xc0\x80 HTTP/1.1\r\nHost: h\xe9llo.example.net\r\n"
                  b"User-Agent: ua\xff\xfe\r\n\r\n", R)
if len(sys.argv) > 2 and sys.argv[2] == "post-a":
    # One cleartext POST of 60 KB of 'a' to an AI host, in 1400-byte
    # segments (the regex CPU budget case, issue 15).
    c, s = C, bytes([203, 0, 113, 20])
    body = b"a" * 60000
    req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: api.openai.com\r\n"
           b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    ps = [tcp(c, s, 40100, 80, 1000, 0, 0x02), tcp(s, c, 80, 40100, 5000, 1001, 0x12),
          tcp(c, s, 40100, 80, 1001, 5001, 0x10)]
    for off in range(0, len(req), 1400):
        ps.append(tcp(c, s, 40100, 80, 1001 + off, 5001, 0x18, req[off:off + 1400]))
    ps += [tcp(s, c, 80, 40100, 5001, 1001 + len(req), 0x18, R),
           tcp(c, s, 40100, 80, 1001 + len(req), 5001 + len(R), 0x11),
           tcp(s, c, 80, 40100, 5001 + len(R), 1002 + len(req), 0x11)]
    sys.argv.pop(2)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    t = int(sys.argv[2]) if len(sys.argv) > 2 else 1795430000
    for i, p in enumerate(ps):
        f.write(struct.pack("<IIII", t, i * 1000, len(p), len(p)) + p)
