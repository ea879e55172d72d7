#!/bin/sh
# suite-scale.sh - the flow table at its cap (untimed; `make bench-scale`
# measures 1 M flows): synthetic captures from tests/tools/mkflows (TEST-NET
# addresses, all flows alive at once), counters and flow events checked.
# TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
S=$B/shadowtap-sensor
G=$B/tools/mkflows
for x in "$S" "$G"; do
	[ -x "$x" ] || { echo "not ok - scale: $x not built"; exit 1; }
done
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
fail=0

# run NAME FLOWS PHASES CAP [prefault]: replay, write the last stats event's
# flow counters and the flow events' (reason, pkts) counts to $T/NAME.txt.
run() {
	"$G" "$T/$1.pcap" "$2" "$3" || return 1
	printf 'flows:\n  max: %s\n  prefault: %s\noutput:\n  eve_flows: all\n' \
	    "$4" "${5:-false}" > "$T/$1.yaml"
	"$S" -r "$T/$1.pcap" -c "$T/$1.yaml" -e "$T/$1.json" >/dev/null 2>&1 || return 1
	python3 - "$T/$1.json" > "$T/$1.txt" <<'PY'
import collections, json, sys
st, ev = None, collections.Counter()
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event_type"] == "stats":
        st = e["stats"]["shadowtap"]["flows"]
    elif e["event_type"] == "flow":
        f = e["flow"]
        ev["flow_events"] += 1
        ev["reason_" + f["reason"]] += 1
        ev["pkts_%d_%d" % (f["pkts_toserver"], f["pkts_toclient"])] += 1
        ev["state_" + f["state"]] += 1
for k, v in sorted((st or {}).items()):
    print(k, v)
for k, v in sorted(ev.items()):
    print(k, v)
PY
}
val() { awk -v k="$2" '$1 == k { print $2 }' "$T/$1.txt"; }
check() {	# check NAME KEY EXPECTED WHAT
	got=$(val "$1" "$2")
	if [ "$got" = "$3" ]; then echo "ok - scale: $4 ($2 = $3)"
	else echo "not ok - scale: $4 ($2 = ${got:-none}, expected $3)"; fail=1; fi
}

# 5000 one-packet flows into a 1024-flow table: every flow beyond the cap
# evicts the oldest; the rest end at shutdown.
if run cap 5000 1 1024; then
	check cap created 5000 "5000 flows into a 1024-flow table: all created"
	check cap evicted 3976 "the 3976 beyond the cap evicted"
	check cap active_max 1024 "never more than the cap alive"
	check cap timed_out 0 "none timed out"
	check cap ended 5000 "every flow ended once"
	check cap flow_events 5000 "one flow event per flow"
	check cap reason_forced 3976 "flow events of evicted flows say forced (Suricata's word)"
	check cap reason_shutdown 1024 "the last 1024 end at shutdown"
else
	echo "not ok - scale: cap run failed"; fail=1
fi

# 3000 complete handshakes under the cap: each flow keeps its 3 packets.
if run fit 3000 3 4096 true; then
	check fit created 3000 "3000 handshakes under a 4096 cap, pre-faulted: one flow each"
	check fit evicted 0 "nothing evicted under the cap"
	check fit active_max 3000 "all 3000 alive at once"
	check fit pkts_2_1 3000 "every flow has its SYN, SYN+ACK and ACK"
	check fit state_established 3000 "every flow established"
else
	echo "not ok - scale: fit run failed"; fail=1
fi

# The same handshakes through a 1024 cap: packets of evicted flows come
# back as new flows; the counters stay consistent.
if run churn 3000 3 1024; then
	c=$(val churn created); e=$(val churn evicted); n=$(val churn ended)
	if [ -n "$c" ] && [ "$c" -gt 3000 ] && [ "$e" = $((c - 1024)) ] && [ "$n" = "$c" ]; then
		echo "ok - scale: churn at the cap: evicted = created - cap ($e = $c - 1024), ended = created"
	else
		echo "not ok - scale: churn at the cap: created $c evicted $e ended $n"; fail=1
	fi
	check churn active_max 1024 "churn: never more than the cap alive"
	check churn timed_out 0 "churn: none timed out"
	check churn reason_forced "$e" "churn: as many forced flow events as evictions counted"
else
	echo "not ok - scale: churn run failed"; fail=1
fi

# Negative: the generator refuses what it cannot address.
if "$G" "$T/x.pcap" 0 1 2>/dev/null || "$G" "$T/x.pcap" 20000000 1 2>/dev/null; then
	echo "not ok - scale: mkflows refuses 0 and more than 16,128,000 flows"; fail=1
else
	echo "ok - scale: mkflows refuses 0 and more than 16,128,000 flows"
fi
exit $fail
