#!/bin/sh
# suite-doc.sh - document text extraction (issue 14): documents made here
# by tests/scripts/doc/mkdocs.py (stdlib zipfile, a tiny PDF writer; all
# values synthetic) through build/tools/doctext (the extractor + the DLP
# engine, one detector stream per member), fed whole, in 1- and 7-byte
# pieces, as base64 and under gzip; then the committed pcap cases
# tests/cases/dlp-doc-* (uploads by curl/python in network namespaces,
# tests/scripts/make-dlp-cases.sh) through the sensor: document context
# in the alerts, visibility events for the traps.  TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
DT=$B/tools/doctext
S=$B/shadowtap-sensor
if [ ! -x "$DT" ] || [ ! -x "$S" ]; then echo "not ok - doc: $DT or $S not built"; exit 1; fi
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
python3 tests/scripts/doc/mkdocs.py "$T/d" >/dev/null || { echo "not ok - doc: mkdocs.py failed"; exit 1; }
for f in "$T"/d/*; do
	n=$(basename "$f")
	for p in 1460 1 7; do
		timeout 60 "$DT" -n "$n" -p $p "$f" > "$T/$n.$p.out" 2>&1 || echo '{"crash":1}' >> "$T/$n.$p.out"
	done
	base64 -w 76 "$f" > "$T/$n.b64"
	timeout 60 "$DT" -b -n "$n" "$T/$n.b64" > "$T/$n.b64.out" 2>&1
	gzip -c "$f" > "$T/$n.gz"
	timeout 60 "$DT" -g -n "$n" "$T/$n.gz" > "$T/$n.gz.out" 2>&1
done
# The same bytes with no name: the name/type hint for source code is off.
"$DT" -p 1460 "$T/d/tiny.go" > "$T/tiny.go.noname.out" 2>&1
"$DT" -t text/x-go -p 1460 "$T/d/tiny.txt" > "$T/tiny.txt.xgo.out" 2>&1
fail=0
python3 - "$T" <<'PYEOF' || fail=1
import json, sys, os
T = sys.argv[1]
bad = 0

def load(path):
    out = {"findings": [], "problems": [], "members": [], "stats": {}, "crash": False}
    for l in open(path, errors="replace"):
        try:
            e = json.loads(l)
        except ValueError:
            continue
        if "finding" in e:
            out["findings"].append((e["finding"], e["detector"], e["member"], e["type"], e["confidence"]))
        elif "problem" in e:
            out["problems"].append(e["problem"])
        elif "member" in e:
            out["members"].append((e["type"], e["member"]))
        elif "stats" in e:
            out["stats"] = e["stats"]
        elif "crash" in e:
            out["crash"] = True
    return out

def ok(cond, msg):
    global bad
    print(("ok - " if cond else "not ok - ") + msg)
    if not cond:
        bad += 1

def has(r, cls, member, typ=None):
    return any(f[0] == cls and f[2] == member and (typ is None or f[3] == typ) for f in r["findings"])

# name: [(class, member, type)], problems, classes that must not appear
CASES = {
    "bsn.docx": ([("bsn", "word/document.xml", "docx"), ("iban", "word/document.xml", "docx"),
                  ("classification", "docProps/custom.xml", "docx")], [], []),
    "streamed.docx": ([("bsn", "word/document.xml", "docx")], [], []),
    "marked.docx": ([("classification", "docProps/custom.xml", "docx")], [], ["bsn", "iban"]),
    "clean.docx": ([], [], ["bsn", "iban", "classification", "source_code", "credit_card"]),
    "cells.xlsx": ([("iban", "xl/sharedStrings.xml", "xlsx"), ("bsn", "xl/worksheets/sheet1.xml", "xlsx")], [], []),
    "slides.pptx": ([("bsn", "ppt/slides/slide2.xml", "pptx")], [], []),
    "note.odt": ([("bsn", "content.xml", "odt"), ("classification", "meta.xml", "odt")], [], []),
    "project.zip": ([("source_code", "src/tool.py", "zip"), ("bsn", "README.txt", "zip")], [], []),
    "report.pdf": ([("bsn", "page content", "pdf"), ("iban", "page content", "pdf"),
                    ("classification", "Info", "pdf")], [], []),
    "xmp.pdf": ([("classification", "XMP", "pdf")], [], ["bsn"]),
    "clean.pdf": ([], [], ["bsn", "iban", "classification"]),
    "letter.rtf": ([("bsn", "", "rtf"), ("classification", "", "rtf")], [], []),
    "utf16.txt": ([("bsn", "", "utf16")], [], []),
    "klanten.csv": ([("iban", "", "csv")], [], []),
    "mail.eml": ([("bsn", "", "eml"), ("iban", "", "eml")], [], []),
    "memo.txt": ([("bsn", "", "text")], [], []),
    "small.py": ([("source_code", "", "text")], [], []),
    "tiny.go": ([("source_code", "", "text")], [], []),
    "prose.md": ([], [], ["source_code"]),
    "prose.py": ([], [], ["source_code"]),
    "tiny.txt": ([], [], ["source_code"]),
    # traps
    "bomb.docx": ([], ["doc_too_large"], ["bsn"]),
    "secret.zip": ([], ["doc_encrypted"], ["bsn"]),
    "overlap.zip": ([("bsn", "a.txt", "zip")], ["doc_corrupt"], []),
    "image.pdf": ([], ["doc_no_text"], ["bsn"]),
    "encrypted.pdf": ([], ["doc_encrypted"], []),
}
for name, (want, probs, nots) in sorted(CASES.items()):
    for variant in ("1460", "1", "7", "b64", "gz"):
        path = os.path.join(T, "%s.%s.out" % (name, variant))
        r = load(path)
        tag = "%s (%s)" % (name, {"1460": "whole", "1": "1-byte pieces", "7": "7-byte pieces",
                                  "b64": "base64", "gz": "gzip on top"}[variant])
        errs = []
        if r["crash"]:
            errs.append("crashed or timed out")
        for cls, member, typ in want:
            if not has(r, cls, member, typ):
                errs.append("missing %s in %s (%s)" % (cls, member, typ))
        for p in probs:
            if p not in r["problems"]:
                errs.append("problem %s not reported" % p)
        if not probs and r["problems"]:
            errs.append("unexpected problems %s" % r["problems"])
        for cls in nots:
            if any(f[0] == cls for f in r["findings"]):
                errs.append("unexpected %s" % cls)
        ok(not errs, "doc: %s%s" % (tag, (": " + "; ".join(errs)) if errs else ""))
# The hint: tiny.go's bytes without a name stay below the floor; with
# Content-Type text/x-go they are code; small.py named: high confidence.
r = load(os.path.join(T, "tiny.go.noname.out"))
ok(not any(f[0] == "source_code" for f in r["findings"]), "doc: 6 lines of Go without a name: no source_code (floor)")
r = load(os.path.join(T, "tiny.txt.xgo.out"))
ok(any(f[0] == "source_code" for f in r["findings"]), "doc: the same bytes typed text/x-go: source_code")
r = load(os.path.join(T, "small.py.1460.out"))
ok(any(f[0] == "source_code" and f[4] == 85 for f in r["findings"]), "doc: small.py named as code: confidence 85")
r = load(os.path.join(T, "small.txt.1460.out"))
ok(any(f[0] == "source_code" and f[4] == 75 for f in r["findings"]), "doc: the same lines as .txt: confidence 75")
# The bomb is stopped by the caps, not inflated to its 64 MiB.
r = load(os.path.join(T, "bomb.docx.1460.out"))
ok(0 < r["stats"].get("inflated", 0) < (16 << 20), "doc: zip bomb stopped after %d inflated bytes" % r["stats"].get("inflated", 0))
sys.exit(1 if bad else 0)
PYEOF
# The pcap cases through the sensor.
for c in docx pdf rtf chunked json traps code; do
	p=tests/cases/dlp-doc-$c/input.pcap
	[ -f "$p" ] || { echo "not ok - doc: $p missing"; fail=1; continue; }
	"$S" -r "$p" -R rules -e "$T/case-$c.json" >/dev/null 2>&1
done
python3 - "$T" <<'PYEOF' || fail=1
import json, os, sys
T = sys.argv[1]
bad = 0

def events(c):
    out = []
    for l in open(os.path.join(T, "case-%s.json" % c)):
        try:
            out.append(json.loads(l))
        except ValueError:
            pass
    return out

def docs(c):
    r = []
    for e in events(c):
        if e.get("event_type") == "alert" and e["alert"]["shadowtap"].get("kind") == "dlp":
            a = e["alert"]["shadowtap"]
            d = a.get("document") or {}
            r.append((a["class"], d.get("file"), d.get("type"), d.get("member")))
    return r

def vis(c):
    return [e["visibility"]["detail"] for e in events(c) if e.get("event_type") == "visibility"
            and e["visibility"]["kind"] == "doc_uninspectable"]

def ok(cond, msg):
    global bad
    print(("ok - " if cond else "not ok - ") + msg)
    if not cond:
        bad += 1

WANT = {
    "docx": [("bsn", "bsn.docx", "docx", "word/document.xml"), ("iban", "bsn.docx", "docx", "word/document.xml"),
             ("classification", "bsn.docx", "docx", "docProps/custom.xml"),
             ("classification", "marked.docx", "docx", "docProps/custom.xml")],
    "pdf": [("bsn", "report.pdf", "pdf", "page content"), ("classification", "report.pdf", "pdf", "Info")],
    "rtf": [("bsn", "letter.rtf", "rtf", ""), ("bsn", "utf16.txt", "utf16", ""), ("iban", "klanten.csv", "csv", ""),
            ("bsn", "slides.pptx", "pptx", "ppt/slides/slide2.xml")],
    "chunked": [("iban", "cells.xlsx", "xlsx", "xl/sharedStrings.xml"),
                ("bsn", "cells.xlsx", "xlsx", "xl/worksheets/sheet1.xml")],
    "json": [("bsn", "note.odt", "odt", "content.xml"), ("classification", "note.odt", "odt", "meta.xml"),
             ("bsn", "report.pdf", "pdf", "page content")],
    "code": [("source_code", "tiny.go", "text", "")],
}
for c, want in sorted(WANT.items()):
    got = docs(c)
    miss = [w for w in want if w not in got]
    ok(not miss, "doc: case dlp-doc-%s: alerts name file, container, member%s" % (c, (": missing %s" % miss) if miss else ""))
v = vis("traps")
for f, p in (("bomb.docx", "doc_too_large"), ("secret.zip", "doc_encrypted"), ("image.pdf", "doc_no_text"),
             ("overlap.zip", "doc_corrupt")):
    ok(any(x.startswith(f) and p in x for x in v), "doc: case dlp-doc-traps: %s -> visibility doc_uninspectable (%s)" % (f, p))
ok(not any("clean" in x for x in v), "doc: case dlp-doc-traps: clean.docx and clean.pdf raise no visibility event")
got = docs("traps")
ok([g for g in got if g[1] != "overlap.zip"] == [], "doc: case dlp-doc-traps: no finding outside overlap.zip")
st = [e for e in events("traps") if e.get("event_type") == "stats"]
ins = st[-1]["stats"]["shadowtap"]["inspect"] if st else {}
ok(all(ins.get(k, 0) >= 1 for k in ("doc_too_large", "doc_encrypted", "doc_no_text", "doc_corrupt")),
   "doc: stats.shadowtap.inspect counts the traps (%s)" % {k: v for k, v in ins.items() if k.startswith("doc")})
got = docs("code")
ok(sum(1 for g in got if g[0] == "source_code") == 1, "doc: case dlp-doc-code: prose about programming stays negative")
sys.exit(1 if bad else 0)
PYEOF
exit $fail
