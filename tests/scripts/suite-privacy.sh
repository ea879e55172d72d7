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
exit 0
