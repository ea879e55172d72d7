#!/bin/sh
# suite-packaging.sh - the appliance package and least privilege:
# make deb, lintian errors, package contents, man --warnings, units
# (systemd-analyze verify), and as root: the live sensor on lo after the
# drop (CapEff 0, uid, seccomp mode 2), the seccomp filter killing a
# forbidden syscall, and (SHADOWTAP_INSTALL_TEST=1) make check-install.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
n_fail=0
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; n_fail=$((n_fail + 1)); }
check() { _desc=$1; shift; if "$@"; then ok "$_desc"; else nok "$_desc"; fi; }
skip() { echo "ok - $1 # skip $2"; }

VERSION=$(sed -n 's/^#define SENSOR_VERSION[[:space:]]*"\(.*\)"/\1/p' sensor/main.c)
ARCH=$(dpkg --print-architecture)
DEB=$B/shadowtap_${VERSION}_${ARCH}.deb

# --- the package --------------------------------------------------------
rm -f "$DEB"
if make -s deb B="$B" > "$tmp/deb.log" 2>&1 && [ -f "$DEB" ]; then
	ok "make deb builds $(basename "$DEB")"
else
	nok "make deb"; sed 's/^/# /' "$tmp/deb.log" | tail -10
	echo "# $n_fail failed"; exit 1
fi
dpkg-deb -c "$DEB" | awk '{print $1, $2, $NF}' > "$tmp/contents"
dpkg-deb -f "$DEB" Depends > "$tmp/depends"
dpkg-deb -e "$DEB" "$tmp/ctl"
has() { grep -q " \./$1\$" "$tmp/contents"; }
check "version: package $VERSION equals shadowtap-sensor --version" \
    test "$("$B"/shadowtap-sensor --version | head -1)" = "shadowtap-sensor $VERSION"
check "contents: /usr/sbin/shadowtap-sensor mode 0755 root" \
    grep -q '^-rwxr-xr-x root/root \./usr/sbin/shadowtap-sensor$' "$tmp/contents"
check "contents: /usr/bin/shadowtap-rules" has usr/bin/shadowtap-rules
for f in "$B"/shadowtap-*; do
	[ -x "$f" ] && [ -f "$f" ] || continue
	n=$(basename "$f")
	case $n in shadowtap-sensor|shadowtap-dashboard) d=usr/sbin;; *) d=usr/bin;; esac
	check "contents: every built program ships: /$d/$n" has "$d/$n"
	ls docs/man/"$n".[18] >/dev/null 2>&1 && check "contents: man page of $n" \
	    sh -c "grep -q ' \./usr/share/man/man[18]/$n\.[18]\.gz\$' $tmp/contents"
done
check "contents: no build-tree program outside /usr/bin, /usr/sbin" \
    sh -c "! grep -E '^-rwx' $tmp/contents | grep -vqE '\./usr/s?bin/shadowtap-'"
for f in etc/shadowtap/shadowtap.yaml etc/shadowtap/rules/policy.yaml \
    etc/logrotate.d/shadowtap lib/systemd/system/shadowtap-sensor@.service \
    lib/systemd/system/shadowtap-dashboard.service \
    lib/systemd/system/shadowtap-report.service \
    lib/systemd/system/shadowtap-report.timer \
    usr/share/man/man8/shadowtap-sensor.8.gz usr/share/man/man5/shadowtap.yaml.5.gz \
    usr/share/man/man5/shadowtap-rules.5.gz usr/share/doc/shadowtap/copyright; do
	check "contents: /$f" has "$f"
done
check "conffiles: every /etc file, shadowtap.yaml and rules included" \
    sh -c "grep -qx /etc/shadowtap/shadowtap.yaml $tmp/ctl/conffiles &&
        grep -qx /etc/shadowtap/rules/policy.yaml $tmp/ctl/conffiles &&
        [ \$(grep -c ' \./etc/.*[^/]\$' $tmp/contents) = \$(wc -l < $tmp/ctl/conffiles) ]"
check "conffiles: nothing outside /etc" sh -c "! grep -v '^/etc/' $tmp/ctl/conffiles"
check "Depends: shlibs (libpcap0.8, libsqlite3-0, libseccomp2) and libjs-chart.js" \
    sh -c "grep -q 'libpcap0.8' $tmp/depends && grep -q libsqlite3-0 $tmp/depends &&
        grep -q libseccomp2 $tmp/depends && grep -q libjs-chart.js $tmp/depends"
check "no vendored chart.js in the package" \
    sh -c "! grep -qi 'chart\(\.umd\)\?\(\.min\)\?\.js\$' $tmp/contents"
check "postinst creates the shadowtap user and /var/lib/shadowtap 0750" \
    sh -c "grep -q 'adduser --system --group' $tmp/ctl/postinst &&
        grep -q 'chmod 0750' $tmp/ctl/postinst"

if command -v lintian >/dev/null; then
	lintian --allow-root --tag-display-limit 0 -I "$DEB" > "$tmp/lint" 2>&1
	e=$(grep -c '^E:' "$tmp/lint"); w=$(grep -c '^W:' "$tmp/lint")
	sed 's/^/# lintian: /' "$tmp/lint" | grep -E '^# lintian: [EW]:'
	check "lintian: 0 errors ($e errors, $w warnings)" test "$e" = 0
	# Negative: lintian does flag a broken package (a setuid binary).
	mkdir -p "$tmp/bad"; dpkg-deb -R "$DEB" "$tmp/bad/r"
	chmod 4755 "$tmp/bad/r/usr/sbin/shadowtap-sensor"
	dpkg-deb --root-owner-group -b "$tmp/bad/r" "$tmp/bad/x.deb" >/dev/null
	check "lintian: a setuid sensor would be flagged (negative)" \
	    sh -c "lintian --allow-root $tmp/bad/x.deb 2>&1 | grep -q elevated-privileges"
else
	skip "lintian" "lintian not installed"
fi

# --- man pages ----------------------------------------------------------
for m in docs/man/*.[158]; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null)
	check "man --warnings clean: $m" test -z "$out"
	[ -n "$out" ] && echo "$out" | sed 's/^/# /' | head -5
done
printf '.TH X 1\n.SH NAME\nx \\- y\n.BI\n.xx bad\n' > "$tmp/bad.1"
check "man --warnings catches a broken page (negative)" \
    sh -c "LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l $tmp/bad.1 2>&1 >/dev/null | grep -q ."

# --- units ----------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	for u in packaging/systemd/*; do
		systemd-analyze verify "$u" 2>&1 |
		    grep -vE 'is not executable|Command .man |^$' > "$tmp/verify"
		check "systemd-analyze verify $(basename "$u")" test ! -s "$tmp/verify"
		sed 's/^/# /' "$tmp/verify" | head -5
	done
else
	skip "systemd-analyze verify" "systemd-analyze not installed"
fi
u=packaging/systemd/shadowtap-sensor@.service
for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    'ExecReload=/bin/kill -USR2 $MAINPID' 'CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN' \
    'ReadWritePaths=/var/lib/shadowtap /var/log/shadowtap'; do
	check "sensor unit: $k" grep -qxF "$k" "$u"
done
check "report timer: Monday 07:00" \
    grep -qx 'OnCalendar=Mon \*-\*-\* 07:00:00' packaging/systemd/shadowtap-report.timer
check "logrotate sends SIGHUP" grep -q 'signal=HUP' packaging/logrotate

# --- least privilege (root) ---------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "live capture drops to an unprivileged user" "needs root"
	skip "seccomp kills a forbidden syscall" "needs root for the live check"
else
	user=nobody; getent passwd shadowtap >/dev/null && user=shadowtap
	uid=$(id -u "$user")
	d=$tmp/live; mkdir -p "$d"; chown "$user" "$d"
	"$B"/shadowtap-sensor -i lo -R rules -e "$d/eve.json" -d "$d/db" \
	    --user "$user" 2> "$d/err" & p=$!; pids="$pids $p"
	i=0; while [ $i -lt 100 ] && ! grep -q 'running as uid' "$d/err"; do
		sleep 0.1; i=$((i + 1)); done
	# privsep (the default): the engine child captures; the parent keeps
	# the paths and its privileges (sensor/parent.c).
	e=$(pgrep -P "$p" -x st-engine | head -1)
	check "live on lo: an engine process under the parent ($e)" test -n "$e"
	st=$(grep -E '^(Uid|CapEff|Seccomp):' /proc/${e:-$p}/status 2>/dev/null)
	echo "$st" | sed 's/^/# /'
	check "live on lo as root --user $user: CapEff 0000000000000000" \
	    sh -c "echo '$st' | grep -qP '^CapEff:\t0000000000000000\$'"
	check "live on lo: real/effective/saved uid $uid" \
	    sh -c "echo '$st' | grep -qP '^Uid:\t$uid\t$uid\t$uid\t$uid\$'"
	check "live on lo: seccomp filter mode (2)" \
	    sh -c "echo '$st' | grep -qP '^Seccomp:\t2\$'"
	# Capturing: traffic on lo, a reload, then a clean exit.
	curl -s -m 1 http://127.0.0.1:9/ >/dev/null 2>&1
	kill -USR2 "$p"; sleep 0.3; kill -TERM "$p"; wait "$p"; rc=$?
	check "live on lo: survives SIGUSR2 reload under the filter, exits 0 on TERM" \
	    sh -c "[ $rc = 0 ] && grep -q 'rules .* reloaded' $d/err"
	check "live on lo: captured packets after the drop" \
	    sh -c "grep -qE '[1-9][0-9]* packets' $d/err"
	# Negative: as root without --user (and no shadowtap user) nothing drops.
	if ! getent passwd shadowtap >/dev/null; then
		"$B"/shadowtap-sensor -i lo -R rules -e "$d/eve2.json" 2> "$d/err2" & p=$!
		pids="$pids $p"
		i=0; while [ $i -lt 100 ] && ! grep -q 'loaded' "$d/err2"; do sleep 0.1; i=$((i + 1)); done
		sleep 0.2
		e=$(pgrep -P "$p" -x st-engine | head -1)
		ce=$(sed -n 's/^CapEff:\t//p' /proc/${e:-$p}/status)
		kill -TERM "$p"; wait "$p"
		check "negative: root without --user keeps its capabilities (CapEff $ce)" \
		    sh -c "[ -n '$ce' ] && [ '$ce' != 0000000000000000 ]"
	fi
	# The sample gives the same EVE under the filter as without it.
	s=$tmp/sample; mkdir -p "$s/a" "$s/b"; chown "$user" "$s/a"
	"$B"/shadowtap-sensor -r tests/data/sample.pcap -R rules -e "$s/a/eve.json" \
	    -d "$s/a/db" --user "$user" 2>/dev/null; rc=$?
	"$B"/shadowtap-sensor -r tests/data/sample.pcap -R rules -e "$s/b/eve.json" \
	    -d "$s/b/db" --no-seccomp 2>/dev/null
	na=$(wc -l < "$s/a/eve.json"); nb=$(wc -l < "$s/b/eve.json")
	check "sample under the drop + filter: exit 0, $na EVE lines = $nb unfiltered" \
	    sh -c "[ $rc = 0 ] && [ $na = $nb ] && [ $na -gt 0 ]"
	# The dashboard's and report's read-only access after the sensor has
	# exited: the -wal/-shm stay (SQLITE_FCNTL_PERSIST_WAL), 0640, so a
	# reader of the database's group in a directory it cannot write
	# opens it (SQLite cannot create them for it).  Reader: a spare uid.
	# The sensor as its unit runs it (User=: setpriv), a 0750 directory.
	chmod 0711 "$tmp" "$s"; mkdir -m 0750 "$s/c"
	dgid=$(id -g "$user"); chown "$user:$dgid" "$s/c"
	setpriv --reuid="$uid" --regid="$dgid" --clear-groups "$B"/shadowtap-sensor \
	    -r tests/data/sample.pcap -R rules -e "$s/c/eve.json" -d "$s/c/db" 2>/dev/null
	check "sensor as $user exited: db, db-wal and db-shm kept, $user 0640" \
	    sh -c "[ \"\$(stat -c '%u:%g %a' $s/c/db $s/c/db-shm $s/c/db-wal | sort -u)\" = '$uid:$dgid 640' ]"
	rd="setpriv --reuid=64123 --regid=$dgid --clear-groups"
	mkdir -m 0777 "$tmp/rdout"
	$rd "$B"/shadowtap-report --db "$s/c/db" --format csv --lang en --out "$tmp/rdout/csv" \
	    > "$tmp/rd.out" 2> "$tmp/rd.err"; rc=$?
	check "read-only reader of the database's group (uid 64123): report exits 0 (rc $rc)" \
	    sh -c "[ $rc = 0 ] && [ -s $tmp/rdout/csv/summary.csv ]"
	$rd sqlite3 -readonly "$s/c/db" 'SELECT count(*) FROM flows' > "$tmp/rd.n" 2>&1
	check "read-only reader sees the sensor's rows ($(cat $tmp/rd.n) flows)" \
	    sh -c "[ \"\$(cat $tmp/rd.n)\" -gt 0 ] 2>/dev/null"
	$rd sh -c ": >> $s/c/db" 2>/dev/null && nok "reader can write the database" ||
	    ok "negative: the reader cannot write the database"
	setpriv --reuid=64123 --regid=64123 --clear-groups "$B"/shadowtap-report \
	    --db "$s/c/db" --format csv --out "$tmp/no" >/dev/null 2>&1; rc=$?
	check "negative: a reader outside the group is refused (exit $rc)" test "$rc" = 2
	check "bad --user is refused (exit 1)" \
	    sh -c "! $B/shadowtap-sensor -r tests/data/sample.pcap -e - --user no-such-user-x >/dev/null 2>&1"
fi
P=$B/tools/seccomp-probe
if [ -x "$P" ]; then
	"$P" allowed > "$tmp/probe" 2>&1; rc=$?
	check "seccomp-probe allowed: file I/O under the filter exits 0" \
	    sh -c "[ $rc = 0 ] && grep -q survived $tmp/probe"
	# socket: under the engine's filter (the writer may connect to collectors)
	for m in socket exec ptrace; do
		sh -c "exec $P forbidden-$m" > "$tmp/probe" 2>/dev/null; rc=$?
		check "seccomp: forbidden $m kills the process with SIGSYS (rc $rc)" \
		    sh -c "[ $rc = 159 ] && grep -q filtered $tmp/probe && ! grep -q survived $tmp/probe"
	done
else
	nok "seccomp-probe helper not built ($P)"
fi

# --- install test --------------------------------------------------------
if [ "$(id -u)" = 0 ] && [ "${SHADOWTAP_INSTALL_TEST:-0}" = 1 ]; then
	if make -s check-install B="$B" > "$tmp/ci.log" 2>&1; then
		ok "make check-install"
	else
		nok "make check-install"; tail -15 "$tmp/ci.log" | sed 's/^/# /'
	fi
	grep -E '^(ok|not ok) ' "$tmp/ci.log" | sed 's/^/# check-install: /'
else
	skip "make check-install" "needs root and SHADOWTAP_INSTALL_TEST=1"
fi
echo "# $n_fail failed"
[ "$n_fail" = 0 ]
