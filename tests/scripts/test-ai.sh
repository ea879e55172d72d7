#!/bin/sh
# test-ai.sh - end to end on tests/data/sample.pcap with the shipped rules:
# the expected ai, alert, visibility and policy events (see
# tests/data/sample.md for the flows), lookalikes not matched, lint exits.
set -u
S=${SENSOR:-build/shadowtap-sensor}
RULES_BIN=${RULES_BIN:-build/shadowtap-rules}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$S" -r tests/data/sample.pcap -R rules -e - > "$T/eve.json" 2> "$T/err"
rc=$?
if [ $rc -ne 0 ]; then echo "not ok - sensor ran (exit $rc)"; sed 's/^/#   /' "$T/err"; exit 1; fi
echo "ok - sensor ran on the sample with rules/"

python3 - "$T/eve.json" <<'PY'
import json, sys, re
ev = [json.loads(l) for l in open(sys.argv[1])]
def ok(c, name):
    print(("ok - " if c else "not ok - ") + name)
pol = [e for e in ev if e["event_type"] == "policy"]
ok(len(pol) == 1 and pol[0]["policy"]["action"] == "load", "one policy load event")
ver = pol[0]["policy"]["version"] if pol else ""
ok(re.fullmatch(r"[0-9a-f]{16}", ver) is not None, "policy version is 16 hex")
ai = [e for e in ev if e["event_type"] == "ai"]
ok(all(e["ai"]["policy_version"] == ver for e in ai), "every ai event carries the policy version")
def flows(mb):
    return sorted((e["dest_ip"], e["ai"]["service"]) for e in ai if e["ai"]["matched_by"] == mb)
tls = flows("tls_sni")
want_tls = sorted([
    ("203.0.113.10" if ("203.0.113.10", "chatgpt") in tls else "203.0.113.11", "chatgpt"),
    ("203.0.113.12", "chatgpt"), ("203.0.113.20", "claude"), ("2001:db8:2::20", "claude"),
    ("203.0.113.30", "gemini"), ("203.0.113.31", "microsoft-copilot"),
    ("203.0.113.31", "microsoft-copilot"), ("203.0.113.41", "mistral-le-chat"),
    ("203.0.113.42", "perplexity"), ("203.0.113.21", "anthropic-api"),
    ("203.0.113.21", "anthropic-api"), ("203.0.113.40", "deepseek")])
ok(tls == want_tls, "TLS flows attributed by SNI (12)")
if tls != want_tls: print("#   got", tls)
quic = flows("quic_sni")
ok(quic == sorted([("203.0.113.30", "gemini"), ("203.0.113.12", "chatgpt"), ("203.0.113.20", "claude")]),
   "QUIC v1/v2 flows attributed by SNI (3)")
pp = flows("port_path")
ok(pp == sorted([("198.51.100.114", "ollama")] * 3 + [("2001:db8:2::114", "ollama")] +
                [("198.51.100.80", "openai-compatible-server")] * 3),
   "self-hosted HTTP by port+path (4 Ollama, 3 OpenAI-compatible)")
if len(pp) != 7: print("#   got", pp)
dns = [e for e in ai if e["ai"]["matched_by"] == "dns_query"]
ok(len(dns) == 20 and all(e["dest_port"] == 53 for e in dns), "20 ai events for DNS lookups of AI names")
names = {e["ai"]["host"] for e in ai}
ok(not any(n in names for n in ("xopenai.com", "openai.com.example.net", "www.example.org",
                                 "www.example.com", "intranet.example.net")),
   "lookalikes and non-AI names are not attributed")
ok(not any(e.get("dest_ip") in ("203.0.113.60", "203.0.113.61") for e in ai),
   "no ai event for the lookalike servers")
ok(all(e["ai"]["verdict"] == "prohibited" for e in ai if e["ai"]["service"] in
       ("chatgpt", "claude", "gemini", "deepseek", "anthropic-api")), "public GenAI is prohibited")
ok(all(e["ai"]["verdict"] == "unreviewed" and e["ai"]["rule"] == "default:category:self-hosted"
       for e in ai if e["ai"]["matched_by"] == "port_path"),
   "self-hosted outside the named zones is unreviewed")
ok(all(e["ai"]["tenant_ambiguous"] for e in ai if e["ai"]["service"] == "chatgpt"),
   "ChatGPT hits are tenant ambiguous")
acc = [e for e in ev if e["event_type"] == "alert" and e["alert"]["shadowtap"]["kind"] == "access"]
ok(len(acc) == 22, "22 access alerts (one per AI flow)")
ok(sum(1 for e in acc if e["alert"]["severity"] == 1 and e["alert"]["shadowtap"]["severity"] == "high") == 15 and
   sum(1 for e in acc if e["alert"]["severity"] == 3 and e["alert"]["shadowtap"]["severity"] == "low") == 7, "alert severities from the policy")
vis = sorted((e["visibility"]["kind"], e["dest_ip"]) for e in ev if e["event_type"] == "visibility")
ok(vis == sorted([("doh_canary", "198.51.100.53"), ("tls_no_sni", "203.0.113.99"),
                  ("ech", "203.0.113.50"), ("dot", "203.0.113.53")]),
   "visibility: ECH, DoT, canary, TLS without SNI")
if len(vis) != 4: print("#   got", vis)
ech = [e for e in ev if e["event_type"] == "visibility" and e["visibility"]["kind"] == "ech"]
ok(ech and ech[0]["visibility"].get("detail") == "cloudflare-ech.com", "ECH outer SNI reported")
st = [e for e in ev if e["event_type"] == "stats"]
a = st[-1]["stats"].get("shadowtap", {}).get("ai", {}) if st else {}
ok(a.get("flows") == 22 and a.get("lookups") == 20 and a.get("tls_quic_flows") == 23 and
   a.get("blind_flows") == 2 and abs(a.get("blind_share", 0) - 2 / 23) < 0.001,
   "stats.ai counters and blind share")
PY

"$RULES_BIN" lint rules > "$T/lint" 2>&1 && echo "ok - shipped rules lint clean" || { echo "not ok - shipped rules lint clean"; sed 's/^/#   /' "$T/lint" | head; }
grep -q ': error:' "$T/lint" && echo "not ok - no errors in shipped rules" || echo "ok - no errors in shipped rules"
"$RULES_BIN" lint tests/config/rules/bad-policy > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && echo "ok - lint exits 2 on errors" || echo "not ok - lint exits 2 on errors (got $rc)"
"$S" -T -R tests/config/rules/bad-catalog > /dev/null 2> "$T/t"; rc=$?
[ $rc -eq 2 ] && grep -q 'a.yaml:18:15: error: host' "$T/t" && echo "ok - sensor -T reports rule errors, exit 2" \
	|| echo "not ok - sensor -T reports rule errors, exit 2 (got $rc)"
"$RULES_BIN" match rules chat.openai.com | grep -q 'verdict: *prohibited' && echo "ok - rules match chat.openai.com" || echo "not ok - rules match chat.openai.com"
"$RULES_BIN" match rules xopenai.com > /dev/null; rc=$?
[ $rc -eq 1 ] && echo "ok - rules match: lookalike not in the catalog" || echo "not ok - rules match lookalike (got $rc)"
