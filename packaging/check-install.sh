#!/bin/sh
# check-install.sh - `make check-install`: install the .deb into a fresh
# Debian bookworm root (debootstrap, cached under /var/cache so repeated
# runs and CI reuse it), run the sensor on the sample capture as the
# `shadowtap` user, start the dashboard as its unit does and fetch its
# login page and an API answer from 127.0.0.1, run the report's command,
# upgrade over itself keeping a changed conffile, then purge and check
# nothing is left.  Needs root.  Prints TAP lines.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
CACHE=${SHADOWTAP_DEBOOTSTRAP_CACHE:-/var/cache/shadowtap-debootstrap}
# The mirror: SHADOWTAP_MIRROR, else the first Debian one this host's apt uses.
MIRROR=${SHADOWTAP_MIRROR:-$( { sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null;
    sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list 2>/dev/null; } |
    grep -v security | head -1)}
VERSION=$(sed -n 's/^#define SENSOR_VERSION[[:space:]]*"\(.*\)"/\1/p' sensor/main.c)
DEB=$B/shadowtap_${VERSION}_$(dpkg --print-architecture).deb
fail=0
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; fail=$((fail + 1)); }
[ "$(id -u)" = 0 ] || { echo "ok - check-install # skip needs root"; exit 0; }
command -v debootstrap >/dev/null || { echo "not ok - debootstrap missing (make deps)"; exit 1; }
[ -f "$DEB" ] || { echo "not ok - $DEB missing (make deb)"; exit 1; }

# The cached base root, made once; each run works on a copy.
if [ ! -f "$CACHE/base/.complete" ]; then
	rm -rf "$CACHE/base"; mkdir -p "$CACHE"
	debootstrap --variant=minbase bookworm "$CACHE/base" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 ||
	    { echo "not ok - debootstrap bookworm (see $CACHE/debootstrap.log)"; exit 1; }
	touch "$CACHE/base/.complete"
fi
R=$(mktemp -d /var/tmp/shadowtap-root.XXXXXX)
cleanup() {
	for m in proc sys dev; do umount -l "$R/$m" 2>/dev/null; done
	rm -rf "$R"
}
trap cleanup EXIT
cp -a "$CACHE/base/." "$R/"
mount -t proc proc "$R/proc" && mount --rbind /sys "$R/sys" && mount --rbind /dev "$R/dev"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive "$@"; }
find "$R" -xdev \( -path "$R/proc" -o -path "$R/sys" -o -path "$R/dev" -o -path "$R/tmp" \
    -o -path "$R/var/cache/apt" -o -path "$R/var/lib/apt" -o -path "$R/var/lib/dpkg" -o -path "$R/var/log" \) \
    -prune -o -print | sed "s|^$R||" | sort > "$R.before"

cp "$DEB" "$R/tmp/"
cp tests/data/sample.pcap "$R/tmp/sample.pcap"
if in_root sh -c "apt-get update -qq && apt-get install -y -qq /tmp/$(basename "$DEB")" > "$R.apt" 2>&1; then
	ok "apt-get install ./$(basename "$DEB") in a fresh bookworm root"
else
	nok "apt-get install"; tail -15 "$R.apt" | sed 's/^/# /'; exit 1
fi
[ "$(in_root stat -c '%U %a' /var/lib/shadowtap)" = "shadowtap 750" ] &&
    ok "/var/lib/shadowtap is shadowtap 0750" || nok "/var/lib/shadowtap owner/mode"
in_root getent passwd shadowtap >/dev/null && ok "postinst created the shadowtap system user" ||
    nok "no shadowtap user"
in_root man -w shadowtap-sensor >/dev/null 2>&1 || in_root test -f /usr/share/man/man8/shadowtap-sensor.8.gz &&
    ok "man page shadowtap-sensor(8) installed" || nok "man page missing"
# As the unit runs it (User=shadowtap; setpriv does what User= does, and
# a capture file needs no capability): the files are the user's.
if in_root setpriv --reuid=shadowtap --regid=shadowtap --init-groups \
    /usr/sbin/shadowtap-sensor -r /tmp/sample.pcap -c /etc/shadowtap/shadowtap.yaml \
    -R /etc/shadowtap/rules -e /var/log/shadowtap/eve.json -d /var/lib/shadowtap/shadowtap.db \
    > "$R.run" 2>&1; then
	n=$(wc -l < "$R/var/log/shadowtap/eve.json")
	ok "installed sensor ran on the sample as shadowtap: $n EVE lines"
else
	nok "installed sensor on the sample"; tail -5 "$R.run" | sed 's/^/# /'
fi
[ "$(in_root stat -c '%U:%G %a' /var/lib/shadowtap/shadowtap.db /var/lib/shadowtap/shadowtap.db-shm | sort -u)" = "shadowtap:shadowtap 640" ] &&
    ok "database and its -shm: shadowtap:shadowtap 0640" ||
    nok "database modes: $(in_root stat -c '%n %U:%G %a' /var/lib/shadowtap/shadowtap.db /var/lib/shadowtap/shadowtap.db-shm | tr '\n' ' ')"
# Started as root with --user: the sensor drops to that user.
in_root mkdir -p /tmp/drop
in_root /usr/sbin/shadowtap-sensor -r /tmp/sample.pcap -c /etc/shadowtap/shadowtap.yaml \
    -R /etc/shadowtap/rules -e /tmp/drop/eve.json -d /tmp/drop/st.db --user shadowtap > "$R.run" 2>&1
grep -q "running as uid $(in_root id -u shadowtap)" "$R.run" && ok "sensor started as root dropped to uid of shadowtap" ||
    nok "sensor did not report the drop"
# The dashboard as its unit runs it: the installed unit's User, Group and
# ExecStart with DASHBOARD_ARGS from /etc/default/shadowtap (systemd is not
# PID 1 in the chroot, so the unit itself is not started; setpriv does what
# User=/Group= do), on a free port instead of 8080 so that no dashboard on
# the host answers in its place.
U=$R/lib/systemd/system/shadowtap-dashboard.service
du=$(sed -n 's/^User=//p' "$U"); dg=$(sed -n 's/^Group=//p' "$U")
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$U")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
args=$(. "$R/etc/default/shadowtap"; echo "$DASHBOARD_ARGS" | sed "s/127\.0\.0\.1:8080/127.0.0.1:$port/")
as_web() { in_root setpriv --reuid="$du" --regid="$dg" --init-groups "$@"; }
[ "$(in_root stat -c '%U %a' /var/lib/shadowtap-web)" = "$du 700" ] &&
    ok "/var/lib/shadowtap-web is $du 0700" || nok "/var/lib/shadowtap-web owner/mode"
if echo 'install-test-pass-1' | as_web "$exe" --state /var/lib/shadowtap-web/state.db \
    --add-user admin --role admin > "$R.web" 2>&1; then
	ok "first login set up: --add-user admin as $du"
else
	nok "--add-user as $du"; tail -3 "$R.web" | sed 's/^/# /'
fi
# shellcheck disable=SC2086
as_web "$exe" $args > "$R.dash" 2>&1 & dpid=$!
i=0; while [ $i -lt 100 ] && ! curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do
	kill -0 $dpid 2>/dev/null || break; sleep 0.1; i=$((i + 1)); done
page=$(curl -s "http://127.0.0.1:$port/")
echo "$page" | grep -q '<form id="login"' &&
    ok "dashboard started as $du ($args) serves its login page on 127.0.0.1" ||
    { nok "dashboard login page"; tail -5 "$R.dash" | sed 's/^/# /'; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/vendor/chart.umd.js")" = 200 ] &&
    ok "dashboard serves Chart.js from libjs-chart.js" || nok "chart.js not served"
curl -s -c "$R.jar" -d 'user=admin&password=install-test-pass-1' "http://127.0.0.1:$port/api/v1/login" > "$R.login"
grep -q '"role":"admin"' "$R.login" && ok "login as admin" || nok "login: $(head -c 120 "$R.login")"
code=$(curl -s -b "$R.jar" -o "$R.ov" -w '%{http_code}' "http://127.0.0.1:$port/api/v1/overview?range=all")
[ "$code" = 200 ] && grep -q '{' "$R.ov" &&
    ok "overview reads the sensor database read-only as $du (-wal/-shm kept 0640)" ||
    { nok "overview: HTTP $code $(head -c 120 "$R.ov")"; tail -3 "$R.dash" | sed 's/^/# /'; }
kill $dpid 2>/dev/null; wait $dpid 2>/dev/null
as_web sh -c ': >> /var/lib/shadowtap/shadowtap.db' 2>/dev/null &&
    nok "$du can write the sensor database" || ok "negative: $du cannot write the sensor database"
as_web cat /var/lib/shadowtap/pseudonym.key >/dev/null 2>&1 &&
    nok "$du can read the pseudonym key" || ok "negative: $du cannot read the pseudonym key"
# The report as its unit runs it (User=shadowtap, REPORT_ARGS) into the
# reports directory.
U=$R/lib/systemd/system/shadowtap-report.service
ru=$(sed -n 's/^User=//p' "$U"); rg=$(sed -n 's/^Group=//p' "$U")
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$U")
args=$(. "$R/etc/default/shadowtap"; echo "$REPORT_ARGS")
# shellcheck disable=SC2086
in_root setpriv --reuid="$ru" --regid="$rg" --init-groups "$exe" $args > "$R.rep" 2>&1 &&
    ls "$R/var/lib/shadowtap/reports/"shadowtap-*.pdf >/dev/null 2>&1 &&
    ok "report unit's command writes a PDF into /var/lib/shadowtap/reports" ||
    { nok "report into /var/lib/shadowtap/reports"; tail -3 "$R.rep" | sed 's/^/# /'; }
# Upgrade over itself keeps a changed conffile.
echo "# local edit" >> "$R/etc/shadowtap/shadowtap.yaml"
in_root sh -c "apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold /tmp/$(basename "$DEB")" > "$R.apt2" 2>&1 &&
    grep -q '^# local edit' "$R/etc/shadowtap/shadowtap.yaml" &&
    ok "reinstall/upgrade keeps the edited conffile" || nok "conffile edit lost on upgrade"
# Purge leaves nothing outside what Debian policy allows.
in_root apt-get purge -y -qq shadowtap > "$R.purge" 2>&1 && ok "apt-get purge shadowtap" || nok "purge"
in_root getent passwd shadowtap >/dev/null && nok "shadowtap user left after purge" ||
    ok "purge removed the shadowtap user"
rm -rf "$R/tmp/"*
find "$R" -xdev \( -path "$R/proc" -o -path "$R/sys" -o -path "$R/dev" -o -path "$R/tmp" \
    -o -path "$R/var/cache/apt" -o -path "$R/var/lib/apt" -o -path "$R/var/lib/dpkg" -o -path "$R/var/log" \) \
    -prune -o -print | sed "s|^$R||" | sort > "$R.after"
stray=$(comm -13 "$R.before" "$R.after" | grep shadowtap || true)
[ -z "$stray" ] && ok "purge left no shadowtap file" || { nok "purge left files"; echo "$stray" | sed 's/^/# /' | head; }
rm -f "$R.before" "$R.after" "$R.apt" "$R.apt2" "$R.run" "$R.purge" "$R.web" "$R.dash" \
    "$R.jar" "$R.login" "$R.ov" "$R.rep"
echo "# $fail failed"
[ "$fail" = 0 ]
