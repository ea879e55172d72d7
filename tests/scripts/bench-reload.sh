#!/bin/sh
# bench-reload.sh - how long a rules reload (parse, validate, swap) takes
# under traffic: the sample is replayed repeatedly through a fifo while
# SIGHUP arrives every 0.3 s; prints the reload times the sensor logs and
# checks that every packet fed was counted.  Not part of `make check`.
set -u
S=${SENSOR:-build/shadowtap-sensor}
N=${N:-10}		# replays of the sample
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkfifo "$T/fifo"
"$S" -r "$T/fifo" -R rules -e /dev/null -v 2> "$T/err" &
sensor_pid=$!
python3 - tests/data/sample.pcap "$N" > "$T/fifo" <<'PY' &
import struct, sys, time
d = open(sys.argv[1], 'rb').read()
out = sys.stdout.buffer
out.write(d[:24])
n = 0
for r in range(int(sys.argv[2])):
    o = 24
    while o + 16 <= len(d):
        incl = struct.unpack('<I', d[o + 8:o + 12])[0]
        out.write(d[o:o + 16 + incl]); o += 16 + incl; n += 1
        if n % 64 == 0:
            out.flush(); time.sleep(0.01)
out.flush()
sys.stderr.write("fed %d packets\n" % n)
PY
feeder_pid=$!
# signals before the handlers are installed would end the sensor
i=0
while [ $i -lt 100 ] && ! grep -q 'loaded:' "$T/err"; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
while kill -0 $feeder_pid 2>/dev/null; do sleep 0.3; kill -HUP $sensor_pid 2>/dev/null; done
wait $sensor_pid
grep -o 'reloaded in [0-9.]* ms' "$T/err" | awk '{print $3}' | sort -n > "$T/ms"
n=$(wc -l < "$T/ms")
echo "reloads: $n  min $(head -1 "$T/ms") ms  median $(sed -n "$(( (n + 1) / 2 ))p" "$T/ms") ms  max $(tail -1 "$T/ms") ms"
sed -n 's/.*: \([0-9]*\) packets (.*/packets counted: \1/p' "$T/err" | tail -1
echo "packets fed: $(( $(python3 -c "
import struct
d=open('tests/data/sample.pcap','rb').read(); o=24; n=0
while o+16<=len(d):
    o+=16+struct.unpack('<I',d[o+8:o+12])[0]; n+=1
print(n)") * N ))"
