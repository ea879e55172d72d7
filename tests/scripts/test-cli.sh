#!/bin/sh
# test-cli.sh - command line and bad input: exit codes, error messages that
# name the file and the reason, and no half-written outputs.
set -u
S=${SENSOR:-build/shadowtap-sensor}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SAMPLE=tests/data/cli/mini.pcap

check() {	# check NAME EXPECTED_RC GREP_PATTERN -- CMD...
	name=$1 want=$2 pat=$3; shift 4
	"$@" > "$T/out" 2> "$T/err"; rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "not ok - $name (exit $rc, want $want)"; sed 's/^/#   /' "$T/err" | head -5
	elif [ -n "$pat" ] && ! grep -qE "$pat" "$T/err" "$T/out"; then
		echo "not ok - $name (no message matching /$pat/)"; sed 's/^/#   /' "$T/err" | head -5
	else
		echo "ok - $name"
	fi
}

absent() {	# absent NAME FILE...: outputs must not exist
	name=$1; shift
	for f in "$@"; do
		if [ -e "$f" ]; then echo "not ok - $name ($f was created)"; return; fi
	done
	echo "ok - $name"
}

check "help exits 0" 0 'usage: shadowtap-sensor' -- "$S" --help
check "version" 0 'shadowtap-sensor [0-9]' -- "$S" --version
check "unknown option is usage error" 2 'usage' -- "$S" --bogus
check "no input is usage error" 2 'one of -i IFACE or -r FILE' -- "$S" -e -
check "stray argument" 2 "unexpected argument 'x'" -- "$S" -r "$SAMPLE" x
check "missing file" 1 'nope.pcap: cannot read capture file: No such file' -- \
	"$S" -r "$T/nope.pcap" -e "$T/m.json" -d "$T/m.db"
absent "missing file writes nothing" "$T/m.json" "$T/m.db" "$T/pseudonym.key"
printf 'this is not a capture\n' > "$T/text.pcap"
check "non-pcap file" 1 'text.pcap: not a readable pcap/pcapng file' -- \
	"$S" -r "$T/text.pcap" -e "$T/n.json" -d "$T/n.db"
absent "non-pcap writes nothing" "$T/n.json" "$T/n.db"
check "directory as file" 1 'is a directory' -- "$S" -r "$T" -e -
head -c 2000 "$SAMPLE" > "$T/trunc.pcap"
check "truncated pcap: error, exit 1" 1 'trunc.pcap: .*truncated' -- \
	"$S" -r "$T/trunc.pcap" -e "$T/t.json" -d "$T/t.db"
if [ -s "$T/t.json" ] && python3 -c '
import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$T/t.json"; then
	echo "ok - truncated pcap: events before the cut are complete JSON lines"
else
	echo "not ok - truncated pcap: events before the cut are complete JSON lines"
fi
check "unwritable database directory" 1 'nodir/x.db: cannot open database' -- \
	"$S" -r "$SAMPLE" -d "$T/nodir/x.db" -e "$T/u.json"
absent "unwritable database leaves no EVE file" "$T/u.json"
check "unwritable EVE path" 1 'nodir/e.json: cannot open EVE output' -- \
	"$S" -r "$SAMPLE" -e "$T/nodir/e.json" -d "$T/v.db"
absent "unwritable EVE leaves no database" "$T/v.db" "$T/v.db-wal"
check "bad BPF filter" 1 "bad BPF filter 'port nonsense'" -- \
	"$S" -r "$SAMPLE" -f 'port nonsense' -e "$T/b.json"
check "-T on defaults" 0 'configuration OK' -- "$S" -T
printf 'capture:\n  snaplen: 10\n  bogus: 1\nflows:\n  max: many\nextra: 1\n' > "$T/bad.yaml"
check "-T reports every config error with file:line:col" 2 \
	'bad.yaml:2:12: error: 10 is out of range' -- "$S" -T -c "$T/bad.yaml"
for pat in 'bad.yaml:3:3: error: unknown key .bogus. in capture' \
	"bad.yaml:5:8: error: 'many' is not an integer" \
	'bad.yaml:6:1: error: unknown key .extra. in the configuration'; do
	if grep -qE "$pat" "$T/err"; then echo "ok - config error: $pat"
	else echo "not ok - config error: $pat"; sed 's/^/#   /' "$T/err"; fi
done
printf 'capture: [1, 2\n' > "$T/syntax.yaml"
check "YAML syntax error has line:col" 2 'syntax.yaml:[0-9]+:[0-9]+: error' -- "$S" -T -c "$T/syntax.yaml"
check "missing rules directory" 2 'nowhere: rules directory not found' -- "$S" -T -R "$T/nowhere"
check "live capture on a missing interface" 1 'no such interface|cannot open interface|permission denied' -- \
	"$S" -i st-no-such-if0 -e "$T/l.json"
# A good run: valid JSON lines, a database with the schema version set.
check "replay of a small capture" 0 'packets' -- "$S" -r "$SAMPLE" -e "$T/g.json" -d "$T/g.db" --all-flows
if python3 - "$T/g.json" "$T/g.db" <<'PY'
import json, sqlite3, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev and all("timestamp" in e and "event_type" in e for e in ev)
assert ev[-1]["event_type"] == "stats"
db = sqlite3.connect(sys.argv[2])
assert db.execute("PRAGMA user_version").fetchone()[0] == 2
assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
n = db.execute("select count(*) from flows").fetchone()[0]
assert n == sum(1 for e in ev if e["event_type"] == "flow"), n
PY
then echo "ok - replay output: JSON lines, schema v2, WAL, one row per flow event"
else echo "not ok - replay output: JSON lines, schema v2, WAL, one row per flow event"; fi
k=$(stat -c %a "$T/pseudonym.key" 2>/dev/null)
[ "$k" = 600 ] && echo "ok - pseudonym key created with mode 600" || echo "not ok - pseudonym key mode is '$k'"
check "shipped packaging/sensor.yaml passes -T" 0 'configuration OK' -- "$S" -T -c packaging/sensor.yaml
# Every keyword the sensor accepts is documented in packaging/sensor.yaml.
missing=""
for k in $(grep -oE '\{ "[a-z]+", "[a-z_]+"' sensor/conf.c | sed -E 's/.*"([a-z_]+)"$/\1/'); do
	grep -qE "^\s*#? ?$k:" packaging/sensor.yaml || missing="$missing $k"
done
[ -z "$missing" ] && echo "ok - every config key is documented in packaging/sensor.yaml" ||
	echo "not ok - config keys missing from packaging/sensor.yaml:$missing"

# Issue 16: a start-up error never removes a file this run did not create.
# A database and EVE file from an earlier run, then each bad key in turn.
mkdir -p "$T/keep"
"$S" -r "$SAMPLE" -e "$T/keep/eve.json" -d "$T/keep/st.db" -k "$T/keep/k" --all-flows >/dev/null 2>&1
sum0=$(cat "$T/keep/st.db" "$T/keep/eve.json" | md5sum)
n0=$(sqlite3 "$T/keep/st.db" 'select count(*) from flows' 2>/dev/null)
badkey() {	# badkey NAME PATTERN KEYPATH
	check "$1: exit 1 with a message" 1 "$2" -- \
	    "$S" -r "$SAMPLE" -e "$T/keep/eve.json" -d "$T/keep/st.db" -k "$3"
	if [ -f "$T/keep/st.db" ] && [ -f "$T/keep/eve.json" ] &&
	   [ "$(cat "$T/keep/st.db" "$T/keep/eve.json" | md5sum)" = "$sum0" ] &&
	   [ "$(sqlite3 "$T/keep/st.db" 'select count(*) from flows')" = "$n0" ]; then
		echo "ok - $1: existing database and EVE file untouched"
	else
		echo "not ok - $1: existing database or EVE file changed or removed"
	fi
}
chmod 644 "$T/keep/k"
badkey "key readable by others" 'k.*(mode|permission|0?644|readable)' "$T/keep/k"
head -c 7 /dev/urandom > "$T/keep/short"; chmod 600 "$T/keep/short"
badkey "key of the wrong length" 'short' "$T/keep/short"
mkdir "$T/keep/kdir"
badkey "key path is a directory" 'kdir' "$T/keep/kdir"
[ "$n0" -gt 0 ] 2>/dev/null && echo "ok - earlier run wrote $n0 flows to keep" ||
	echo "not ok - earlier run wrote no flows (n0='$n0')"
