#!/usr/bin/python3
"""Fake servers for tests/scripts/make-sample.sh (run inside the server namespace).

  servers.py CERT KEY

Listens dual-stack (:: with IPV6_V6ONLY off) on
  443/tcp   HTTPS (TLS 1.2/1.3, ALPN http/1.1) for every AI / non-AI name
  853/tcp   TLS only (DNS-over-TLS lookalike: handshake, then close)
  80/tcp    plain HTTP (www.example.org)
  11434/tcp fake Ollama (/api/generate, /api/tags)
  8000/tcp  fake OpenAI-compatible server (/v1/chat/completions, /v1/files)
All answers are synthetic.  Request bodies (Content-Length or chunked) are read
and discarded; the size is echoed back.
"""
import json
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sample-httpd/1.0"
    sys_version = ""
    timeout = 10

    def log_message(self, fmt, *args):
        sys.stderr.write("%s:%d %s\n" % (self.client_address[0], self.server.server_address[1], fmt % args))

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            total = b""
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return total
                total += self.rfile.read(size)
                self.rfile.readline(16)
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, code, ctype, body):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        host = (self.headers.get("Host") or "unknown").split(":")[0]
        port = self.server.server_address[1]
        if port == 11434 and self.path == "/api/tags":
            return self.reply(200, "application/json",
                              json.dumps({"models": [{"name": "llama3:8b", "size": 4661224676}]}))
        page = ("<!doctype html><html><head><title>%s</title></head><body><p>Synthetic page "
                "for %s%s (shadowtap test sample).</p></body></html>\n" % (host, host, self.path))
        self.reply(200, "text/html; charset=utf-8", page)

    do_HEAD = do_GET

    def do_POST(self):
        body = self.read_body()
        port = self.server.server_address[1]
        if self.path == "/api/generate":
            out = {"model": "llama3", "created_at": "2024-05-01T10:00:00Z",
                   "response": "Samenvatting: synthetisch dossier.", "done": True}
        elif self.path == "/v1/chat/completions":
            # The *response* carries a (synthetic, 11-check valid) BSN: DLP must not fire on it.
            out = {"id": "chatcmpl-sample", "object": "chat.completion", "model": "local-llm",
                   "choices": [{"index": 0, "finish_reason": "stop", "message": {
                       "role": "assistant",
                       "content": "Het dossier hoort bij BSN 111222333 (testgegevens)."}}]}
        else:
            out = {"ok": True, "received": len(body), "path": self.path, "port": port}
        self.reply(200, "application/json", json.dumps(out) + "\n")

    do_PUT = do_POST


class Dual(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    tls = None

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def finish_request(self, request, client_address):
        request.settimeout(10)
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (OSError, ValueError) as e:
                sys.stderr.write("tls %s: %s\n" % (client_address[0], e))
                return
        if self.server_address[1] == 853:
            try:
                request.recv(4096)
            except OSError:
                pass
            return
        self.RequestHandlerClass(request, client_address, self)

    def handle_error(self, request, client_address):
        sys.stderr.write("error from %s: %s\n" % (client_address[0], sys.exc_info()[1]))


def main():
    cert, key = sys.argv[1], sys.argv[2]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1", "dot"])
    servers = []
    for port, tls in ((443, ctx), (853, ctx), (80, None), (11434, None), (8000, None)):
        srv = Dual(("::", port), Handler)
        srv.tls = tls
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("servers ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
