#!/bin/sh
# build-deb.sh - `make deb`: stage the built tree into a Debian binary
# package with dpkg-deb.  Version: SENSOR_VERSION in sensor/main.c (the one
# place; --version prints it).  Depends come from dpkg-shlibdeps.
# Usage: packaging/build-deb.sh BUILD_DIR OUT_DIR
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
OUT=${2:-$B}
VERSION=$(sed -n 's/^#define SENSOR_VERSION[[:space:]]*"\(.*\)"/\1/p' sensor/main.c)
[ -n "$VERSION" ] || { echo "build-deb: no SENSOR_VERSION" >&2; exit 2; }
ARCH=$(dpkg --print-architecture)
R=$B/deb/root
rm -rf "$B/deb"
mkdir -p "$R/DEBIAN" "$R/usr/sbin" "$R/usr/bin" "$R/etc/shadowtap" \
    "$R/lib/systemd/system" "$R/etc/logrotate.d" "$R/etc/default" \
    "$R/usr/share/doc/shadowtap" "$R/usr/share/man/man1" \
    "$R/usr/share/man/man5" "$R/usr/share/man/man8"

# Binaries: daemons in /usr/sbin, commands in /usr/bin; every
# build/shadowtap-* that exists.
for f in "$B"/shadowtap-*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	n=$(basename "$f")
	case $n in
	shadowtap-sensor|shadowtap-dashboard) d=usr/sbin ;;
	*) d=usr/bin ;;
	esac
	install -m 0755 "$f" "$R/$d/$n"
	strip --strip-unneeded --remove-section=.comment --remove-section=.note "$R/$d/$n"
done
[ -x "$R/usr/sbin/shadowtap-sensor" ] || { echo "build-deb: build the sensor first" >&2; exit 2; }

# Configuration (conffiles) and rules.
install -m 0644 packaging/sensor.yaml "$R/etc/shadowtap/shadowtap.yaml"
cp -R rules "$R/etc/shadowtap/rules"
install -m 0644 packaging/logrotate "$R/etc/logrotate.d/shadowtap"
install -m 0644 packaging/default "$R/etc/default/shadowtap"
for u in packaging/systemd/*; do install -m 0644 "$u" "$R/lib/systemd/system/"; done
if [ -d dashboard/web ]; then
	mkdir -p "$R/usr/share/shadowtap"
	cp -R dashboard/web "$R/usr/share/shadowtap/web"
fi
find "$R/etc" "$R/usr/share" -type d -exec chmod 0755 {} +
find "$R/etc" "$R/usr/share" -type f -exec chmod 0644 {} +

# Man pages, compressed reproducibly; only those of shipped programs.
for m in docs/man/*.[158]; do
	n=$(basename "$m"); s=${n##*.}; p=${n%.*}
	case $p in shadowtap.yaml|shadowtap-rules) ;; *)
		[ -e "$R/usr/sbin/$p" ] || [ -e "$R/usr/bin/$p" ] || continue ;;
	esac
	gzip -9n < "$m" > "$R/usr/share/man/man$s/$n.gz"
done
install -m 0644 packaging/debian/copyright "$R/usr/share/doc/shadowtap/copyright"
{ echo "shadowtap ($VERSION) unstable; urgency=medium"; echo;
  echo "  * Appliance package built from the tree."; echo;
  echo " -- shadowtap maintainers <maintainers@shadowtap.invalid>  $(date -R -d @${SOURCE_DATE_EPOCH:-1796688000})"; } |
    gzip -9n > "$R/usr/share/doc/shadowtap/changelog.gz"

# Maintainer scripts, conffiles, control with shlibs Depends.
for s in postinst prerm postrm; do install -m 0755 "packaging/debian/$s" "$R/DEBIAN/$s"; done
( cd "$R" && find etc -type f | sort | sed 's|^|/|' ) > "$R/DEBIAN/conffiles"
chmod 0644 "$R/DEBIAN/conffiles"
mkdir -p "$B/deb/debian"
: > "$B/deb/debian/control"
printf 'Source: shadowtap\n\nPackage: shadowtap\nArchitecture: any\n' > "$B/deb/debian/control"
bins=$(find "$R/usr/sbin" "$R/usr/bin" -type f)
# shellcheck disable=SC2086
deps=$(cd "$B/deb" && dpkg-shlibdeps -O $(echo "$bins" | sed "s|^$B/deb/||") 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || { echo "build-deb: dpkg-shlibdeps found nothing" >&2; exit 2; }
size=$(du -sk --exclude=DEBIAN "$R" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$deps/" packaging/debian/control.in > "$R/DEBIAN/control"
( cd "$R" && find . -type f ! -path './DEBIAN/*' -printf '%P\n' | sort |
    xargs md5sum ) > "$R/DEBIAN/md5sums"
chmod 0644 "$R/DEBIAN/control" "$R/DEBIAN/md5sums"
deb="$OUT/shadowtap_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$R" "$deb" >/dev/null
echo "$deb"
