#!/bin/sh
# make-dlp-cases.sh - capture the DLP pcap cases (tests/cases/dlp-*/input.pcap)
# from real clients (curl, python3, node) talking to a fake AI API in two
# network namespaces joined by a veth pair, documentation addresses only:
#   client 192.0.2.10 / 2001:db8::10      server 192.0.2.80 / 2001:db8::80
# No namespace has a default route or a link to the host.  Every client runs
# under timeout(1); namespaces, servers and temp files go away on exit.
# All data is synthetic (test-range BSN, TEST IBAN, test card numbers).
#
#   sudo sh tests/scripts/make-dlp-cases.sh [CASE...]
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUTDIR=$REPO/tests/cases
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
NS_C=st-dlp-cli
NS_S=st-dlp-srv
CLI4=192.0.2.10 SRV4=192.0.2.80 CLI6=2001:db8::10 SRV6=2001:db8::80
BSN=999964070                 # 11-check valid, test range, made up
IBAN=NL66TEST7008139766       # mod-97 valid, TEST bank
CARD="4242 4242 4242 4242"    # test card (Luhn valid)

die() { echo "make-dlp-cases: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "must run as root: sudo sh $0"
PATH=$PATH:/usr/sbin:/sbin
for c in ip tcpdump curl timeout; do command -v $c >/dev/null || die "needs $c"; done

TMP=$(mktemp -d /tmp/make-dlp.XXXXXX)
SRV_PIDS=""
cleanup() {
    set +e
    for p in $SRV_PIDS; do kill "$p" 2>/dev/null; done
    for ns in $NS_C $NS_S; do
        if ip netns list | grep -qw "$ns"; then
            for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
            ip netns del "$ns" 2>/dev/null
        fi
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
for ns in $NS_C $NS_S; do
    ip netns list | grep -qw "$ns" && ip netns del "$ns"
done

inC() { ip netns exec $NS_C "$@"; }
inS() { ip netns exec $NS_S "$@"; }

# ------------------------------------------------------------------ topology
ip netns add $NS_C
ip netns add $NS_S
ip link add vc netns $NS_C type veth peer name vs netns $NS_S
inC ip link set vc address 02:00:c0:00:02:0a
inS ip link set vs address 02:00:c0:00:02:50
inC ip addr add $CLI4/24 dev vc
inS ip addr add $SRV4/24 dev vs
inC ip -6 addr add $CLI6/64 dev vc nodad
inS ip -6 addr add $SRV6/64 dev vs nodad
for n in C S; do
    in$n ip link set lo up
done
inC ip link set vc up
inS ip link set vs up
if command -v ethtool >/dev/null; then
    inC ethtool -K vc tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    inS ethtool -K vs tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
fi
sleep 1

# ------------------------------------------------------------------ servers
for a in $SRV4:80 $SRV4:11434 $SRV6:80; do
    ip netns exec $NS_S timeout 300 "$PY" "$HERE/dlp/server.py" "${a%:*}" "${a##*:}" &
    SRV_PIDS="$SRV_PIDS $!"
done
sleep 1

# ------------------------------------------------------------------ bodies
JSON_ESC='{"model":"gpt-4o","messages":[{"role":"user","content":"Caf\u00e9-klant \u2013 vat samen:\nBSN: 999964070\nKaart 4242\u00204242 4242 4242\n\ud83d\ude00"}]}'
printf '%s' "$JSON_ESC" > "$TMP/esc.json"
printf '{"model":"gpt-4o","messages":[{"role":"user","content":"Rekening %s van BSN %s"}]}' \
    "$IBAN" "$BSN" > "$TMP/plain.json"
gzip -9 -c "$TMP/plain.json" > "$TMP/plain.json.gz"
printf 'Klantdossier (synthetisch)\nNaam: J. Jansen\nBSN: %s\nIBAN: %s\n' "$BSN" "$IBAN" \
    > "$TMP/dossier.txt"
"$PY" - "$TMP/large.json" "$BSN" <<'PYEOF'
import json, sys
words = "de het een van en in is dat op te zijn met voor niet aan er".split()
text = " ".join(words[i % len(words)] for i in range(300 * 1024 // 3))[:300 * 1024]
body = {"model": "gpt-4o", "messages": [{"role": "user",
        "content": text + "\nBSN van de aanvrager: " + sys.argv[2]}]}
open(sys.argv[1], "w").write(json.dumps(body))
PYEOF

URL=http://api.openai.com/v1/chat/completions
RES="--resolve api.openai.com:80:$SRV4"
CURL="timeout 20 curl -s -o /dev/null --max-time 15 -H Content-Type:application/json"

case_json()       { inC $CURL $RES --data-binary @"$TMP/esc.json" $URL; }
case_gzip()       { inC $CURL $RES -H 'Content-Encoding: gzip' --data-binary @"$TMP/plain.json.gz" $URL; }
case_multipart()  { inC timeout 20 curl -s -o /dev/null --max-time 15 $RES \
                        -F purpose=assistants -F "file=@$TMP/dossier.txt;type=text/plain" \
                        http://api.openai.com/v1/files; }
case_urlencoded() { inC timeout 20 curl -s -o /dev/null --max-time 15 $RES \
                        --data-urlencode "naam=J. Jansen" --data-urlencode "bsn=$BSN" \
                        --data-urlencode "kaart=$CARD" http://api.openai.com/v1/forms; }
case_chunked()    { inC timeout 20 "$PY" "$HERE/dlp/client.py" chunked $SRV4 api.openai.com 80; }
case_split()      { inC timeout 20 "$PY" "$HERE/dlp/client.py" split $SRV4 api.openai.com 80; }
case_keepalive()  { inC timeout 20 "$PY" "$HERE/dlp/client.py" keepalive $SRV4 api.openai.com 80; }
case_response()   { inC timeout 20 "$PY" "$HERE/dlp/client.py" response $SRV4 api.openai.com 80; }
case_ollama()     { inC timeout 20 "$PY" "$HERE/dlp/client.py" ollama $SRV4 localhost:11434 11434; }
case_large()      { inC $CURL $RES --data-binary @"$TMP/large.json" $URL; }
case_ipv6()       { inC $CURL --resolve "api.openai.com:80:[$SRV6]" --data-binary @"$TMP/plain.json" $URL; }
case_vlan()       { inC $CURL $RES --data-binary @"$TMP/plain.json" $URL; }
case_tinymss() {
    # The server advertises MSS 88, so the client sends 88-byte segments.
    inS ip route change 192.0.2.0/24 dev vs advmss 88
    inC $CURL $RES --data-binary @"$TMP/plain.json" $URL || true
    inS ip route change 192.0.2.0/24 dev vs advmss 1460
}
case_node() {
    command -v node >/dev/null || { echo "make-dlp-cases: no node, skipping" >&2; return 1; }
    inC timeout 20 node -e '
const http = require("http");
const body = JSON.stringify({model: "gpt-4o", messages: [{role: "user",
  content: "Klantgegevens: BSN " + process.argv[1] + ", IBAN " + process.argv[2]}]});
const r = http.request({host: process.argv[3], port: 80, method: "POST",
  path: "/v1/chat/completions", headers: {"Host": "api.openai.com",
  "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body)}},
  (res) => { res.resume(); res.on("end", () => process.exit(0)); });
r.on("error", () => process.exit(1));
r.end(body);' "$BSN" "$IBAN" $SRV4
}

# ---------------------------------------------- documents (issue 14)
DOCS=$TMP/docs
"$PY" "$REPO/tests/scripts/doc/mkdocs.py" "$DOCS" >/dev/null
FILES=http://api.openai.com/v1/files
UP="timeout 20 curl -s -o /dev/null --max-time 15 $RES"
case_doc_docx()    { inC $UP -F purpose=assistants \
                        -F "file=@$DOCS/bsn.docx;type=application/vnd.openxmlformats-officedocument.wordprocessingml.document" \
                        -F "file2=@$DOCS/marked.docx" $FILES; }
case_doc_pdf()     { inC $UP -X PUT -H 'Content-Type: application/pdf' \
                        --data-binary @"$DOCS/report.pdf" http://api.openai.com/v1/uploads/report.pdf; }
case_doc_rtf()     { inC $UP -F "file=@$DOCS/letter.rtf;type=application/rtf" \
                        -F "file2=@$DOCS/utf16.txt" -F "file3=@$DOCS/klanten.csv;type=text/csv" \
                        -F "file4=@$DOCS/slides.pptx" $FILES; }
case_doc_chunked() { inC timeout 20 "$PY" "$HERE/doc/docclient.py" chunked "$DOCS" $SRV4 api.openai.com 80; }
case_doc_json()    { inC timeout 20 "$PY" "$HERE/doc/docclient.py" json "$DOCS" $SRV4 api.openai.com 80; }
case_doc_traps()   { inC $UP -F "a=@$DOCS/bomb.docx" -F "b=@$DOCS/secret.zip" -F "c=@$DOCS/image.pdf" \
                        -F "d=@$DOCS/clean.docx" -F "e=@$DOCS/overlap.zip;type=application/zip" \
                        -F "f=@$DOCS/clean.pdf" $FILES; }
case_doc_code()    { inC $UP -F "file=@$DOCS/tiny.go;type=text/x-go" $FILES &&
                     inC $UP -F "file=@$DOCS/prose.md;type=text/markdown" $FILES &&
                     inC $CURL $RES --data-binary @"$DOCS/prose.json" $URL; }
"$PY" -c 'import json,sys; print(json.dumps({"model": "gpt-4o", "messages": [{"role": "user",
  "content": open(sys.argv[1]).read()}]}))' "$DOCS/prose.md" > "$DOCS/prose.json"

ALL="json gzip multipart urlencoded chunked split tinymss keepalive large ipv6 vlan response node ollama"
ALL="$ALL doc_docx doc_pdf doc_rtf doc_chunked doc_json doc_traps doc_code"
CASES=${*:-$ALL}

for c in $CASES; do
    dir=$OUTDIR/dlp-$(echo $c | tr _ -)
    mkdir -p "$dir"
    pcap=$TMP/$c.pcap
    # Not through inC: $! must be tcpdump itself, not a subshell with our traps.
    ip netns exec $NS_C tcpdump -i vc -s 0 -U -w "$pcap" 'tcp' 2>"$TMP/tcpdump.log" &
    tp=$!
    sleep 1
    if ! case_$c; then
        echo "make-dlp-cases: case $c: client failed" >&2
    fi
    sleep 0.5
    sleep 0.5
    kill -INT $tp 2>/dev/null; wait $tp 2>/dev/null || true
    if [ "$c" = vlan ]; then
        "$PY" "$REPO/tests/scripts/sample/vlan-tag.py" "$pcap" "$pcap.v" 100 $CLI4 $SRV4
        mv "$pcap.v" "$pcap"
    fi
    cat "$TMP/tcpdump.log" >&2
    cp "$pcap" "$dir/input.pcap"
    echo "make-dlp-cases: dlp-$c: $(stat -c %s "$dir/input.pcap") bytes"
done
