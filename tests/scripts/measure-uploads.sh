#!/bin/sh
# measure-uploads.sh - how many bytes real clients upload per burst, for the
# upload-tier defaults in rules/policy.yaml (docs/DETECTION.md, "Upload tiers").
#
#   sudo sh tests/scripts/measure-uploads.sh [OUTDIR]
#
# Two network namespaces joined by a veth pair (client 192.0.2.10, server
# 203.0.113.10, no other links, nothing leaves).  The server is a local TLS
# HTTP/1.1 keep-alive server (measure-uploads.py server) that answers every
# request with ~4 KB; the clients reach it under real service names
# (chatgpt.com, api.openai.com, api.anthropic.com, api2.cursor.sh) through
# /etc/hosts in the client namespace:
#   chromium  headless Chromium (HTTP/1.1, then HTTP/2 via nghttpd): 3 page loads, 8 short chat turns, a pasted
#             10 KB document, a 100 KB file upload (multipart), 3 more turns,
#             all in one page (one keep-alive connection where Chromium reuses it)
#   curl      one ordinary chat turn with browser-like headers
#   api       python http.client: 5 ordinary API calls, a 20-turn conversation
#             that resends its history, on one connection
#   agent     python: 3 agent turns with ~200 KB of context each
# tcpdump captures on the client veth; the capture is replayed through the
# sensor (flow upload_bytes, upload alerts under the shipped policy) and
# split into bursts by measure-uploads.py analyze (the sensor's rule).
# Not part of `make check` (needs root, Chromium, ~1 min).  MU_TURNS (20) and
# MU_AGENT_TURNS (3) shorten the run; MU_CASE=1 skips the cursor agent (the
# capture of tests/cases/core-upload-tiers was made with MU_TURNS=8
# MU_AGENT_TURNS=1 MU_CASE=1, then `tshark -2 -R "tcp.stream >= 2" -F pcap`
# to drop the HTTP/1.1 Chromium flows).  With nghttpd installed (Debian
# nghttp2-server) the Chromium page runs a second time over HTTP/2 against
# 203.0.113.11 (chat.openai.com).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$(mktemp -d /tmp/measure-uploads.XXXXXX)}
PY=/usr/bin/python3
C=st-mu-cli
S=st-mu-srv
mkdir -p "$OUT"
[ "$(id -u)" -eq 0 ] || { echo "measure-uploads: needs root" >&2; exit 2; }
cleanup() {
	set +e
	for ns in $C $S; do
		for p in $(ip netns pids $ns 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	sleep 0.5
	for ns in $C $S; do ip netns del $ns 2>/dev/null; done
	rm -rf /etc/netns/$C
}
trap cleanup EXIT INT TERM
cleanup
ip netns add $C
ip netns add $S
ip link add st-mu0 type veth peer name st-mu1
ip link set st-mu0 netns $C
ip link set st-mu1 netns $S
ip -n $C addr add 192.0.2.10/24 dev st-mu0
ip -n $S addr add 192.0.2.1/24 dev st-mu1
ip -n $S addr add 203.0.113.10/24 dev st-mu1
ip -n $S addr add 203.0.113.11/24 dev st-mu1
ip -n $C link set st-mu0 up
ip -n $S link set st-mu1 up
ip -n $C link set lo up
ip -n $S link set lo up
ip -n $C route add 203.0.113.0/24 via 192.0.2.1
for ns in $C $S; do
	ip netns exec $ns ethtool -K $( [ $ns = $C ] && echo st-mu0 || echo st-mu1 ) \
	    tso off gso off gro off >/dev/null 2>&1 || true
done
mkdir -p /etc/netns/$C
printf '203.0.113.10 chatgpt.com api.openai.com api.anthropic.com api2.cursor.sh\n203.0.113.11 chat.openai.com\n' \
    > /etc/netns/$C/hosts
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=chatgpt.com \
    -addext "subjectAltName=DNS:chatgpt.com,DNS:chat.openai.com,DNS:api.openai.com,DNS:api.anthropic.com,DNS:api2.cursor.sh" \
    -keyout "$OUT/key.pem" -out "$OUT/cert.pem" >/dev/null 2>&1
ip netns exec $S $PY "$HERE/measure-uploads.py" server "$OUT/cert.pem" "$OUT/key.pem" &
# HTTP/2: nghttpd (Debian nghttp2-server) on 203.0.113.11 serves the same page
if command -v nghttpd >/dev/null 2>&1 || [ -x /usr/sbin/nghttpd ]; then
	$PY "$HERE/measure-uploads.py" docroot "$OUT/h2root"
	ip netns exec $S /usr/sbin/nghttpd -d "$OUT/h2root" -a 203.0.113.11 443 \
	    "$OUT/key.pem" "$OUT/cert.pem" >/dev/null 2>&1 &
fi
sleep 1
ip netns exec $C tcpdump -q -i st-mu0 -s 0 -w "$OUT/uploads.pcap" tcp port 443 2>/dev/null &
sleep 1
inC() { ip netns exec $C timeout 60 "$@"; }
inC chromium --headless=new --no-sandbox --ignore-certificate-errors \
    --user-data-dir="$OUT/chromium" --virtual-time-budget=30000 \
    --dump-dom https://chatgpt.com/chat.html > "$OUT/dom.html" 2>/dev/null || true
grep -q '<title>done</title>' "$OUT/dom.html" && echo "chromium: all turns done" ||
	echo "chromium: page did not finish"
if [ -d "$OUT/h2root" ]; then
	inC chromium --headless=new --no-sandbox --ignore-certificate-errors \
	    --user-data-dir="$OUT/chromium-h2" --virtual-time-budget=30000 \
	    --dump-dom https://chat.openai.com/chat.html > "$OUT/dom-h2.html" 2>/dev/null || true
	grep -q '<title>done</title>' "$OUT/dom-h2.html" && echo "chromium (HTTP/2): all turns done" ||
		echo "chromium (HTTP/2): page did not finish"
fi
inC curl -sk -o /dev/null https://chatgpt.com/backend-api/conversation \
    -H 'content-type: application/json' -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0' \
    -H "cookie: __Secure-next-auth.session-token=$(head -c 1500 /dev/zero | tr '\0' a)" \
    --data "{\"action\":\"next\",\"messages\":[{\"content\":{\"parts\":[\"Wat is de termijn voor bezwaar tegen een besluit?\"]}}],\"model\":\"auto\"}"
inC $PY "$HERE/measure-uploads.py" api api.openai.com
inC $PY "$HERE/measure-uploads.py" agent api.anthropic.com
[ "${MU_CASE:-0}" = 1 ] || inC $PY "$HERE/measure-uploads.py" agent api2.cursor.sh
sleep 1
kill $(ip netns pids $C) 2>/dev/null || true
sleep 1
echo "== bursts per TLS flow (client -> server bytes, TLS application data)"
$PY "$HERE/measure-uploads.py" analyze "$OUT/uploads.pcap" | tee "$OUT/bursts.txt"
echo "== sensor (shipped rules): flows and upload alerts"
"$REPO/build/shadowtap-sensor" -r "$OUT/uploads.pcap" -R "$REPO/rules" -e "$OUT/eve.json" >/dev/null 2>&1 || true
$PY - "$OUT/eve.json" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event_type") == "flow" and e.get("flow", {}).get("upload_bytes"):
        print("flow  %-20s upload_bytes %8d" % ((e.get("ai") or {}).get("service", "?"),
              e["flow"]["upload_bytes"]))
    a = e.get("alert", {}).get("shadowtap", {})
    if e.get("event_type") == "alert" and a.get("kind") == "upload":
        print("alert", a.get("description"))
PY
echo "output in $OUT"
