/*
 * test_doc.c - document extraction (sensor/dlp/doc*.c) and its hook in
 * the body decoder: files in multipart parts and as base64 in JSON go to
 * the hook, other strings stay text; XML entities, CDATA, comments and
 * the depth cap; ZIP (stored, made here) with the member cap, encrypted
 * and overlapping members; PDF streams of unknown length and UTF-16 Info
 * strings; RTF groups; UTF-16BE surrogates; everything also in 1-byte
 * pieces.  Synthetic values only (BSN 999964070 passes the 11-check).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dlp/body.h"
#include "dlp/doc.h"
#include "test.h"

static char TEXT[1 << 16];
static size_t TEXTN;
static char MEMBERS[4096];
static int PROBLEMS[DOC_P__COUNT];
static uint8_t ARENA[64 * 1024];
static struct doc_stats ST;

static void
t_member(void *arg, const char *type, const char *member)
{
	size_t n = strlen(MEMBERS);

	(void)arg;
	snprintf(MEMBERS + n, sizeof(MEMBERS) - n, "%s:%s;", type, member);
}

static void
t_text(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	if (TEXTN + n < sizeof(TEXT)) {
		memcpy(TEXT + TEXTN, p, n);
		TEXTN += n;
		TEXT[TEXTN] = '\0';
	}
}

static void
t_problem(void *arg, enum doc_problem pb, const char *detail)
{
	(void)arg;
	(void)detail;
	PROBLEMS[pb]++;
}

static void
reset(void)
{
	TEXTN = 0;
	TEXT[0] = '\0';
	MEMBERS[0] = '\0';
	memset(PROBLEMS, 0, sizeof(PROBLEMS));
	memset(&ST, 0, sizeof(ST));
}

static void
extract(const char *name, const void *p, size_t n, size_t piece, int flags)
{
	static struct doc_dec d;
	struct doc_cb cb = { t_member, t_text, t_problem, NULL };
	const uint8_t *s = p;
	size_t i, k;

	reset();
	doc_begin(&d, name, NULL, flags, ARENA, sizeof(ARENA), &cb, &ST);
	if (piece == 0)
		piece = n ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < piece ? n - i : piece;
		doc_feed(&d, s + i, k);
	}
	doc_end(&d);
}

static int
has(const char *needle)
{
	return strstr(TEXT, needle) != NULL;
}

/* ---- a stored ZIP writer ---- */

static uint8_t ZIP[1 << 20];

static void
le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, uint32_t v)
{
	le16(p, v & 0xffff);
	le16(p + 2, v >> 16);
}

struct zmember { const char *name; const char *data; unsigned flags; };

/* ${dup}: the central directory names member 0 twice (overlap). */
static size_t
mkzip(const struct zmember *m, int n, int dup)
{
	uint32_t off[4096];
	size_t z = 0, cd;
	int i, ncd = 0;

	for (i = 0; i < n; i++) {
		size_t nl = strlen(m[i].name), dl = strlen(m[i].data);

		off[i] = (uint32_t)z;
		memset(ZIP + z, 0, 30);
		le32(ZIP + z, 0x04034b50);
		le16(ZIP + z + 4, 20);
		le16(ZIP + z + 6, m[i].flags);
		le32(ZIP + z + 14, (uint32_t)crc32(0, (const Bytef *)m[i].data,
		    (uInt)dl));
		le32(ZIP + z + 18, (uint32_t)dl);
		le32(ZIP + z + 22, (uint32_t)dl);
		le16(ZIP + z + 26, (unsigned)nl);
		memcpy(ZIP + z + 30, m[i].name, nl);
		memcpy(ZIP + z + 30 + nl, m[i].data, dl);
		z += 30 + nl + dl;
	}
	cd = z;
	for (i = 0; i < n + (dup ? 1 : 0); i++) {
		int j = i < n ? i : 0;
		size_t nl = strlen(m[j].name);

		memset(ZIP + z, 0, 46);
		le32(ZIP + z, 0x02014b50);
		le16(ZIP + z + 8, m[j].flags);
		le16(ZIP + z + 28, (unsigned)nl);
		le32(ZIP + z + 42, off[j]);
		memcpy(ZIP + z + 46, m[j].name, nl);
		z += 46 + nl;
		ncd++;
	}
	memset(ZIP + z, 0, 22);
	le32(ZIP + z, 0x06054b50);
	le16(ZIP + z + 8, (unsigned)ncd);
	le16(ZIP + z + 10, (unsigned)ncd);
	le32(ZIP + z + 12, (uint32_t)(z - cd));
	le32(ZIP + z + 16, (uint32_t)cd);
	return z + 22;
}

TEST(zip_stored_members)
{
	static const struct zmember m[] = {
		{ "[Content_Types].xml", "<Types/>", 0 },
		{ "word/document.xml", "<w:document><w:body><w:p><w:r><w:t>BSN "
		    "9999</w:t></w:r><w:r><w:t>64070</w:t></w:r></w:p><w:p><w:t>"
		    "Einde</w:t></w:p></w:body></w:document>", 0 },
		{ "word/media/image1.png", "BSN 123456782", 0 },
	};
	size_t n = mkzip(m, 3, 0), piece;

	for (piece = 0; piece <= 1; piece++) {
		extract("x.docx", ZIP, n, piece, 0);
		ASSERT(has("BSN 999964070\nEinde\n"));
		ASSERT(!has("123456782"));	/* media are not text */
		ASSERT_STR(MEMBERS, "docx:word/document.xml;");
		ASSERT_EQ(PROBLEMS[DOC_P_CORRUPT], 0);
	}
}

TEST(zip_encrypted_and_overlap)
{
	static const struct zmember enc[] = {
		{ "a.txt", "BSN 999964070", 0x0001 },
		{ "b.txt", "open", 0 },
	};
	size_t n = mkzip(enc, 2, 0);

	extract("x.zip", ZIP, n, 0, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_ENCRYPTED], 1);
	ASSERT(!has("999964070"));
	ASSERT(has("open"));		/* the open member is still read */
	ASSERT_EQ(ST.problems[DOC_P_ENCRYPTED], 1);
	n = mkzip(enc + 1, 1, 1);
	extract("x.zip", ZIP, n, 1, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_CORRUPT], 1);
	n = mkzip(enc + 1, 1, 0);
	extract("x.zip", ZIP, n, 1, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_CORRUPT], 0);
}

TEST(zip_member_cap)
{
	static struct zmember m[DOC_MEMBERS_MAX + 2];
	int i;

	for (i = 0; i < (int)DOC_MEMBERS_MAX + 2; i++) {
		m[i].name = "a.txt";
		m[i].data = "x";
		m[i].flags = 0;
	}
	extract("many.zip", ZIP, mkzip(m, DOC_MEMBERS_MAX, 0), 0, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_TOO_LARGE], 0);
	extract("many.zip", ZIP, mkzip(m, DOC_MEMBERS_MAX + 2, 0), 0, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_TOO_LARGE], 1);
}

TEST(zip_garbage)
{
	static const uint8_t g[] = "PK\003\004garbage that is not a header at all"
	    "PK\001\002 and more";

	extract("g.zip", g, sizeof(g) - 1, 1, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_CORRUPT], 1);
	ASSERT_EQ(TEXTN, 0);
	/* A good archive cut in the middle of a member. */
	{
		static const struct zmember m[] = {
			{ "a.txt", "BSN 999964070 and more text", 0 } };
		size_t n = mkzip(m, 1, 0);

		extract("cut.zip", ZIP, n / 2, 1, 0);
		ASSERT_EQ(PROBLEMS[DOC_P_CORRUPT], 1);
		ASSERT(has("BSN"));
	}
}

TEST(xml_entities_cdata_depth)
{
	static const struct zmember m[] = {
		{ "content.xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
		    "\"b\">]><r><!-- BSN 111222333 --><text:p>A&amp;B &#233;"
		    "&#x20AC; &lt;&unknown;</text:p><text:p><![CDATA[C <d> ]]]>"
		    "</text:p></r>", 0 },
	};
	static char deep[40000];
	struct zmember dm[1] = { { "content.xml", deep, 0 } };
	size_t k, n = mkzip(m, 1, 0);

	extract("x.odt", ZIP, n, 1, 0);
	ASSERT(has("A&B \xc3\xa9\xe2\x82\xac <&unknown;\n"));
	ASSERT(has("C <d> ]\n"));
	ASSERT(!has("111222333"));	/* comments are not text */
	for (k = 0; k + 3 < sizeof(deep) / 2; k += 3)
		memcpy(deep + k, "<a>", 3);
	memcpy(deep + k, "BSN 999964070", 14);
	n = mkzip(dm, 1, 0);
	extract("x.odt", ZIP, n, 0, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_TOO_LARGE], 1);
	ASSERT(!has("999964070"));
}

TEST(pdf_streams_and_info)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Length 5 0 R >>\nstream\n"
	    "BT (Aanvrager) Tj 0 -14 Td [(BSN ) -300 (999964070)] TJ ET\n"
	    "endstream\nendobj\n2 0 obj\n<< /Title <FEFF00540065007300740020"
	    "20AC> /Classification (Stg. GEHEIM) >>\nendobj\ntrailer\n"
	    "<< /Info 2 0 R >>\n%%EOF\n";
	size_t piece;

	for (piece = 0; piece <= 7; piece += 7) {
		extract("x.pdf", pdf, sizeof(pdf) - 1, piece, 0);
		ASSERT(has("Aanvrager\nBSN  999964070\n"));
		ASSERT(has("Title: Test \xe2\x82\xac\n"));
		ASSERT(has("Classification: Stg. GEHEIM\n"));
		ASSERT_STR(MEMBERS, "pdf:page content;pdf:Info;");
		ASSERT_EQ(PROBLEMS[DOC_P_NO_TEXT], 0);
	}
}

TEST(pdf_flate_and_caps)
{
	static uint8_t pdf[1 << 18], zbuf[1 << 17];
	static char plain[1 << 18];
	uLongf zn = sizeof(zbuf);
	size_t n, k;

	/* A FlateDecode stream that inflates far beyond the ratio cap. */
	memset(plain, ' ', sizeof(plain));
	memcpy(plain, "BT (x) Tj ET", 12);
	ASSERT_EQ(compress2(zbuf, &zn, (const Bytef *)plain, sizeof(plain), 9),
	    Z_OK);
	n = (size_t)snprintf((char *)pdf, sizeof(pdf), "%%PDF-1.5\n1 0 obj\n"
	    "<< /Filter /FlateDecode /Length %lu >>\nstream\n",
	    (unsigned long)zn);
	memcpy(pdf + n, zbuf, zn);
	n += zn;
	k = (size_t)snprintf((char *)pdf + n, sizeof(pdf) - n,
	    "\nendstream\nendobj\n%%%%EOF\n");
	extract("x.pdf", pdf, n + k, 0, 0);
	ASSERT(has("x"));		/* before the cap */
	ASSERT_EQ(PROBLEMS[DOC_P_TOO_LARGE], 1);	/* ~800x: a bomb */
	ASSERT(ST.inflated < sizeof(plain));
	/* The same text at a sane ratio inflates in full. */
	for (k = 12; k < sizeof(plain) / 4; k++)
		plain[k] = (char)('a' + (k * 7919 % 26));
	zn = sizeof(zbuf);
	ASSERT_EQ(compress2(zbuf, &zn, (const Bytef *)plain, sizeof(plain) / 4,
	    9), Z_OK);
	n = (size_t)snprintf((char *)pdf, sizeof(pdf), "%%PDF-1.5\n1 0 obj\n"
	    "<< /Filter /FlateDecode /Length %lu >>\nstream\n",
	    (unsigned long)zn);
	memcpy(pdf + n, zbuf, zn);
	n += zn;
	extract("x.pdf", pdf, n, 0, 0);
	ASSERT(has("x"));
	ASSERT_EQ(PROBLEMS[DOC_P_TOO_LARGE], 0);
	ASSERT_EQ(ST.inflated, sizeof(plain) / 4);
}

TEST(rtf_groups)
{
	static const char rtf[] = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial 999964070;}}"
	    "{\\*\\generator Foo 123;}{\\stylesheet{\\s1 Heading;}}"
	    "\\pard Stap 1\\tab klaar\\par {\\pict 0123456789abcdef}Caf\\'e9"
	    "\\u8364?\\line \\{x\\}}";

	extract("x.rtf", rtf, sizeof(rtf) - 1, 1, 0);
	ASSERT_STR(TEXT, "Stap 1\tklaar\nCaf\xc3\xa9\xe2\x82\xac\n{x}");
	ASSERT_STR(MEMBERS, "rtf:;");
}

TEST(utf16_and_sniffing)
{
	static const uint8_t be[] = { 0xfe, 0xff, 0x00, 'B', 0x00, 'S', 0x00,
	    'N', 0xd8, 0x3d, 0xde, 0x00, 0x00, '!' };
	static const uint8_t ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
	    0xe1, 'B', 'S', 'N' };

	extract("x.txt", be, sizeof(be), 1, 0);
	ASSERT_STR(TEXT, "BSN\xf0\x9f\x98\x80!");
	ASSERT_STR(MEMBERS, "utf16:;");
	extract("x.msg", ole, sizeof(ole), 0, 0);
	ASSERT_EQ(PROBLEMS[DOC_P_ENCRYPTED], 1);
	ASSERT_EQ(TEXTN, 0);
	extract("data.csv", "a,b\n1,2\n", 8, 3, 0);
	ASSERT_STR(MEMBERS, "csv:;");
	ASSERT_STR(TEXT, "a,b\n1,2\n");
	extract(NULL, "PK", 2, 0, 0);	/* short: plain text */
	ASSERT_STR(TEXT, "PK");
	extract("x.txt", "QlNOIDk5OTk2NDA3MA==", 20, 1, DOC_F_BASE64);
	ASSERT_STR(TEXT, "BSN 999964070");
}

TEST(code_names)
{
	ASSERT(doc_is_code_name("main.go", NULL));
	ASSERT(doc_is_code_name("x/y/Tool.JAVA", NULL));
	ASSERT(doc_is_code_name("f", "text/x-python; charset=utf-8"));
	ASSERT(!doc_is_code_name("notes.md", "text/markdown"));
	ASSERT(!doc_is_code_name("a.go.txt", NULL));
	ASSERT(!doc_is_code_name("f", "text/x-markdown"));
	ASSERT(!doc_is_code_name(NULL, NULL));
}

/* ---- the body hook ---- */

static char HOOKED[8192], BODYTEXT[8192], HNAME[128], HCT[64];
static int HB64, HBEGIN, HEND;

static int
h_begin(void *arg, const char *name, const char *ct, int b64)
{
	(void)arg;
	snprintf(HNAME, sizeof(HNAME), "%s", name);
	snprintf(HCT, sizeof(HCT), "%s", ct);
	HB64 = b64;
	HBEGIN++;
	return 1;
}

static void
h_data(void *arg, const uint8_t *p, size_t n)
{
	size_t k = strlen(HOOKED);

	(void)arg;
	if (k + n < sizeof(HOOKED)) {
		memcpy(HOOKED + k, p, n);
		HOOKED[k + n] = '\0';
	}
}

static void
h_end(void *arg)
{
	(void)arg;
	HEND++;
}

static void
b_sink(void *arg, const uint8_t *p, size_t n)
{
	size_t k = strlen(BODYTEXT);

	(void)arg;
	if (k + n < sizeof(BODYTEXT)) {
		memcpy(BODYTEXT + k, p, n);
		BODYTEXT[k + n] = '\0';
	}
}

static const struct body_doc_hook HOOK = { h_begin, h_data, h_end };

static void
body(const char *ct, const char *p, size_t piece)
{
	static uint8_t arena[BODY_ARENA_MIN + 16384];
	struct body_dec b;
	size_t i, k, n = strlen(p);

	HOOKED[0] = BODYTEXT[0] = HNAME[0] = HCT[0] = '\0';
	HB64 = HBEGIN = HEND = 0;
	body_init(&b, ct, NULL, arena, sizeof(arena), b_sink, NULL);
	body_set_doc_hook(&b, &HOOK, NULL);
	for (i = 0; i < n; i += k) {
		k = n - i < piece ? n - i : piece;
		body_feed(&b, (const uint8_t *)p + i, k);
	}
	body_end(&b);
}

TEST(hook_multipart)
{
	static const char mp[] = "--XX\r\nContent-Disposition: form-data; "
	    "name=\"purpose\"\r\n\r\nassistants\r\n--XX\r\nContent-Disposition: "
	    "form-data; name=\"file\"; filename=\"r.docx\"\r\nContent-Type: "
	    "application/zip\r\n\r\nPK\003\004--X-\r\n--XX--\r\n";
	size_t piece;

	for (piece = 1; piece <= sizeof(mp); piece += sizeof(mp) - 1) {
		body("multipart/form-data; boundary=XX", mp, piece);
		ASSERT_EQ(HBEGIN, 1);
		ASSERT_EQ(HEND, 1);
		ASSERT_STR(HNAME, "r.docx");
		ASSERT_STR(HCT, "application/zip");
		ASSERT_STR(HOOKED, "PK\003\004--X-");
		ASSERT(strstr(BODYTEXT, "purpose: assistants") != NULL);
		ASSERT(strstr(BODYTEXT, "r.docx") != NULL);	/* the name */
		ASSERT(strstr(BODYTEXT, "PK") == NULL);
	}
}

TEST(hook_json_base64)
{
	static const char j1[] = "{\"file\":{\"filename\":\"note.odt\",\"file_data\":"
	    "\"data:application/vnd.oasis.opendocument.text;base64,UEsDBAo=\"},"
	    "\"x\":\"UEsDBBQ\\/\",\"t\":\"gewoon tekst\",\"d\":\"data:text/plain,hoi\"}";
	size_t piece;

	for (piece = 1; piece <= sizeof(j1); piece += sizeof(j1) - 1) {
		body("application/json", j1, piece);
		ASSERT_EQ(HBEGIN, 2);
		ASSERT_EQ(HEND, 2);
		ASSERT_EQ(HB64, 1);
		ASSERT_STR(HNAME, "note.odt");
		ASSERT(strstr(HOOKED, "UEsDBAo=UEsDBBQ/") != NULL);
		ASSERT(strstr(BODYTEXT, "gewoon tekst") != NULL);
		ASSERT(strstr(BODYTEXT, "data:text/plain,hoi") != NULL);
		ASSERT(strstr(BODYTEXT, "UEsDB") == NULL);
	}
	/* Without a hook, nothing changes. */
	{
		static uint8_t arena[BODY_ARENA_MIN];
		struct body_dec b;

		BODYTEXT[0] = '\0';
		body_init(&b, "application/json", NULL, arena, sizeof(arena),
		    b_sink, NULL);
		body_feed(&b, (const uint8_t *)j1, strlen(j1));
		body_end(&b);
		ASSERT(strstr(BODYTEXT, "UEsDBAo=") != NULL);
	}
}

int
main(void)
{
	RUN(zip_stored_members);
	RUN(zip_encrypted_and_overlap);
	RUN(zip_member_cap);
	RUN(zip_garbage);
	RUN(xml_entities_cdata_depth);
	RUN(pdf_streams_and_info);
	RUN(pdf_flate_and_caps);
	RUN(rtf_groups);
	RUN(utf16_and_sniffing);
	RUN(code_names);
	RUN(hook_multipart);
	RUN(hook_json_base64);
	return TEST_END();
}
