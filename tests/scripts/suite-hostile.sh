#!/bin/sh
# suite-hostile.sh - hostile rules files (issue 15): a FIFO, /dev/zero and
# /dev/urandom in place of a rules file are refused as "not a regular file"
# by lint and by the sensor's -T, and neither blocks (timeout is only a hang
# guard: a blocked read would never return).  A regular copy stays accepted.
# Then policy_version, YAML strictness, lint's regex warnings, and hostile
# names in packets (NUL bytes, control bytes, invalid UTF-8) through EVE
# and SQLite.
set -u
cd "$(dirname "$0")/../.." || exit 2
L=build/shadowtap-rules
S=build/shadowtap-sensor
[ -x "$L" ] && [ -x "$S" ] || { echo "not ok - hostile: build first"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
rm -rf "$T/r"; cp -r rules "$T/r"
if timeout 60 "$L" lint "$T/r" > "$T/out" 2>&1; then
	echo "ok - hostile: regular rules copy lints clean"
else
	echo "not ok - hostile: regular rules copy lints clean"; fail=1
	head -5 "$T/out" | sed 's/^/#   /'
fi
for k in fifo-policy zero-detectors urandom-catalog dir-policy; do
	rm -rf "$T/r"; cp -r rules "$T/r"
	case $k in
	fifo-policy) rm "$T/r/policy.yaml"; mkfifo "$T/r/policy.yaml"; f=policy.yaml ;;
	zero-detectors) ln -sf /dev/zero "$T/r/detectors.yaml"; f=detectors.yaml ;;
	urandom-catalog) ln -sf /dev/urandom "$T/r/catalog/zz.yaml"; f=catalog/zz.yaml ;;
	dir-policy) rm "$T/r/policy.yaml"; mkdir "$T/r/policy.yaml"; f=policy.yaml ;;
	esac
	timeout 30 "$L" lint "$T/r" > "$T/out" 2>&1; rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "$f: error: cannot open: not a regular file" "$T/out"; then
		echo "ok - hostile: lint refuses $k (rc $rc)"
	else
		echo "not ok - hostile: lint refuses $k (rc $rc)"; fail=1
		head -5 "$T/out" | sed 's/^/#   /'
	fi
	timeout 30 "$S" -T -R "$T/r" > "$T/out" 2>&1; rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "not a regular file" "$T/out"; then
		echo "ok - hostile: sensor -T refuses $k (rc $rc)"
	else
		echo "not ok - hostile: sensor -T refuses $k (rc $rc)"; fail=1
		head -5 "$T/out" | sed 's/^/#   /'
	fi
done
# policy_version: the same for five spellings of one rules directory,
# different once a file's content changes.
ln -s "$PWD/rules" "$T/link"
vers=$(for d in rules ./rules rules/ "$PWD/rules" "$T/link"; do
	"$L" lint "$d" 2>/dev/null | sed -n 's/.*policy version \([0-9a-f]*\).*/\1/p'; done | sort -u)
if [ "$(echo "$vers" | wc -l)" -eq 1 ] && [ -n "$vers" ]; then
	echo "ok - hostile: policy_version independent of the rules path spelling ($vers)"
else
	echo "not ok - hostile: policy_version independent of the rules path spelling"; fail=1
	echo "$vers" | sed 's/^/#   /'
fi
rm -rf "$T/r"; cp -r rules "$T/r"; printf '\n# edited\n' >> "$T/r/policy.yaml"
v2=$("$L" lint "$T/r" 2>/dev/null | sed -n 's/.*policy version \([0-9a-f]*\).*/\1/p')
if [ -n "$v2" ] && [ "$v2" != "$vers" ]; then
	echo "ok - hostile: policy_version changes with the policy content"
else
	echo "not ok - hostile: policy_version changes with the policy content ($v2)"; fail=1
fi
# A second YAML document and unknown keys under policy: are errors.
rm -rf "$T/r"; cp -r rules "$T/r"; printf -- '---\npolicy: {}\n' >> "$T/r/policy.yaml"
if ! "$L" lint "$T/r" > "$T/out" 2>&1 && grep -q "policy.yaml:.*error: a second YAML document is not allowed" "$T/out"; then
	echo "ok - hostile: a second YAML document is an error"
else
	echo "not ok - hostile: a second YAML document is an error"; fail=1
fi
rm -rf "$T/r"; cp -r rules "$T/r"; sed -i 's/^  owner: \(.*\)$/  owner: \1\n  defualt: allow/' "$T/r/policy.yaml"
if ! "$L" lint "$T/r" > "$T/out" 2>&1 && grep -q "unknown key 'defualt' in 'policy'" "$T/out"; then
	echo "ok - hostile: an unknown key under policy: is an error"
else
	echo "not ok - hostile: an unknown key under policy: is an error"; fail=1
fi
# rules.allow_empty_policy (the override for an intentionally empty
# policy; the reload itself: test_analyzer reload_keeps_old_rules) parses,
# and a non-boolean is an error with file:line:col.
printf 'rules:\n  allow_empty_policy: true\n' > "$T/ae.yaml"
printf 'rules:\n  allow_empty_policy: maybe\n' > "$T/ae2.yaml"
if "$S" -T -c "$T/ae.yaml" -R rules > "$T/out" 2>&1 &&
    ! "$S" -T -c "$T/ae2.yaml" -R rules > "$T/out2" 2>&1 &&
    grep -q "ae2.yaml:2:23: error: expected true or false" "$T/out2"; then
	echo "ok - hostile: rules.allow_empty_policy in the sensor config (bool, checked)"
else
	echo "not ok - hostile: rules.allow_empty_policy in the sensor config"; fail=1
fi
# Lint warns about a nested unbounded quantifier; the shipped file has none.
rm -rf "$T/r"; cp -r rules "$T/r"
ln=$(grep -n 'pattern:' "$T/r/detectors.yaml" | sed -n 2p | cut -d: -f1)
sed -i "${ln}s/pattern: .*/pattern: '(a+)+\$'/" "$T/r/detectors.yaml"
if "$L" lint "$T/r" 2>&1 | grep -q "detectors.yaml:$ln:.*warning: .*nested unbounded quantifier"; then
	echo "ok - hostile: lint warns about (a+)+"
else
	echo "not ok - hostile: lint warns about (a+)+"; fail=1
fi
# Other backtracking traps, each at file:line:col of the trap; clean
# look-alikes give no warning.
for c in "(a|a)*@15@repeated alternatives" "(.*)*@15@nested unbounded" \
    "x.*.*y@16@adjacent unbounded wildcards" "(a|ab)+c@15@repeated alternatives" \
    "(?:foo|bar)+@@" "(ab|cd)*@@" "[a-z]+x@@"; do
	p=${c%%@*}; rest=${c#*@}; col=${rest%%@*}; msg=${rest#*@}
	rm -rf "$T/r"; cp -r rules "$T/r"
	printf "version: 1\ndetectors:\n  - id: T\n    class: api_key\n    pattern: '%s'\n    prefilter: {literals: [zz], after: 20}\n    confidence: 85\n" "$p" > "$T/r/detectors.yaml"
	out=$("$L" lint "$T/r" 2>&1 | grep warning)
	if [ -n "$msg" ]; then
		case $out in *"detectors.yaml:5:$col: warning: detector 'T': $msg"*) r=ok ;; *) r="not ok" ;; esac
		echo "$r - hostile: lint warns about $p at 5:$col"
	else
		[ -z "$out" ] && r=ok || r="not ok"
		echo "$r - hostile: lint does not warn about $p"
	fi
	[ "$r" = ok ] || { fail=1; echo "#   $out"; }
done
if "$L" lint rules 2>&1 | grep -q "nested unbounded quantifier"; then
	echo "not ok - hostile: shipped detectors have no nested quantifier"; fail=1
else
	echo "ok - hostile: shipped detectors have no nested quantifier"
fi
# Hostile names (NUL in SNI / Host / DNS label, control and invalid UTF-8
# bytes, HTTP control bytes in the target): EVE and SQLite outputs checked
# by hostile-names.py (Python's sqlite3 and `sqlite3 -json` must read them).
python3 tests/scripts/hostile-mkpcap.py "$T/names.pcap"
if "$S" -r "$T/names.pcap" -R rules --all-flows -d "$T/names.db" \
    -e "$T/names.json" > "$T/out" 2>&1; then
	python3 tests/scripts/hostile-names.py "$T/names.json" "$T/names.db" || fail=1
else
	echo "not ok - hostile names: sensor run"; fail=1
	head -5 "$T/out" | sed 's/^/#   /'
fi
# Regex CPU budget: the (a+)+$ detector and one 60 KB POST of 'a' (about
# 30 s of CPU before the budget).  Asserted on the counter and the event,
# not on time (timeout is only a hang guard).
rm -rf "$T/r"; cp -r rules "$T/r"; cp tests/config/dlp/backtrack.yaml "$T/r/detectors.yaml"
python3 tests/scripts/hostile-mkpcap.py "$T/posta.pcap" post-a
timeout 300 "$S" -r "$T/posta.pcap" -R "$T/r" -e "$T/posta.json" \
    -d "$T/posta.db" > "$T/out" 2>&1; rc=$?
be=$(grep '"event_type":"stats"' "$T/posta.json" | tail -1 |
    sed -n 's/.*"budget_exhausted":\([0-9]*\).*/\1/p')
db=$(sqlite3 "$T/posta.db" "select value from stats where name = 'dlp.budget_exhausted' order by ts desc limit 1" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$be" = 1 ] && [ "$db" = 1 ] &&
    grep -q '"kind":"dlp_budget"' "$T/posta.json"; then
	echo "ok - hostile: (a+)+\$ on 60 KB of 'a': dlp.budget_exhausted 1 (EVE and DB), dlp_budget event"
else
	echo "not ok - hostile: (a+)+\$ on 60 KB of 'a' (rc $rc, eve $be, db $db)"; fail=1
fi
# negative: the shipped detectors on the same POST spend no budget
timeout 300 "$S" -r "$T/posta.pcap" -R rules -e "$T/posta2.json" > "$T/out" 2>&1
if grep '"event_type":"stats"' "$T/posta2.json" | tail -1 | grep -q '"budget_exhausted":0' &&
    ! grep -q '"kind":"dlp_budget"' "$T/posta2.json"; then
	echo "ok - hostile: shipped detectors on the same POST: budget not exhausted"
else
	echo "not ok - hostile: shipped detectors on the same POST: budget not exhausted"; fail=1
fi
# Snap length (tcpdump -s 96/128 on a tap): cut copies of the case
# captures (and a few nDPI ones when ../shared is there); every name tshark
# reads in the cut copy is found, none is invented (hostile-snaplen.py).
if command -v tshark >/dev/null && command -v editcap >/dev/null; then
	mkdir -p "$T/snap"
	N=../shared/pcap/ndpi
	extra=""
	for x in dns.pcap dns-invalid-chars.pcap http-manipulated.pcap 1kxun.pcap; do
		[ -f "$N/$x" ] && extra="$extra $N/$x"
	done
	python3 tests/scripts/hostile-snaplen.py "$S" "$T/snap" 128 \
	    tests/cases/*/input.pcap $extra || fail=1
	python3 tests/scripts/hostile-snaplen.py "$S" "$T/snap" 96 \
	    tests/cases/core-*/input.pcap || fail=1
else
	echo "ok - hostile: snap length vs tshark # skip tshark/editcap missing"
fi
exit $fail
