#!/bin/sh
# suite-privsep.sh - the writer process (--privsep): the same EVE records
# and database rows as the single process, a killed writer reported by the
# engine (exit 1), SIGHUP reopening EVE in the writer.
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
		f=""; [ $m = privsep ] && f=--privsep
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
	python3 - tests/data/sample.pcap "$1" <<'PY' &
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

# The writer dies: the engine says so and exits 1.
mkfifo "$T/fifo"
"$S" --privsep -r "$T/fifo" -R rules -e "$T/k.json" 2> "$T/k.err" &
spid=$!
feed "$T/fifo"
i=0; w=""
while [ $i -lt 50 ] && [ -z "$w" ]; do
	sleep 0.1; w=$(pgrep -P $spid | head -1); i=$((i + 1))
done
if [ -n "$w" ]; then
	sleep 0.5
	kill -9 "$w"
	wait $feeder_pid; feeder_pid=
	wait $spid; rc=$?
	[ $rc -eq 1 ] && echo "ok - killed writer: sensor exits 1" ||
	    echo "not ok - killed writer: sensor exit $rc"
	grep -q 'writer process' "$T/k.err" &&
	    echo "ok - killed writer: reported in the log" ||
	    { echo "not ok - killed writer not reported"; tail -3 "$T/k.err" | sed 's/^/#   /'; }
else
	echo "not ok - no writer process found"
	kill $spid 2>/dev/null
fi

# SIGHUP: the writer reopens EVE (logrotate), nothing is lost.
rm -f "$T/fifo"; mkfifo "$T/fifo"
"$S" --privsep -r "$T/fifo" -R rules --all-flows -e "$T/h.json" 2> "$T/h.err" &
spid=$!
feed "$T/fifo"
# the writer exists once the signal handlers are in place
i=0
while [ $i -lt 100 ] && { [ -z "$(pgrep -P $spid)" ] || [ ! -s "$T/h.json" ]; }; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.5
mv "$T/h.json" "$T/h.json.1"
kill -HUP $spid
wait $feeder_pid; feeder_pid=
wait $spid; rc=$?
[ $rc -eq 0 ] && echo "ok - SIGHUP with privsep: exit 0" ||
    { echo "not ok - SIGHUP with privsep: exit $rc"; tail -3 "$T/h.err" | sed 's/^/#   /'; }
[ -s "$T/h.json" ] && [ -s "$T/h.json.1" ] &&
    echo "ok - SIGHUP with privsep: the writer reopened EVE ($(wc -l < "$T/h.json.1") + $(wc -l < "$T/h.json") lines)" ||
    echo "not ok - SIGHUP with privsep: EVE not reopened"
grep -q '"action":"reload"' "$T/h.json" "$T/h.json.1" &&
    echo "ok - SIGHUP with privsep: rules reloaded" ||
    echo "not ok - SIGHUP with privsep: no reload event"
n1=$(grep -c '"event_type":"flow"' "$T/h.json" "$T/h.json.1" | awk -F: '{s+=$2} END {print s}')
"$S" -r tests/data/sample.pcap -R rules --all-flows -e "$T/ref.json" 2>/dev/null
n2=$(grep -c '"event_type":"flow"' "$T/ref.json")
[ "$n1" = "$n2" ] && echo "ok - SIGHUP with privsep: every flow written once ($n1)" ||
    echo "not ok - SIGHUP with privsep: $n1 flow records, single run $n2"
