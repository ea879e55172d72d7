#!/usr/bin/python3
"""Insert an 802.1Q tag into the frames of one IPv4 host pair of a classic pcap.

  vlan-tag.py IN OUT VID ADDR_A ADDR_B

The capture kernel used to build the sample may lack 802.1Q support
(CONFIG_VLAN_8021Q), so the VLAN segment of tests/data/sample.pcap is made by
tagging, after capture, every Ethernet/IPv4 frame (and ARP for the pair)
exchanged between ADDR_A and ADDR_B.  Payloads stay exactly as captured.
"""
import socket
import struct
import sys


def main():
    src, dst, vid, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    pair = {socket.inet_aton(a), socket.inet_aton(b)}
    data = open(src, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1" or magic == b"\x4d\x3c\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4" or magic == b"\xa1\xb2\x3c\x4d":
        e = ">"
    else:
        sys.exit("%s: not a classic pcap file" % src)
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("%s: link type %d, expected Ethernet (1)" % (src, linktype))
    out = [data[:24]]
    off, tagged = 24, 0
    tag = struct.pack("!HH", 0x8100, vid & 0x0FFF)
    while off + 16 <= len(data):
        ts_s, ts_u, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        hit = False
        if len(frame) >= 34 and frame[12:14] == b"\x08\x00":
            hit = {frame[26:30], frame[30:34]} == pair
        elif len(frame) >= 42 and frame[12:14] == b"\x08\x06":
            hit = {frame[28:32], frame[38:42]} == pair
        if hit:
            frame = frame[:12] + tag + frame[12:]
            incl += 4
            orig += 4
            tagged += 1
        out.append(struct.pack(e + "IIII", ts_s, ts_u, incl, orig) + frame)
    open(dst, "wb").write(b"".join(out))
    print("vlan-tag: %d frames tagged with VLAN %d" % (tagged, vid))


if __name__ == "__main__":
    main()
