#!/usr/bin/python3
"""Fake AI API for the DLP pcap cases: reads every request body (Content-Length
or chunked), answers 200 with a small JSON; /v1/echo-bsn answers with a
synthetic BSN in the RESPONSE (the sensor must not flag it).

  server.py ADDR PORT
"""
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            got = self.rfile.read(min(n, 65536))
            if not got:
                return
            n -= len(got)

    def do_POST(self):
        self._body()
        if self.path.startswith("/v1/echo-bsn"):
            out = b'{"answer":"Het BSN van de klant is 999964070."}'
        else:
            out = b'{"id":"cmpl-1","choices":[{"message":{"content":"ok"}}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_PUT = do_POST


class S(ThreadingHTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    addr, port = sys.argv[1], int(sys.argv[2])
    S.address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    S((addr, port), H).serve_forever()
