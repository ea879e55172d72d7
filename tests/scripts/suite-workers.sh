#!/bin/sh
# suite-workers.sh - several packet paths (--workers N): the same EVE
# records and database rows as one path (sorted: the order between
# workers differs; flow ids differ), flow ids unique across workers, both
# workers used, DNS-then-TLS naming through the shared answer cache; and a
# live capture over a veth pair in a network namespace (PACKET_FANOUT):
# both directions of every flow at one worker, both workers used.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
S=$B/shadowtap-sensor
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
head -c 32 /dev/urandom > "$T/key"; chmod 600 "$T/key"

# What differs between two runs whatever the path: flow ids (random base,
# worker prefix), wall-clock timestamps, DLP fingerprints (per-run key),
# db_rows (commit timing); the order of records from different workers.
norm() {
	python3 - "$1" <<'PY' | sort
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    e.pop("flow_id", None)
    e.pop("parent_id", None)
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

# Flow ids: one per flow record, none shared by two flows.
ids_unique() {
	python3 - "$1" <<'PY'
import json, sys
ids = [json.loads(l).get("flow_id") for l in open(sys.argv[1])
       if json.loads(l).get("event_type") == "flow"]
sys.exit(0 if ids and len(ids) == len(set(ids)) else 1)
PY
}

rows() {
	sqlite3 "$1" "SELECT * FROM flows; SELECT * FROM dns; SELECT * FROM http;
	    SELECT kind, severity, rule, dlp_class FROM alerts;" |
	    sed 's/^[0-9]*|[0-9]*|//' | sort
}

python3 tests/scripts/workers-mkpcap.py "$T/dns-tls.pcap" 16
for p in tests/data/sample.pcap "$T/dns-tls.pcap" tests/cases/core-dns/input.pcap \
    tests/cases/core-tls-no-sni/input.pcap tests/cases/core-quic/input.pcap \
    tests/cases/core-vlan/input.pcap tests/cases/dlp-json/input.pcap \
    tests/cases/dlp-gzip/input.pcap; do
	n=$(basename "$(dirname "$p")")_$(basename "$p")
	for w in 1 2; do
		rm -f "$T/w$w.json" "$T/w$w.db" "$T/w$w.db-wal" "$T/w$w.db-shm" "$T/identity.key"
		"$S" -v --workers $w -r "$p" -R rules --all-flows -e "$T/w$w.json" \
		    -d "$T/w$w.db" -k "$T/key" 2> "$T/w$w.err"
		echo $? > "$T/w$w.rc"
		norm "$T/w$w.json" > "$T/w$w.norm"
		rows "$T/w$w.db" > "$T/w$w.rows"
	done
	if [ "$(cat "$T/w1.rc")" = 0 ] && [ "$(cat "$T/w2.rc")" = 0 ]; then
		echo "ok - $n: 1 and 2 workers exit 0"
	else
		echo "not ok - $n: exit 1 worker $(cat "$T/w1.rc"), 2 workers $(cat "$T/w2.rc")"
		tail -3 "$T/w2.err" | sed 's/^/#   /'
	fi
	if [ -s "$T/w1.norm" ] && cmp -s "$T/w1.norm" "$T/w2.norm"; then
		echo "ok - $n: the same EVE records with 2 workers ($(wc -l < "$T/w1.norm") records)"
	else
		echo "not ok - $n: EVE records differ with 2 workers"
		diff "$T/w1.norm" "$T/w2.norm" | head -4 | cut -c1-200 | sed 's/^/#   /'
	fi
	if [ -s "$T/w1.rows" ] && cmp -s "$T/w1.rows" "$T/w2.rows"; then
		echo "ok - $n: the same database rows with 2 workers ($(wc -l < "$T/w1.rows") rows)"
	else
		echo "not ok - $n: database rows differ with 2 workers"
		diff "$T/w1.rows" "$T/w2.rows" | head -4 | cut -c1-200 | sed 's/^/#   /'
	fi
	if ids_unique "$T/w2.json"; then
		echo "ok - $n: flow ids unique across workers"
	else
		echo "not ok - $n: a flow id repeats (or no flows)"
	fi
	[ $n = data_sample.pcap ] && cp "$T/w2.err" "$T/sample.err" &&
	    cp "$T/w2.json" "$T/sample.json"
done

# The sample has many clients: both workers get packets.
used=$(grep -c 'worker [01]: [1-9][0-9]* packets' "$T/sample.err")
[ "$used" = 2 ] && echo "ok - sample: both workers used" ||
    { echo "not ok - sample: workers used: $used"; grep worker "$T/sample.err" | sed 's/^/#   /'; }
# Stats are the workers' sum: the packet count is the capture's.
pk=$(python3 -c '
import json, sys
st = [json.loads(l) for l in open(sys.argv[1]) if "\"stats\"" in l]
print(st[-1]["stats"]["decoder"]["pkts"])' "$T/sample.json")
[ "$pk" = "$(tshark -r tests/data/sample.pcap 2>/dev/null | wc -l)" ] &&
    echo "ok - sample: stats sum the workers ($pk packets)" ||
    echo "not ok - sample: stats say $pk packets"

# DNS then TLS without a server name, 16 clients: every TLS flow to an
# answered address named from the answer cache, the others not.
"$S" --workers 2 -r "$T/dns-tls.pcap" -R rules --all-flows -e "$T/dt.json" 2>/dev/null
python3 - "$T/dt.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
named = {e["dest_ip"] for e in ev if e.get("event_type") == "ai" and
         e.get("ai", {}).get("matched_by") == "dns_answer" and e.get("dest_port") == 443}
blind = {e["dest_ip"] for e in ev if e.get("event_type") == "visibility" and
         e["visibility"]["kind"] == "tls_no_sni"}
want = {"203.0.113.%d" % (100 + i) for i in range(16)}
ok = named == want and not (blind & want) and len(blind) == 16
print(("ok" if ok else "not ok") + " - DNS-then-TLS with 2 workers: %d of 16 "
      "connections named by the DNS answer, %d blind" % (len(named & want), len(blind)))
PY

# Bad values refuse.
"$S" --workers 0 -r tests/data/sample.pcap -e - >/dev/null 2>&1
[ $? = 2 ] && echo "ok - --workers 0 is a usage error" ||
    echo "not ok - --workers 0 accepted"

# After a privilege drop (seccomp on): the threads start, the run is whole.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$T"
	mkdir -m 777 "$T/u"
	"$S" --workers 2 -u nobody -r "$T/dns-tls.pcap" -R rules --all-flows \
	    -e "$T/u/u.json" 2> "$T/u.err"
	rc=$?
	[ $rc = 0 ] && [ "$(grep -c '"event_type":"flow"' "$T/u/u.json")" = \
	    "$(grep -c '"event_type":"flow"' "$T/dt.json")" ] &&
	    echo "ok - 2 workers after the drop to nobody (seccomp allows threads)" ||
	    { echo "not ok - 2 workers after the drop: exit $rc"; tail -2 "$T/u.err" | sed 's/^/#   /'; }
else
	echo "ok - 2 workers after a privilege drop # skip: needs root"
fi

timeout 120 sh tests/scripts/test-workers-live.sh
