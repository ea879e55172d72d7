#!/bin/sh
# bench-live.sh - `make bench-live`: live capture over a veth pair between
# two network namespaces.  tcpreplay (pinned to core 1) replays the first
# PKTS (300,000) packets of bench/mixed.pcap, addresses moved into TEST-NET
# (live-testnet.py), at rising rates (RATES Mbit/s, then --topspeed) to the
# sensor or Suricata capturing on the other end (pinned to core 0), a fresh
# process per step.  Kernel drops come from the sensor's final EVE stats
# event (pcap_stats ps_drop + ps_ifdrop: capture.kernel_drops and
# kernel_ifdrops) and Suricata's shutdown line (af-packet, same kernel
# counter).  Prints a table and writes docs/BENCHMARKS.md's "Live capture"
# section.  A benchmark, never a test: it does not fail on speed.  Needs
# root (netns, veth); cleans the namespaces up on exit.  Bounded in time:
# every step has a deadline (replay + 60 s).
# SENSOR=path, PKTS=n, RATES="50 100 ...", CONFIGS="ring64 ring2 ..." (see
# below), SURICATA=0 to leave Suricata out, NOTE=text for the section.
set -eu
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
	echo "bench-live: needs root (ip netns, veth); nothing measured" >&2
	exit 0
fi
for t in ip tcpreplay taskset python3; do
	command -v $t >/dev/null || { echo "bench-live: $t missing (make deps-bench)" >&2; exit 2; }
done
PKTS=${PKTS:-300000}
[ -s bench/mixed.pcap ] || BUILD_ONLY=1 sh tests/scripts/bench.sh
[ -s bench/mixed.pcap ] || { echo "bench-live: no bench/mixed.pcap" >&2; exit 2; }
LIVE=bench/live-$PKTS.pcap
if [ ! -s "$LIVE" ] || [ "$LIVE" -ot bench/mixed.pcap ]; then
	echo "bench-live: $LIVE: first $PKTS packets of bench/mixed.pcap in TEST-NET"
	python3 tests/scripts/live-testnet.py bench/mixed.pcap "$LIVE" "$PKTS" >/dev/null
fi
TX=stlb-tx-$$ RX=stlb-rx-$$ TXIF=stlbt$$ RXIF=stlbr$$
cleanup() {
	ip netns del "$TX" 2>/dev/null || true
	ip netns del "$RX" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$TX"
ip netns add "$RX"
ip link add "$TXIF" type veth peer name "$RXIF"
ip link set "$TXIF" netns "$TX"
ip link set "$RXIF" netns "$RX"
for ns in "$TX" "$RX"; do	# no IPv6 chatter (router solicitations) on the wire
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$TX" addr add 198.51.100.1/24 dev "$TXIF"
ip -n "$RX" addr add 192.0.2.1/24 dev "$RXIF"
ip -n "$TX" link set "$TXIF" up
ip -n "$RX" link set "$RXIF" up
ip -n "$TX" link set lo up
ip -n "$RX" link set lo up
TX=$TX RX=$RX TXIF=$TXIF RXIF=$RXIF LIVE=$LIVE python3 tests/scripts/bench-live.py
