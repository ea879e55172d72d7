#!/bin/sh
# make-core-cases.sh - cut the core pcap cases out of tests/data/sample.pcap
# with tshark (see tests/data/sample.md for the stream numbers).  The
# expectations (expect.jsonl) are written by hand and kept in git.
set -eu
cd "$(dirname "$0")/../.."
S=tests/data/sample.pcap
cut() {		# cut NAME DISPLAY-FILTER
	mkdir -p "tests/cases/$1"
	tshark -r "$S" -Y "$2" -w "tests/cases/$1/input.pcap" -F pcap
	echo "$1: $(capinfos -c -M "tests/cases/$1/input.pcap" | awk '/packets/{print $NF}') packets"
}
cut core-tls-split 'tcp.stream == 20'
cut core-tls12 'tcp.stream == 15'
cut core-tls-ipv6 'tcp.stream == 16'
cut core-tls-no-sni 'tcp.stream == 18'
cut core-tls-ech 'tcp.stream == 19'
cut core-lookalike 'tcp.stream == 12 || tcp.stream == 13'
cut core-quic 'udp.port == 443'
cut core-dns 'dns'
cut core-vlan 'vlan'
cut core-http 'tcp.port == 80'
