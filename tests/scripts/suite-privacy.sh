#!/bin/sh
# suite-privacy.sh - issue 9: no client address in the store or the
# pseudonym-mode EVE after replaying every capture; sealed identities and
# audited re-identification (reason, role, four-eyes, tamper detection);
# EVE pseudonym shape.  TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
B=${B:-build}
S=$ROOT/$B/shadowtap-sensor
R=$ROOT/$B/shadowtap-reid
T=$(mktemp -d /tmp/suite-privacy.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }
chk() { if [ "$1" = "$2" ]; then ok "$3"; else nok "$3 (got '$1', want '$2')"; fi; }

printf 'privacy:\n  eve_clients: address\n' >"$T/addr.yaml"

# replay ONE: pseudonym-mode db+EVE, address-mode EVE, then scan.
replay() {	# replay PCAP DIR
	mkdir -p "$2"
	"$S" -r "$1" -R "$ROOT/rules" --all-flows -d "$2/st.db" -e "$2/eve.json" \
	    >/dev/null 2>&1
	"$S" -r "$1" -R "$ROOT/rules" --all-flows -c "$T/addr.yaml" \
	    -e "$2/addr.json" >/dev/null 2>&1
	[ -f "$2/st.db" ] || : >"$2/nodb"
	python3 "$ROOT/tests/scripts/privacy-scan.py" "$2/addr.json" \
	    "$2/eve.json" "$2/st.db" >"$2/scan" 2>/dev/null || :
}

sweep() {	# sweep NAME LISTFILE
	n=0
	while read -r p; do
		n=$((n + 1))
		replay "$p" "$T/$1/$n" &
		[ $((n % 2)) -eq 0 ] && wait
	done <"$2"
	wait
	bad=$(cat "$T/$1"/*/scan 2>/dev/null | wc -l)
	nodb=$(ls "$T/$1"/*/nodb 2>/dev/null | wc -l)
	if [ "$bad" -eq 0 ]; then
		ok "$1: $n captures replayed, no client address in the store or pseudonym EVE ($nodb without a database)"
	else
		nok "$1: $bad client address findings"
		cat "$T/$1"/*/scan | head -20 | sed 's/^/# /'
	fi
}

find tests -name '*.pcap' -o -name '*.pcapng' | sort >"$T/local.list"
sweep local "$T/local.list"
if [ -d ../shared/pcap/ndpi ]; then
	find ../shared/pcap/ndpi -name '*.pcap' -o -name '*.pcapng' | sort |
	    sed "s|^|$ROOT/|" >"$T/ndpi.list"
	sweep ndpi "$T/ndpi.list"
else
	ok "ndpi captures # skip ../shared/pcap/ndpi absent"
fi

# Device names (mDNS .local): none left in pseudonym-mode EVE or the store;
# address mode shows there were some to find.
dn=$(python3 tests/scripts/privacy-devnames.py count "$T"/*/*/eve.json "$T"/*/*/st.db)
da=$(python3 tests/scripts/privacy-devnames.py count "$T"/*/*/addr.json)
chk "$dn" 0 "sweep: no mDNS device name in pseudonym EVE or the store ($da distinct in address mode)"

# The sweep must have found client addresses to look for at all.
na=$(cat "$T"/local/*/addr.json | grep -c '"src_ip":"192\.0\.2\.' || :)
[ "$na" -gt 0 ] && ok "address mode writes real client addresses ($na lines)" ||
    nok "address mode wrote no client address"
np=$(cat "$T"/local/*/eve.json | grep -c '"src_ip":"fd00:5354:4150:0:' || :)
[ "$np" -gt 0 ] && ok "pseudonym mode: src_ip inside fd00:5354:4150::/48 ($np lines)" ||
    nok "pseudonym mode: no ULA src_ip"
nc=$(cat "$T"/local/*/eve.json | grep '"src_ip"' | grep -vc '"client_pseudo":"c-[0-9a-f]\{16\}"' || :)
chk "$nc" 0 "every EVE record with src_ip has client_pseudo"

# --- sealed identities and re-identification --------------------------
D=$T/reid; mkdir -p "$D"
"$S" -r tests/cases/core-tls12/input.pcap -R rules --all-flows -d "$D/st.db" \
    -e "$D/eve.json" >/dev/null 2>&1
m=$(stat -c %a "$D/identity.key" 2>/dev/null)
chk "$m" 600 "identity key created 0600 beside the database"
P=$(sqlite3 "$D/st.db" 'SELECT pseudo FROM identities LIMIT 1')
WANT=$(
    "$S" -r tests/cases/core-tls12/input.pcap -R rules --all-flows \
    -c "$T/addr.yaml" -e - 2>/dev/null | grep -o '"src_ip":"[^"]*"' |
    head -1 | cut -d'"' -f4)
if sqlite3 "$D/st.db" 'SELECT hex(sealed) FROM identities' | grep -qi \
    "$(printf '%s' "$WANT" | od -An -tx1 | tr -d ' \n')"; then
	nok "identity stored in clear"
else
	ok "identity sealed (no clear address text in identities)"
fi
reid() { "$R" --db "$D/st.db" --audit "$D/audit.db" \
    --identity-key "$D/identity.key" --pseudonym "$P" "$@"; }
rows() { sqlite3 "$D/audit.db" 'SELECT count(*) FROM reid_audit'; }

out=$(reid --requester alice --role privacy_officer --reason '' 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "no reason: refused, nothing returned"
chk "$(rows)" 1 "refusal audited"
[ -n "$WANT" ] && ok "client address known from address mode ($WANT)" || nok "no client address from address mode"
chk "$(sqlite3 "$D/audit.db" 'SELECT result FROM reid_audit WHERE id=1')" refused "audit row says refused"
out=$(reid --requester eve --role analyst --reason 'curious' 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "analyst role: refused"
out=$(reid --requester alice --role privacy_officer --reason 'case 2026-17' 2>/dev/null); rc=$?
chk "$rc:$out" "0:$WANT" "with reason: the address ($WANT)"
chk "$(sqlite3 "$D/audit.db" "SELECT requester||'|'||pseudo||'|'||reason||'|'||result FROM reid_audit WHERE id=3")" \
    "alice|$P|case 2026-17|granted" "grant audited (who, pseudonym, why, result)"
out=$(reid --requester alice --role privacy_officer --reason 'x' --pseudonym c-0000000000000000 2>/dev/null); rc=$?
chk "$rc" 4 "unknown pseudonym: not found"
out=$(reid --four-eyes --requester alice --role privacy_officer --reason 'case 18' 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "four-eyes: one officer alone gets nothing (pending)"
out=$(reid --four-eyes --requester alice --role privacy_officer --reason 'case 18' --approve-by alice 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "four-eyes: self-approval refused"
out=$(reid --four-eyes --requester carol --role privacy_officer --reason 'case 19' --approve-by bob 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "four-eyes: approval without a pending request refused"
out=$(reid --four-eyes --requester alice --role privacy_officer --reason 'case 18' --approve-by bob 2>/dev/null); rc=$?
chk "$rc:$out" "0:$WANT" "four-eyes: second officer approves, address returned"
n=$(rows)
"$R" --audit "$D/audit.db" --verify >/dev/null 2>&1
chk "$?" 0 "audit chain intact ($n rows)"
sqlite3 "$D/audit.db" "UPDATE reid_audit SET reason='' WHERE id=3" 2>/dev/null
chk "$([ $? -ne 0 ] && echo refused)" refused "UPDATE on the audit log refused by trigger"
sqlite3 "$D/audit.db" "DELETE FROM reid_audit WHERE id=2" 2>/dev/null
chk "$([ $? -ne 0 ] && echo refused)" refused "DELETE on the audit log refused by trigger"
cp "$D/audit.db" "$D/t1.db"; cp "$D/audit.db" "$D/t2.db"
sqlite3 "$D/t1.db" "DROP TRIGGER reid_audit_no_update; UPDATE reid_audit SET reason='routine' WHERE id=3"
"$R" --audit "$D/t1.db" --verify >/dev/null 2>&1
chk "$?" 5 "tampered audit row detected (hash chain)"
sqlite3 "$D/t2.db" "DROP TRIGGER reid_audit_no_delete; DELETE FROM reid_audit WHERE id=2"
"$R" --audit "$D/t2.db" --verify >/dev/null 2>&1
chk "$?" 5 "removed audit row detected"
head -c 32 /dev/urandom >"$D/other.key"; chmod 600 "$D/other.key"
out=$("$R" --db "$D/st.db" --audit "$D/audit.db" --identity-key "$D/other.key" \
    --pseudonym "$P" --requester alice --role privacy_officer --reason 'lost key' 2>/dev/null); rc=$?
chk "$rc:$out" "1:" "wrong identity key: the mapping cannot be opened"
chmod 644 "$D/identity.key"
out=$(reid --requester alice --role privacy_officer --reason 'perm' 2>/dev/null); rc=$?
chk "$rc:$out" "1:" "identity key readable by others: refused"
chmod 600 "$D/identity.key"

# --- configuration ----------------------------------------------------
printf 'privacy:\n  eve_clients: maybe\n' >"$T/bad.yaml"
"$S" -T -c "$T/bad.yaml" -R rules >/dev/null 2>"$T/bad.err"; rc=$?
chk "$rc" 2 "privacy.eve_clients: bad value refused"
grep -q 'must be pseudonym or address' "$T/bad.err" && ok "bad value message names the choices" ||
    nok "bad value message"
"$S" -r tests/cases/core-tls12/input.pcap -R rules -c "$T/addr.yaml" -e "$T/x.json" \
    2>"$T/addr.err" >/dev/null
grep -q 'deliberate choice' "$T/addr.err" && ok "address mode logged at start-up" ||
    nok "address mode not logged"

# --- evidence minimisation: URL query, user agent ---------------------
python3 tests/scripts/privacy-mkhttp.py "$T/q.pcap"
"$S" -r "$T/q.pcap" -R rules --all-flows -d "$T/q1.db" >/dev/null 2>&1
chk "$(sqlite3 "$T/q1.db" 'SELECT url||"|"||user_agent FROM http')" \
    "/v1/chat/completions|Chrome 131" "default: URL query and fragment dropped, user agent as family"
printf 'privacy:\n  url_query: keep\n  user_agent: full\n' >"$T/keep.yaml"
"$S" -r "$T/q.pcap" -R rules --all-flows -c "$T/keep.yaml" -d "$T/q2.db" >/dev/null 2>&1
chk "$(sqlite3 "$T/q2.db" 'SELECT url FROM http')" \
    "/v1/chat/completions?user=jan.jansen&token=s3cr3t#frag" "url_query: keep keeps the query"
sqlite3 "$T/q2.db" 'SELECT user_agent FROM http' | grep -q '^Mozilla/5.0 .*Chrome/131.0.6778.85' &&
    ok "user_agent: full keeps the string" || nok "user_agent: full"

# --- retention with a controlled clock (packet time) -------------------
python3 tests/scripts/privacy-mkhttp.py "$T/r1.pcap" 1795430000
python3 tests/scripts/privacy-mkhttp.py "$T/r2.pcap" $((1795430000 + 31 * 86400))
printf 'retention:\n  http: 30d\n  flows: 30d\n  ai_events: 30d\n  stats: never\n  aggregates: never\n' >"$T/ret.yaml"
cnt() { for t in http flows ai_events agg_hour; do printf '%s=%s ' $t "$(sqlite3 "$T/r.db" "SELECT count(*) FROM $t")"; done; }
"$S" -r "$T/r1.pcap" -R rules --all-flows -c "$T/ret.yaml" -d "$T/r.db" >/dev/null 2>&1
before=$(cnt)
"$S" -r "$T/r2.pcap" -R rules --all-flows -c "$T/ret.yaml" -d "$T/r.db" >/dev/null 2>&1
after=$(cnt)
old=$(sqlite3 "$T/r.db" "SELECT count(*) FROM http WHERE ts < 1795430000000000 + 86400000000")
chk "$old" 0 "retention: rows past 30d deleted (before: $before after: $after)"
chk "$(sqlite3 "$T/r.db" 'SELECT count(*) FROM agg_hour')" 2 "retention: aggregates: never keeps both hours"
chk "$(sqlite3 "$T/r.db" "SELECT group_concat(name||'='||value, ' ') FROM (SELECT name, max(value) value FROM stats WHERE name LIKE 'retention.deleted.%' GROUP BY name ORDER BY name)")" \
    "retention.deleted.ai_events=1 retention.deleted.flows=1 retention.deleted.http=1" "retention deletions in stats"
# --- EVE minimisation (pseudonym mode follows privacy.url_query/user_agent)
"$S" -r "$T/q.pcap" -R rules --all-flows -e "$T/qe.json" >/dev/null 2>&1
chk "$(grep '"event_type":"http"' "$T/qe.json" | python3 -c 'import json,sys; h=json.loads(sys.stdin.readline())["http"]; print(h["url"]+"|"+h["http_user_agent"])')" \
    "/v1/chat/completions|Chrome 131" "EVE pseudonym mode: URL query dropped, user agent as family (as the store)"
"$S" -r "$T/q.pcap" -R rules --all-flows -c "$T/keep.yaml" -e "$T/qk.json" >/dev/null 2>&1
grep '"event_type":"http"' "$T/qk.json" | grep -q 'token=s3cr3t#frag.*Chrome/131.0.6778.85' &&
    ok "EVE pseudonym mode with url_query: keep, user_agent: full: as sent" || nok "EVE keep/full"
"$S" -r "$T/q.pcap" -R rules --all-flows -c "$T/addr.yaml" -e "$T/qa.json" >/dev/null 2>&1
grep '"event_type":"http"' "$T/qa.json" | grep -q 'token=s3cr3t' &&
    ok "EVE address mode: the request as sent" || nok "EVE address mode URL"
chk "$(grep '"event_type":"http"' "$T/qe.json" | grep -o '"status":[0-9]*,"length":[0-9]*')" \
    '"status":200,"length":0' "EVE http: response status and length"
chk "$(sqlite3 "$T/q1.db" 'SELECT status||"|"||resp_length FROM http')" "200|0" \
    "store http: response status and length"

# --- mDNS / LLMNR device names ------------------------------------------
python3 tests/scripts/privacy-mkmdns.py "$T/m.pcap"
"$S" -r "$T/m.pcap" -R rules --all-flows -d "$T/m.db" -e "$T/m.json" >/dev/null 2>&1
"$S" -r "$T/m.pcap" -R rules --all-flows -c "$T/addr.yaml" -e "$T/ma.json" >/dev/null 2>&1
chk "$(grep -ci 'jane' "$T/m.json")" 0 "mDNS/LLMNR device names not in pseudonym-mode EVE"
chk "$(sqlite3 "$T/m.db" .dump | grep -ci 'jane')" 0 "mDNS/LLMNR device names not in the store"
grep -q '"rrname":"withheld.local"' "$T/m.json" && grep -q 'withheld._companion-link._tcp.local' "$T/m.json" &&
    grep -q '"rrname":"withheld","rrtype"' "$T/m.json" &&
    ok "device labels withheld, service labels kept (A, PTR, LLMNR)" || nok "withheld labels"
grep -q '"rrname":"api.openai.com"' "$T/m.json" && ok "ordinary DNS names unchanged" ||
    nok "ordinary DNS name changed"
[ "$(grep -ci 'janes-iphone' "$T/ma.json")" -gt 0 ] && ok "address mode keeps the names (the sweep has something to find)" ||
    nok "address mode lost the mDNS names"

# --- key rotation with a controlled clock (packet time) ----------------
# 1795430000 = 2026-11-23 (a Monday, UTC); +8 days is in the next 7-day epoch.
python3 tests/scripts/privacy-mkhttp.py "$T/k1.pcap" 1795430000
python3 tests/scripts/privacy-mkhttp.py "$T/k2.pcap" $((1795430000 + 8 * 86400))
rot() {	# rot NAME ROTATION
	mkdir -p "$T/$1"
	printf 'privacy:\n  key_rotation: %s\n' "$2" >"$T/$1/c.yaml"
	for k in k1 k2; do
		TZ=UTC "$S" -r "$T/$k.pcap" -R rules --all-flows -c "$T/$1/c.yaml" \
		    -d "$T/$1/st.db" -e "$T/$1/$k.json" >/dev/null 2>&1
	done
}
rot r7 7d
rot rn never
chk "$(sqlite3 "$T/r7/st.db" 'SELECT count(DISTINCT client_pseudo) FROM http')" 2 \
    "key_rotation 7d: the same client has two pseudonyms across the boundary"
chk "$(sqlite3 "$T/r7/st.db" "SELECT group_concat(epoch, ',') FROM (SELECT epoch FROM identities ORDER BY epoch)")" \
    "20780,20787" "identities: one per epoch (epochs start on Mondays: days 20780, 20787)"
chk "$(sqlite3 "$T/r7/st.db" "SELECT group_concat(epoch||':'||(ended IS NOT NULL), ',') FROM (SELECT * FROM epochs ORDER BY epoch)")" \
    "20780:1,20787:0" "epochs table: the old epoch ended, the new one open"
p1=$(grep -o '"client_pseudo":"c-[0-9a-f]*"' "$T/r7/k1.json" | head -1 | cut -d'"' -f4)
p2=$(grep -o '"client_pseudo":"c-[0-9a-f]*"' "$T/r7/k2.json" | head -1 | cut -d'"' -f4)
[ -n "$p1" ] && [ "$p1" != "$p2" ] && ok "EVE pseudonyms differ across the rotation ($p1 / $p2)" ||
    nok "EVE pseudonyms across rotation ($p1 / $p2)"
chk "$(sqlite3 "$T/rn/st.db" 'SELECT count(DISTINCT client_pseudo) FROM http')" 1 \
    "key_rotation never: one pseudonym"
chk "$(sqlite3 "$T/rn/st.db" 'SELECT group_concat(epoch) FROM epochs')" 0 "never: epoch 0 only"
rr() { "$R" --db "$T/r7/st.db" --audit "$T/r7/audit.db" --identity-key "$T/r7/identity.key" \
    --requester alice --role privacy_officer --reason "rotation $1" --pseudonym "$1" 2>/dev/null; }
chk "$(rr "$p1")|$(rr "$p2")" "192.0.2.77|192.0.2.77" "re-identification works for the old and the new pseudonym"
chk "$(sqlite3 "$T/r7/audit.db" "SELECT group_concat(pseudo||':'||result, ',') FROM reid_audit")" \
    "$p1:granted,$p2:granted" "both re-identifications audited"

# --- privacy.audit_db / privacy.four_eyes from the configuration --------
mkdir -p "$T/fe"
printf 'output:\n  database: %s\nprivacy:\n  audit_db: officers.db\n  four_eyes: true\n' \
    "$T/fe/st.db" >"$T/fe/c.yaml"
"$S" -r "$T/k1.pcap" -R rules -c "$T/fe/c.yaml" >/dev/null 2>&1
pf=$(sqlite3 "$T/fe/st.db" 'SELECT pseudo FROM identities LIMIT 1')
out=$("$R" -c "$T/fe/c.yaml" --pseudonym "$pf" --requester alice --role privacy_officer \
    --reason 'case 20' 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "four_eyes: true in the config: one officer alone gets nothing"
[ -f "$T/fe/officers.db" ] && ok "privacy.audit_db from the config (relative = beside the database)" ||
    nok "audit_db from config not used"
out=$("$R" --db "$T/fe/st.db" --audit "$T/fe/officers.db" --identity-key "$T/fe/identity.key" \
    --pseudonym "$pf" --requester alice --role privacy_officer --reason 'case 20' 2>/dev/null); rc=$?
chk "$rc:$out" "3:" "four-eyes recorded in the database: no flag cannot switch it off"
out=$("$R" -c "$T/fe/c.yaml" --pseudonym "$pf" --requester alice --role privacy_officer \
    --reason 'case 20' --approve-by bob 2>/dev/null); rc=$?
chk "$rc:$out" "0:192.0.2.77" "four-eyes from the config: second officer approves"
chk "$(sqlite3 "$T/fe/st.db" "SELECT value FROM meta WHERE key='privacy.audit_db'")" officers.db \
    "meta records privacy.audit_db"

# --- sensor name, log levels, journald ----------------------------------
printf 'sensor:\n  name: probe-7\nlog:\n  level: warning\n' >"$T/n.yaml"
"$S" -r "$T/q.pcap" -R rules -c "$T/n.yaml" -e "$T/n.json" 2>"$T/n.err" >/dev/null
chk "$(grep -vc '"host":"probe-7"' "$T/n.json")" 0 "sensor.name: host on every EVE record"
chk "$(grep -c 'info:' "$T/n.err")" 0 "log.level: warning hides info lines"
"$S" -r "$T/q.pcap" -R rules -e "$T/h.json" 2>"$T/h.err" >/dev/null
chk "$(grep -vc "\"host\":\"$(hostname)\"" "$T/h.json")" 0 "default host: the hostname"
grep -q '^[0-9-]*T[0-9:]*Z shadowtap-sensor: info: ' "$T/h.err" &&
    ok "stderr lines: timestamp, program, level" || nok "stderr line format"
: >"$T/j.err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/j.err") "$S" -r "$T/q.pcap" -R rules -e "$T/j.json" \
    2>>"$T/j.err" >/dev/null
[ -s "$T/j.err" ] && chk "$(grep -vc '^<[3-7]>' "$T/j.err")" 0 "journal: every line has a <N> priority prefix" ||
    nok "journal: nothing logged"
printf 'log:\n  level: loud\n' >"$T/bl.yaml"
"$S" -T -c "$T/bl.yaml" -R rules >/dev/null 2>"$T/bl.err"; rc=$?
chk "$rc" 2 "log.level: bad value refused"
exit 0
