#!/usr/bin/python3
"""Hand-made traffic for tests/scripts/make-sample.sh.

Everything here talks to TEST-NET addresses given on the command line; it never
chooses a destination itself.  Sub-commands:

  svcb-hex NAME KIND            print HTTPS (type 65) RDATA as hex for dnsmasq --dns-rr
  ech-clienthello IP PORT SNI   TLS 1.3 ClientHello with an ECH (0xfe0d) extension over TCP
  tls-small-mss IP PORT SNI MSS TLS client (python ssl) with TCP_MAXSEG, so the
                                ClientHello spans several TCP segments
  http-small-mss IP PORT HOST MSS  HTTP POST sent in many small segments
  quic-initial IP PORT SNI VER [big]
                                QUIC Initial (RFC 9001 / RFC 9369 initial protection);
                                VER is v1 or v2; "big" adds an ML-KEM-sized key share so
                                the ClientHello spans two Initial packets

Made-up bytes come from a seeded PRNG so reruns produce the same payloads
(except the real X25519 key share and TCP/QUIC state).
"""
import os
import random
import socket
import ssl
import struct
import sys
import time

RNG = random.Random(20240501)


def new_socket(ip, kind):
    """Socket for ip; binds to $BIND (a second client address) when set."""
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    s = socket.socket(fam, kind)
    if os.environ.get("BIND"):
        s.bind((os.environ["BIND"], 0))
    return s


def rbytes(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def ext(t, body):
    return u16(t) + vec16(body)


def qvarint(v):
    if v < 0x40:
        return u8(v)
    if v < 0x4000:
        return u16(0x4000 | v)
    if v < 0x40000000:
        return struct.pack("!I", 0x80000000 | v)
    return struct.pack("!Q", 0xC000000000000000 | v)


# ---------------------------------------------------------------- DNS SVCB


def ech_config_list(public_name):
    """A structurally valid ECHConfigList (draft-ietf-tls-esni) with made-up key bytes."""
    contents = (
        u8(0x42)                      # config_id
        + u16(0x0020)                 # kem_id DHKEM(X25519, HKDF-SHA256)
        + vec16(rbytes(32))           # public_key (made up)
        + vec16(u16(0x0001) + u16(0x0001))  # HKDF-SHA256 / AES-128-GCM
        + u8(0)                       # maximum_name_length
        + vec8(public_name.encode())  # public_name
        + vec16(b"")                  # extensions
    )
    cfg = u16(0xFE0D) + vec16(contents)
    return vec16(cfg)


def svcb_hex(kind):
    def param(k, v):
        return u16(k) + vec16(v)

    alpn = lambda *ids: b"".join(vec8(a.encode()) for a in ids)
    if kind == "ech":
        rdata = (u16(1) + b"\x00"
                 + param(1, alpn("h3", "h2"))
                 + param(4, socket.inet_aton("203.0.113.41"))
                 + param(5, ech_config_list("cloudflare-ech.com")))
    else:
        rdata = (u16(1) + b"\x00"
                 + param(1, alpn("h2", "http/1.1"))
                 + param(4, socket.inet_aton("203.0.113.20"))
                 + param(6, socket.inet_pton(socket.AF_INET6, "2001:db8:2::20")))
    return rdata.hex()


# ---------------------------------------------------------------- TLS ClientHello


def client_hello(sni, *, quic_tp=None, ech=False, big=False, alpn=("h2", "http/1.1")):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pub = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    groups = [0x001D, 0x0017, 0x0018]
    shares = u16(0x001D) + vec16(pub)
    if big:
        # Chromium-like hybrid X25519MLKEM768 share: 1184-byte ML-KEM key + 32-byte X25519.
        groups = [0x11EC] + groups
        shares = u16(0x11EC) + vec16(rbytes(1184) + pub) + shares
    exts = b""
    if sni:
        exts += ext(0, vec16(u8(0) + vec16(sni.encode())))
    if quic_tp is None:
        exts += ext(11, vec8(b"\x00"))                       # ec_point_formats
    exts += ext(10, vec16(b"".join(u16(g) for g in groups)))
    exts += ext(16, vec16(b"".join(vec8(a.encode()) for a in alpn)))
    exts += ext(13, vec16(b"".join(u16(s) for s in
                                   (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601))))
    exts += ext(43, vec8(u16(0x0304) + (b"" if quic_tp is not None else u16(0x0303))))
    exts += ext(45, vec8(b"\x01"))
    exts += ext(51, vec16(shares))
    if quic_tp is not None:
        exts += ext(0x39, quic_tp)
    if ech:
        # Outer ECH extension: type outer(0), HKDF-SHA256/AES-128-GCM, config_id 0x42,
        # made-up 32-byte enc and a made-up encrypted inner ClientHello.
        exts += ext(0xFE0D, u8(0) + u16(1) + u16(1) + u8(0x42) + vec16(rbytes(32)) + vec16(rbytes(208)))
    suites = (0x1301, 0x1302, 0x1303) if quic_tp is not None else \
        (0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8)
    body = (u16(0x0303) + rbytes(32)
            + vec8(b"" if quic_tp is not None else rbytes(32))
            + vec16(b"".join(u16(s) for s in suites))
            + vec8(b"\x00")
            + vec16(exts))
    return u8(1) + u24(len(body)) + body


def ech_clienthello(ip, port, sni):
    ch = client_hello(sni, ech=True)
    record = b"\x16\x03\x01" + vec16(ch)
    with new_socket(ip, socket.SOCK_STREAM) as s:
        s.settimeout(3)
        s.connect((ip, port))
        s.sendall(record)
        got = 0
        try:
            while got < 200000:
                d = s.recv(65536)
                if not d:
                    break
                got += len(d)
                if d[:1] == b"\x16" and got > 100:
                    break
        except socket.timeout:
            pass
        # Close with a fatal alert (user_canceled is not fatal; send handshake_failure)
        try:
            s.sendall(b"\x15\x03\x03\x00\x02\x02\x28")
        except OSError:
            pass
    print("ech-clienthello: sent %d-byte ClientHello, got %d bytes back" % (len(ch), got))


def tls_small_mss(ip, port, sni, mss):
    raw = new_socket(ip, socket.SOCK_STREAM)
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    raw.settimeout(5)
    raw.connect((ip, port))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    with ctx.wrap_socket(raw, server_hostname=sni) as s:
        s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: python-small-mss/1.0\r\n"
                   "Connection: close\r\n\r\n" % sni).encode())
        n = 0
        while True:
            d = s.recv(65536)
            if not d:
                break
            n += len(d)
    print("tls-small-mss: %s via MSS %d, %d bytes back" % (sni, mss, n))


def http_small_mss(ip, port, host, mss):
    body = ('{"model":"llama3","prompt":"Vat dit dossier samen. Klant BSN 111222333, '
            'rekening NL91ABNA0417164300, dossier 2024-0042 (synthetisch testmateriaal).",'
            '"stream":false}').encode()
    head = ("POST /api/generate HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: python-split/1.0\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (host, port, len(body))).encode()
    with new_socket(ip, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.settimeout(5)
        s.connect((ip, port))
        data = head + body
        # Write in small pieces with pauses so segments stay separate on the wire,
        # splitting inside the header block and inside the BSN.
        for i in range(0, len(data), 40):
            s.sendall(data[i:i + 40])
            time.sleep(0.02)
        n = 0
        while True:
            d = s.recv(65536)
            if not d:
                break
            n += len(d)
    print("http-small-mss: %d bytes sent in 40-byte writes, %d bytes back" % (len(data), n))


# ---------------------------------------------------------------- QUIC Initial

QUIC = {
    "v1": dict(version=0x00000001, salt="38762cf7f55934b34d179ae6a4c80cadccbb7f0a",
               key=b"quic key", iv=b"quic iv", hp=b"quic hp", initial_type=0),
    "v2": dict(version=0x6B3343CF, salt="0dede3def700a6db819381be6e269dcbf9bd2ed9",
               key=b"quicv2 key", iv=b"quicv2 iv", hp=b"quicv2 hp", initial_type=1),
}


def hkdf_extract(salt, ikm):
    import hmac
    import hashlib
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand_label(secret, label, length):
    import hmac
    import hashlib
    full = b"tls13 " + label
    info = u16(length) + vec8(full) + vec8(b"")
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + u8(i), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def quic_initial_packets(sni, ver, big, dcid, scid):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    p = QUIC[ver]
    secret = hkdf_expand_label(hkdf_extract(bytes.fromhex(p["salt"]), dcid), b"client in", 32)
    key = hkdf_expand_label(secret, p["key"], 16)
    iv = hkdf_expand_label(secret, p["iv"], 12)
    hp = hkdf_expand_label(secret, p["hp"], 16)

    def tp(i, v):
        return qvarint(i) + qvarint(len(v)) + v
    tps = (tp(0x01, qvarint(30000)) + tp(0x03, qvarint(1472)) + tp(0x04, qvarint(1048576))
           + tp(0x05, qvarint(262144)) + tp(0x06, qvarint(262144)) + tp(0x07, qvarint(262144))
           + tp(0x08, qvarint(100)) + tp(0x09, qvarint(100)) + tp(0x0F, scid))
    ch = client_hello(sni, quic_tp=tps, big=big, alpn=("h3",))

    chunk = 1100
    pieces = [(o, ch[o:o + chunk]) for o in range(0, len(ch), chunk)]
    pkts = []
    for pn, (off, data) in enumerate(pieces):
        frame = b"\x06" + qvarint(off) + qvarint(len(data)) + data
        pn_len = 4
        hdr_wo_len = (u8(0xC0 | (p["initial_type"] << 4) | (pn_len - 1))
                      + struct.pack("!I", p["version"])
                      + vec8(dcid) + vec8(scid) + qvarint(0))  # no token
        # pad so the datagram is at least 1200 bytes
        overhead = len(hdr_wo_len) + 2 + pn_len + 16
        payload = frame + b"\x00" * max(0, 1200 - overhead - len(frame))
        length = pn_len + len(payload) + 16
        header = hdr_wo_len + u16(0x4000 | length) + struct.pack("!I", pn)
        nonce = bytes(a ^ b for a, b in zip(iv, b"\x00" * 8 + struct.pack("!I", pn)))
        ct = AESGCM(key).encrypt(nonce, payload, header)
        sample = ct[4 - pn_len:4 - pn_len + 16]
        enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
        mask = enc.update(sample) + enc.finalize()
        first = bytes([header[0] ^ (mask[0] & 0x0F)])
        pn_off = len(header) - pn_len
        pnb = bytes(a ^ b for a, b in zip(header[pn_off:], mask[1:1 + pn_len]))
        pkts.append(first + header[1:pn_off] + pnb + ct)
    return pkts, len(ch)


def quic_initial(ip, port, sni, ver, big):
    dcid, scid = rbytes(8), rbytes(8)
    pkts, chlen = quic_initial_packets(sni, ver, big, dcid, scid)
    with new_socket(ip, socket.SOCK_DGRAM) as s:
        s.settimeout(1.5)
        s.connect((ip, port))
        for pkt in pkts:
            s.send(pkt)
        replies = []
        try:
            while len(replies) < 8:
                replies.append(s.recv(65536))
        except socket.timeout:
            pass
    kinds = []
    for r in replies:
        v = struct.unpack("!I", r[1:5])[0] if len(r) > 5 and r[0] & 0x80 else None
        kinds.append("VN" if v == 0 else ("long v=%#x" % v if v is not None else "short"))
    print("quic-initial %s %s: ClientHello %d bytes in %d Initial packet(s); replies: %s"
          % (ver, sni, chlen, len(pkts), ", ".join(kinds) or "none"))


def main(argv):
    cmd = argv[1]
    RNG.seed(" ".join(argv[1:]))  # str seeds are stable across runs
    if cmd == "svcb-hex":
        print(svcb_hex(argv[3]))
    elif cmd == "ech-clienthello":
        ech_clienthello(argv[2], int(argv[3]), argv[4])
    elif cmd == "tls-small-mss":
        tls_small_mss(argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif cmd == "http-small-mss":
        http_small_mss(argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif cmd == "quic-initial":
        quic_initial(argv[2], int(argv[3]), argv[4], argv[5], len(argv) > 6 and argv[6] == "big")
    else:
        sys.exit("unknown sub-command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
