#!/usr/bin/env python3
"""mkschema.py - build docs/eve-schema.json: Suricata's etc/schema.json
(tests/eve/suricata-schema.json, GPL-2, see tests/eve/SOURCE) plus the keys
shadowtap adds, listed below.  The result stays strict
(additionalProperties: false) everywhere, so a key that is in neither
Suricata's schema nor this list fails validation.

  tests/eve/mkschema.py            write docs/eve-schema.json
  tests/eve/mkschema.py --check    exit 1 if docs/eve-schema.json is stale
"""
import copy, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SURI = os.path.join(HERE, "suricata-schema.json")
OUT = os.path.join(ROOT, "docs", "eve-schema.json")

I, S, B, N, O, A = "integer", "string", "boolean", "number", "object", "array"

# path (dots; [] = array items) -> (type, description).  Objects are listed
# before their members; an object listed with "*" takes any integer member
# (counter tables whose names come from vocab.h).
OURS = {
    "client_pseudo": (S, "keyed HMAC pseudonym of the client (c-<16 hex>); src_ip only when configured"),
    "shadowtap": (O, "shadowtap's flow attribution (not Suricata's flowbits 'metadata')"),
    "shadowtap.host": (S, "name the flow was attributed to"),
    "shadowtap.host_source": (S, "where the name came from: tls_sni, quic_sni, http_host, dns, ..."),
    "ai": (O, "AI service attribution (event_type ai, and beside flow/alert)"),
    "ai.service": (S, "catalog id"), "ai.name": (S, "display name"),
    "ai.vendor": (S, "vendor"), "ai.category": (S, "catalog category"),
    "ai.host": (S, "matched host name"), "ai.matched_by": (S, "vocab matched_by"),
    "ai.confidence": (I, "0..100"), "ai.verdict": (S, "vocab verdict"),
    "ai.rule": (S, "policy rule that gave the verdict"),
    "ai.exception": (S, "exception that applied"),
    "ai.exception_expired": (B, "an exception matched but has expired"),
    "ai.policy_version": (S, "16 hex digits"),
    "ai.tenant_ambiguous": (B, "contracted tenant and personal use look alike"),
    "ai.note": (S, "human note"),
    "visibility": (O, "event_type visibility: something the sensor cannot see into"),
    "visibility.kind": (S, "vocab visibility kind"), "visibility.detail": (S, "detail"),
    "policy": (O, "event_type policy: rules (re)load"),
    "policy.action": (S, "load, reload, reload_failed"), "policy.version": (S, "policy version"),
    "policy.summary": (S, "summary"), "policy.errors": (I, "error count"),
    "alert.shadowtap": (O, "shadowtap's alert detail"),
    "alert.shadowtap.kind": (S, "access, upload, dlp"),
    "alert.shadowtap.severity": (S, "named severity: info, low, medium, high, critical"),
    "alert.shadowtap.rule": (S, "policy rule or detector id"),
    "alert.shadowtap.description": (S, "the sensor's own one-line description"),
    "alert.shadowtap.class": (S, "DLP class"), "alert.shadowtap.detector": (S, "DLP detector id"),
    "alert.shadowtap.confidence": (I, "DLP confidence 0..100"),
    "alert.shadowtap.evidence": (S, "masked evidence"),
    "alert.shadowtap.fingerprint": (S, "keyed hash of the finding, hex"),
    "alert.shadowtap.document": (O, "the finding is inside an uploaded file (issue 14)"),
    "alert.shadowtap.document.file": (S, "file name, masked when the name is itself a finding"),
    "alert.shadowtap.document.type": (S, "container: docx xlsx pptx odt ods odp zip pdf rtf csv tsv utf16 text"),
    "alert.shadowtap.document.member": (S, "part inside the container, e.g. word/document.xml, Info, XMP"),
    "alert.shadowtap.bytes": (I, "upload bytes"), "alert.shadowtap.threshold": (I, "upload threshold"),
    "flow.upload_bytes": (I, "client payload bytes"),
    "flow.midstream": (B, "flow picked up mid-stream"),
    "tls.alpn": (S, "first ALPN offered by the client"), "tls.ech": (B, "Encrypted Client Hello offered"),
    "quic.alpn": (S, "first ALPN offered by the client"), "quic.ech": (B, "Encrypted Client Hello offered"),
    "dns.answers[].ech": (B, "HTTPS/SVCB record carries an ECH config"),
    "http.anomaly": (S, "invalid_target (control bytes in the target) or snap_cut (header block cut by the snap length)"),
    "dns.answers_truncated": (B, "more answers than the sensor keeps"),
    "http.request_content_length": (I, "request Content-Length"),
    "http.chunked": (B, "request Transfer-Encoding chunked"),
    "stats.shadowtap": (O, "shadowtap's counters that Suricata has no name for"),
    "stats.shadowtap.source": (S, "capture interface or file name"),
    "stats.shadowtap.decoder": (O, "*"), "stats.shadowtap.defrag": (O, "*"),
    "stats.shadowtap.flows": (O, "*"), "stats.shadowtap.dpi": (O, "*"),
    "stats.shadowtap.output": (O, "*"), "stats.shadowtap.inspect": (O, "*"),
    "stats.shadowtap.ai": (O, "attribution, alerts, visibility, blind share"),
    "stats.shadowtap.ai.flows": (I, ""), "stats.shadowtap.ai.lookups": (I, ""),
    "stats.shadowtap.ai.alerts": (I, ""), "stats.shadowtap.ai.pool_empty": (I, ""),
    "stats.shadowtap.ai.visibility": (O, "*"),
    "stats.shadowtap.ai.tls_quic_flows": (I, ""), "stats.shadowtap.ai.blind_flows": (I, ""),
    "stats.shadowtap.ai.blind_share": (N, "blind_flows / tls_quic_flows"),
    "stats.shadowtap.ai.dns_remembered": (I, ""), "stats.shadowtap.ai.dns_attributed": (I, ""),
    "stats.shadowtap.ai.reloads": (I, ""), "stats.shadowtap.ai.reload_failures": (I, ""),
    "stats.shadowtap.ai.policy_version": (S, ""),
}


def node(sch, parts, create):
    for p in parts:
        arr = p.endswith("[]")
        name = p[:-2] if arr else p
        props = sch.setdefault("properties", {})
        if name not in props:
            if not create:
                raise KeyError(name)
            props[name] = {"type": A, "items": {"type": O, "additionalProperties": False}} \
                if arr else {}
        sch = props[name]
        if arr:
            sch = sch["items"]
    return sch


def build():
    with open(SURI) as f:
        sch = json.load(f)
    sch = copy.deepcopy(sch)
    sch["$comment"] = ("shadowtap EVE schema: Suricata's etc/schema.json (GPL-2, commit in "
                       "tests/eve/SOURCE) plus shadowtap's keys; generated by tests/eve/mkschema.py")
    for path, (typ, desc) in OURS.items():
        parts = path.split(".")
        parent = node(sch, parts[:-1], False)
        props = parent.setdefault("properties", {})
        last = parts[-1]
        arr = last.endswith("[]")
        last = last[:-2] if arr else last
        if last in props:
            raise SystemExit("mkschema: %s already in Suricata's schema" % path)
        d = {"type": typ, "description": "shadowtap: " + desc}
        if typ == O:
            d["additionalProperties"] = {"type": "integer"} if desc == "*" else False
            if desc == "*":
                d["description"] = "shadowtap: counters"
        props[last] = d
    return sch


def main():
    text = json.dumps(build(), indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv:
        try:
            with open(OUT) as f:
                cur = f.read()
        except OSError:
            cur = ""
        sys.exit(0 if cur == text else 1)
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
