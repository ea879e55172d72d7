#!/usr/bin/env python3
"""negative.py - the validators reject what they must (TAP)."""
import copy, json, os, sys
import jsonschema
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from validate import relax, load, alert_problems, version_problems, HERE, ROOT

suri = jsonschema.Draft202012Validator(relax(load(os.path.join(HERE, "suricata-schema.json"))))
ours = jsonschema.Draft202012Validator(load(os.path.join(ROOT, "docs", "eve-schema.json")))
ALERT = {"timestamp": "2026-11-23T11:09:16.463468+0000", "flow_id": 1, "event_type": "alert",
         "client_pseudo": "c-29fcc7ddb550f517", "src_port": 44502, "dest_ip": "203.0.113.11",
         "dest_port": 443, "proto": "TCP", "app_proto": "tls",
         "alert": {"action": "allowed", "gid": 1, "signature_id": 1910003, "rev": 1,
                   "signature": "shadowtap: prohibited AI service ChatGPT (chatgpt.com)",
                   "category": "Shadow AI Service Access", "severity": 1,
                   "shadowtap": {"kind": "access", "severity": "high"}},
         "ai": {"service": "chatgpt", "host": "chatgpt.com"}}
DNS = {"timestamp": "2026-11-23T11:09:16.463468+0000", "event_type": "dns",
       "dns": {"version": 2, "type": "answer", "rrname": "chatgpt.com", "rrtype": "A", "rcode": "NOERROR"}}
fail = 0


def ok(c, m):
    global fail
    print(("ok" if c else "not ok") + " - eve negative: " + m)
    fail += not c


def valid(v, e):
    return next(v.iter_errors(e), None) is None


def mut(base, f):
    e = copy.deepcopy(base)
    f(e)
    return e


ok(valid(suri, ALERT) and valid(ours, ALERT) and not alert_problems(ALERT), "good alert passes all")
ok(valid(suri, DNS) and valid(ours, DNS), "good dns passes both")
e = mut(ALERT, lambda e: e["alert"].update(severity="high"))
ok(not valid(suri, e) and not valid(ours, e), "string severity rejected by both schemas")
e = mut(DNS, lambda e: e["dns"].pop("version"))
ok(not valid(suri, e), "dns without version rejected")
e = mut(ALERT, lambda e: e.update(bogus=1))
ok(valid(suri, e) and not valid(ours, e), "unknown top-level key: allowed by relaxed Suricata, rejected by ours")
e = mut(ALERT, lambda e: e.update(metadata={"host": "chatgpt.com"}))
ok(not valid(ours, e), "top-level metadata.host rejected by ours")
e = mut(ALERT, lambda e: e["alert"].update(signature="shadowtap: prohibited AI service chatgpt.com (chatgpt.com)"))
ok("host repeated in signature" in alert_problems(e), "repeated host in signature flagged")
e = mut(ALERT, lambda e: e["alert"].update(signature_id=2000001))
ok("signature_id range" in alert_problems(e), "signature_id outside 1910000-1910999 flagged")
e = mut(ALERT, lambda e: e["alert"].update(action="blocked"))
ok("action" in alert_problems(e), "action other than allowed flagged")
ok(version_problems({"event_type": "tls", "tls": {"version": "TLSv1.3"}}) and
   not version_problems({"event_type": "tls", "tls": {"version": "TLS 1.3"}}), "tls.version style")
ok(version_problems({"event_type": "quic", "quic": {"version": "v1"}}) and
   not version_problems({"event_type": "quic", "quic": {"version": "1"}}), "quic.version style")
e = mut(DNS, lambda e: e["dns"].update(answers=[]))
ok(version_problems(e), "empty dns answers flagged")
sys.exit(1 if fail else 0)
