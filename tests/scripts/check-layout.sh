#!/bin/sh
# check-layout.sh - the architecture's include rule and link sets, so the
# knot cannot come back (issue 8):
#  - lib/ includes no program folder; no program includes another's folder;
#  - shadowtap-rules links catalog/policy/ruleset/DLP only (no store, EVE,
#    capture, QUIC, nDPI); dashboard and report link lib/ and their own code.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
bad=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; bad=1; }

# Local includes of each tree: "dir/file.h" where dir is the first component.
incs() {	# incs TREE -> "file: included-dir" lines
	grep -rHoE '^#include "[a-z_]+/' "$1" --include='*.c' --include='*.h' 2>/dev/null |
	    sed -E 's|^([^:]*):#include "([a-z_]+)/$|\1 \2|'
}
libdirs=$(ls lib)
check_tree() {	# check_tree TREE ALLOWED-DIRS...
	tree=$1; shift
	[ -d "$tree" ] || { echo "ok - $tree: absent (nothing to check) # skip"; return; }
	viol=$(incs "$tree" | while read -r f d; do
		allowed=0
		for a in "$@"; do [ "$d" = "$a" ] && allowed=1; done
		[ $allowed = 1 ] || echo "$f includes $d/"
	done)
	if [ -z "$viol" ]; then ok "include rule: $tree includes only lib/ and itself"
	else nok "include rule: $tree"; echo "$viol" | head -10 | sed 's/^/#   /'; fi
}
sensordirs=$(cd sensor && ls -d */ | tr -d /)
check_tree lib $libdirs
# shellcheck disable=SC2086
check_tree sensor $libdirs $sensordirs
for p in dashboard report; do
	own=$( [ -d $p ] && cd $p && ls -d */ 2>/dev/null | tr -d / )
	# shellcheck disable=SC2086
	check_tree $p $libdirs $own
done

# Link sets: symbols each program must not carry.
linkset() {	# linkset BIN NAME FORBIDDEN-REGEX
	if [ ! -x "$1" ]; then echo "ok - link set $2: not built # skip"; return; fi
	hits=$(nm "$1" 2>/dev/null | grep -E ' [TtDdBbRr] ' | awk '{print $3}' | grep -E "$3" | head -5)
	if [ -z "$hits" ]; then ok "link set $2"
	else nok "link set $2 carries: $(echo $hits)"; fi
}
linkset "$B/shadowtap-rules" "shadowtap-rules: catalog/policy/dlp only" \
	'^(store_|eve_|output_|capture_|quic_|dispatch|decode_|flow_table|ndpi_|pcap_|sqlite3_)'
linkset "$B/shadowtap-dashboard" "shadowtap-dashboard: lib/ and its own code" \
	'^(eve_|output_|capture_|quic_|dispatch|decode_|flow_table|ndpi_|pcap_|dlp_|analyzer_|policy_load)'
linkset "$B/shadowtap-report" "shadowtap-report: lib/ and its own code" \
	'^(eve_|output_|capture_|quic_|dispatch|decode_|flow_table|ndpi_|pcap_|dlp_|analyzer_|policy_load|MHD_)'
# Shared libraries too: a linter needs neither libpcap, nDPI nor SQLite.
if [ -x "$B/shadowtap-rules" ]; then
	l=$(ldd "$B/shadowtap-rules" | grep -oE 'lib(pcap|ndpi|sqlite3|microhttpd|cairo)[^ ]*' | tr '\n' ' ')
	[ -z "$l" ] && ok "shadowtap-rules loads no capture, DPI, database or web library" ||
		nok "shadowtap-rules loads $l"
fi

# The check itself catches a violation (negative case): a lib file that
# includes a sensor header must be reported.
t=$(mktemp -d); mkdir -p "$t/lib/common"
printf '#include "flow/flow.h"\n' > "$t/lib/common/x.c"
if incs "$t/lib" | grep -q ' flow$'; then ok "include check reports lib/ including a program folder"
else nok "include check misses lib/ including a program folder"; fi
rm -rf "$t"
exit $bad
