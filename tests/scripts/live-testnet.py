#!/usr/bin/env python3
"""live-testnet.py IN.pcap OUT.pcap [COUNT [MAXLEN]] - copy the first COUNT
packets (0: all) of a classic Ethernet pcap with every IP address moved into TEST-NET, for
replaying over a veth pair (bench-live.sh, suite-live-drops.sh).

IPv4: the low byte is kept, the top bit picks 198.51.100.0/24 or
203.0.113.0/24; IPv6: the low 96 bits are kept under 2001:db8::/32.  The
IPv4 header checksum and TCP/UDP/ICMPv6 checksums are updated
incrementally (RFC 1624), so a checksum that was right stays right.
Packets whose addresses cannot be rewritten (ARP, a bogus IP version, a
header cut short) are left out, and so are frames longer than MAXLEN
(default 1514: a tap's Ethernet; the larger ones are offload artefacts of
the captures and would not fit a 1500-byte MTU); addresses inside tunnels are not rewritten
(they never leave the namespace either).  Prints kept and skipped counts.
"""
import struct
import sys

V4 = (bytes([198, 51, 100]), bytes([203, 0, 113]))
V6 = bytes([0x20, 0x01, 0x0d, 0xb8])


def csum_fix(old_csum, old, new):
    """RFC 1624 eqn 3: HC' = ~(~HC + ~m + m') over 16-bit words."""
    s = (~old_csum) & 0xffff
    for i in range(0, len(old), 2):
        s += (~((old[i] << 8) | old[i + 1])) & 0xffff
        s += (new[i] << 8) | new[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def map4(a):
    return V4[a[0] >> 7] + a[3:4]


def map6(a):
    return V6 + a[4:]


def l4_fix(pkt, off, end, proto, old, new):
    """Fix the TCP/UDP/ICMPv6 checksum at off for changed pseudo-header
    addresses old -> new."""
    if proto == 6 and end - off >= 20:
        at = off + 16
    elif proto == 17 and end - off >= 8:
        at = off + 6
        if pkt[at] == 0 and pkt[at + 1] == 0:
            return		# no UDP checksum (IPv4)
    elif proto == 58 and end - off >= 4:
        at = off + 2
    else:
        return
    c = csum_fix((pkt[at] << 8) | pkt[at + 1], old, new)
    if proto == 17 and c == 0:
        c = 0xffff
    pkt[at:at + 2] = struct.pack(">H", c)


def rewrite(pkt):
    """Rewrite in place; False when the packet is to be left out."""
    off = 12
    if len(pkt) < 14:
        return False
    et = (pkt[12] << 8) | pkt[13]
    while et in (0x8100, 0x88a8) and len(pkt) >= off + 6:
        off += 4
        et = (pkt[off] << 8) | pkt[off + 1]
    off += 2
    if et == 0x0800:
        if len(pkt) < off + 20 or pkt[off] >> 4 != 4:
            return False
        ihl = (pkt[off] & 15) * 4
        if ihl < 20 or len(pkt) < off + ihl:
            return False
        old = bytes(pkt[off + 12:off + 20])
        new = map4(old[0:4]) + map4(old[4:8])
        pkt[off + 12:off + 20] = new
        c = csum_fix((pkt[off + 10] << 8) | pkt[off + 11], old, new)
        pkt[off + 10:off + 12] = struct.pack(">H", c)
        frag = ((pkt[off + 6] & 0x1f) << 8) | pkt[off + 7]
        if frag == 0:
            l4_fix(pkt, off + ihl, len(pkt), pkt[off + 9], old, new)
        return True
    if et == 0x86dd:
        if len(pkt) < off + 40 or pkt[off] >> 4 != 6:
            return False
        old = bytes(pkt[off + 8:off + 40])
        new = map6(old[0:16]) + map6(old[16:32])
        pkt[off + 8:off + 40] = new
        l4_fix(pkt, off + 40, len(pkt), pkt[off + 6], old, new)
        return True
    return et not in (0x0806, 0x8035)	# ARP/RARP carry addresses


def main():
    src, dst = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    maxlen = int(sys.argv[4]) if len(sys.argv) > 4 else 1514
    kept = skipped = 0
    with open(src, "rb") as f, open(dst, "wb") as o:
        gh = f.read(24)
        if len(gh) != 24:
            sys.exit("live-testnet: %s: not a pcap file" % src)
        magic = struct.unpack("<I", gh[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            e = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            e = ">"
        else:
            sys.exit("live-testnet: %s: not a classic pcap file" % src)
        if struct.unpack(e + "I", gh[20:24])[0] != 1:
            sys.exit("live-testnet: %s: not an Ethernet capture" % src)
        o.write(gh)
        while count == 0 or kept < count:
            h = f.read(16)
            if len(h) < 16:
                break
            ts, us, cap, wire = struct.unpack(e + "IIII", h)
            if cap > 262144:
                sys.exit("live-testnet: %s: bad record length %d" % (src, cap))
            pkt = bytearray(f.read(cap))
            if len(pkt) < cap:
                break
            if wire > maxlen or cap > maxlen or not rewrite(pkt):
                skipped += 1
                continue
            o.write(h)
            o.write(pkt)
            kept += 1
    print("%d %d" % (kept, skipped))


if __name__ == "__main__":
    main()
