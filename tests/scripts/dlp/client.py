#!/usr/bin/python3
"""Python clients for the DLP pcap cases (all data synthetic).

  client.py chunked|split|keepalive|response|ollama ADDR HOST PORT
"""
import http.client
import json
import socket
import sys
import time

BSN = "999964070"            # passes the 11-check, test range, made up
IBAN = "NL66TEST7008139766"  # mod-97 valid, TEST bank code


def req_head(method, path, host, extra):
    h = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: python-dlp-case\r\n" % (method, path, host)
    return (h + extra + "\r\n").encode()


def chunked(addr, host, port):
    c = http.client.HTTPConnection(addr, port, timeout=5)
    # The BSN is cut by a chunk boundary: "9999" | "64070".
    pieces = [b'{"prompt":"Dossier van klant, BSN 9999', b'64070, graag samenvatten."}']
    c.request("POST", "/v1/completions", body=iter(pieces), encode_chunked=True,
              headers={"Host": host, "Content-Type": "application/json",
                       "Transfer-Encoding": "chunked"})
    c.getresponse().read()
    c.close()


def split(addr, host, port):
    body = ('{"messages":[{"role":"user","content":"Overboeken naar IBAN %s '
            'voor BSN %s"}]}' % (IBAN, BSN)).encode()
    s = socket.create_connection((addr, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    data = req_head("POST", "/v1/chat/completions", host,
                    "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)) + body
    for i in range(0, len(data), 7):      # 7-byte segments
        s.sendall(data[i:i + 7])
        time.sleep(0.002)
    s.recv(4096)
    s.close()


def keepalive(addr, host, port):
    c = http.client.HTTPConnection(addr, port, timeout=5)
    hdr = {"Host": host, "Content-Type": "application/json"}
    c.request("POST", "/v1/chat/completions", body=json.dumps(
        {"messages": [{"role": "user", "content": "Hallo, hoe gaat het?"}]}), headers=hdr)
    c.getresponse().read()
    c.request("POST", "/v1/chat/completions", body=json.dumps(
        {"messages": [{"role": "user", "content": "Mijn BSN is %s." % BSN}]}), headers=hdr)
    c.getresponse().read()
    c.close()


def response(addr, host, port):
    c = http.client.HTTPConnection(addr, port, timeout=5)
    c.request("POST", "/v1/echo-bsn", body='{"prompt":"Wat is het BSN van de klant?"}',
              headers={"Host": host, "Content-Type": "application/json"})
    c.getresponse().read()
    c.close()


def ollama(addr, host, port):
    c = http.client.HTTPConnection(addr, port, timeout=5)
    c.request("POST", "/api/generate", body=json.dumps(
        {"model": "llama3", "prompt": "Controleer rekening %s van BSN %s" % (IBAN, BSN),
         "stream": False}), headers={"Host": host, "Content-Type": "application/json"})
    c.getresponse().read()
    c.close()


if __name__ == "__main__":
    what, addr, host, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    globals()[what](addr, host, port)
