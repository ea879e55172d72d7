#!/bin/sh
# bench-catalog.sh - how long `shadowtap-rules lint` takes on synthetic
# catalogs of 15k/30k/60k/100k services, and on 100k services full of errors
# (tests/scripts/gen-catalog.py).  Prints wall and CPU seconds and peak RSS
# per size; the load should grow linearly.  Not part of `make check`.
set -u
R=${RULES_BIN:-build/shadowtap-rules}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-8s %-7s %8s %8s %9s\n' services kind wall_s cpu_s rss_MB
for spec in 15000:valid 30000:valid 60000:valid 100000:valid 100000:errors; do
	n=${spec%%:*}; k=${spec#*:}
	python3 tests/scripts/gen-catalog.py "$n" "$T/c" "$k"
	/usr/bin/time -f '%e %U %S %M' -o "$T/t" "$R" lint "$T/c" > /dev/null 2>&1
	read -r w u s m <<EOT
$(tail -1 "$T/t")
EOT
	awk -v n="$n" -v k="$k" -v w="$w" -v u="$u" -v s="$s" -v m="$m" \
	    'BEGIN { printf "%-8s %-7s %8.2f %8.2f %9.0f\n", n, k, w, u + s, m / 1024 }'
	rm -rf "$T/c"
done
