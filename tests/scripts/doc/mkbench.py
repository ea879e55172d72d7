#!/usr/bin/env python3
"""mkbench.py OUTDIR MB - benchmark inputs for the document extractor:
the same synthetic prose (a made-up BSN about every 4 KB) as plain text
(bench.txt), as a .docx (word/document.xml, one <w:p> per sentence) and as
a PDF (FlateDecode content streams, one Tj per line, 60 lines a page).
"""
import os, random, sys, zipfile, zlib

OUT, MB = sys.argv[1], float(sys.argv[2])
os.makedirs(OUT, exist_ok=True)
random.seed(1)
WORDS = ("de het een en van in is dat op te voor met niet zijn aan er gemeente burger aanvraag "
         "besluit report policy meeting project budget planning team afdeling beleid uitvoering "
         "graag vragen informatie over werk week maand jaar overleg document versie concept advies").split()
lines, size = [], 0
while size < MB * 1e6:
    s = " ".join(random.choice(WORDS) for _ in range(random.randint(8, 16))).capitalize() + "."
    if random.random() < 0.02:
        s += " BSN 999964070."
    lines.append(s)
    size += len(s) + 1
open(os.path.join(OUT, "bench.txt"), "w").write("\n".join(lines) + "\n")
z = zipfile.ZipFile(os.path.join(OUT, "bench.docx"), "w", zipfile.ZIP_DEFLATED)
z.writestr("[Content_Types].xml", "<Types/>")
z.writestr("word/document.xml", '<w:document xmlns:w="w"><w:body>' + "".join(
    '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % l for l in lines) + "</w:body></w:document>")
z.close()
objs, kids = [], []
for i in range(0, len(lines), 60):
    c = "BT /F1 10 Tf 40 800 Td " + " ".join("(%s) Tj 0 -12 Td" % l.replace("(", "").replace(")", "")
                                            for l in lines[i:i + 60]) + " ET"
    d = zlib.compress(c.encode(), 6)
    objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(d) + d + b"\nendstream")
out = bytearray(b"%PDF-1.4\n")
for i, o in enumerate(objs):
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
out += b"trailer\n<< /Size %d >>\n%%%%EOF\n" % (len(objs) + 1)
open(os.path.join(OUT, "bench.pdf"), "wb").write(bytes(out))
