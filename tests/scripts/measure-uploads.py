#!/usr/bin/env python3
"""measure-uploads.py - helpers for measure-uploads.sh (upload tiers).

  server CERT KEY          TLS HTTP/1.1 keep-alive server on :443; answers every
                           request with a ~4 KB body (a streamed answer), serves
                           /chat.html (the browser client) and /page/N (browsing)
  docroot DIR              the same page and answers as static files, for
                           nghttpd (HTTP/2: Chromium's turns on one h2 stream set)
  api HOST                 python API client: 5 ordinary calls, then a long
                           conversation that resends its history (20 turns)
  agent HOST               python agent client: 3 turns with ~200 KB of context
  curl-chat HOST           (run by the .sh with curl) -
  analyze PCAP             client bursts per TLS flow, split like the sensor
                           (sensor/dlp/upload.c: a burst ends when the server
                           sent >= 1024 bytes since the client's last bytes, or
                           after a 2 s pause), from tshark's TCP payload lengths

Synthetic text only (lorem-style filler; no real documents)."""
import http.client, http.server, json, os, random, socketserver, ssl, subprocess, sys

WORDS = ("het de een en van in is dat op te voor met zijn niet aan er om ook als "
         "bij tot uit maar nog door over naar worden kan moet beleid gemeente "
         "regeling aanvraag besluit termijn").split()

def text(n, seed=1):
    r = random.Random(seed)
    out, total = [], 0
    while total < n:
        w = r.choice(WORDS)
        out.append(w)
        total += len(w) + 1
    return " ".join(out)[:n]

PAGE = """<!doctype html><title>chat</title><script>
async function turn(msg) {
  const r = await fetch('/backend-api/conversation', {method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({action: 'next', messages: [{id: crypto.randomUUID(),
      author: {role: 'user'}, content: {content_type: 'text', parts: [msg]},
      metadata: {}}], parent_message_id: crypto.randomUUID(),
      model: 'auto', timezone_offset_min: -60, conversation_mode: {kind: 'primary_assistant'},
      websocket_request_id: crypto.randomUUID()})});
  await r.text();
}
async function run() {
  for (let i = 0; i < 3; i++) { const r = await fetch('/page/' + i); await r.text(); }
  for (let i = 0; i < 8; i++) await turn('%SHORT%'.slice(0, 40 + i * 60));
  await turn('%DOC%');
  const fd = new FormData();
  fd.append('file', new Blob(['%FILE%'], {type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'}), 'nota.docx');
  const r = await fetch('/backend-api/files', {method: 'POST', body: fd}); await r.text();
  for (let i = 0; i < 3; i++) await turn('%SHORT%'.slice(0, 200));
  document.title = 'done';
}
run();
</script>"""

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def reply(self, body, ctype="application/json"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/chat.html"):
            page = (PAGE.replace("%SHORT%", text(600, 2)).replace("%DOC%", text(10240, 3))
                    .replace("%FILE%", text(100000, 4)))
            self.reply(page.encode(), "text/html")
        else:
            self.reply(("<p>" + text(6000, 5) + "</p>").encode(), "text/html")
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        elif self.headers.get("Transfer-Encoding") == "chunked":
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                self.rfile.read(size + 2)
                if size == 0:
                    break
        self.reply(json.dumps({"answer": text(4000, 6)}).encode())

class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

def server(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    s = S(("0.0.0.0", 443), H)
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
    s.serve_forever()

def docroot(d):
    """Static files for nghttpd (HTTP/2): the same page and ~4 KB answers."""
    os.makedirs(os.path.join(d, "page"), exist_ok=True)
    os.makedirs(os.path.join(d, "backend-api"), exist_ok=True)
    page = (PAGE.replace("%SHORT%", text(600, 2)).replace("%DOC%", text(10240, 3))
            .replace("%FILE%", text(100000, 4)))
    open(os.path.join(d, "chat.html"), "w").write(page)
    for i in range(3):
        open(os.path.join(d, "page", str(i)), "w").write("<p>" + text(6000, 5) + "</p>")
    for f in ("conversation", "files"):
        open(os.path.join(d, "backend-api", f), "w").write(json.dumps({"answer": text(4000, 6)}))

def conn(host):
    ctx = ssl._create_unverified_context()
    return http.client.HTTPSConnection(host, 443, context=ctx, timeout=20)

def post(c, path, obj):
    body = json.dumps(obj).encode()
    c.request("POST", path, body, {"Content-Type": "application/json",
              "Authorization": "Bearer sk-test-0000000000000000", "User-Agent": "OpenAI/Python 1.54.0"})
    c.getresponse().read()

TURNS = int(os.environ.get("MU_TURNS", "20"))
AGENT_TURNS = int(os.environ.get("MU_AGENT_TURNS", "3"))

def api(host):
    c = conn(host)
    for i in range(5):      # ordinary calls
        post(c, "/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": text(300 + 100 * i, 10 + i)}]})
    hist = [{"role": "system", "content": "You are a helpful assistant."}]
    for i in range(TURNS):  # a long conversation resends its history
        hist.append({"role": "user", "content": text(400, 30 + i)})
        post(c, "/v1/chat/completions", {"model": "gpt-4o-mini", "messages": hist})
        hist.append({"role": "assistant", "content": text(800, 60 + i)})
    c.close()

def agent(host):
    c = conn(host)
    ctx = text(200000, 90)
    for i in range(AGENT_TURNS):
        post(c, "/v1/messages", {"model": "claude-sonnet", "max_tokens": 4096,
             "system": "You are a coding agent.", "tools": [{"name": "edit_file"}],
             "messages": [{"role": "user", "content": ctx + text(500, 100 + i)}]})
    c.close()

def analyze(pcap):
    # TCP payload bytes per frame; the ClientHello frames are left out (the
    # sensor counts TLS application data only; the rest of the handshake is
    # a few hundred bytes, below the resolution that matters here)
    out = subprocess.run(["tshark", "-r", pcap, "-Y", "tcp.len > 0",
                          "-T", "fields", "-E", "separator=|", "-e", "frame.time_epoch",
                          "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.len",
                          "-e", "tls.handshake.type"],
                         capture_output=True, text=True, check=True).stdout
    flows = {}
    for line in out.splitlines():
        ts, st, sport, n, hs = line.split("|")[:5]
        n = int(n)
        f = flows.setdefault(st, {"bursts": [], "srv": 0, "last": 0.0})
        if sport != "443":
            if "1" in hs.split(","):
                continue
            if not f["bursts"] or f["srv"] >= 1024 or float(ts) - f["last"] >= 2.0:
                f["bursts"].append(0)
            f["bursts"][-1] += n
            f["last"] = float(ts)
            f["srv"] = 0
        else:
            f["srv"] += n
    names = subprocess.run(["tshark", "-r", pcap, "-Y", "tls.handshake.type == 1", "-T", "fields",
                            "-E", "separator=|", "-e", "tcp.stream",
                            "-e", "tls.handshake.extensions_server_name"],
                           capture_output=True, text=True, check=True).stdout
    sni = dict(l.split("|")[:2] for l in names.splitlines() if "|" in l)
    for st, f in sorted(flows.items(), key=lambda x: int(x[0])):
        b = f["bursts"]
        if b:
            print("%-22s stream %-3s bursts %3d  max %7d  total %7d  sizes %s" % (
                sni.get(st, "?"), st, len(b), max(b), sum(b),
                " ".join(str(x) for x in b[:40]) + (" ..." if len(b) > 40 else "")))

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "server":
        server(sys.argv[2], sys.argv[3])
    elif cmd == "docroot":
        docroot(sys.argv[2])
    elif cmd == "api":
        api(sys.argv[2])
    elif cmd == "agent":
        agent(sys.argv[2])
    elif cmd == "analyze":
        analyze(sys.argv[2])
