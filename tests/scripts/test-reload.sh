#!/bin/sh
# test-reload.sh - SIGHUP while traffic flows: the sample is fed slowly
# through a pipe; one reload with a valid changed policy, one with a broken
# policy.  Expect a "reload" and a "reload_failed" policy event, no crash,
# and every packet of the capture counted.
set -u
S=${SENSOR:-build/shadowtap-sensor}
T=$(mktemp -d)
trap 'kill $feeder_pid 2>/dev/null; rm -rf "$T"' EXIT
feeder_pid=
cp -r rules "$T/rules"
want=$(python3 -c "
import struct,sys
d=open('tests/data/sample.pcap','rb').read(); o=24; n=0
while o+16<=len(d):
    incl=struct.unpack('<I',d[o+8:o+12])[0]; o+=16+incl; n+=1
print(n)")

# feed through a fifo: pcap header, then packets with a pause (~5 s)
mkfifo "$T/fifo"
"$S" -r "$T/fifo" -R "$T/rules" -e "$T/eve.json" -v 2> "$T/err" &
sensor_pid=$!
python3 - tests/data/sample.pcap > "$T/fifo" <<'PY' &
import struct, sys, time
d = open(sys.argv[1], 'rb').read()
out = sys.stdout.buffer
out.write(d[:24]); out.flush()
o = 24
while o + 16 <= len(d):
    incl = struct.unpack('<I', d[o + 8:o + 12])[0]
    out.write(d[o:o + 16 + incl]); out.flush()
    o += 16 + incl
    time.sleep(0.005)
PY
feeder_pid=$!
# Start-up (python, rules, nDPI) can take seconds on a loaded machine: wait
# for the rules to be loaded, then for the signal handlers after them.
i=0; while ! grep -q 'loaded:' "$T/err" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
sed -i 's/upload_bytes: 65536 /upload_bytes: 70000 /' "$T/rules/policy.yaml"
kill -HUP $sensor_pid
# the loop takes the signal between dispatches: wait for the reload
i=0
while [ $i -lt 100 ] && ! grep -q 'reloaded in' "$T/err"; do sleep 0.1; i=$((i + 1)); done
printf 'rules:\n  - id: broken\n    match: {zone: nowhere}\n    verdict: maybe\n' >> "$T/rules/policy.yaml"
kill -HUP $sensor_pid
wait $feeder_pid
feeder_pid=
wait $sensor_pid; rc=$?
[ $rc -eq 0 ] && echo "ok - sensor exits cleanly after two SIGHUPs" || { echo "not ok - sensor exit $rc"; tail -5 "$T/err" | sed 's/^/#   /'; }
grep -q '"action":"reload"' "$T/eve.json" && echo "ok - reload policy event" || echo "not ok - reload policy event"
grep -q '"action":"reload_failed"' "$T/eve.json" && echo "ok - reload_failed policy event" || echo "not ok - reload_failed policy event"
grep -q 'policy.yaml:[0-9]*:[0-9]*: error: ' "$T/err" && echo "ok - reload errors logged with file:line:col" || echo "not ok - reload errors logged"
got=$(sed -n 's/.*: \([0-9]*\) packets (.*/\1/p' "$T/err" | tail -1)
[ "$got" = "$want" ] && echo "ok - all $want packets counted across reloads" || echo "not ok - packets counted $got, capture has $want"
v=$(grep -o '"policy_version":"[0-9a-f]*"' "$T/eve.json" | sort -u | wc -l)
[ "$v" -ge 2 ] && echo "ok - ai events carry the old and the new policy version" || echo "not ok - policy versions seen: $v"
grep -o 'reloaded in [0-9.]* ms' "$T/err" | sed 's/^/# /'
