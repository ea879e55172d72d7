#!/bin/sh
# bench-report.sh - `make bench-report`: the weekly report on a week of 10
# million events (issue 11: < 10 s).  Generates the fixture once with
# mkfixture (default: WEEKS=1 x EVENTS_PER_WEEK=10,000,000, CLIENTS=5,000,
# SERVICES=400, ending with 2026-W47, the week reported; with one week
# every service is first seen that week, the worst case of that query;
# WEEKS=2 gives the ordinary case) into DB (default
# build/bench/report.db, reused while it exists), then times
# the PDF, HTML and CSV reports (wall and CPU, max RSS) and the named
# queries (SHADOWTAP_REPORT_TIMING).  Not a test: numbers for
# docs/BENCHMARKS.md.  A loaded machine inflates the wall times; the CPU
# times are the better figure there.
set -eu
cd "$(dirname "$0")/../.."
W=${WEEKS:-1}; E=${EVENTS_PER_WEEK:-10000000}
C=${CLIENTS:-5000}; S=${SERVICES:-400}
DB=${DB:-build/bench/report.db}
export TZ=Europe/Amsterdam
mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
	echo "generating $DB: $W weeks x $E events, $C clients, $S services"
	/usr/bin/time -f 'mkfixture: %e s wall, %U s user, %S s sys, %M KiB max RSS' \
	    build/tools/mkfixture -o "$DB" -w "$W" -e 2026-11-16 -n "$E" -c "$C" -S "$S" \
	    -s bench -j "$DB.json" >/dev/null
fi
WEEK=2026-W47
echo "db: $DB ($(du -h "$DB" | cut -f1)), week $WEEK:" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM agg_client_day') agg_client_day rows," \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM agg_hour') agg_hour rows"
T=$(mktemp -d /tmp/bench-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
# Warm the page cache once (the report runs on a live appliance).
cat "$DB" > /dev/null
for fmt in pdf html csv; do
	n=0
	while [ $n -lt "${RUNS:-3}" ]; do
		SHADOWTAP_REPORT_TIMING=1 /usr/bin/time -f "$fmt: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
		    build/shadowtap-report --db "$DB" --week "$WEEK" --format $fmt \
		    --out "$T/r.$fmt" 2> "$T/err" >/dev/null || { cat "$T/err"; exit 1; }
		[ $n = 0 ] && grep '^query' "$T/err" | sed "s/^/  $fmt run 1: /"
		grep "^$fmt:" "$T/err"
		n=$((n + 1))
	done
done
