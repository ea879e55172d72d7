#!/bin/sh
# test-workers-live.sh - live capture with 2 workers (PACKET_FANOUT) over a
# veth pair in a private network namespace: the DNS-then-TLS capture
# (TEST-NET addresses) replayed with tcpreplay; every flow seen whole by one
# worker (both directions in one flow record: no split flows), both workers
# used (the worker number is in the flow id's bits 48-52), DNS answers
# shared across workers (the replay leaves 0.3 s between a lookup and its
# connection: more than the capture ring's 100 ms block timeout, see
# docs/ARCHITECTURE.md "Workers").  Bounded in time; the namespace is removed.
set -u
S=${SENSOR:-build/shadowtap-sensor}
NS=stmc$$
T=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$T"' EXIT
if [ "$(id -u)" != 0 ] || ! command -v tcpreplay >/dev/null || ! command -v ip >/dev/null; then
	echo "ok - live workers over veth # skip: needs root, ip and tcpreplay"
	exit 0
fi
if ! ip netns add $NS 2>/dev/null ||
    ! ip -n $NS link add va type veth peer name vb 2>/dev/null; then
	echo "ok - live workers over veth # skip: cannot create a namespace or veth pair"
	exit 0
fi
ip -n $NS link set va up; ip -n $NS link set vb up
python3 tests/scripts/workers-mkpcap.py "$T/dt.pcap" 32
ip netns exec $NS "$S" -v --workers 2 -i vb -R rules --all-flows -e "$T/eve.json" \
    2> "$T/err" &
pid=$!
i=0
while ! grep -q '2 workers' "$T/err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
ip netns exec $NS tcpreplay -q -i va --pps 200 "$T/dt.pcap" >/dev/null 2>&1
sleep 1
kill -TERM $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid; rc=$?; pid=
[ $rc = 0 ] && echo "ok - live, 2 workers: SIGTERM exits 0" ||
    { echo "not ok - live, 2 workers: exit $rc"; tail -3 "$T/err" | sed 's/^/#   /'; }
python3 - "$T/eve.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
fl = [e for e in ev if e.get("event_type") == "flow" and e.get("proto") == "TCP"]
whole = [e for e in fl if e["flow"]["pkts_toserver"] > 0 and e["flow"]["pkts_toclient"] > 0]
print(("ok" if len(fl) == 64 and len(whole) == 64 else "not ok") +
      " - live, 2 workers: %d TCP flow records, %d with both directions (want 64, 64)"
      % (len(fl), len(whole)))
w = {(e["flow_id"] >> 48) & 0x1f for e in ev if e.get("event_type") == "flow"}
print(("ok" if w == {0, 1} else "not ok") + " - live, 2 workers: flows at workers %s"
      % sorted(w))
named = {e["dest_ip"] for e in ev if e.get("event_type") == "ai" and
         e.get("ai", {}).get("matched_by") == "dns_answer"}
print(("ok" if len(named) == 32 else "not ok") +
      " - live, 2 workers: %d of 32 connections named by a DNS answer (shared cache)"
      % len(named))
st = [e for e in ev if e.get("event_type") == "stats"]
pk = st[-1]["stats"]["decoder"]["pkts"] if st else 0
print(("ok" if pk >= 448 else "not ok") +
      " - live, 2 workers: stats sum both workers (%d packets decoded, replayed 448)" % pk)
PY
