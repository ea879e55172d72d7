#!/bin/sh
# suite-live-drops.sh - kernel drops are counted and reported on live
# capture (not a timing test).  A veth pair between two network namespaces;
# tcpreplay sends synthetic TEST-NET UDP packets to the sensor capturing on
# the other end.  At a low rate the final stats event carries
# capture.kernel_drops = 0; with a 1 MiB ring and the sensor stopped
# (SIGSTOP) while tcpreplay --topspeed sends 8x the ring, the kernel must
# drop, and the drops appear in the stats event, in the database's stats
# table, in the exit summary and on the dashboard's health page.  Skips (counted) when not root or without
# ip netns / tcpreplay.  Bounded: every wait has a deadline.
set -u
cd "$(dirname "$0")/../.." || exit 2
S=${SENSOR:-build/shadowtap-sensor}
skip() {
	for t in "kernel_drops in the stats event, 0 at a low rate" \
	    "tiny ring: kernel_drops > 0 in the stats event" \
	    "tiny ring: drops in the database stats table" \
	    "tiny ring: drops in the exit summary" \
	    "tiny ring: drops on the dashboard's health page"; do
		echo "ok - $t # skip $1"
	done
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root (ip netns, veth, CAP_NET_RAW)"
command -v tcpreplay >/dev/null || skip "tcpreplay missing (make deps)"
command -v sqlite3 >/dev/null || skip "sqlite3 missing (make deps)"
T=$(mktemp -d)
TX=stld-tx-$$ RX=stld-rx-$$ TXIF=stldt$$ RXIF=stldr$$
pid= dpid=
cleanup() {
	[ -n "$pid" ] && { kill -CONT $pid; kill -KILL $pid; } 2>/dev/null
	[ -n "$dpid" ] && kill $dpid 2>/dev/null
	ip netns del "$TX" 2>/dev/null
	ip netns del "$RX" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! ip netns add "$TX" 2>/dev/null || ! ip netns add "$RX" 2>/dev/null ||
    ! ip link add "$TXIF" type veth peer name "$RXIF" 2>/dev/null; then
	skip "no network namespaces or veth here"
fi
ip link set "$TXIF" netns "$TX"
ip link set "$RXIF" netns "$RX"
for ns in "$TX" "$RX"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$TX" addr add 198.51.100.1/24 dev "$TXIF"
ip -n "$RX" addr add 192.0.2.1/24 dev "$RXIF"
ip -n "$TX" link set "$TXIF" up
ip -n "$RX" link set "$RXIF" up

# N UDP datagrams of SIZE bytes, 198.51.100.10 -> 203.0.113.53.
mkpcap() {	# mkpcap FILE N SIZE
	python3 - "$@" <<'PY'
import struct, sys
path, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = bytes([198, 51, 100, 10]), bytes([203, 0, 113, 53])
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        pay = (b"shadowtap-live-drops %08d " % i).ljust(size - 42, b".")
        udp = struct.pack("!HHHH", 40000 + i % 20000, 9, 8 + len(pay), 0) + pay
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
        pkt = eth + ip + udp
        f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(pkt), len(pkt)))
        f.write(pkt)
PY
}
wait_for() {	# wait_for SECONDS CMD...: poll every 0.2 s
	n=$(($1 * 5)); shift
	while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.2; n=$((n - 1)); done
	return 1
}
has_stats() { grep -q '"event_type":"stats"' "$1" 2>/dev/null; }
stat_of() {	# stat_of EVE KEY: KEY in the last stats event's capture object
	python3 - "$1" "$2" <<'PY'
import json, sys
last = None
for ln in open(sys.argv[1]):
    if '"event_type":"stats"' in ln:
        last = json.loads(ln)
cap = (last or {}).get("stats", {}).get("capture", {})
print(cap[sys.argv[2]] if sys.argv[2] in cap else "absent")
PY
}
decoded() { python3 -c '
import json, sys
last = [json.loads(l) for l in open(sys.argv[1]) if "\"event_type\":\"stats\"" in l][-1]
sys.exit(0 if last["stats"]["decoder"]["pkts"] >= int(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; }
start() {	# start NAME BUFFER_MB
	printf 'capture:\n  buffer_mb: %s\noutput:\n  stats_interval: 1\n' "$2" > "$T/$1.yaml"
	ip netns exec "$RX" "$S" -i "$RXIF" -c "$T/$1.yaml" -e "$T/$1.eve" \
	    -d "$T/$1.db" 2> "$T/$1.err" &
	pid=$!
	wait_for 30 has_stats "$T/$1.eve"
}
finish() {	# finish: SIGTERM, wait up to 20 s; the exit status
	kill -TERM $pid
	wait_for 20 sh -c "! kill -0 $pid 2>/dev/null"
	wait $pid; rc=$?
	pid=
	return $rc
}

# 1. A low rate the sensor keeps up with: 2,000 packets at 1,000/s.
mkpcap "$T/low.pcap" 2000 200
start low 64 || echo "# the sensor did not start: $(tail -3 "$T/low.err")"
ip netns exec "$TX" tcpreplay -q -i "$TXIF" --pps=1000 "$T/low.pcap" > "$T/low.tcpreplay" 2>&1
wait_for 20 decoded "$T/low.eve" 2000
finish
d=$(stat_of "$T/low.eve" kernel_drops)
k=$(stat_of "$T/low.eve" kernel_packets)
if [ "$d" = 0 ] && [ "$k" != absent ] && [ "$k" -ge 2000 ]; then
	echo "ok - kernel_drops in the stats event, 0 at a low rate"
else
	echo "not ok - kernel_drops in the stats event, 0 at a low rate (kernel_drops $d, kernel_packets $k)"
	sed 's/^/#   /' "$T/low.err" "$T/low.tcpreplay"
fi

# 2. A 1 MiB ring, the sensor stopped while 8 MB arrive at top speed.
mkpcap "$T/burst.pcap" 8000 1000
start burst 1 || echo "# the sensor did not start: $(tail -3 "$T/burst.err")"
kill -STOP $pid
ip netns exec "$TX" tcpreplay -q -i "$TXIF" --topspeed "$T/burst.pcap" > "$T/burst.tcpreplay" 2>&1
kill -CONT $pid
sleep 2		# two stats ticks after the ring is read
finish
d=$(stat_of "$T/burst.eve" kernel_drops)
if [ "$d" != absent ] && [ "$d" -gt 0 ]; then
	echo "ok - tiny ring: kernel_drops > 0 in the stats event ($d of 8000)"
else
	echo "not ok - tiny ring: kernel_drops > 0 in the stats event (kernel_drops $d)"
	sed 's/^/#   /' "$T/burst.err" "$T/burst.tcpreplay"
fi
db=$(sqlite3 "$T/burst.db" "SELECT max(value) FROM stats WHERE name = 'capture.dropped'" 2>&1)
if [ -n "$db" ] && [ "$db" -gt 0 ] 2>/dev/null && [ "$db" = "$d" ]; then
	echo "ok - tiny ring: drops in the database stats table ($db)"
else
	echo "not ok - tiny ring: drops in the database stats table (capture.dropped '$db', EVE $d)"
fi
if grep -Eq "packets \(${d} dropped by the kernel\)" "$T/burst.err" && [ "$d" != 0 ]; then
	echo "ok - tiny ring: drops in the exit summary"
else
	echo "not ok - tiny ring: drops in the exit summary"
	sed 's/^/#   /' "$T/burst.err"
fi

# The dashboard's health page shows them (on loopback, a viewer's session).
D=build/shadowtap-dashboard
PORT=$((20000 + ($$ + 7) % 20000))
URL=http://127.0.0.1:$PORT
if [ -x $D ] && command -v curl >/dev/null; then
	echo 'viewer-pass-1' | $D --state "$T/st.db" --add-user vic --role viewer >/dev/null 2>&1
	$D --db "$T/burst.db" --state "$T/st.db" --listen 127.0.0.1:$PORT 2> "$T/dash.err" &
	dpid=$!
	wait_for 10 curl -s -m 2 -o /dev/null $URL/healthz
	curl -s -m 10 -c "$T/jar" -d 'user=vic&password=viewer-pass-1' $URL/api/v1/login >/dev/null
	curl -s -m 10 -b "$T/jar" $URL/api/v1/health > "$T/health.json"
	kill $dpid; wait $dpid 2>/dev/null; dpid=
	hd=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["sensors"][0]["drops"])' \
	    "$T/health.json" 2>/dev/null)
	if [ -n "$hd" ] && [ "$hd" = "$d" ]; then
		echo "ok - tiny ring: drops on the dashboard's health page ($hd)"
	else
		echo "not ok - tiny ring: drops on the dashboard's health page ('$hd', EVE $d)"
		sed 's/^/#   /' "$T/dash.err"; head -c 400 "$T/health.json" | sed 's/^/#   /'
	fi
else
	echo "ok - tiny ring: drops on the dashboard's health page # skip dashboard or curl missing"
fi
