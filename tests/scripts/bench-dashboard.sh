#!/bin/sh
# bench-dashboard.sh - `make bench-dashboard`: a mkfixture database (default
# 4 weeks x 2.5M events = 10M, 2,000 clients, 300 services; EVENTS_PER_WEEK
# and WEEKS override, DB=path reuses one), then p50/p99 latency of the
# overview (all, and the last 7 days of data), services, service
# drill-down, alert-list and health API calls
# over loopback (curl, N=200 each; N_COLD for the uncached pass), twice: with the response cache off
# (--cache-ttl 0: every request runs its queries, "cold") and on (the
# default, "cached").  Not a test: prints numbers for docs/BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/../.."
W=${WEEKS:-4}; E=${EVENTS_PER_WEEK:-2500000}; N=${N:-200}; NC=${N_COLD:-$N}
T=$(mktemp -d /tmp/bench-dash.XXXXXX)
DB=${DB:-$T/bench.db}
[ -f "$DB" ] || build/tools/mkfixture -o "$DB" -w "$W" -e 2026-11-16 -n "$E" -c 2000 -S 300 -s bench >/dev/null
echo 'bench-pass-123' | build/shadowtap-dashboard --state $T/st.db --add-user b --role viewer
PORT=$((30000 + $$ % 20000))
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf $T' EXIT
echo "db: $DB ($(sqlite3 "$DB" 'SELECT COUNT(*) FROM ai_events') ai_events, $(sqlite3 "$DB" 'SELECT COUNT(*) FROM alerts') alerts," \
    "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM agg_hour') agg_hour, $(sqlite3 "$DB" 'SELECT COUNT(*) FROM agg_client_day') agg_client_day rows)"
SVC=$(sqlite3 "$DB" 'SELECT service FROM agg_hour GROUP BY service ORDER BY SUM(flows) DESC LIMIT 1')
# the last 7 days of data, from a minute past an hour (edge hours + whole days)
TO=$(sqlite3 "$DB" 'SELECT MAX(hour)/1000000 + 3600 FROM agg_hour'); FROM=$((TO - 7 * 86400 + 60))
for ttl in 0 10; do
	build/shadowtap-dashboard --db "$DB" --state $T/st.db --listen 127.0.0.1:$PORT --cache-ttl $ttl 2>/dev/null &
	pid=$!
	i=0; while [ $i -lt 50 ] && ! curl -s -o /dev/null http://127.0.0.1:$PORT/healthz; do sleep 0.1; i=$((i+1)); done
	curl -s -c $T/cj -d 'user=b&password=bench-pass-123' http://127.0.0.1:$PORT/api/v1/login >/dev/null
	[ $ttl = 0 ] && mode=cold n=$NC || mode=cached n=$N
	for path in "api/v1/overview?range=all" "api/v1/overview?from=$FROM&to=$TO" "api/v1/services?range=all" \
	    "api/v1/service?id=$SVC&range=all" "api/v1/alerts?range=all&limit=50" "api/v1/health" "index.html"; do
		j=0; : >$T/t
		while [ $j -lt "$n" ]; do
			curl -s -b $T/cj -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT/$path" >>$T/t; j=$((j+1))
		done
		sort -n $T/t | awk -v p="$path" -v m=$mode 'function q(f) { i = int(NR * f + 0.999999); return a[i < 1 ? 1 : i] * 1000 } {a[NR]=$1} END {printf "%-6s %-40s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms\n", m, p, NR, q(0.5), q(0.99), a[NR]*1000}'
	done
	kill $pid; wait $pid 2>/dev/null || true; pid=
done
