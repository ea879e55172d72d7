#!/bin/sh
# test-live.sh - live capture on loopback: SIGHUP reopens the EVE file
# (logrotate) and re-reads the configuration, SIGTERM flushes and exits 0
# with a final stats event.  Traffic goes to 127.0.0.1 only; bounded in time.
set -u
S=${SENSOR:-build/shadowtap-sensor}
T=$(mktemp -d)
trap 'kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
if [ "$(id -u)" != 0 ]; then
	echo "ok - live capture # skip: needs root (CAP_NET_RAW) for loopback capture"
	exit 0
fi
printf 'output:\n  stats_interval: 1\n' > "$T/c.yaml"
"$S" -i lo -f 'udp port 5399' -c "$T/c.yaml" -e "$T/eve.json" -d "$T/db" 2> "$T/err" &
pid=$!
send() {	# a DNS query for $1 to 127.0.0.1:5399 (nothing listens; that is fine)
	python3 - "$1" <<'PY'
import socket, struct, sys
name = sys.argv[1].encode()
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l for l in name.split(b".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(q, ("127.0.0.1", 5399))
PY
}
wait_for() {	# wait_for FILE PATTERN: up to 10 s
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
sleep 1
send before.example.org
# The EVE line appears once the stats tick flushes it (1 s).
if wait_for "$T/eve.json" before.example.org; then echo "ok - live capture on lo writes EVE"
else echo "not ok - live capture on lo writes EVE"; sed 's/^/#   /' "$T/err"; fi
mv "$T/eve.json" "$T/eve.json.1"
printf 'output:\n  stats_interval: 1\n  eve_client_ip: false\n' > "$T/c.yaml"
kill -HUP $pid
sleep 0.5
send after.example.org
if wait_for "$T/eve.json" after.example.org; then echo "ok - SIGHUP reopens the EVE file"
else echo "not ok - SIGHUP reopens the EVE file"; sed 's/^/#   /' "$T/err"; fi
if grep after.example.org "$T/eve.json" | grep -q '"src_ip"'; then
	echo "not ok - SIGHUP applies the new configuration (eve_client_ip: false)"
else echo "ok - SIGHUP applies the new configuration (eve_client_ip: false)"; fi
grep -q after.example.org "$T/eve.json.1" && echo "not ok - rotated file untouched after SIGHUP" ||
	echo "ok - rotated file untouched after SIGHUP"
kill -TERM $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid; rc=$?
[ $rc -eq 0 ] && echo "ok - SIGTERM exits 0" || echo "not ok - SIGTERM exits $rc"
tail -1 "$T/eve.json" | grep -q '"event_type":"stats"' && echo "ok - final stats event written at exit" ||
	echo "not ok - final stats event written at exit"
tail -1 "$T/eve.json" | grep -q '"source":"lo"' && echo "ok - stats name the interface" ||
	echo "not ok - stats name the interface"
[ -s "$T/eve.json" ] && [ "$(grep -vc '"in_iface":"lo"' "$T/eve.json")" -eq 0 ] &&
	echo "ok - in_iface on every record of a live capture" ||
	echo "not ok - in_iface on every record of a live capture"
