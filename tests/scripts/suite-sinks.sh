#!/bin/sh
# suite-sinks.sh - EVE to a real rsyslogd (RFC 5424 over TCP, octet
# counting) and a real redis-server on 127.0.0.1: every record of the EVE
# file arrives (same count, same JSON), the RFC 5424 fields parse, the
# Redis modes (rpush, lpush, xadd, channel) work; the collectors killed
# mid-run and restarted: reconnects counted, records after the restart
# arrive, the dropped counter equals what is missing, the packet count and
# exit status are unaffected (single process and --privsep, seccomp on);
# an unreachable collector at start is a warning and its records count as
# dropped.  Skips (counted) only when rsyslogd or redis-server are missing.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
S=$B/shadowtap-sensor
PCAP=tests/data/sample.pcap
T=$(mktemp -d)
RS_PID= RD_PID= SUB_PID= FEED_PID=
cleanup() {
	for p in $FEED_PID $SUB_PID $RS_PID $RD_PID; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
head -c 32 /dev/urandom > "$T/key"; chmod 600 "$T/key"

if ! command -v rsyslogd >/dev/null 2>&1 ||
    ! command -v redis-server >/dev/null 2>&1 ||
    ! command -v redis-cli >/dev/null 2>&1; then
	echo "ok - sinks # skip rsyslogd/redis-server not installed (make deps: rsyslog redis-server in DEB_TEST)"
	exit 0
fi
# seccomp is installed when the sensor drops to a user: root runs as nobody
U=""
[ "$(id -u)" = 0 ] && U="-u nobody"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# wait_port PORT: until something listens (bounded, 10 s)
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
RSP=$(free_port)
RDP=$(free_port)
DEADP=$(free_port)	# nothing listens there

# rsyslogd: imtcp on loopback, the raw message and the MSG part to files.
cat > "$T/rsyslog.conf" <<EOF
global(workDirectory="$T" maxMessageSize="256k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
template(name="msg" type="string" string="%msg%\n")
input(type="imtcp" port="$RSP" address="127.0.0.1" ruleset="r")
ruleset(name="r") {
  action(type="omfile" file="$T/raw.log" template="raw")
  action(type="omfile" file="$T/msg.log" template="msg")
}
EOF
rs_start() {
	rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" \
	    >> "$T/rsyslog.out" 2>&1 &
	RS_PID=$!
	wait_port "$RSP"
}
rs_stop() {
	[ -n "$RS_PID" ] && kill -TERM "$RS_PID" 2>/dev/null
	[ -n "$RS_PID" ] && wait "$RS_PID" 2>/dev/null
	RS_PID=
	rm -f "$T/rsyslog.pid"
}
rd_start() {
	redis-server --port "$RDP" --bind 127.0.0.1 --save "" \
	    --appendonly no --daemonize no >> "$T/redis.out" 2>&1 &
	RD_PID=$!
	wait_port "$RDP"
}
rd_stop() {
	[ -n "$RD_PID" ] && kill -TERM "$RD_PID" 2>/dev/null
	[ -n "$RD_PID" ] && wait "$RD_PID" 2>/dev/null
	RD_PID=
}
rcli() { redis-cli -p "$RDP" "$@"; }

if ! rs_start; then
	echo "not ok - rsyslogd starts on 127.0.0.1:$RSP"
	sed 's/^/#   /' "$T/rsyslog.out" | tail -5
	exit 1
fi
if ! rd_start; then
	echo "not ok - redis-server starts on 127.0.0.1:$RDP"
	exit 1
fi

conf() {	# conf FILE SYSLOG_PORT REDIS_PORT MODE KEY [extra output lines]
	cf=$1; sp=$2; rp=$3; cm=$4; key=$5; shift 5
	{
		echo "output:"
		echo "  stats_interval: 1"
		[ "$sp" != - ] && printf '  syslog_server: 127.0.0.1\n  syslog_port: %s\n' "$sp"
		[ "$rp" != - ] && printf '  redis_server: 127.0.0.1\n  redis_port: %s\n  redis_mode: %s\n  redis_key: %s\n' "$rp" "$cm" "$key"
		for l in "$@"; do echo "  $l"; done
		echo "sensor:"
		echo "  name: sensor-a"
	} > "$cf"
}
summary_n() {	# summary_n ERRFILE SINK FIELD: from "N records sent, M dropped, R reconnects"
	sed -n "s/.* $2 127.0.0.1:[0-9]*: \([0-9]*\) records sent, \([0-9]*\) dropped, \([0-9]*\) reconnects.*/\1 \2 \3/p" "$1" |
	    tail -1 | awk -v f="$3" '{ print $f }'
}
pkts() { sed -n 's/.* \([0-9]*\) packets (.*/\1/p' "$1" | tail -1; }

# ---- 1. everything arrives: syslog + redis rpush, single process ----
conf "$T/a.yaml" "$RSP" "$RDP" rpush evelist
"$S" $U -c "$T/a.yaml" -r "$PCAP" -R rules -e "$T/a.json" -k "$T/key" \
    -d "$T/a.db" 2> "$T/a.err"
rc=$?
sleep 0.5	# rsyslog's omfile writes asynchronously
n=$(wc -l < "$T/a.json")
if [ $rc = 0 ] && [ "$n" -gt 100 ]; then
	echo "ok - single process: exit 0, $n EVE records"
else
	echo "not ok - single process: exit $rc, $n EVE records"
	tail -3 "$T/a.err" | sed 's/^/#   /'
fi
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(wc -l < "$T/msg.log" 2>/dev/null || echo 0)" -ge "$n" ] && break
	sleep 0.3
done
if cmp -s "$T/msg.log" "$T/a.json"; then
	echo "ok - syslog: rsyslogd received all $n records, JSON byte-identical, in order"
else
	echo "not ok - syslog: rsyslogd has $(wc -l < "$T/msg.log") of $n records or they differ"
fi
if python3 - "$T/raw.log" "$T/a.json" <<'PY'
import json, re, sys
rx = re.compile(r'^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)$')
bad = 0
raw = open(sys.argv[1]).read().splitlines()
eve = open(sys.argv[2]).read().splitlines()
for r, e in zip(raw, eve):
    m = rx.match(r)
    if not m:
        bad += 1; print("#   no RFC 5424 header:", r[:80]); continue
    pri, ts, host, app, pid, msgid, sd, msg = m.groups()
    j = json.loads(msg)
    fac, sev = divmod(int(pri), 8)
    want = 6
    if j["event_type"] == "alert":
        want = 4 if j["alert"].get("shadowtap", {}).get("severity", j["alert"].get("severity")) in ("high", "critical") else 5
    t = j["timestamp"].replace("+0000", "Z")
    ok = (fac == 21 and host == "sensor-a" and app == "shadowtap" and
          pid.isdigit() and msgid == j["event_type"] and sd == "-" and
          ts == t and msg == e and
          re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$', ts) and
          (sev == want or (j["event_type"] == "alert" and sev in (4, 5))))
    if not ok:
        bad += 1
        if bad < 4: print("#   fields:", fac, sev, ts, host, app, pid, msgid, sd, t)
neg = rx.match("<174>2 x") is None and rx.match("174 - - -") is None
sys.exit(0 if bad == 0 and len(raw) == len(eve) and neg else 1)
PY
then
	echo "ok - syslog: RFC 5424 fields parse (PRI local5/info|notice|warning, timestamp = event's, HOSTNAME = sensor.name, APP-NAME, MSGID = event_type)"
else
	echo "not ok - syslog: RFC 5424 fields"
fi
if python3 - "$T/raw.log" <<'PY'
import json, re, sys
sev = {}
for r in open(sys.argv[1]):
    m = re.match(r'^<(\d+)>1 \S+ \S+ \S+ \S+ (\S+) ', r)
    sev.setdefault(m.group(2), set()).add(int(m.group(1)) % 8)
ok = sev.get("flow") == {6} and sev.get("stats") == {6}
ok = ok and (("alert" not in sev) or sev["alert"] <= {4, 5})
sys.exit(0 if ok else 1)
PY
then
	echo "ok - syslog: severity info for records, notice/warning for alerts"
else
	echo "not ok - syslog: severities"
fi
rcli LRANGE evelist 0 -1 > "$T/rl.txt"
if cmp -s "$T/rl.txt" "$T/a.json"; then
	echo "ok - redis rpush: the list holds all $n records, byte-identical, in order"
else
	echo "not ok - redis rpush: $(wc -l < "$T/rl.txt") of $n records or they differ"
fi
if sqlite3 "$T/a.db" "SELECT name FROM stats" 2>/dev/null |
    grep -q 'output.syslog_sent' &&
    grep '"event_type":"stats"' "$T/a.json" | tail -1 |
    grep -q '"redis_reconnects":0'; then
	echo "ok - counters: syslog_*/redis_* in the stats table and EVE stats"
else
	echo "not ok - counters: syslog_*/redis_* missing from stats table or EVE stats"
fi

# ---- 2. redis modes (--privsep): lpush, xadd with MAXLEN, channel ----
for mode in lpush xadd channel; do
	rcli DEL "k$mode" > /dev/null
	if [ $mode = channel ]; then
		redis-cli -p "$RDP" SUBSCRIBE kchannel > "$T/sub.txt" &
		SUB_PID=$!
		for i in $(seq 50); do
			[ "$(rcli PUBSUB NUMSUB kchannel | tail -1)" = 1 ] && break
			sleep 0.1
		done
	fi
	conf "$T/m.yaml" - "$RDP" $mode "k$mode" "redis_maxlen: 100000"
	rm -f "$T/m.json"
	"$S" $U --privsep -c "$T/m.yaml" -r "$PCAP" -R rules -e "$T/m.json" \
	    -k "$T/key" 2> "$T/m.err"
	rc=$?
	m=$(wc -l < "$T/m.json")
	case $mode in
	lpush)	rcli LRANGE klpush 0 -1 | tac > "$T/got.txt" ;;
	xadd)	# --raw: id, field "eve", value, one per line
		redis-cli --raw -p "$RDP" XRANGE kxadd - + |
		    awk 'NR % 3 == 2 && $0 != "eve" { bad = 1 } NR % 3 == 0' > "$T/got.txt" ;;
	channel) sleep 0.5; kill $SUB_PID 2>/dev/null; wait $SUB_PID 2>/dev/null
		SUB_PID=
		awk 'NR % 3 == 0 && prev == "kchannel" && pp == "message" { print }
		    { pp = prev; prev = $0 }' "$T/sub.txt" > "$T/got.txt" ;;
	esac
	cp "$T/m.json" "$T/$mode.json"
	if [ $rc = 0 ] && [ "$m" -gt 100 ] && cmp -s "$T/got.txt" "$T/m.json"; then
		echo "ok - redis $mode (--privsep, seccomp): all $m records, byte-identical"
	else
		echo "not ok - redis $mode: exit $rc, $(wc -l < "$T/got.txt") of $m records or they differ"
		tail -2 "$T/m.err" | sed 's/^/#   /'
	fi
done
[ "$(rcli XLEN kxadd)" = "$(grep -c . "$T/xadd.json")" ] &&
    echo "ok - redis xadd: XLEN equals the EVE count" ||
    echo "not ok - redis xadd: XLEN $(rcli XLEN kxadd) != the EVE count"

# ---- 3. the collectors go away mid-run and come back ----
# A feeder writes the capture (four time-shifted copies) into a pipe in
# three phases of whole 512-packet dispatches, waiting for the test's
# go-files between them: collectors up / killed / restarted.
cat > "$T/feed.py" <<'PY'
import os, struct, sys, time
src, d = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
hdr, off, pk = data[:24], 24, []
while off + 16 <= len(data):
    ts, us, cl, ol = struct.unpack("<IIII", data[off:off + 16])
    pk.append((ts, us, data[off + 16:off + 16 + cl], ol)); off += 16 + cl
out = sys.stdout.buffer
allp = []
for rep in range(4):
    for ts, us, b, ol in pk:
        allp.append(struct.pack("<IIII", ts + rep * 7200, us, len(b), ol) + b)
out.write(hdr)
cut1, cut2 = 1536, 3072
for i, p in enumerate(allp):
    if i == cut1 or i == cut2:
        out.flush()
        open(os.path.join(d, "phase%d" % (1 if i == cut1 else 2)), "w").close()
        g = os.path.join(d, "go%d" % (1 if i == cut1 else 2))
        for _ in range(600):
            if os.path.exists(g): break
            time.sleep(0.05)
    out.write(p)
    if i >= cut1 and i % 64 == 0:
        out.flush(); time.sleep(0.03)
out.flush()
PY
# wait_stable CMD: until CMD's number has not changed for 1 s (bounded)
wait_stable() {
	last=-1
	for i in $(seq 40); do
		cur=$("$@")
		[ "$cur" = "$last" ] && break
		last=$cur
		sleep 0.5
	done
	echo "$cur"
}
for mode in single privsep; do
	f=""; [ $mode = privsep ] && f=--privsep
	rm -f "$T"/phase* "$T"/go* "$T/k.json"
	: > "$T/raw.log"; : > "$T/msg.log"
	rcli DEL kk > /dev/null
	conf "$T/k.yaml" "$RSP" "$RDP" rpush kk "syslog_buffer: 8192" \
	    "redis_buffer: 8192"
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	python3 "$T/feed.py" "$PCAP" "$T" > "$T/fifo" &
	FEED_PID=$!
	"$S" $U $f -c "$T/k.yaml" -r - -R rules -e "$T/k.json" -k "$T/key" \
	    < "$T/fifo" 2> "$T/k.err" &
	SPID=$!
	for i in $(seq 200); do [ -e "$T/phase1" ] && break; sleep 0.05; done
	before_rs=$(wait_stable sh -c "wc -l < '$T/msg.log'")
	before_rd=$(wait_stable rcli LLEN kk)
	rs_stop; rd_stop
	touch "$T/go1"
	for i in $(seq 400); do [ -e "$T/phase2" ] && break; sleep 0.05; done
	sleep 1		# reconnect attempts fail meanwhile
	rs_start; rd_start
	touch "$T/go2"
	wait $SPID; src=$?
	wait $FEED_PID; FEED_PID=
	sleep 0.5
	rcli LRANGE kk 0 -1 > "$T/krd.txt"
	n=$(wc -l < "$T/k.json")
	p=$(pkts "$T/k.err")
	# the same capture without collectors: the packet count to expect
	if [ $mode = single ]; then
		mkdir -p "$T/none"; touch "$T/none/go1" "$T/none/go2"
		python3 "$T/feed.py" "$PCAP" "$T/none" > "$T/full.pcap"
		"$S" -r "$T/full.pcap" -R rules -e "$T/full.json" -k "$T/key" \
		    2> "$T/full.err"
		want_p=$(pkts "$T/full.err")
	fi
	if [ $src = 0 ] && [ -n "$p" ] && [ "$p" = "$want_p" ]; then
		echo "ok - $mode: collectors killed and restarted: exit 0, $p packets as without collectors"
	else
		echo "not ok - $mode: exit $src, packets $p (want $want_p)"
		tail -3 "$T/k.err" | sed 's/^/#   /'
	fi
	for sink in syslog redis; do
		if [ $sink = syslog ]; then got=$T/msg.log; pre=$before_rs
		else got=$T/krd.txt; pre=$before_rd; fi
		sent=$(summary_n "$T/k.err" $sink 1)
		drop=$(summary_n "$T/k.err" $sink 2)
		reco=$(summary_n "$T/k.err" $sink 3)
		# rsyslog appends to its file; redis restarted empty
		if [ $sink = syslog ]; then
			have=$(wc -l < "$got"); after=$((have - pre))
		else
			after=$(wc -l < "$got"); have=$((after + pre))
		fi
		if python3 - "$got" "$T/k.json" <<'PY'
import sys
got = open(sys.argv[1]).read().splitlines()
eve = set(open(sys.argv[2]).read().splitlines())
sys.exit(0 if got and all(g in eve for g in got) else 1)
PY
		then sub=1; else sub=0; fi
		if [ -n "$reco" ] && [ "$reco" -gt 0 ] && [ "$after" -gt 0 ] &&
		    [ $sub = 1 ]; then
			echo "ok - $mode $sink: $reco reconnect(s), $after records arrived after the restart, all from the EVE file"
		else
			echo "not ok - $mode $sink: reconnects '$reco', $after after restart, subset $sub"
		fi
		if [ -n "$drop" ] && [ "$drop" -gt 0 ] &&
		    [ $((n - have)) = "$drop" ] && [ $((sent)) = "$have" ]; then
			echo "ok - $mode $sink: dropped $drop = EVE $n - received $have (queue 8 KiB)"
		else
			echo "not ok - $mode $sink: dropped '$drop', sent '$sent', EVE $n, received $have"
		fi
	done
done

# ---- 4. negative: nothing listens ----
conf "$T/d.yaml" "$DEADP" "$DEADP" rpush kd
"$S" $U -c "$T/d.yaml" -r "$PCAP" -R rules -e "$T/d.json" -k "$T/key" \
    2> "$T/d.err"
rc=$?
n=$(wc -l < "$T/d.json")
if [ $rc = 0 ] && grep -q "warning: syslog 127.0.0.1:$DEADP: Connection refused" "$T/d.err" &&
    [ "$(pkts "$T/d.err")" = "$(pkts "$T/a.err")" ]; then
	echo "ok - unreachable collector: a warning, exit 0, the same packet count"
else
	echo "not ok - unreachable collector: exit $rc"
	grep -i "syslog\|redis" "$T/d.err" | head -3 | sed 's/^/#   /'
fi
if [ "$(summary_n "$T/d.err" syslog 2)" = "$n" ] &&
    [ "$(summary_n "$T/d.err" redis 2)" = "$n" ] &&
    [ "$(summary_n "$T/d.err" syslog 1)" = 0 ]; then
	echo "ok - unreachable collector: all $n records counted dropped, none sent"
else
	echo "not ok - unreachable collector: dropped '$(summary_n "$T/d.err" syslog 2)' of $n"
fi
# configuration errors are refused with the key's name
printf 'output:\n  syslog_server: 127.0.0.1\n  syslog_facility: local9\n  redis_mode: sorted\n  syslog_types: [flow, nosuch]\n' > "$T/bad.yaml"
if "$S" -T -c "$T/bad.yaml" -R rules 2> "$T/bad.err"; then
	echo "not ok - bad syslog/redis keys accepted"
else
	c=$(grep -c "syslog_facility\|redis_mode\|unknown event type" "$T/bad.err")
	[ "$c" -ge 3 ] && echo "ok - bad facility, redis mode and event type refused" ||
	    echo "not ok - bad keys: $c of 3 reported"
fi
# types: only alerts and stats go to syslog
: > "$T/msg.log"
conf "$T/t.yaml" "$RSP" - rpush - "syslog_types: [stats, flow]"
"$S" -c "$T/t.yaml" -r "$PCAP" -R rules -e "$T/t.json" -k "$T/key" 2> "$T/t.err"
sleep 0.5
want=$(grep -c '"event_type":"\(stats\|flow\)"' "$T/t.json")
got=$(wc -l < "$T/msg.log")
if [ "$want" -gt 0 ] && [ "$got" = "$want" ] &&
    ! grep -qv '"event_type":"\(stats\|flow\)"' "$T/msg.log"; then
	echo "ok - syslog_types: only stats and flow records ($got)"
else
	echo "not ok - syslog_types: $got sent, $want wanted"
fi
exit 0
