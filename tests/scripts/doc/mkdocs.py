#!/usr/bin/env python3
"""mkdocs.py OUTDIR - synthetic test documents for the document extractor
(issue 14), made here with the standard library only: OOXML and
OpenDocument through zipfile, PDF through a tiny writer with FlateDecode
streams, RTF, UTF-16, CSV, source files.  All values are made up: a BSN
that passes the 11-check in the test range, an IBAN with valid check
digits at the TEST bank, classification markings.  Never a real document.
"""
import io, os, struct, sys, zipfile, zlib

BSN = "999964070"
IBAN = "NL66TEST7008139766"
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def path(name):
    return os.path.join(OUT, name)


def docx(name, body_xml, custom=None, core=None, stream=False):
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document %s><w:body>%s</w:body></w:document>' % (W, body_xml))
    if stream:
        # Written to an unseekable stream: members carry data descriptors.
        class Unseekable(io.RawIOBase):
            def __init__(self):
                self.buf = bytearray()
            def writable(self):
                return True
            def write(self, b):
                self.buf += b
                return len(b)
        f = Unseekable()
        z = zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED)
    else:
        z = zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED)
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
    z.writestr("word/document.xml", doc)
    z.writestr("word/styles.xml", '<w:styles %s><w:style><w:name w:val="Normal"/></w:style></w:styles>' % W)
    if core:
        z.writestr("docProps/core.xml",
                   '<?xml version="1.0"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y">'
                   '<dc:title>%s</dc:title><dc:creator>Tester</dc:creator></cp:coreProperties>' % core)
    if custom:
        z.writestr("docProps/custom.xml",
                   '<?xml version="1.0"?><Properties xmlns:vt="v"><property fmtid="{D5CDD505}" pid="2" '
                   'name="Classification"><vt:lpwstr>%s</vt:lpwstr></property></Properties>' % custom)
    z.close()
    if stream:
        open(path(name), "wb").write(bytes(f.buf))


def para(*runs):
    return "<w:p>" + "".join('<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % r
                             for r in runs) + "</w:p>"


# Positive: a BSN split over three runs, an IBAN, a marking in custom.xml.
docx("bsn.docx", para("Klantdossier (synthetisch)") +
     para("BSN: ", BSN[:4], BSN[4:]) + para("IBAN: %s" % IBAN) +
     para("Caf&#233; &amp; co"),
     custom="Dep. VERTROUWELIJK", core="Dossier J. Jansen")
# Same content, written as a stream (data descriptors).
docx("streamed.docx", para("BSN: %s" % BSN), stream=True)
# Negative: an ordinary letter.
docx("clean.docx", para("Beste collega,") +
     para("Hierbij de notulen van het overleg van dinsdag 12 maart.") +
     para("Met vriendelijke groet, J. Jansen"), core="Notulen")
# A marking only in the metadata.
docx("marked.docx", para("Conceptnota over de planning."), custom="Stg. GEHEIM")

# xlsx: an IBAN in the shared strings, a BSN as a number cell.
z = zipfile.ZipFile(path("cells.xlsx"), "w", zipfile.ZIP_DEFLATED)
z.writestr("[Content_Types].xml", CT)
z.writestr("xl/workbook.xml", "<workbook/>")
z.writestr("xl/sharedStrings.xml", '<sst count="2"><si><t>Rekening</t></si><si><t>%s</t></si></sst>' % IBAN)
z.writestr("xl/worksheets/sheet1.xml",
           '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
           '<row r="2"><c r="A2" t="inlineStr"><is><t>BSN</t></is></c><c r="B2"><v>%s</v></c></row>'
           '</sheetData></worksheet>' % BSN)
z.close()

# pptx: the BSN on the second slide.
z = zipfile.ZipFile(path("slides.pptx"), "w", zipfile.ZIP_DEFLATED)
z.writestr("[Content_Types].xml", CT)
z.writestr("ppt/presentation.xml", "<p:presentation/>")
z.writestr("ppt/slides/slide1.xml", '<p:sld><a:p><a:r><a:t>Agenda</a:t></a:r></a:p></p:sld>')
z.writestr("ppt/slides/slide2.xml", '<p:sld><a:p><a:r><a:t>Casus: BSN %s</a:t></a:r></a:p></p:sld>' % BSN)
z.close()

# odt: mimetype first and stored, BSN in content.xml, marking in meta.xml.
z = zipfile.ZipFile(path("note.odt"), "w", zipfile.ZIP_DEFLATED)
z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
           compress_type=zipfile.ZIP_STORED)
z.writestr("content.xml", '<office:document-content><office:body><office:text>'
           '<text:p>Aanvrager<text:s/>BSN<text:tab/>%s</text:p></office:text></office:body>'
           '</office:document-content>' % BSN)
z.writestr("meta.xml", '<office:document-meta><office:meta><meta:user-defined meta:name="Rubricering">'
           'Dep. VERTROUWELIJK</meta:user-defined></office:meta></office:document-meta>')
z.close()

# A plain zip with a small source file and a text file.
CODE = "".join([
    "import os\n", "import sys\n", "\n", "\n", "def load(path):\n",
    "    with open(path) as f:\n", "        return [l.strip() for l in f]\n", "\n", "\n",
    "def main(argv):\n", "    if len(argv) < 2:\n", "        print('usage: tool FILE')\n",
    "        return 2\n", "    rows = load(argv[1])\n", "    for i, r in enumerate(rows):\n",
    "        if not r:\n", "            continue\n", "        print(i, r)\n", "    return 0\n", "\n", "\n",
    "if __name__ == '__main__':\n", "    sys.exit(main(sys.argv))\n"])
open(path("small.py"), "w").write(CODE)
open(path("small.txt"), "w").write(CODE)
# Below the size floor of unnamed text: six lines of Go.
TINY = ('package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n')
open(path("tiny.go"), "w").write(TINY)
open(path("tiny.txt"), "w").write(TINY)
PROSE = ("Vandaag hebben we het gehad over programmeren in Python en Java.\n"
         "De cursus behandelt functies, klassen en het gebruik van een debugger.\n"
         "Deelnemers leren hoe je een lus schrijft en waarom tests belangrijk zijn.\n"
         "Daarna volgt een korte inleiding in versiebeheer met git.\n"
         "Tot slot bespreken we hoe je code leesbaar houdt voor collega's.\n"
         "Het materiaal staat op het intranet; vragen kunnen via de mail.\n")
open(path("prose.md"), "w").write(PROSE)
open(path("prose.py"), "w").write(PROSE)
z = zipfile.ZipFile(path("project.zip"), "w", zipfile.ZIP_DEFLATED)
z.writestr("src/tool.py", CODE)
z.writestr("README.txt", "Klant BSN %s\n" % BSN)
z.writestr("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200))
z.close()

# Traps.
# Zip bomb: one member of 64 MiB of zeros (about 64 KiB compressed).
z = zipfile.ZipFile(path("bomb.docx"), "w", zipfile.ZIP_DEFLATED)
z.writestr("[Content_Types].xml", CT)
z.writestr("word/document.xml", b"\0" * (64 << 20))
z.close()
# Encrypted: a real ZipCrypto header is not in the stdlib, so the members
# carry the "encrypted" flag bit (that is what a reader goes by).
z = zipfile.ZipFile(path("secret.zip"), "w", zipfile.ZIP_STORED)
z.writestr("geheim.txt", "BSN %s\n" % BSN)
z.close()
b = bytearray(open(path("secret.zip"), "rb").read())
i = b.find(b"PK\x03\x04")
b[i + 6] |= 1
i = b.find(b"PK\x01\x02")
b[i + 8] |= 1
open(path("secret.zip"), "wb").write(bytes(b))


# Overlapping members: two central directory entries share a local header.
def overlap():
    data = ("BSN %s\n" % BSN).encode()
    crc = zlib.crc32(data)
    name = b"a.txt"
    lfh = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, crc, len(data), len(data),
                      len(name), 0) + name + data
    cds = b""
    for nm in (b"a.txt", b"b.txt"):
        cds += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 0, 0, 0, crc, len(data),
                           len(data), len(nm), 0, 0, 0, 0, 0, 0) + nm
    eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2, len(cds), len(lfh), 0)
    open(path("overlap.zip"), "wb").write(lfh + cds + eocd)


overlap()


# PDF writer: objects, FlateDecode content streams, an xref, a trailer.
def pdf(name, pages, info=None, image_only=False, xmp=None):
    objs = []

    def add(s):
        objs.append(s if isinstance(s, bytes) else s.encode("latin-1"))
        return len(objs)

    cat = add("")           # placeholder 1
    pages_id = add("")      # placeholder 2
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for content in pages:
        if image_only:
            img = zlib.compress(bytes(64 * 64))
            im = add(b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray "
                     b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % len(img) +
                     img + b"\nendstream")
            content = "q 64 0 0 64 0 0 cm /Im1 Do Q"
            res = "/XObject << /Im1 %d 0 R >>" % im
        else:
            res = "/Font << /F1 %d 0 R >>" % font
        data = zlib.compress(content.encode("latin-1"))
        cs = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        kids.append(add("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << %s >> "
                        "/Contents %d 0 R >>" % (pages_id, res, cs)))
    objs[pages_id - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>" %
                          (" ".join("%d 0 R" % k for k in kids), len(kids))).encode()
    meta = ""
    if xmp:
        x = xmp.encode()
        m = add(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(x) + x + b"\nendstream")
        meta = " /Metadata %d 0 R" % m
    objs[cat - 1] = ("<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_id, meta)).encode()
    info_id = add(info) if info else None
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, (b" /Info %d 0 R" % info_id) if info_id else b"", x)
    open(path(name), "wb").write(bytes(out))


pdf("report.pdf", [
    "BT /F1 12 Tf 72 770 Td (Rapportage \\(synthetisch\\)) Tj 0 -16 Td (Aanvrager J. Jansen) Tj ET",
    "BT /F1 12 Tf 72 770 Td [(BSN: ) -20 (9999) 10 (64070)] TJ 0 -16 Td (IBAN ) Tj (%s) Tj ET" % IBAN],
    info="<< /Title (Rapport) /Producer (mkdocs.py) /Classification (Stg. GEHEIM) >>")
pdf("image.pdf", ["ignored"], info="<< /Producer (scanner) >>", image_only=True)
pdf("xmp.pdf", ["BT /F1 12 Tf 72 770 Td (Planning) Tj ET"],
    xmp='<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
        '<dc:rights>Dep. VERTROUWELIJK</dc:rights></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
pdf("clean.pdf", ["BT /F1 12 Tf 72 770 Td (Notulen van het overleg van 12 maart) Tj ET"],
    info="<< /Title (Notulen) >>")
b = bytearray(open(path("report.pdf"), "rb").read())
b = b.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 2 >>")
open(path("encrypted.pdf"), "wb").write(bytes(b))

# RTF with a BSN, an accented letter, a font table and an info title.
open(path("letter.rtf"), "w").write(
    "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}{\\colortbl;\\red0\\green0\\blue0;}"
    "{\\info{\\title Dep. VERTROUWELIJK}}"
    "\\pard Geachte heer Jansen,\\par Uw BSN is {\\b %s}.\\par Caf\\'e9 \\u8364? 10\\par}" % BSN)
# UTF-16 (LE with a BOM) and CSV.
open(path("utf16.txt"), "wb").write(b"\xff\xfe" + ("Naam;BSN\nJ. Jansen;%s\n" % BSN).encode("utf-16-le"))
open(path("klanten.csv"), "w").write("naam,iban\nJ. Jansen,%s\n" % IBAN)
# An e-mail: a BSN in a quoted-printable text part (split by a soft line
# break), an IBAN in a base64 HTML part, an attachment that is not opened.
import base64 as _b64
_html = _b64.encodebytes(("<html><body><p>Rekening <b>%s</b></p></body></html>" % IBAN).encode()).decode()
open(path("mail.eml"), "w").write(
    "Return-Path: <a@example.org>\r\nReceived: from x by y\r\nFrom: J. Jansen <a@example.org>\r\n"
    "To: b@example.org\r\nSubject: Dossier\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"OUTER\"\r\n\r\npreamble 123456782\r\n--OUTER\r\n"
    "Content-Type: multipart/alternative;\r\n boundary=\"INNER\"\r\n\r\n--INNER\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    "Caf=C3=A9 klant, BSN 9999=\r\n64070.\r\n--INNER\r\nContent-Type: text/html\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + _html.replace("\n", "\r\n") + "--INNER--\r\n"
    "--OUTER\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + _b64.b64encode(b"BSN 999964070").decode() + "\r\n"
    "--OUTER--\r\nepilogue\r\n")
open(path("memo.txt"), "w").write("Date: 12 maart\nBSN: %s\n\nNotitie.\n" % BSN)
print("mkdocs: %d files in %s" % (len(os.listdir(OUT)), OUT))
