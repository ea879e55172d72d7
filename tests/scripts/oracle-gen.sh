#!/bin/sh
# oracle-gen.sh - run tshark over ../shared/pcap/ndpi and write what it sees
# (TLS/QUIC SNI, HTTP Host, DNS query names per flow) to tests/oracle/ndpi.tsv.
# Re-run when the shared captures change; the test compares our EVE with it.
set -eu
dir=${1:-../shared/pcap/ndpi}
out=${2:-tests/oracle/ndpi.tsv}
[ -d "$dir" ] || { echo "oracle-gen: $dir not found" >&2; exit 2; }
command -v tshark >/dev/null || { echo "oracle-gen: tshark missing (make deps)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ls "$dir" | grep -E '\.(pcap|pcapng|cap)$' | sort > "$tmp/list"
# One tshark per file, two at a time; fields aggregated per packet.
xargs -P 2 -I{} sh -c '
  f="$1"; d="$2"; t="$3"
  timeout 120 tshark -n -r "$d/$f" -o tcp.desegment_tcp_streams:TRUE \
    -Y "tls.handshake.type == 1 || http.request || (dns.flags.response == 0)" \
    -T fields -E separator=/t -E occurrence=a -E aggregator=, \
    -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e tcp.srcport -e tcp.dstport \
    -e udp.srcport -e udp.dstport -e tls.handshake.type \
    -e tls.handshake.extensions_server_name -e http.host -e dns.qry.name \
    -e quic.version -e frame.protocols 2>/dev/null \
    | sed "s|^|$f\t|" > "$t/$f.tsv" || true
' _ {} "$dir" "$tmp" < "$tmp/list"
cat "$tmp"/*.tsv > "$out"
echo "oracle-gen: $(wc -l < "$out") tshark records from $(wc -l < "$tmp/list") captures -> $out"
