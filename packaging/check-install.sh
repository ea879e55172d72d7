#!/bin/sh
# check-install.sh - `make check-install`: install the .deb into a fresh
# Debian bookworm root (debootstrap, cached under /var/cache so repeated
# runs and CI reuse it), run the sensor on the sample capture as the
# `shadowtap` user, upgrade over itself keeping a changed conffile, then
# purge and check nothing is left.  Needs root.  Prints TAP lines.
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
if in_root /usr/sbin/shadowtap-sensor -r /tmp/sample.pcap -c /etc/shadowtap/shadowtap.yaml \
    -R /etc/shadowtap/rules -e /var/log/shadowtap/eve.json -d /var/lib/shadowtap/shadowtap.db \
    --user shadowtap > "$R.run" 2>&1; then
	n=$(wc -l < "$R/var/log/shadowtap/eve.json")
	ok "installed sensor ran on the sample as shadowtap: $n EVE lines"
else
	nok "installed sensor on the sample"; tail -5 "$R.run" | sed 's/^/# /'
fi
grep -q "running as uid $(in_root id -u shadowtap)" "$R.run" && ok "sensor dropped to uid of shadowtap" ||
    nok "sensor did not report the drop"
# Upgrade over itself keeps a changed conffile.
echo "# local edit" >> "$R/etc/shadowtap/shadowtap.yaml"
in_root sh -c "apt-get install -y -qq --reinstall -o Dpkg::Options::=--force-confold /tmp/$(basename "$DEB")" > "$R.apt2" 2>&1 &&
    grep -q '^# local edit' "$R/etc/shadowtap/shadowtap.yaml" &&
    ok "reinstall/upgrade keeps the edited conffile" || nok "conffile edit lost on upgrade"
# Purge leaves nothing outside what Debian policy allows.
in_root apt-get purge -y -qq shadowtap > "$R.purge" 2>&1 && ok "apt-get purge shadowtap" || nok "purge"
in_root getent passwd shadowtap >/dev/null && nok "shadowtap user left after purge" ||
    ok "purge removed the shadowtap user"
rm -f "$R/tmp/"*
find "$R" -xdev \( -path "$R/proc" -o -path "$R/sys" -o -path "$R/dev" -o -path "$R/tmp" \
    -o -path "$R/var/cache/apt" -o -path "$R/var/lib/apt" -o -path "$R/var/lib/dpkg" -o -path "$R/var/log" \) \
    -prune -o -print | sed "s|^$R||" | sort > "$R.after"
stray=$(comm -13 "$R.before" "$R.after" | grep shadowtap || true)
[ -z "$stray" ] && ok "purge left no shadowtap file" || { nok "purge left files"; echo "$stray" | sed 's/^/# /' | head; }
rm -f "$R.before" "$R.after" "$R.apt" "$R.apt2" "$R.run" "$R.purge"
echo "# $fail failed"
[ "$fail" = 0 ]
