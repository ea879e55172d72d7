#!/bin/sh
# suite-privsep.sh - privilege separation (the default; --no-privsep is
# one process): the same EVE records and database rows as the single
# process; three processes (parent as root, engine and writer as the
# unprivileged user with no capabilities and seccomp, the engine with no
# output descriptor and no path); a killed engine or writer reported by
# the parent (exit 1, the other one stopping cleanly); SIGHUP reopening EVE
# (passed to the writer) and reloading the policy in the dropped engine;
# SIGTERM: everything exits 0.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
S=$B/shadowtap-sensor
T=$(mktemp -d)
feeder_pid=
trap 'kill $feeder_pid 2>/dev/null; rm -rf "$T"' EXIT
head -c 32 /dev/urandom > "$T/key"; chmod 600 "$T/key"

# Normalise what differs between any two runs: random flow ids, wall-clock
# timestamps, DLP fingerprints (per-run key), and db_rows (rows committed
# so far: commit timing).
norm() {
	python3 - "$1" <<'PY'
import json, re, sys
ids = {}
for l in open(sys.argv[1]):
    e = json.loads(l)
    if "flow_id" in e:
        e["flow_id"] = ids.setdefault(e["flow_id"], len(ids))
    if e.get("event_type") == "policy":
        e.pop("timestamp", None)
    st = e.get("stats")
    if st:
        st.pop("uptime", None)
        st.get("shadowtap", {}).get("output", {}).pop("db_rows", None)
    a = e.get("alert", {}).get("shadowtap", {})
    a.pop("fingerprint", None)
    print(json.dumps(e, sort_keys=True))
PY
}

for p in tests/data/sample.pcap tests/cases/dlp-json/input.pcap \
    tests/cases/core-quic/input.pcap tests/cases/core-dns/input.pcap \
    tests/cases/dlp-gzip/input.pcap; do
	n=$(echo "$p" | tr '/' '_')
	for m in single privsep; do
		f=--no-privsep; [ $m = privsep ] && f=""
		rm -f "$T/$m.db" "$T/$m.db-wal" "$T/$m.db-shm" "$T/identity.key"
		"$S" $f -r "$p" -R rules --all-flows -e "$T/$m.json" -d "$T/$m.db" \
		    -k "$T/key" 2> "$T/$m.err"
		echo $? > "$T/$m.rc"
		norm "$T/$m.json" > "$T/$m.norm"
		sqlite3 "$T/$m.db" "SELECT * FROM flows ORDER BY ts_start, dest_port;
		    SELECT * FROM dns ORDER BY ts; SELECT * FROM http ORDER BY ts;
		    SELECT kind, severity, rule, dlp_class FROM alerts ORDER BY ts;" |
		    sed 's/^[0-9]*|[0-9]*|//' > "$T/$m.rows"
		rm -f "$T/$m.json"
	done
	if [ "$(cat "$T/single.rc")" = 0 ] && [ "$(cat "$T/privsep.rc")" = 0 ]; then
		echo "ok - $n: both modes exit 0"
	else
		echo "not ok - $n: exit single $(cat "$T/single.rc") privsep $(cat "$T/privsep.rc")"
		tail -3 "$T/privsep.err" | sed 's/^/#   /'
	fi
	if [ -s "$T/single.norm" ] && cmp -s "$T/single.norm" "$T/privsep.norm"; then
		echo "ok - $n: EVE identical through the writer ($(wc -l < "$T/single.norm") records)"
	else
		echo "not ok - $n: EVE differs through the writer"
		diff "$T/single.norm" "$T/privsep.norm" | head -4 | cut -c1-200 | sed 's/^/#   /'
	fi
	if cmp -s "$T/single.rows" "$T/privsep.rows"; then
		echo "ok - $n: database rows identical ($(wc -l < "$T/single.rows") rows)"
	else
		echo "not ok - $n: database rows differ"
	fi
done
grep -Eq 'shadowtap-writer: (info: )?writer: [0-9]* EVE lines' "$T/privsep.err" &&
    echo "ok - the writer reports what it wrote" ||
    echo "not ok - no writer summary"

# A slow feed through a fifo, for the signal tests.
feed() {
	python3 - tests/data/sample.pcap "$1" 2>/dev/null <<'PY' &
import struct, sys, time
d = open(sys.argv[1], 'rb').read()
out = open(sys.argv[2], 'wb')
out.write(d[:24]); out.flush()
o = 24
while o + 16 <= len(d):
    incl = struct.unpack('<I', d[o + 8:o + 12])[0]
    out.write(d[o:o + 16 + incl]); out.flush()
    o += 16 + incl
    time.sleep(0.004)
PY
	feeder_pid=$!
}

# The children by name (fork without exec: PR_SET_NAME).
child() { pgrep -P "$1" -x "$2" | head -1; }
wait_children() {
	i=0
	while [ $i -lt 100 ] && { [ -z "$(child "$1" st-engine)" ] ||
	    [ -z "$(child "$1" st-writer)" ] || [ ! -s "$2" ]; }; do
		sleep 0.1; i=$((i + 1))
	done
}
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
chmod 755 "$T"

# Three processes; who runs as whom and holds what.
mkfifo "$T/fifo"
"$S" -u nobody -vv -r "$T/fifo" -R rules --all-flows -e "$T/p.json" 2> "$T/p.err" &
spid=$!
feed "$T/fifo"
wait_children $spid "$T/p.json"
eng=$(child $spid st-engine); wri=$(child $spid st-writer)
if [ -n "$eng" ] && [ -n "$wri" ]; then
	echo "ok - three processes: parent $spid, engine $eng, writer $wri"
	[ "$(status $spid Uid | cut -f1)" = 0 ] &&
	    echo "ok - the parent keeps root" || echo "not ok - parent uid $(status $spid Uid)"
	for p in engine:$eng writer:$wri; do
		n=${p%%:*}; q=${p#*:}
		u=$(status $q Uid); c=$(status $q CapEff); z=$(status $q Seccomp)
		[ "${u%%	*}" = 65534 ] && [ "$c" = 0000000000000000 ] && [ "$z" = 2 ] &&
		    echo "ok - $n runs as nobody, CapEff 0, Seccomp 2" ||
		    echo "not ok - $n: uid $u CapEff $c Seccomp $z"
	done
	fds() { for f in /proc/$1/fd/*; do readlink "$f"; done; }
	fds $eng | grep -q "$T/p.json" &&
	    echo "not ok - the engine holds the EVE file" ||
	    echo "ok - the engine holds no EVE descriptor"
	fds $eng | grep -q "$T/fifo" &&
	    echo "ok - the engine holds the capture (the fifo)" ||
	    echo "not ok - the engine has no capture descriptor"
	fds $wri | grep -q "$T/p.json" &&
	    echo "ok - the writer holds the EVE file" ||
	    echo "not ok - the writer has no EVE descriptor"
	fds $wri | grep -q "$T/fifo" &&
	    echo "not ok - the writer holds the capture" ||
	    echo "ok - the writer holds no capture descriptor"
	fds $spid | grep -q "$T/fifo\|$T/p.json" &&
	    echo "not ok - the parent kept a capture or EVE descriptor" ||
	    echo "ok - the parent keeps no capture or EVE descriptor"
	grep -q 'shadowtap-engine: debug: engine: paths eve (none), db (none), key (none), config (none), rules (none)' "$T/p.err" &&
	    echo "ok - the engine's configuration holds no path" ||
	    echo "not ok - engine paths: $(grep 'engine: paths' "$T/p.err")"
	kill -TERM $spid
	wait $spid; rc=$?
	kill $feeder_pid 2>/dev/null; wait $feeder_pid 2>/dev/null; feeder_pid=
	left=$(ps -o pid= -p "$eng,$wri" | wc -l)
	[ $rc -eq 0 ] && [ "$left" = 0 ] &&
	    echo "ok - SIGTERM: parent exits 0, engine and writer gone" ||
	    { echo "not ok - SIGTERM: exit $rc, $left children left"; tail -3 "$T/p.err" | sed 's/^/#   /'; }
	grep -q 'shadowtap-engine: info: [0-9]* packets' "$T/p.err" &&
	    grep -Eq 'shadowtap-writer: (info: )?writer: [0-9]* EVE lines' "$T/p.err" &&
	    echo "ok - SIGTERM: the engine flushed and the writer drained" ||
	    echo "not ok - SIGTERM: no engine or writer summary"
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/p.json" &&
	    grep -q '"event_type":"stats"' "$T/p.json" &&
	    echo "ok - SIGTERM: EVE whole, last stats record written" ||
	    echo "not ok - SIGTERM: EVE torn or no stats"
else
	echo "not ok - three processes: engine '$eng' writer '$wri'"
	kill $spid 2>/dev/null
fi

# Who holds the pseudonym key: its 32 bytes searched in each process's
# writable memory (/proc/PID/mem, as root): the writer (positive control)
# has it, the engine and the parent do not.
keyscan() {
	python3 - "$1" "$T/key" <<'PY'
import sys
pid, key = sys.argv[1], open(sys.argv[2], 'rb').read()
n = 0
with open("/proc/%s/maps" % pid) as m, open("/proc/%s/mem" % pid, 'rb', 0) as mem:
    for l in m:
        f = l.split()
        a, b = (int(x, 16) for x in f[0].split('-'))
        if not f[1].startswith('rw') or b - a > (256 << 20):
            continue
        try:
            mem.seek(a); n += mem.read(b - a).count(key)
        except (OSError, ValueError, OverflowError):
            pass
print(n)
PY
}
if [ "$(id -u)" = 0 ]; then
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	"$S" -u nobody -r "$T/fifo" -R rules -e "$T/m.json" -d "$T/m.db" -k "$T/key" 2> "$T/m.err" &
	spid=$!
	# the whole sample, then the fifo held open: the sensor keeps running
	{ cat tests/data/sample.pcap; sleep 30; } > "$T/fifo" &
	feeder_pid=$!
	wait_children $spid "$T/m.json"
	eng=$(child $spid st-engine); wri=$(child $spid st-writer)
	ke=$(keyscan "$eng" 2>/dev/null); kw=$(keyscan "$wri" 2>/dev/null); kp=$(keyscan $spid 2>/dev/null)
	[ "${kw:-0}" -ge 1 ] && [ "$ke" = 0 ] && [ "$kp" = 0 ] &&
	    echo "ok - the pseudonym key is in the writer's memory only (writer $kw, engine $ke, parent $kp)" ||
	    echo "not ok - pseudonym key copies: writer '$kw' engine '$ke' parent '$kp'"
	kill -TERM $spid; wait $spid
	pkill -P $feeder_pid sleep 2>/dev/null	# the subshell then ends
	wait $feeder_pid 2>/dev/null; feeder_pid=
else
	echo "ok - the pseudonym key is in the writer's memory only # skip needs root"
fi

# A child crashes: the parent names it and the signal, the other one stops
# cleanly, exit 1.
for who in writer engine; do
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	"$S" -u nobody -r "$T/fifo" -R rules -e "$T/k.json" 2> "$T/k.err" &
	spid=$!
	feed "$T/fifo"
	wait_children $spid "$T/k.json"
	w=$(child $spid st-$who)
	if [ -n "$w" ]; then
		sleep 0.3
		kill -SEGV "$w"
		wait $spid; rc=$?
		kill $feeder_pid 2>/dev/null; wait $feeder_pid 2>/dev/null; feeder_pid=
		[ $rc -eq 1 ] && echo "ok - killed $who: sensor exits 1" ||
		    echo "not ok - killed $who: sensor exit $rc"
		grep -q "$who process (pid $w) killed by signal 11" "$T/k.err" &&
		    echo "ok - killed $who: the parent names it and the signal" ||
		    { echo "not ok - killed $who not reported"; tail -3 "$T/k.err" | sed 's/^/#   /'; }
		if [ $who = engine ]; then
			grep -Eq 'shadowtap-writer: (info: )?writer: [0-9]* EVE lines' "$T/k.err" &&
			    echo "ok - killed engine: the writer drained and stopped cleanly" ||
			    echo "not ok - killed engine: no writer summary"
		else
			grep -q 'shadowtap-engine: info: [0-9]* packets' "$T/k.err" &&
			    echo "ok - killed writer: the engine stopped cleanly" ||
			    echo "not ok - killed writer: no engine summary"
		fi
	else
		echo "not ok - no $who process found"
		kill $spid 2>/dev/null
	fi
done

# Reload after the drop: a changed policy gives events with the new verdict.
cp -r rules "$T/rules"; chmod -R a+rX "$T/rules"
rm -f "$T/fifo"; mkfifo "$T/fifo"
"$S" -u nobody -r "$T/fifo" -R "$T/rules" --all-flows -e "$T/r.json" 2> "$T/r.err" &
spid=$!
feed "$T/fifo"
wait_children $spid "$T/r.json"
sed -i 's/^    chat: prohibited/    chat: tolerated/; s/^    api: prohibited/    api: tolerated/' "$T/rules/policy.yaml"
kill -HUP $spid
wait $feeder_pid; feeder_pid=
wait $spid; rc=$?
[ $rc -eq 0 ] && grep -q '"action":"reload"' "$T/r.json" &&
    echo "ok - reload in the dropped engine: exit 0, reload event" ||
    { echo "not ok - reload after drop: exit $rc"; tail -3 "$T/r.err" | sed 's/^/#   /'; }
grep -q '"verdict":"tolerated"' "$T/r.json" && grep -q '"verdict":"prohibited"' "$T/r.json" &&
    echo "ok - reload in the dropped engine: events before (prohibited) and after (tolerated)" ||
    echo "not ok - reload after drop: verdicts $(grep -o '"verdict":"[a-z]*"' "$T/r.json" | sort | uniq -c | tr '\n' ' ')"

# SIGHUP: the parent reopens EVE (logrotate) and passes it to the writer
# (which, as nobody, could not open it in the root-only directory); nothing
# is lost.
rm -f "$T/fifo"; mkfifo "$T/fifo"
mkdir "$T/log"; chmod 700 "$T/log"
"$S" -u nobody -r "$T/fifo" -R rules --all-flows -e "$T/log/h.json" 2> "$T/h.err" &
spid=$!
feed "$T/fifo"
wait_children $spid "$T/log/h.json"
sleep 0.5
mv "$T/log/h.json" "$T/h.json.1"
kill -HUP $spid
wait $feeder_pid; feeder_pid=
wait $spid; rc=$?
[ $rc -eq 0 ] && echo "ok - SIGHUP with privsep: exit 0" ||
    { echo "not ok - SIGHUP with privsep: exit $rc"; tail -3 "$T/h.err" | sed 's/^/#   /'; }
[ -s "$T/log/h.json" ] && [ -s "$T/h.json.1" ] &&
    echo "ok - SIGHUP with privsep: EVE reopened by the parent, written by the writer ($(wc -l < "$T/h.json.1") + $(wc -l < "$T/log/h.json") lines)" ||
    echo "not ok - SIGHUP with privsep: EVE not reopened"
grep -q '"action":"reload"' "$T/log/h.json" "$T/h.json.1" &&
    echo "ok - SIGHUP with privsep: rules reloaded" ||
    echo "not ok - SIGHUP with privsep: no reload event"
n1=$(grep -c '"event_type":"flow"' "$T/log/h.json" "$T/h.json.1" | awk -F: '{s+=$2} END {print s}')
"$S" --no-privsep -r tests/data/sample.pcap -R rules --all-flows -e "$T/ref.json" 2>/dev/null
n2=$(grep -c '"event_type":"flow"' "$T/ref.json")
[ "$n1" = "$n2" ] && echo "ok - SIGHUP with privsep: every flow written once ($n1)" ||
    echo "not ok - SIGHUP with privsep: $n1 flow records, single run $n2"

# Live on lo (root): only the engine maps the packet ring.
if [ "$(id -u)" = 0 ]; then
	"$S" -u nobody -i lo -e "$T/l.json" 2> "$T/l.err" &
	spid=$!
	wait_children $spid "$T/l.err"
	eng=$(child $spid st-engine); wri=$(child $spid st-writer)
	ring() { grep -c 'socket:\[' "/proc/$1/maps" 2>/dev/null; }
	if [ -n "$eng" ] && [ -n "$wri" ]; then
		[ "$(ring $eng)" -ge 1 ] && [ "$(ring $wri)" = 0 ] && [ "$(ring $spid)" = 0 ] &&
		    echo "ok - live: the packet ring is mapped in the engine only" ||
		    echo "not ok - live: ring mappings engine $(ring $eng) writer $(ring $wri) parent $(ring $spid)"
	else
		echo "not ok - live: no engine or writer"
	fi
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3): s.sendto(b"x", ("127.0.0.1", 9))'
	sleep 1		# the ring hands a block over on its timeout (100 ms)
	kill -TERM $spid; wait $spid; rc=$?
	[ $rc = 0 ] && grep -qE 'shadowtap-engine: info: [1-9][0-9]* packets' "$T/l.err" &&
	    echo "ok - live: packets captured by the engine, exit 0 on TERM" ||
	    { echo "not ok - live: exit $rc"; tail -3 "$T/l.err" | sed 's/^/#   /'; }
else
	echo "ok - live: the packet ring is mapped in the engine only # skip needs root"
fi
