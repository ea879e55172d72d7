#!/bin/sh
# make-sample.sh - build tests/data/sample.pcap from real clients and servers.
#
#   sudo sh tests/scripts/make-sample.sh [OUTPUT.pcap]
#
# Builds three network namespaces joined by veth pairs (client - router - servers),
# using documentation addresses only:
#   clients   192.0.2.10, 192.0.2.20, 2001:db8:1::10
#   router    192.0.2.1 / 2001:db8:1::1 (client side), 203.0.113.1, 198.51.100.1,
#             2001:db8:2::1 (server side)
#   servers   203.0.113.0/24 (public-looking services), 198.51.100.0/24 (intranet,
#             resolver 198.51.100.53), 2001:db8:2::/64
# No namespace has a default route or any link to the host, so nothing can leave.
# tcpdump runs in the router on its client-facing veth (full snaplen, Ethernet),
# like a SPAN port in front of the clients.  Flows are listed in tests/data/sample.md.
#
# Needs root.  Missing Debian packages are installed with apt-get.  Every client
# runs under timeout(1); namespaces, servers and temporary files are removed on
# exit (also on error or Ctrl-C).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/tests/data/sample.pcap}
PY=/usr/bin/python3          # Debian's python3, with python3-cryptography
NS_C=st-sample-cli
NS_R=st-sample-rtr
NS_S=st-sample-srv
VLAN_ID=100                  # VLAN given (after capture) to 192.0.2.20 <-> 198.51.100.10

die() { echo "make-sample: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, tcpdump): sudo sh $0"

# ------------------------------------------------------------------ packages
need=""
for pair in ip:iproute2 tcpdump:tcpdump curl:curl openssl:openssl dig:bind9-dnsutils \
            dnsmasq:dnsmasq-base ethtool:ethtool timeout:coreutils \
            gtlsclient:ngtcp2-client gtlsserver:ngtcp2-server; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || need="$need $pkg"
done
[ -x "$PY" ] || need="$need python3"
[ -x "$PY" ] && "$PY" -c 'import cryptography' 2>/dev/null || need="$need python3-cryptography"
if [ -n "$need" ]; then
    echo "make-sample: installing$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
PATH=$PATH:/usr/sbin:/sbin

# ------------------------------------------------------------------ cleanup
TMP=$(mktemp -d /tmp/make-sample.XXXXXX)
PIDS=""
cleanup() {
    set +e
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    sleep 0.3
    for ns in $NS_C $NS_R $NS_S; do
        if ip netns list | grep -qw "$ns"; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
            ip netns del "$ns" 2>/dev/null
        fi
    done
    rm -rf "/etc/netns/$NS_C" "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# a leftover from an interrupted run
for ns in $NS_C $NS_R $NS_S; do
    if ip netns list | grep -qw "$ns"; then
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
        ip netns del "$ns"
    fi
done

inC() { ip netns exec $NS_C "$@"; }
inR() { ip netns exec $NS_R "$@"; }
inS() { ip netns exec $NS_S "$@"; }

# ------------------------------------------------------------------ topology
echo "make-sample: building namespaces"
for ns in $NS_C $NS_R $NS_S; do
    ip netns add $ns
    ip -n $ns link set lo up
done
ip link add st-c0 type veth peer name st-rc
ip link add st-rs type veth peer name st-s0
ip link set st-c0 netns $NS_C
ip link set st-rc netns $NS_R
ip link set st-rs netns $NS_R
ip link set st-s0 netns $NS_S
ip -n $NS_C link set st-c0 address 02:00:c0:00:02:0a
ip -n $NS_R link set st-rc address 02:00:c0:00:02:01
ip -n $NS_R link set st-rs address 02:00:cb:00:71:01
ip -n $NS_S link set st-s0 address 02:00:cb:00:71:0a

for spec in $NS_C:st-c0 $NS_R:st-rc $NS_R:st-rs $NS_S:st-s0; do
    ns=${spec%%:*}; dev=${spec#*:}
    ip netns exec $ns sysctl -qw net.ipv6.conf.$dev.accept_dad=0 net.ipv6.conf.$dev.accept_ra=0 \
        net.ipv6.conf.$dev.router_solicitations=0 net.ipv6.conf.$dev.autoconf=0
    # no offloads: the capture should hold wire-size frames with real checksums
    ip netns exec $ns ethtool -K $dev rx off tx off tso off gso off gro off >/dev/null 2>&1 || true
done

inC ip addr add 192.0.2.10/24 dev st-c0
inC ip addr add 192.0.2.20/24 dev st-c0
inC ip addr add 2001:db8:1::10/64 dev st-c0 nodad
inR ip addr add 192.0.2.1/24 dev st-rc
inR ip addr add 2001:db8:1::1/64 dev st-rc nodad
inR ip addr add 203.0.113.1/24 dev st-rs
inR ip addr add 198.51.100.1/24 dev st-rs
inR ip addr add 2001:db8:2::1/64 dev st-rs nodad
for a in 10 11 12 20 21 30 31 40 41 42 50 53 60 61 80 81 99; do
    inS ip addr add 203.0.113.$a/24 dev st-s0
done
for a in 10 53 80 114; do
    inS ip addr add 198.51.100.$a/24 dev st-s0
done
for a in 20 53 80 114; do
    inS ip addr add 2001:db8:2::$a/64 dev st-s0 nodad
done
for ns in $NS_C $NS_R $NS_S; do
    for dev in $(ip -n $ns -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
        ip -n $ns link set "$dev" up
    done
done
inR sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# explicit TEST-NET routes only; no default route anywhere
inC ip route add 203.0.113.0/24 via 192.0.2.1
inC ip route add 198.51.100.0/24 via 192.0.2.1
inC ip -6 route add 2001:db8:2::/64 via 2001:db8:1::1
inS ip route add 192.0.2.0/24 via 203.0.113.1
inS ip -6 route add 2001:db8:1::/64 via 2001:db8:2::1

# the client's resolver (ip netns exec bind-mounts /etc/netns/NS/* over /etc/*)
mkdir -p /etc/netns/$NS_C
printf 'nameserver 198.51.100.53\noptions timeout:2 attempts:1\n' > /etc/netns/$NS_C/resolv.conf
printf '127.0.0.1 localhost\n::1 localhost\n' > /etc/netns/$NS_C/hosts

# ------------------------------------------------------------------ servers
# (started with a plain "ip netns exec" so that $! is the server's own pid)
NAMES="chat.openai.com chatgpt.com claude.ai api.anthropic.com gemini.google.com
copilot.microsoft.com chat.deepseek.com chat.mistral.ai www.perplexity.ai www.example.com
www.example.org intranet.example.net xopenai.com openai.com.example.net cloudflare-ech.com
cloudflare-dns.com"
san=$(for n in $NAMES; do printf 'DNS:%s,' "$n"; done)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/O=shadowtap test sample/CN=sample.shadowtap.invalid" -addext "subjectAltName=${san%,}" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null

cat > "$TMP/hosts" <<'EOF'
203.0.113.10   chat.openai.com.cdn.cloudflare.net
203.0.113.11   chat.openai.com.cdn.cloudflare.net
203.0.113.12   chatgpt.com
203.0.113.20   claude.ai
2001:db8:2::20 claude.ai
203.0.113.21   api.anthropic.com
203.0.113.30   gemini.google.com
203.0.113.31   e1234.dscx.example-edge.net
203.0.113.40   chat.deepseek.com
203.0.113.41   chat.mistral.ai
203.0.113.42   www.perplexity.ai
203.0.113.50   cloudflare-ech.com
203.0.113.53   cloudflare-dns.com
203.0.113.60   xopenai.com
203.0.113.61   openai.com.example.net
203.0.113.80   www.example.org
2001:db8:2::80 www.example.org
203.0.113.81   www.example.com
198.51.100.10  intranet.example.net
198.51.100.80  llm.intranet.example.net
198.51.100.114 ollama.intranet.example.net
2001:db8:2::114 ollama.intranet.example.net
EOF
HTTPS_ECH=$("$PY" "$HERE/sample/tool.py" svcb-hex chat.mistral.ai ech)
HTTPS_PLAIN=$("$PY" "$HERE/sample/tool.py" svcb-hex claude.ai plain)

ip netns exec $NS_S dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --user=root --group=root --pid-file="$TMP/dnsmasq.pid" \
    --bind-interfaces --listen-address=198.51.100.53 --listen-address=2001:db8:2::53 \
    --addn-hosts="$TMP/hosts" --local-ttl=300 \
    --local=/com/ --local=/net/ --local=/org/ --local=/ai/ \
    --cname=chat.openai.com,chat.openai.com.cdn.cloudflare.net,300 \
    --cname=copilot.microsoft.com,copilot.microsoft.com.trafficmanager.example.net,300 \
    --cname=copilot.microsoft.com.trafficmanager.example.net,e1234.dscx.example-edge.net,300 \
    --dns-rr=chat.mistral.ai,65,"$HTTPS_ECH" --dns-rr=claude.ai,65,"$HTTPS_PLAIN" \
    --log-queries --log-facility="$TMP/dnsmasq.log" 2>"$TMP/dnsmasq.err" &
PIDS="$PIDS $!"

ip netns exec $NS_S "$PY" "$HERE/sample/servers.py" "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/servers.out" 2>"$TMP/servers.log" &
PIDS="$PIDS $!"

mkdir -p "$TMP/htdocs"
echo "synthetic QUIC page" > "$TMP/htdocs/index.html"
ip netns exec $NS_S gtlsserver -q --timeout=3s -d "$TMP/htdocs" '*' 443 "$TMP/key.pem" "$TMP/cert.pem" \
    >"$TMP/quic-server.log" 2>&1 &
PIDS="$PIDS $!"

i=0
until grep -q ready "$TMP/servers.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 50 ] || die "servers did not start: $(cat "$TMP/servers.log")"
    sleep 0.1
done
sleep 0.5

# ------------------------------------------------------------------ capture
ip netns exec $NS_R tcpdump -i st-rc -s 0 -y EN10MB -U -Z root -w "$TMP/raw.pcap" 2>"$TMP/tcpdump.log" &
TCPDUMP=$!
PIDS="$PIDS $TCPDUMP"
i=0
until grep -q listening "$TMP/tcpdump.log" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 50 ] || die "tcpdump did not start: $(cat "$TMP/tcpdump.log")"
    sleep 0.1
done
sleep 0.5

# ------------------------------------------------------------------ clients
LOG=$TMP/clients.log
step() {   # step DESCRIPTION -- COMMAND...   (runs in the client namespace, bounded)
    desc=$1; shift 2
    printf '  %-62s ' "$desc"
    if inC timeout 15 "$@" >>"$LOG" 2>&1; then echo ok; else echo "exit $?"; fi
    sleep 0.3
}
UA="Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
CURL="curl -sS -k --max-time 8 -o /dev/null -A"
DIG="dig +tries=1 +time=3 @198.51.100.53"

# synthetic bodies (no real personal data)
"$PY" - "$TMP" <<'EOF'
import gzip, json, sys
d = sys.argv[1]
filler = ("Synthetisch testmateriaal voor shadowtap. Geen echte persoonsgegevens. " * 8).strip()
up = {"model": "claude-3-opus", "max_tokens": 512, "messages": [{"role": "user", "content":
      "Vat dit verslag samen:\n" + "\n".join("Regel %05d: %s" % (i, filler[:120]) for i in range(1600))}]}
open(d + "/upload.json", "w").write(json.dumps(up))                     # ~200 KB
chat = {"model": "local-llm", "messages": [{"role": "user", "content":
        "Controleer betaling van rekening NL91ABNA0417164300 (testnummer), bedrag 12,50 EUR."}]}
open(d + "/chat.json", "w").write(json.dumps(chat))
gz = {"model": "local-llm", "messages": [{"role": "user", "content":
      "Brief aan cliënt met BSN 111222333 over dossier 2024-0042 (synthetisch)."}]}
open(d + "/chat.json.gz", "wb").write(gzip.compress(json.dumps(gz).encode(), mtime=0))
big = {"model": "local-llm", "messages": [{"role": "user", "content":
       ("Lange invoer. " * 18000) + "Tot slot: BSN 111222333 staat aan het einde van deze tekst."}]}
open(d + "/big.json", "w").write(json.dumps(big))                       # ~250 KB
open(d + "/notes.txt", "w").write("Notulen (synthetisch)\nIBAN NL91ABNA0417164300\nBSN 111222333\n")
EOF

echo "make-sample: DNS"
step "dns A chat.openai.com (CNAME + 2 A)"      -- $DIG chat.openai.com A
step "dns AAAA claude.ai"                       -- $DIG claude.ai AAAA
step "dns HTTPS claude.ai"                      -- $DIG claude.ai HTTPS
step "dns HTTPS chat.mistral.ai (ech)"          -- $DIG chat.mistral.ai HTTPS
step "dns HTTPS www.example.org (no data)"      -- $DIG www.example.org HTTPS
step "dns/tcp A chat.deepseek.com"              -- $DIG +tcp chat.deepseek.com A
step "dns/tcp A copilot.microsoft.com (2 CNAMEs)" -- $DIG +tcp copilot.microsoft.com A
step "dns A does-not-exist.example.com (NXDOMAIN)" -- $DIG does-not-exist.example.com A
step "dns A use-application-dns.net (canary)"   -- $DIG use-application-dns.net A
step "dns/ipv6 AAAA www.example.org"            -- dig +tries=1 +time=3 @2001:db8:2::53 www.example.org AAAA
step "dns A cloudflare-ech.com (client .20)"    -- $DIG -b 192.0.2.20 cloudflare-ech.com A

echo "make-sample: TLS over TCP"
for n in chat.openai.com chatgpt.com claude.ai gemini.google.com copilot.microsoft.com \
         chat.mistral.ai www.perplexity.ai www.example.com www.example.org intranet.example.net \
         xopenai.com openai.com.example.net; do
    step "https GET $n" -- $CURL "$UA" -4 "https://$n/"
done
step "https GET api.anthropic.com/v1/models" -- $CURL "anthropic-sdk-python/0.25.0" -4 \
    -H "x-api-key: sk-ant-test-00000000" "https://api.anthropic.com/v1/models"
step "https TLS1.2 chat.deepseek.com"       -- $CURL "$UA" -4 --tlsv1.2 --tls-max 1.2 "https://chat.deepseek.com/"
step "https IPv6 claude.ai"                 -- $CURL "$UA" -6 "https://claude.ai/"
step "https upload ~200 KB api.anthropic.com" -- curl -sS -k --max-time 8 -o /dev/null \
    -A "anthropic-sdk-python/0.25.0" -4 -H "Content-Type: application/json" \
    -H "anthropic-version: 2023-06-01" --data-binary "@$TMP/upload.json" "https://api.anthropic.com/v1/messages"
step "tls no SNI to 203.0.113.99 (no DNS)"  -- sh -c 'openssl s_client -connect 203.0.113.99:443 -noservername -brief </dev/null'
step "tls ECH ClientHello, outer SNI cloudflare-ech.com (client .20)" -- \
    env BIND=192.0.2.20 "$PY" "$HERE/sample/tool.py" ech-clienthello 203.0.113.50 443 cloudflare-ech.com
step "tls ClientHello over MSS 200 copilot.microsoft.com" -- \
    "$PY" "$HERE/sample/tool.py" tls-small-mss 203.0.113.31 443 copilot.microsoft.com 200
step "tls DoT-like 853 cloudflare-dns.com"  -- sh -c 'openssl s_client -connect 203.0.113.53:853 -servername cloudflare-dns.com -alpn dot -brief </dev/null'

echo "make-sample: QUIC"
step "quic v1 gemini.google.com (ngtcp2 gtlsclient)" -- gtlsclient -q --timeout=3s \
    --exit-on-all-streams-close gemini.google.com 443 https://gemini.google.com/
step "quic v1 chatgpt.com, ClientHello over 2 Initials (tool.py)" -- \
    "$PY" "$HERE/sample/tool.py" quic-initial 203.0.113.12 443 chatgpt.com v1 big
step "quic v2 claude.ai Initial (tool.py, RFC 9369)" -- \
    "$PY" "$HERE/sample/tool.py" quic-initial 203.0.113.20 443 claude.ai v2

echo "make-sample: plain HTTP"
step "http GET www.example.org x2 (keep-alive)" -- curl -sS --max-time 8 -A "$UA" -4 \
    -o /dev/null -o /dev/null http://www.example.org/ http://www.example.org/about.html
step "http GET ollama /api/tags"             -- curl -sS --max-time 8 -o /dev/null -4 \
    http://ollama.intranet.example.net:11434/api/tags
step "http POST ollama /api/generate (JSON, BSN)" -- curl -sS --max-time 8 -o /dev/null -4 \
    -H "Content-Type: application/json" \
    -d '{"model":"llama3","prompt":"Schrijf een brief aan de burger met BSN 111222333 (testgegeven).","stream":false}' \
    http://ollama.intranet.example.net:11434/api/generate
step "http/ipv6 POST ollama /api/generate"   -- curl -sS --max-time 8 -o /dev/null -6 \
    -H "Content-Type: application/json" \
    -d '{"model":"llama3","prompt":"Hoe laat is het? (synthetisch, geen PII)","stream":false}' \
    http://ollama.intranet.example.net:11434/api/generate
step "http POST /v1/chat/completions chunked (IBAN)" -- curl -sS --max-time 8 -o /dev/null -4 \
    -A "OpenAI/Python 1.30.1" -H "Content-Type: application/json" -H "Transfer-Encoding: chunked" \
    -H "Authorization: Bearer sk-test-0000000000000000" --data-binary "@$TMP/chat.json" \
    http://llm.intranet.example.net:8000/v1/chat/completions
step "http POST /v1/chat/completions gzip body (BSN)" -- curl -sS --max-time 8 -o /dev/null -4 \
    -A "OpenAI/Python 1.30.1" -H "Content-Type: application/json" -H "Content-Encoding: gzip" \
    --data-binary "@$TMP/chat.json.gz" http://llm.intranet.example.net:8000/v1/chat/completions
step "http POST /v1/chat/completions ~250 KB"  -- curl -sS --max-time 8 -o /dev/null -4 \
    -A "OpenAI/Python 1.30.1" -H "Content-Type: application/json" \
    --data-binary "@$TMP/big.json" http://llm.intranet.example.net:8000/v1/chat/completions
step "http POST /v1/files multipart"          -- curl -sS --max-time 8 -o /dev/null -4 \
    -F "purpose=assistants" -F "file=@$TMP/notes.txt;type=text/plain" \
    http://llm.intranet.example.net:8000/v1/files
step "http POST urlencoded intranet (client .20, VLAN $VLAN_ID)" -- curl -sS --max-time 8 -o /dev/null \
    --interface 192.0.2.20 --resolve intranet.example.net:80:198.51.100.10 -A "$UA" \
    --data-urlencode "naam=Test Persoon" --data-urlencode "bsn=111222333" \
    --data-urlencode "opmerking=synthetisch formulier" http://intranet.example.net/formulier
step "http POST split in 40-byte writes, MSS 536" -- \
    "$PY" "$HERE/sample/tool.py" http-small-mss 198.51.100.114 11434 ollama.intranet.example.net 536

sleep 3    # let QUIC idle timeouts and TCP closes finish
kill -TERM $TCPDUMP   # (background jobs of sh ignore SIGINT)
wait $TCPDUMP 2>/dev/null || true
sed -n 's/^\(.*packets captured\)$/make-sample: tcpdump: \1/p' "$TMP/tcpdump.log"

mkdir -p "$(dirname "$OUT")"
"$PY" "$HERE/sample/vlan-tag.py" "$TMP/raw.pcap" "$OUT" $VLAN_ID 192.0.2.20 198.51.100.10
echo "make-sample: wrote $OUT ($(wc -c < "$OUT") bytes)"
if command -v tshark >/dev/null 2>&1; then
    echo "make-sample: tshark summary"
    tshark -r "$OUT" -q -z io,phs 2>/dev/null | sed -n '1,40p'
fi
