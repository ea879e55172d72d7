#!/usr/bin/python3
"""Python clients for the document DLP pcap cases (issue 14; all data
synthetic, documents made by mkdocs.py).

  docclient.py chunked|json DOCDIR ADDR HOST PORT

chunked: a multipart upload of cells.xlsx, gzip on top (Content-Encoding),
         chunked transfer encoding, written in 100-byte TCP segments.
json:    note.odt as base64 in a JSON body ("data:...;base64," URI), plus
         report.pdf as bare base64 after a "file_name" key.
"""
import base64
import gzip
import json
import os
import socket
import sys
import time


def send_slow(addr, port, data, seg):
    s = socket.create_connection((addr, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(0, len(data), seg):
        s.sendall(data[i:i + seg])
        time.sleep(0.002)
    s.recv(4096)
    s.close()


def chunked(docs, addr, host, port):
    xlsx = open(os.path.join(docs, "cells.xlsx"), "rb").read()
    b = b"dOcBoUnDaRy42"
    body = (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
            b"--" + b + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cells.xlsx\"\r\n"
            b"Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n" +
            xlsx + b"\r\n--" + b + b"--\r\n")
    gz = gzip.compress(body)
    chunks = b""
    for i in range(0, len(gz), 300):
        c = gz[i:i + 300]
        chunks += b"%x\r\n" % len(c) + c + b"\r\n"
    chunks += b"0\r\n\r\n"
    head = ("POST /v1/files HTTP/1.1\r\nHost: %s\r\nUser-Agent: python-doc-case\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\nContent-Encoding: gzip\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % (host, b.decode())).encode()
    send_slow(addr, port, head + chunks, 100)


def json_(docs, addr, host, port):
    odt = base64.b64encode(open(os.path.join(docs, "note.odt"), "rb").read()).decode()
    pdf = base64.b64encode(open(os.path.join(docs, "report.pdf"), "rb").read()).decode()
    body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Vat deze bestanden samen."},
        {"type": "file", "file": {"filename": "note.odt",
                                  "file_data": "data:application/vnd.oasis.opendocument.text;base64," + odt}},
        {"type": "file", "file_name": "report.pdf", "data": pdf}]}]}).encode()
    head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\nUser-Agent: python-doc-case\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (host, len(body))).encode()
    send_slow(addr, port, head + body, 1400)


if __name__ == "__main__":
    what, docs, addr, host, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    {"chunked": chunked, "json": json_}[what](docs, addr, host, port)
