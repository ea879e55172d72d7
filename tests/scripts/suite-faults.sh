#!/bin/sh
# suite-faults.sh - faults and data safety: output file modes, symbolic
# links, the instance lock, EVE line atomicity and torn-line repair, a
# malformed database, a locked database, kill -9 during heavy writing and
# (as root) a full disk.  Synthetic captures only; bounded (~30 s).
set -u
S=${SENSOR:-build/shadowtap-sensor}
T=$(mktemp -d)
M=""
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	[ -n "$M" ] && umount "$M" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
SAMPLE=tests/data/sample.pcap
MINI=tests/data/cli/mini.pcap
umask 022

ok() { if [ "$1" -eq 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }
t() { name=$1; shift; "$@"; ok $? "$name"; }

# gen.py SRC COPIES [GOFILE COPIES]...: a pcap stream of SRC repeated, each
# copy two hours later (so flows end); waits for each GOFILE before the
# copies that follow it.
cat > "$T/gen.py" <<'PY'
import os, struct, sys, time
src = open(sys.argv[1], "rb").read()
hdr, body = src[:24], src[24:]
pk = []
i = 0
while i + 16 <= len(body):
	ts, us, cl, wl = struct.unpack("<IIII", body[i:i + 16])
	pk.append((ts, us, body[i + 16:i + 16 + cl], cl, wl)); i += 16 + cl
out = sys.stdout.buffer
def copies(n, k0):
	for k in range(k0, k0 + n):
		b = bytearray()
		for ts, us, d, cl, wl in pk:
			b += struct.pack("<IIII", ts + k * 7200, us, cl, wl) + d
		out.write(b); out.flush()
	return k0 + n
try:
	out.write(hdr); k = copies(int(sys.argv[2]), 0)
	for a in range(3, len(sys.argv) - 1, 2):
		while not os.path.exists(sys.argv[a]): time.sleep(0.05)
		k = copies(int(sys.argv[a + 1]), k)
except BrokenPipeError:
	pass
PY
gen() { python3 "$T/gen.py" "$@"; }
jsonl_bad() {	# number of lines of $1 that are not JSON
	python3 -c '
import json, sys
bad = 0
for l in open(sys.argv[1], "rb"):
	try: json.loads(l)
	except Exception: bad += 1
print(bad)' "$1"
}
ends_nl() { [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }
wait_file() {	# wait_file FILE: up to 20 s
	i=0; while [ $i -lt 200 ]; do [ -e "$1" ] && return 0; sleep 0.1; i=$((i + 1)); done; return 1
}
wait_grep() {	# wait_grep FILE PATTERN: up to 20 s
	i=0; while [ $i -lt 200 ]; do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; i=$((i + 1)); done; return 1
}
mode() { stat -c %a "$1"; }

# --- modes -----------------------------------------------------------------
D=$T/m; mkdir "$D"
"$S" -r "$MINI" -e "$D/eve.json" -d "$D/st.db" 2> "$D/err"
ok $? "replay exits 0"
t "EVE created 0640 (umask 022)" [ "$(mode "$D/eve.json")" = 640 ]
t "database created 0640" [ "$(mode "$D/st.db")" = 640 ]
t "pseudonym key created 0600" [ "$(mode "$D/pseudonym.key")" = 600 ]

# --- symbolic links ----------------------------------------------------------
D=$T/l; mkdir "$D"
echo precious > "$D/target"
ln -s "$D/target" "$D/eve.json"
"$S" -r "$MINI" -e "$D/eve.json" 2> "$D/err"; rc=$?
t "EVE symlink refused: exit 1" [ $rc -eq 1 ]
t "EVE symlink refused: message" grep -q 'symbolic link; refused' "$D/err"
t "EVE symlink refused: target untouched" [ "$(cat "$D/target")" = precious ]
ln -s "$D/nothere" "$D/dangling.json"
"$S" -r "$MINI" -e "$D/dangling.json" 2> "$D/err"; rc=$?
t "dangling EVE link refused" [ $rc -eq 1 ]
t "dangling EVE link: target not created" [ ! -e "$D/nothere" ]
ln -s "$D/target" "$D/db.link"
"$S" -r "$MINI" -d "$D/db.link" 2> "$D/err"; rc=$?
t "database symlink refused" [ $rc -eq 1 ] && grep -q 'database is a symbolic link' "$D/err"
t "database symlink: target untouched" [ "$(cat "$D/target")" = precious ]
printf 'output:\n  follow_symlinks: true\n' > "$D/c.yaml"
"$S" -c "$D/c.yaml" -r "$MINI" -e "$D/dangling.json" 2> "$D/err"; rc=$?
t "follow_symlinks: a dangling link still never creates its target" \
	[ $rc -eq 1 ] && [ ! -e "$D/nothere" ]
: > "$D/real.json"; ln -s "$D/real.json" "$D/ok.json"
"$S" -c "$D/c.yaml" -r "$MINI" -e "$D/ok.json" 2> "$D/err"; rc=$?
t "follow_symlinks: true allows a link" [ $rc -eq 0 ] && [ -s "$D/real.json" ]

# --- torn last line ----------------------------------------------------------
D=$T/r; mkdir "$D"
"$S" -r "$MINI" -e "$D/eve.json" 2>/dev/null
n0=$(wc -l < "$D/eve.json")
printf '{"timestamp":"2026-11-16T10:00:00' >> "$D/eve.json"
"$S" -r "$MINI" -e "$D/eve.json" 2> "$D/err"; rc=$?
t "torn line: replay exits 0" [ $rc -eq 0 ]
t "torn line: logged" grep -q 'last line was incomplete' "$D/err"
t "torn line: exactly one bad record, the rest parse" [ "$(jsonl_bad "$D/eve.json")" = 1 ]
t "torn line: file ends with a newline, $n0 + 1 + $n0 lines" \
	[ "$(wc -l < "$D/eve.json")" -eq $((2 * n0 + 1)) ]
"$S" -r "$MINI" -e "$D/eve.json" 2> "$D/err"
t "complete file: no repair" eval '! grep -q incomplete "$D/err"'

# --- instance lock -------------------------------------------------------------
D=$T/k; mkdir "$D"
gen "$MINI" 1 "$D/go" 1 | "$S" -r - -e "$D/eve.json" -d "$D/st.db" 2> "$D/err1" &
p1=$!; pids="$pids $p1"
wait_file "$D/pseudonym.key"; sleep 0.3
sz=$(stat -c %s "$D/st.db")
"$S" -r "$MINI" -e "$D/eve.json" -d "$D/other.db" 2> "$D/err2"; rc=$?
t "second sensor on the same EVE: exit 1" [ $rc -eq 1 ]
t "second sensor on the same EVE: message" grep -q 'in use by another shadowtap-sensor' "$D/err2"
t "second sensor on the same EVE: its database not left behind" [ ! -e "$D/other.db" ]
"$S" -r "$MINI" -e "$D/other.json" -d "$D/st.db" 2> "$D/err3"; rc=$?
t "second sensor on the same database: exit 1" [ $rc -eq 1 ] && grep -q 'database is in use' "$D/err3"
t "second sensor: database untouched, its EVE not left behind" \
	[ "$(stat -c %s "$D/st.db")" = "$sz" ] && [ ! -e "$D/other.json" ]
# HUP only once the sensor catches it (SigCgt bit 1), not before.
i=0; while [ $i -lt 200 ] && ! python3 -c '
import sys
m = [l for l in open("/proc/%s/status" % sys.argv[1]) if l.startswith("SigCgt")]
sys.exit(0 if m and int(m[0].split()[1], 16) & 1 else 1)' $p1 2>/dev/null; do
	sleep 0.1; i=$((i + 1)); done
kill -HUP $p1; sleep 0.2
touch "$D/go"; wait $p1; rc=$?
t "first sensor unaffected: exit 0" [ $rc -eq 0 ]
t "SIGHUP without rotation keeps the file (and its lock) quietly" \
	eval '! grep -q "cannot reopen\|in use" "$D/err1"'

# --- malformed database ----------------------------------------------------------
D=$T/c; mkdir "$D"
"$S" -r "$SAMPLE" -d "$D/st.db" 2>/dev/null
pages=$(sqlite3 "$D/st.db" "SELECT group_concat(pageno, ' ') FROM dbstat WHERE name IN ('dns', 'flows', 'ai_events', 'agg_hour')")
python3 -c '
import sys
f = open(sys.argv[1], "r+b")
for p in sys.argv[2:]:
	f.seek((int(p) - 1) * 4096); f.write(b"\xa5" * 4096)' "$D/st.db" $pages
"$S" -r "$SAMPLE" -e "$D/eve.json" -d "$D/st.db" 2> "$D/err"; rc=$?
t "malformed database: replay exits 1" [ $rc -eq 1 ]
t "malformed database: said once" [ "$(grep -c 'malformed' "$D/err")" -le 2 ] && \
	[ "$(grep -c 'malformed; no more rows' "$D/err")" -eq 1 ]
t "malformed database: no insert errors repeated" eval '! grep -q "insert failed" "$D/err"'
t "malformed database: EVE keeps going, all lines complete" \
	[ "$(grep -c . "$D/eve.json")" -gt 100 ] && [ "$(jsonl_bad "$D/eve.json")" = 0 ]
t "malformed database: alarm in stats" grep -q '"db_malformed":1' "$D/eve.json"

# --- locked database -------------------------------------------------------------
D=$T/b; mkdir "$D"
"$S" -r "$SAMPLE" -d "$D/ref.db" 2>/dev/null
"$S" -r "$MINI" -d "$D/st.db" -k "$D/ref.key" 2>/dev/null
cp "$D/pseudonym.key" "$D/ref.key" 2>/dev/null
base=$(sqlite3 "$D/st.db" "SELECT (SELECT count(*) FROM flows) + (SELECT count(*) FROM dns)")
# The holder waits for the lock itself (.timeout) and says when it has it.
(echo ".timeout 10000"; echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES ('locktest', '1');"
	echo ".system touch $D/locked"; sleep 10; echo "COMMIT;") | sqlite3 "$D/st.db" > /dev/null &
lp=$!; pids="$pids $lp"
wait_file "$D/locked"
t "locked database: a second process holds the write lock" \
	eval '! sqlite3 -cmd ".timeout 1" "$D/st.db" "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null'
start=$(date +%s)
"$S" -r "$SAMPLE" -e "$D/eve.json" -d "$D/st.db" -k "$D/ref.key" 2> "$D/err"; rc=$?
end=$(date +%s)
wait $lp
t "locked database: replay exits 0 (nothing lost)" [ $rc -eq 0 ]
t "locked database: the wait is said" grep -q 'locked by another process' "$D/err"
t "locked database: counted as db_busy" grep -q '"db_busy":[1-9]' "$D/eve.json"
ref=$(sqlite3 "$D/ref.db" "SELECT (SELECT count(*) FROM flows) + (SELECT count(*) FROM dns)")
got=$(sqlite3 "$D/st.db" "SELECT (SELECT count(*) FROM flows) + (SELECT count(*) FROM dns)")
t "locked database: all rows committed after the lock ($got = $base + $ref)" [ "$got" -eq $((base + ref)) ]
t "locked database: integrity_check ok" [ "$(sqlite3 "$D/st.db" 'PRAGMA integrity_check')" = ok ]
echo "# locked database: replay took $((end - start)) s with a 10 s lock"

# --- kill -9 during heavy writing ----------------------------------------------------
D=$T/9; mkdir "$D"
gen "$SAMPLE" 300 | "$S" -r - -e "$D/eve.json" -d "$D/st.db" 2> "$D/err" &
p9=$!; pids="$pids $p9"
i=0; while [ $i -lt 200 ] && [ "$(stat -c %s "$D/eve.json" 2>/dev/null || echo 0)" -lt 2000000 ]; do
	sleep 0.1; i=$((i + 1)); done
# The whole sensor at once (privsep: parent, engine, writer), as a power cut
# or systemd's control-group SIGKILL does.
k9=$(pgrep -P $p9 | tr '\n' ' ')
kill -9 $p9 $k9 2>/dev/null; wait $p9 2>/dev/null
for p in $k9; do i=0; while [ $i -lt 100 ] && kill -0 $p 2>/dev/null; do
	sleep 0.05; i=$((i + 1)); done; done
t "kill -9: EVE has no torn line" ends_nl "$D/eve.json"
t "kill -9: every EVE line parses" [ "$(jsonl_bad "$D/eve.json")" = 0 ]
t "kill -9: database integrity_check ok" [ "$(sqlite3 "$D/st.db" 'PRAGMA integrity_check')" = ok ]
t "kill -9: database has rows" [ "$(sqlite3 "$D/st.db" 'SELECT count(*) FROM dns')" -gt 0 ]
n9=$(wc -l < "$D/eve.json")
"$S" -r "$MINI" -e "$D/eve.json" -d "$D/st.db" 2> "$D/err2"; rc=$?
t "kill -9: restart exits 0, no repair needed" [ $rc -eq 0 ] && ! grep -q incomplete "$D/err2"
t "kill -9: after restart every line parses" [ "$(jsonl_bad "$D/eve.json")" = 0 ] && \
	[ "$(wc -l < "$D/eve.json")" -gt "$n9" ]

# --- disk full --------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "ok - disk full on a tmpfs # skip: needs root to mount a tmpfs"
	exit 0
fi
M=$T/tmpfs; mkdir "$M"
if ! mount -t tmpfs -o size=4m tmpfs "$M" 2>/dev/null; then
	M=""
	echo "ok - disk full on a tmpfs # skip: cannot mount a tmpfs here"
	exit 0
fi
"$S" -r "$MINI" -e "$M/eve.json" -d "$M/st.db" 2>/dev/null
n0=$(wc -l < "$M/eve.json")
gen "$SAMPLE" 1 "$T/go1" 20 "$T/go2" 5 |
	"$S" -r - -e "$M/eve.json" -d "$M/st.db" 2> "$T/derr" &
pd=$!; pids="$pids $pd"
wait_file "$M/st.db-wal"; sleep 0.5
dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null	# until the disk is full
touch "$T/go1"
wait_grep "$T/derr" 'EVE write failed'
rm -f "$M/fill"; touch "$T/go2"
wait $pd; rc=$?
# single process: the summary line; privsep: the writer's
written=$(sed -n 's/.*\(HTTP requests, \|writer: \)\([0-9]*\) EVE lines.*/\2/p' "$T/derr")
lost=$(sed -n 's/.*data lost: \([0-9]*\) EVE lines.*/\1/p' "$T/derr")
t "disk full: replay that lost data exits 1" [ $rc -eq 1 ]
t "disk full: first failure logged once" [ "$(grep -c 'EVE write failed' "$T/derr")" -eq 1 ]
t "disk full: recovery logged" grep -q 'EVE writes resumed' "$T/derr"
t "disk full: lines counted exactly ($written written = file lines - $n0)" \
	[ -n "$written" ] && [ "$((n0 + written))" -eq "$(wc -l < "$M/eve.json")" ]
t "disk full: lost lines counted (${lost:-?})" [ -n "$lost" ] && [ "$lost" -gt 0 ]
t "disk full: every EVE line parses, none torn" [ "$(jsonl_bad "$M/eve.json")" = 0 ] && ends_nl "$M/eve.json"
t "disk full: database integrity_check ok" [ "$(sqlite3 "$M/st.db" 'PRAGMA integrity_check')" = ok ]
