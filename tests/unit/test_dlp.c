/*
 * test_dlp.c - DLP engine: every synthetic vector of dlp-detectors.md per
 * detector, the false-positive traps, streaming (split values, 7-byte
 * pieces), budget, dedupe, masking, and loader diagnostics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dlp/dlp.h"
#include "test.h"

#define RULES	"rules/detectors.yaml"

struct hit {
	char		 det[48];
	char		 cls[24];
	int		 conf;
	uint64_t	 off;
	uint32_t	 len;
	char		 ev[DLP_EVIDENCE_MAX];
	uint8_t		 fp[DLP_FP_LEN];
};

struct hits {
	int		 n;
	struct hit	 h[64];
};

static struct dlp_engine *E;
static const uint8_t KEY[32] = "shadowtap-test-fingerprint-key!";

static void
collect(void *arg, const struct dlp_finding *f)
{
	struct hits *h = arg;
	struct hit *x;

	if (h->n >= 64)
		return;
	x = &h->h[h->n++];
	snprintf(x->det, sizeof(x->det), "%s", f->detector);
	snprintf(x->cls, sizeof(x->cls), "%s", f->class_name);
	x->conf = f->confidence;
	x->off = f->offset;
	x->len = f->length;
	memcpy(x->ev, f->evidence, sizeof(x->ev));
	memcpy(x->fp, f->fp, sizeof(x->fp));
}

/* Scan ${s} in pieces of ${piece} bytes (0: one call), then end. */
static void
scan_pieces(const char *s, size_t len, size_t piece, struct hits *h)
{
	struct dlp_stream st;
	size_t i, n;

	memset(h, 0, sizeof(*h));
	dlp_stream_init(&st);
	if (piece == 0)
		piece = len ? len : 1;
	for (i = 0; i < len; i += n) {
		n = len - i < piece ? len - i : piece;
		dlp_scan(E, &st, s + i, n, collect, h);
	}
	dlp_stream_end(E, &st, collect, h);
}

static void
scan_str(const char *s, struct hits *h)
{
	scan_pieces(s, strlen(s), 0, h);
}

static const struct hit *
find_det(const struct hits *h, const char *det)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->h[i].det, det) == 0)
			return &h->h[i];
	return NULL;
}

/* The masked evidence must never contain the value (as written or with
 * separators removed). */
static int
leaks(const struct hits *h, const char *value)
{
	char norm[512];
	size_t n = 0;
	int i;

	for (; *value && n < sizeof(norm) - 1; value++)
		if (*value != ' ' && *value != '.' && *value != '-')
			norm[n++] = *value;
	norm[n] = '\0';
	for (i = 0; i < h->n; i++)
		if (n >= 6 && strstr(h->h[i].ev, norm) != NULL)
			return 1;
	return 0;
}

struct vec {
	const char	*det;
	int		 valid;
	const char	*text;
};

/* Generated from dlp-detectors.md section 5 (all synthetic).  Passport and
 * driving-licence vectors get their keyword, keyword-less RSIN vectors
 * "RSIN " (a bare 9-digit number is reported as bsn), special-category
 * vectors a BSN (terms are only reported near personal data). */
static const struct vec vectors[] = {
	{ "NL-BSN", 1, "999900602" },
	{ "NL-BSN", 1, "9999.73.964" },
	{ "NL-BSN", 1, "999 935 033" },
	{ "NL-BSN", 1, "999-988-694" },
	{ "NL-BSN", 1, "BSN: 999964070." },
	{ "NL-BSN", 0, "999923177" },
	{ "NL-BSN", 0, "1999900602" },
	{ "NL-BSN", 0, "123456782" },
	{ "NL-BSN", 0, "20240131" },
	{ "NL-BSN", 0, "06-12345678" },
	{ "NL-BSN", 0, "000000000" },
	{ "NL-BSN", 0, "9999.00-602" },
	{ "NL-PASPOORT", 1, "paspoortnummer SPECI2014" },
	{ "NL-PASPOORT", 1, "paspoortnummer KGK7K7V24" },
	{ "NL-PASPOORT", 1, "paspoortnummer ZSDFXY5L6" },
	{ "NL-PASPOORT", 1, "paspoortnummer paspoortnummer: TE9VTML48" },
	{ "NL-PASPOORT", 1, "paspoortnummer XR1001R58" },
	{ "NL-PASPOORT", 0, "paspoortnummer XR1O01R58" },
	{ "NL-PASPOORT", 0, "paspoortnummer 581001RXR" },
	{ "NL-PASPOORT", 0, "paspoortnummer XR1001R" },
	{ "NL-PASPOORT", 0, "paspoortnummer XR1001R5X" },
	{ "NL-PASPOORT", 0, "paspoortnummer xr1001r58" },
	{ "NL-RIJBEWIJS", 1, "rijbewijsnummer 4246858832" },
	{ "NL-RIJBEWIJS", 1, "rijbewijsnummer 8771418747" },
	{ "NL-RIJBEWIJS", 1, "rijbewijsnummer rijbewijsnummer 5311331602" },
	{ "NL-RIJBEWIJS", 1, "rijbewijsnummer 6924093134" },
	{ "NL-RIJBEWIJS", 1, "rijbewijsnummer 5865921340" },
	{ "NL-RIJBEWIJS", 0, "rijbewijsnummer 0612345678" },
	{ "NL-RIJBEWIJS", 0, "rijbewijsnummer 123456789" },
	{ "NL-RIJBEWIJS", 0, "rijbewijsnummer 12345678901" },
	{ "NL-RIJBEWIJS", 0, "rijbewijsnummer 1111111111" },
	{ "NL-RIJBEWIJS", 0, "rijbewijsnummer 12345-67890" },
	{ "NL-FISCAAL", 1, "RSIN 999984184" },
	{ "NL-FISCAAL", 1, "RSIN 999919568" },
	{ "NL-FISCAAL", 1, "RSIN 999980221" },
	{ "NL-FISCAAL", 1, "RSIN 999954787" },
	{ "NL-FISCAAL", 1, "fiscaal nummer: 999909265" },
	{ "NL-FISCAAL", 0, "999936489" },
	{ "NL-FISCAAL", 0, "1234567890" },
	{ "NL-FISCAAL", 0, "12345678" },
	{ "NL-FISCAAL", 0, "9999 3653" },
	{ "NL-FISCAAL", 0, "999.993.653,00" },
	{ "NL-BTW-ID", 1, "NL999976941B01" },
	{ "NL-BTW-ID", 1, "nl 999902003 b02" },
	{ "NL-BTW-ID", 1, "NL983147353B25" },
	{ "NL-BTW-ID", 1, "NL521199560B67" },
	{ "NL-BTW-ID", 1, "NL002455799B11" },
	{ "NL-BTW-ID", 0, "NL123456789B90" },
	{ "NL-BTW-ID", 0, "NL999976941B00" },
	{ "NL-BTW-ID", 0, "NL99999365B01" },
	{ "NL-BTW-ID", 0, "NL999976941C01" },
	{ "NL-BTW-ID", 0, "BE0123456789" },
	{ "IBAN", 1, "NL66TEST7008139766" },
	{ "IBAN", 1, "NL09 XXXX 8229 5213 81" },
	{ "IBAN", 1, "nl59qqqq5159316391" },
	{ "IBAN", 1, "BE72 9835 1958 4487" },
	{ "IBAN", 1, "DE13660615835174984934" },
	{ "IBAN", 0, "NL67TEST7008139766" },
	{ "IBAN", 0, "NL66TEST700813976" },
	{ "IBAN", 0, "XX66TEST7008139766" },
	{ "IBAN", 0, "NL91ABNA0417164300" },
	{ "IBAN", 0, "NL12 TEST 0123" },
	{ "CREDIT-CARD", 1, "4242424242424242" },
	{ "CREDIT-CARD", 1, "4000 0566 5566 5556" },
	{ "CREDIT-CARD", 1, "5555-5555-5555-4444" },
	{ "CREDIT-CARD", 1, "3782 822463 10005" },
	{ "CREDIT-CARD", 1, "6011111111111117" },
	{ "CREDIT-CARD", 0, "4242424242424241" },
	{ "CREDIT-CARD", 0, "1234567812345670" },
	{ "CREDIT-CARD", 0, "4242 4242 4242" },
	{ "CREDIT-CARD", 0, "0000000000000000" },
	{ "CREDIT-CARD", 0, "4242-4242 4242-4242" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 1, "AKIAE2MNHIKXHF7KIWO5" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 1, "ASIAPJB5V23OQKDNMNTN" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 1, "AKIAK6D4X3F76HNCNJOQ" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 1, "aws_access_key_id=AKIA3XA4BGZTZUOKXTRP" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 1, "ABIANRXR62BB532APMZC" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 0, "AKIAIOSFODNN7EXAMPLE" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 0, "AKIA5XK6ZKTGRLBJQWV" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 0, "AKIAkfeoekjomgdoehml" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 0, "AKIA0189018901890189" },
	{ "SECRET-AWS-ACCESS-KEY-ID", 0, "XKIA4YDUFKHJQF7D3YU2" },
	{ "SECRET-AWS-SECRET-KEY", 1, "aws_secret_access_key = LnjZn1L64dWVyxHwrwClOVfnzIKfuHeD1m9/Ew9U" },
	{ "SECRET-AWS-SECRET-KEY", 1, "AWS_SECRET_ACCESS_KEY=cKfhFnVbv3GrPgx3dTb2p/sAruPfURxW64k0TwDI" },
	{ "SECRET-AWS-SECRET-KEY", 1, "\"SecretAccessKey\": \"HEC40HCUdMteT6x2IVPhATSuJ4rwqFtyDDdrL64c\"" },
	{ "SECRET-AWS-SECRET-KEY", 1, "aws_secret_key: 'a5muCfq5eBj3PEYFhhLsyurwhlz45f7gD+BnHnUu'" },
	{ "SECRET-AWS-SECRET-KEY", 1, "secret_access_key=FKQvzpojzwFoxpCYO4L4S9iK3eVL4hsjH2oOoFw3" },
	{ "SECRET-AWS-SECRET-KEY", 0, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
	{ "SECRET-AWS-SECRET-KEY", 0, "aws_secret_access_key = 65e7a32bddfe6e48cfe128bf73dc8abd1e274685" },
	{ "SECRET-AWS-SECRET-KEY", 0, "aws_secret_access_key = 5SzkmEomgncgMdvJIawU4NW51QpmXfAXP+Vk3M5" },
	{ "SECRET-AWS-SECRET-KEY", 0, "secret = DIeBStJOx71C2TpUs1dATpr7GeXO2Qoe1qhroYOg" },
	{ "SECRET-AWS-SECRET-KEY", 0, "aws_secret_access_key = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "SECRET-GITHUB-TOKEN", 1, "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" },
	{ "SECRET-GITHUB-TOKEN", 1, "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" },
	{ "SECRET-GITHUB-TOKEN", 1, "ghs_vNT0xNpH37PChEWNnqoVdtmjMagQrJ1AuQgM" },
	{ "SECRET-GITHUB-TOKEN", 1, "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" },
	{ "SECRET-GITHUB-TOKEN", 1, "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" },
	{ "SECRET-GITHUB-TOKEN", 0, "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-GITHUB-TOKEN", 0, "ghp_qaUbciezOU0IrT3SuSHmSZXNbBS5Q9tMF2M" },
	{ "SECRET-GITHUB-TOKEN", 0, "ghx_MpfX067khhLZCQEctSl0jdcKh0LCTnUvV4nL" },
	{ "SECRET-GITHUB-TOKEN", 0, "github_pat_PRn1oq8vTKMSsrW7135d7fdMuibbzPK5VxI9HQWTzPFz3ayTOWikxHSiHsNu" },
	{ "SECRET-GITHUB-TOKEN", 0, "ghp-M6HpQN2Bx62Jcz4jJMkSPbiiHUokFFzvzWps" },
	{ "SECRET-GITLAB-PAT", 1, "glpat-i9CmMr0lQzXI07n1bNGc" },
	{ "SECRET-GITLAB-PAT", 1, "glpat-xMtb2d2lwzBDSQZFTuBx" },
	{ "SECRET-GITLAB-PAT", 1, "glpat-jnMUBLYLi1McPkHZ5t6PHVe2v62QAA.jpf8l9dci" },
	{ "SECRET-GITLAB-PAT", 1, "GITLAB_TOKEN=glpat-MNS0nz7d8jA5MpCI54iP" },
	{ "SECRET-GITLAB-PAT", 1, "glpat-H6NikPhIdqqnn4qHM8f_" },
	{ "SECRET-GITLAB-PAT", 0, "glpat-equVaogzkQesd3EzDxg" },
	{ "SECRET-GITLAB-PAT", 0, "glpat-aaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-GITLAB-PAT", 0, "glpt-EICm3Vwe3s1laFjTgeGM" },
	{ "SECRET-GITLAB-PAT", 0, "glpat_fOmUbNGQpqadwDOX72IC" },
	{ "SECRET-GITLAB-PAT", 0, "xglpat-aLyPPxiOpx9IO92Wl0pu" },
	{ "SECRET-OPENAI-KEY", 1, "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" },
	{ "SECRET-OPENAI-KEY", 1, "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" },
	{ "SECRET-OPENAI-KEY", 1, "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" },
	{ "SECRET-OPENAI-KEY", 1, "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" },
	{ "SECRET-OPENAI-KEY", 1, "OPENAI_API_KEY=\"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\"" },
	{ "SECRET-OPENAI-KEY", 0, "sk-TZ1IPHWnWf85qLdtN83A9bGTD0AUEf7T0udcH206EJUbJQZ9" },
	{ "SECRET-OPENAI-KEY", 0, "sk-ant-api03-r6eJmzNzAobtDV-hfFyhC700l4lmNBrzsei9NANPBPBEW9Jwv-271eKWUUMwib7a_yZKchh0LOSOwxu3jD3FeCxX9ACucAA" },
	{ "SECRET-OPENAI-KEY", 0, "T3BlbkFJ" },
	{ "SECRET-OPENAI-KEY", 0, "pk-1F6rF6TUd591Dw5oqmbuT3BlbkFJlANJNzTSQg8HfXpdVsPe" },
	{ "SECRET-OPENAI-KEY", 0, "sk-SiiaYS2neKlX4Ma1A51vT3BlbkFXNoMU1DkStkBRt74ibYNC" },
	{ "SECRET-ANTHROPIC-KEY", 1, "sk-ant-api03-EMdumjQ2L2CWBZBSxqUYSD0F-exeUnSCUNxs2GZbra570bf4x16XzGeAphWEIT6j0P1O_UeFCxx4FrKv2pI33Cg7Qi-CTAA" },
	{ "SECRET-ANTHROPIC-KEY", 1, "sk-ant-admin01-6BioOCHqWi-Cw99x6heb1EXE7VqtoBvwWweIuyKYTj4b_WhTc8zj7mSxMLpOR6FHdwtFwKjd8nwgll66TFt9WtInCCzeTAA" },
	{ "SECRET-ANTHROPIC-KEY", 1, "sk-ant-api03-J-fJ-RY25afjuVwnABsq6RWAAFh5T79oV363pvtuMdsEjeD-twotrBPREbhNJDwvW3wcwee4sAn1L-7DkGKu0S-RSNrxFAA" },
	{ "SECRET-ANTHROPIC-KEY", 1, "x-api-key: sk-ant-api03-JuLak8KVK7GzcaoTpGWGgVFdKVj2hiegYuHFMyHFfqYe37DM_kmnFWg33W91gsdXo2f009kxi_UgxYl1NPGMBuVPx6mKzAA" },
	{ "SECRET-ANTHROPIC-KEY", 1, "ANTHROPIC_API_KEY=\"sk-ant-api03-QL3CaQRw2MIXFNEA2EupM_xO7i3FYMXVq1mMby_rbeDRoZ6ltOERz5hXvlO8cJ8kgXSxA6aeQgAos9G6uCGCaVqO8MfXZAA\"" },
	{ "SECRET-ANTHROPIC-KEY", 0, "sk-ant-api03-ZOUt-Ll2iSSZg16xBj3z1jqqSojWPNl_oEcLNESxfkwShYDBcVYFYtaPlozdwy8g-qR4Ethml6unupwbFUP-MD4OVAgHAA" },
	{ "SECRET-ANTHROPIC-KEY", 0, "sk-ant-api03-OZUH9shhezEVMdQQP7-3kdhPUNC3EX3rE_8WW4dab0W_QmLoVzC5IIGocfmm9o1hNPVk4wubkn4tGNMnMiQtrZZEEHT9nAB" },
	{ "SECRET-ANTHROPIC-KEY", 0, "sk-ant-api02-ehnDMuWx4KA5fvRGc9bKziV_t2hlN9ChFcBIb71sWQWkP38l8NxZTlhQZljfdoQFz5b-32lJ7kLyagdx8zGojdz34TDUzAA" },
	{ "SECRET-ANTHROPIC-KEY", 0, "sk-ant-cHXFQHwyyMyCCfT6aK7Bxjd0iT0Xx6C7ANKF40LGYQjIP3DX24vOWXCdzfvhNT2qfcd8LcdUPAW2KAr1AAAi4XiATO4k6lr2WBcE" },
	{ "SECRET-ANTHROPIC-KEY", 0, "sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "SECRET-GOOGLE-API-KEY", 1, "AIzaSy3mCbjyiHmYmBOfuT0dGSLoTLPAk9DZzmL" },
	{ "SECRET-GOOGLE-API-KEY", 1, "AIzaSyY5MUkMbi9PawaybRvzN1NNHdsjqOVRJMa" },
	{ "SECRET-GOOGLE-API-KEY", 1, "GEMINI_API_KEY=AIzaSy1CtZSc6SX0-Raa2UHigsTppPUhAesaX6L" },
	{ "SECRET-GOOGLE-API-KEY", 1, "key=AIzaTLs68YnTjToW3vq76Ge2HQ3Bs59AczcN19W" },
	{ "SECRET-GOOGLE-API-KEY", 1, "AIza9UAcXYb2U-dDUiD6TCUiDKJ2CUDYpgcRPzN" },
	{ "SECRET-GOOGLE-API-KEY", 0, "AIza7mpnUaw6Ke9ZkUFmFk4Rmyg3ozlBg-o2ZV" },
	{ "SECRET-GOOGLE-API-KEY", 0, "AIzaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "SECRET-GOOGLE-API-KEY", 0, "AIzb-2-ep6ELoTaaF2xlIttBU4av6UpbVxm2irj" },
	{ "SECRET-GOOGLE-API-KEY", 0, "AIza9Xsip3AdZ3PSIS4-DHSSzEi04hFjPl1nG2b0" },
	{ "SECRET-GOOGLE-API-KEY", 0, "aizaTPLaGM0P6FxvCcj0VZ54OMFtfsaCdZ3pm5q" },
	{ "SECRET-HUGGINGFACE-TOKEN", 1, "hf_aDARUEWBZ2kgktVOrLvp2kLs28v7UWjIKD" },
	{ "SECRET-HUGGINGFACE-TOKEN", 1, "hf_Fdt3Ic8UpNx4jH0VUIBGU0GrkeMDQY7hyT" },
	{ "SECRET-HUGGINGFACE-TOKEN", 1, "api_org_ENzwGXF9dwQbhJhQvQqgyLsEHFzKHfkFFV" },
	{ "SECRET-HUGGINGFACE-TOKEN", 1, "HF_TOKEN=hf_GBy4Wllqfktq8zfvUgrd591skBso9wI2gS" },
	{ "SECRET-HUGGINGFACE-TOKEN", 1, "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" },
	{ "SECRET-HUGGINGFACE-TOKEN", 0, "hf_hub_download" },
	{ "SECRET-HUGGINGFACE-TOKEN", 0, "hf_rgqpOeEErsLfEE9mqIw2o8cnkwUtYlUf0" },
	{ "SECRET-HUGGINGFACE-TOKEN", 0, "hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-HUGGINGFACE-TOKEN", 0, "hf-8g0mXNzHjPR94FESHpg68RvnP5HK91gAMF" },
	{ "SECRET-HUGGINGFACE-TOKEN", 0, "hf_VOGr49aIkB6R5AlDXrJ1boZ8etz3emhm1li" },
	{ "SECRET-PERPLEXITY-KEY", 1, "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" },
	{ "SECRET-PERPLEXITY-KEY", 1, "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" },
	{ "SECRET-PERPLEXITY-KEY", 1, "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" },
	{ "SECRET-PERPLEXITY-KEY", 1, "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" },
	{ "SECRET-PERPLEXITY-KEY", 1, "API_KEY=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" },
	{ "SECRET-PERPLEXITY-KEY", 0, "pplx-S16kOv7TxrPF63YwFV1WIeqIKB3pg3P8IFk7YAZuj882Xhk" },
	{ "SECRET-PERPLEXITY-KEY", 0, "pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-PERPLEXITY-KEY", 0, "pplx-6fBfoiAuAdRI9K2JsWenUdqBHVw0eEVSWiBDsBYbKsWwYXvoj" },
	{ "SECRET-PERPLEXITY-KEY", 0, "PPLX-xd7fmZLBwkP8wiNutoVpfB12Pd4wRnxPRlKiZXSiqsJSesZY" },
	{ "SECRET-PERPLEXITY-KEY", 0, "pplx#7Q1HsFYhI409EGnFdsC72PCMobax0szpUb8SPIEUubMKjGDs" },
	{ "SECRET-GROQ-KEY", 1, "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" },
	{ "SECRET-GROQ-KEY", 1, "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" },
	{ "SECRET-GROQ-KEY", 1, "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" },
	{ "SECRET-GROQ-KEY", 1, "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" },
	{ "SECRET-GROQ-KEY", 1, "API_KEY=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" },
	{ "SECRET-GROQ-KEY", 0, "gsk_hrzqCdN7sV06bcYSCQr63dwU31Bb0CxbVuQtMIadMuFFyeJGFz2" },
	{ "SECRET-GROQ-KEY", 0, "gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-GROQ-KEY", 0, "gsk_b2nuJkpeDDSFCZyyt9S17rrSMuqePCoHxLA69w1t8KYwzZVHvSedC" },
	{ "SECRET-GROQ-KEY", 0, "GSK_rZrCEWPnb2yKu7kRgayambZhp9l2UM2L5vw1HD7P1l5LB1pJDYaf" },
	{ "SECRET-GROQ-KEY", 0, "gsk#eyqtYZQH6xz6esGlMgOa75raeAcNLM8JIKl4RbkaeEEisBUjfbqp" },
	{ "SECRET-XAI-KEY", 1, "xai-2oQ07JQM70rhI1DAVJ2OtDVw7cSSCihSiWtL2uWWpRxVTpLfn3jAYNyxTCgOGQ4rM0X1gFWWK6dJNXWe" },
	{ "SECRET-XAI-KEY", 1, "xai-fG5GgUFBPlL9ekgLIMttzWENlTIVVqHjx1h3snMEKvdw7AuTfLJ4Tm2zr56c0KT8062yoSOr1rZUnnLi" },
	{ "SECRET-XAI-KEY", 1, "xai-fWyyGyMMDXJjU0xktEzgvVVOGdiYkQx44BM2K8LwCDXgj9rzR7MOYWJ7dHv109PFMo7l4S89BFjBBV_n" },
	{ "SECRET-XAI-KEY", 1, "xai-LjOhHX9LDWvpsQAGxidAu7SH3ti1ew144Vr8tCTnkt1b7bZ5aNgiewnpGEMNc5SP6YaIl6iHNogB0q1e" },
	{ "SECRET-XAI-KEY", 1, "API_KEY=xai-pVz4VG_YnjzhBf9o8PvW0i7bj5zHZmHLanUo2Gr5auWsICIzalQAPMXhCERCHBmM00DAhqHVVIvZgepq" },
	{ "SECRET-XAI-KEY", 0, "xai-443vsGpl37gWikFPHacQWvnJVjjARtJ4QZgWnUxRt0chE7Jd2omLTNRAGhZqAqU0k4PfPlUbJSHrSej" },
	{ "SECRET-XAI-KEY", 0, "xai-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-XAI-KEY", 0, "xai-1yvmNzniGTnru5LraCj9CFKbXLgJrGm1oGN6LV7t8VuULJ6ePgT6SNsOwm8jnEWsydA51WzjZBPE_Rt0S" },
	{ "SECRET-XAI-KEY", 0, "XAI-ZqiyzPYjjizwCDL1r8VCCbQSsrWSKkPPv8rbPPG6FPhv3PplAfbhIwiJfESvOa614q29ECd40JmkfddD" },
	{ "SECRET-XAI-KEY", 0, "xai#o4zC9BqCHNWFXMr7F8nJKw9aW0AmZPQZB0P17dfUGYEThfpjj7vV3u8YeExMutF7E9alRs3b9VcosFvD" },
	{ "SECRET-OPENROUTER-KEY", 1, "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" },
	{ "SECRET-OPENROUTER-KEY", 1, "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" },
	{ "SECRET-OPENROUTER-KEY", 1, "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" },
	{ "SECRET-OPENROUTER-KEY", 1, "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" },
	{ "SECRET-OPENROUTER-KEY", 1, "API_KEY=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" },
	{ "SECRET-OPENROUTER-KEY", 0, "sk-or-v1-82ee935badca36709d586236aa52da41370114a580adff632b3d48efdc0f871" },
	{ "SECRET-OPENROUTER-KEY", 0, "sk-or-v1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-OPENROUTER-KEY", 0, "sk-or-v1-9625994ccf8809f12196d4cb0c51d296343d7300bd5f6338a39965b2f42dfb621" },
	{ "SECRET-OPENROUTER-KEY", 0, "SK-OR-V1-ea812311cdc678398e3e4955ef1c835f735584accb55d3e6bd215bf6e6b4cad3" },
	{ "SECRET-OPENROUTER-KEY", 0, "sk-or-v1#4657828cde8bb292b5044b48090bb6a5109872ec26964bc7b8c91aa0dba39a47" },
	{ "SECRET-REPLICATE-TOKEN", 1, "r8_58zm9E56CdD_06mel7txMQgL7_XD6XWoLJN8q" },
	{ "SECRET-REPLICATE-TOKEN", 1, "r8_3jdYc5n7ec2DwvU-GVydt2MvOe2QSAiaQOmel" },
	{ "SECRET-REPLICATE-TOKEN", 1, "r8_nQboMeRWO5VzvnBgQaNmHLKbqII7jEWoJA-PM" },
	{ "SECRET-REPLICATE-TOKEN", 1, "r8_BPzr_GpG4KjpqbF5XdQpkcAlu31pbRxv70LZC" },
	{ "SECRET-REPLICATE-TOKEN", 1, "API_KEY=r8_0hargXYzp50StMrh49Cs64NMGZrX4K4W6Iqa0" },
	{ "SECRET-REPLICATE-TOKEN", 0, "r8_sDLu6XZcMclws9xVTFD35Vei9GCWPjVPwiJz" },
	{ "SECRET-REPLICATE-TOKEN", 0, "r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	{ "SECRET-REPLICATE-TOKEN", 0, "r8_WDLC8zYhmczfp_tqjAfDLW5rRXNwtsRMT2SUj8" },
	{ "SECRET-REPLICATE-TOKEN", 0, "R8_9kJKf28UHYm5qTTfxAp1QjBydR5ZFPrwfDeJb" },
	{ "SECRET-REPLICATE-TOKEN", 0, "r8#S7RfsgoYY6cANn07lE7qOJDkJOeTReVz6O7LC" },
	{ "SECRET-DEEPSEEK-KEY", 1, "DEEPSEEK_API_KEY=\"sk-d0wvfvqz93htyjkvwd5yqnqh1uksgy9d\"" },
	{ "SECRET-DEEPSEEK-KEY", 1, "deepseek api key: sk-maegtn3fba82p3clqvpec1lg3b75qqng" },
	{ "SECRET-DEEPSEEK-KEY", 1, "base_url=https://api.deepseek.com api_key=sk-s9cdlspxasrjxgrx29yawtlkgujs5vqy" },
	{ "SECRET-DEEPSEEK-KEY", 1, "DeepSeek\nsk-603t5upgd8ybhr5dhzc4phwznip0eklt" },
	{ "SECRET-DEEPSEEK-KEY", 1, "deepseek_key=sk-8inueal1x4kilhfpsk9segj6j1had61x" },
	{ "SECRET-DEEPSEEK-KEY", 0, "sk-d0wvfvqz93htyjkvwd5yqnqh1uksgy9d" },
	{ "SECRET-DEEPSEEK-KEY", 0, "deepseek key: sk-67s3yotrzmp4z8thlc05hjternj6v4p" },
	{ "SECRET-DEEPSEEK-KEY", 0, "deepseek key: sk-MFCPPUZPROSNMJYBVNYEHYAVIFHVZMWO" },
	{ "SECRET-DEEPSEEK-KEY", 0, "deepseek                                                  sk-maegtn3fba82p3clqvpec1lg3b75qqng" },
	{ "SECRET-DEEPSEEK-KEY", 0, "deepseek key: sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-SLACK-TOKEN", 1, "xoxb-02125036798-459306305002-PJqFMeC3PBuA5riqxNUquRIU" },
	{ "SECRET-SLACK-TOKEN", 1, "xoxb-5616217381-8105553145502-fBr2WYoV8vr6iLzWFnBOcfIQ" },
	{ "SECRET-SLACK-TOKEN", 1, "xoxp-47143459639-86276796465-41698661039-n7ej755bjrfphw0wr4iwlrcq910buj46" },
	{ "SECRET-SLACK-TOKEN", 1, "SLACK_BOT_TOKEN=xoxb-968061153617-943399704790-Ce2sWhfX6j31QFi5ZKuvNp55" },
	{ "SECRET-SLACK-TOKEN", 1, "xoxe-1216579154-9860309468-0024770080-unb4pan3lpj12zyl82d5kcxiw64ryu" },
	{ "SECRET-SLACK-TOKEN", 0, "xoxb-123-456" },
	{ "SECRET-SLACK-TOKEN", 0, "xoxb-381084115-972999593198-HimmfvAizypq68Ydk0WQCUkW" },
	{ "SECRET-SLACK-TOKEN", 0, "xoxq-63159618127-470690833595" },
	{ "SECRET-SLACK-TOKEN", 0, "xoxp-42023496309-i9s2aAiLUs1gxHV6Y01jT0vK0lXDXtZb" },
	{ "SECRET-SLACK-TOKEN", 0, "xoxb_53471383174-798837371157-x" },
	{ "SECRET-SLACK-WEBHOOK", 1, "https://hooks.slack.com/services/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" },
	{ "SECRET-SLACK-WEBHOOK", 1, "hooks.slack.com/services/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" },
	{ "SECRET-SLACK-WEBHOOK", 1, "https://hooks.slack.com/workflows/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" },
	{ "SECRET-SLACK-WEBHOOK", 1, "https://hooks.slack.com/triggers/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" },
	{ "SECRET-SLACK-WEBHOOK", 1, "curl -X POST https://hooks.slack.com/services/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" },
	{ "SECRET-SLACK-WEBHOOK", 0, "https://hooks.slack.com/services/T000/B000/xyz" },
	{ "SECRET-SLACK-WEBHOOK", 0, "https://hooks.slack.com/apps/LL4zCL9dehv0QXz0KTyLDOQa4inMiVckr9iWv3ySsukvhSUx" },
	{ "SECRET-SLACK-WEBHOOK", 0, "https://api.slack.com/services/j89NmGlEY1uyU3BI11tGmqQIDo8ZHyFFD7xyVwfKSh3UnVjP" },
	{ "SECRET-SLACK-WEBHOOK", 0, "https://hooks-slack.com/services/SLZBtOzP3eWnAIvK5Nm5vr6yqiOLTftN4qOHUAEpERnQfbYe" },
	{ "SECRET-SLACK-WEBHOOK", 0, "https://hooks.slack.com/services/" },
	{ "SECRET-STRIPE-KEY", 1, "sk_live_BSD6MRVTPnHwW2tRqu2eSY0r" },
	{ "SECRET-STRIPE-KEY", 1, "rk_live_T64SXhFZeXH16J1SfCfBDh1x" },
	{ "SECRET-STRIPE-KEY", 1, "sk_test_oAvBVzLlxjDVGYt3hTyo2ihP" },
	{ "SECRET-STRIPE-KEY", 1, "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" },
	{ "SECRET-STRIPE-KEY", 1, "STRIPE_SECRET_KEY=sk_prod_C9diJ1Mdk7XSL6ISpefbdMN8" },
	{ "SECRET-STRIPE-KEY", 0, "pk_live_udSZNeMj0NmJshUUbJCdQNIM" },
	{ "SECRET-STRIPE-KEY", 0, "sk_live_5HPTlU36d" },
	{ "SECRET-STRIPE-KEY", 0, "sk_demo_9qkgvZescO4Ux30ERNUA0sHK" },
	{ "SECRET-STRIPE-KEY", 0, "sk_live_aaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-STRIPE-KEY", 0, "sk-live-sljMyAfG8rggR34SVEPuCYZa" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 1, "client_secret=pjJ8Q~gDQCbKvCDKdVqg8jT2bCmwXWTKOutLAl39" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 1, "\"secret\": \"FZk7Q~krh8TKoEfVm625VkdIMIxuHPyca2Vub\"" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 1, "AZURE_CLIENT_SECRET=jIA2Q~CFQevUr3kKvwlBlz3WG4FqOc1Ia5iYsMd" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 1, "secret: zrD5Q~AB1DGyNzBPwnb8RMwfFbRRv4wABM26bT\n" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 1, "(kzH1Q~yNnw7CCkU1k9JcC7YSto4rZuQ4H29hssIk)" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 0, "client_secret=W6vQQ~9Fe0qo8qjVMGqXJhWaWeCvCVjm6pmrW9Yq" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 0, "client_secret=sCI8Q-FIqPpI0P3hkBvvBIalpopXdPODjIf0lDe3" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 0, "client_secret=KQi8Q~IfXnwWk0cO24FLd3aKhvieJZ3oELoJ" },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 0, "client_secret=afp8Q~ceCm8QcVzXrj5xHtiGNmAHakvjKkF4nbFYab " },
	{ "SECRET-AZURE-AD-CLIENT-SECRET", 0, "client_secret=abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-PRIVATE-KEY", 1, "-----BEGIN PRIVATE KEY-----\nb4VI5GpSaacrWUv+cyvHt4RUkb73BIS5lAphrrVz1VyytW1L/Tfi0afrK8H8oxfx\nXcW4EROXtS16SdifYpGEJj/bpk7viyDf57u9dUj53YFEaUop9xgdSeMN/Cerh4Ni\n/Paw/eOAn0zfOzKwMIKuQh83Nz0bQ3s+8Emjh4esuodNraxG1m4NKPssaIF7zcRZ\n-----END PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 1, "-----BEGIN RSA PRIVATE KEY-----\nX7wRGbDPQOAHRhO+F1FHhOEkn+B6Iap/vmSXPUg1Lf8SZD6PhqOdPZMrb2fqs5h3\ncSZtYUCr+D+011HZ4Yxv16c0ThPjlvqreH+kHUEQwJooBquRYGrgPYOgN7ApMNqr\nua+8VVdJXHuni01CicoRn264JBYZU/QYJH4QoJ9AbDJYoAobeKcHuqfzjSlW5p+N\n-----END RSA PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 1, "-----BEGIN EC PRIVATE KEY-----\ncDwIUDyLtGmlzb8F0mK/ZLMRdfx85F9t52J6yIGghr8Gp4BvYHI/AUeJumm6dSZp\ni6Hee3+UBvSgXGm+QYgy9jWgz0vlIwbSowSariQRyQ1Lk+EjNPYzSdqsCvQPVJkm\n-----END EC PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 1, "-----BEGIN OPENSSH PRIVATE KEY-----\nmhbl4Gx5J+e1nGAZL+dAzPOC4cVVVkk1sll3QrGB4CAjwHF8Oad74TkoGPZyzsDp\nyFdY1Opz5wv+wTF7eR/koOgU2ND0x5FKfbC9lII1RodMBcFrjKB9lHjhTG4rFrfU\nsil9j8TSTxQ2EUbi6F9qfHFarA/48RRTC5o1MXNzr7tvflpWUWWFnKA64UX7/cWo\n-----END OPENSSH PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 1, "-----BEGIN PGP PRIVATE KEY BLOCK-----\n/eBkYWLRYGtLCgdM1T6mlh2yJaJhqG/z37hAqEWTvdtYklVJ7GDElVZjL8rS7WuO\n603Y8Km7Oc8OWMPbq1du4CP8hG7/2F6CAU3+oTqBU52OVlJNfUaaiF6Umydw2VZj\nSeM58UiaNfjS+FfkB1vE4a88xd4Sj7kc20DzB9OccUlwvhtbfJ/4V6ikLxKOP9OX\n-----END PGP PRIVATE KEY BLOCK-----" },
	{ "SECRET-PRIVATE-KEY", 0, "-----BEGIN PUBLIC KEY-----\ntLg92XdQrLwPMNNzyMlQjFJGTw7aASOC+bYtC7dpDxoU80BwVmHiDkaJq6JPSACG\n/KcknxdTSokMi0/HVMx8AXl0jUHpu4NO8S8s6LQhcoXfhTv8fk6IpSOV7KI3ZTno\n3DdLH98P2jExDw2eNJzJ8YCf7C2GSTa3MzBoAFYkMalHQkAxMiP6UQUimSyaVisP\n-----END PUBLIC KEY-----" },
	{ "SECRET-PRIVATE-KEY", 0, "-----BEGIN CERTIFICATE-----\ne2g5gI2Z5dNhrmpauPtoLtd0N5h70bGYZTlB9tAeztIAe2a++5Y/8RWrZw9NzbZz\nG4sXuPmIMdX8frrxMooV2XiiG5TZPgSgi5v04TPkANcThuuDRWINjCyD1+q6Ct5Z\nXwNppey1ltJxx0ne5YfYaznOSxQ0yGXeB4ZDeRqidR3YsXcEva1mAZfsOjM1r4+A\n-----END CERTIFICATE-----" },
	{ "SECRET-PRIVATE-KEY", 0, "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 0, "-----BEGIN PRIVATE KEY-----\n<redacted> <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> <redacted> \n-----END PRIVATE KEY-----" },
	{ "SECRET-PRIVATE-KEY", 0, "-----BEGIN PRIVATE KEY-----\n52VhxTPuDz3gtPCLrwCdAKAzHPz1lxyxHAHvOdzw3bL8tci5UX+FXFPfMtiWyB8w" },
	{ "SECRET-JWT", 1, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LTAwMDEiLCJpYXQiOjE3MDAwMDAwMDB9.aBbnI_okuhTwqoS1_R44dJi7g-VZ9CD85mn09v3qtqu" },
	{ "SECRET-JWT", 1, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LTAwMDIiLCJuYW1lIjoiVGVzdCBHZWJydWlrZXIifQ.2TorHOTCmtOJm8HlQiUWhPfv97urZtvx6-o2E4vnl3l" },
	{ "SECRET-JWT", 1, "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMiLCJzY29wZSI6InJlYWQifQ.7Qnd6ZnicZ-7aegem0mpm8iCvktNxeVTvp0TbTwjqbe" },
	{ "SECRET-JWT", 1, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLm5sIiwiYXVkIjoiYXBwIn0.5bgQNwYuHeoe2UksahhAubbsb-u7hG8iRlQgTPMQ51_" },
	{ "SECRET-JWT", 1, "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwiZXhwIjoxOTAwMDAwMDAwfQ.58KOpgLPOYKTSXUn0eaFOV2Wv3SphNCfnoL8S671TDM " },
	{ "SECRET-JWT", 0, "eyJhbGciOi.eyJzdWIi.abc" },
	{ "SECRET-JWT", 0, "eyJ0eXAiOiJKV1QiLCJraWQiOiJhYmNkZWZnaGlqayJ9.eyJzdWIiOiJ0ZXN0LTAwMDEtYWFhYSJ9.LSViPUnV1W30aYd4P1ECaXTu8wCUtsNu-e9TXStbeZP" },
	{ "SECRET-JWT", 0, "eyJZtW7ENeOx1Zh8H5thYYrDFTgCxKNMJ.eyJXWMI3WUkgoCphmLfT2q9J5lgGKtc2m.r3iqPJFes47tDKkslDb1TNqsiAfpiIxohLaPqZkhMbt" },
	{ "SECRET-JWT", 0, "eyJhbGciOiJIUzI1NiJ9" },
	{ "SECRET-JWT", 0, "ayJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0LTAwMDEifQ.isYo0duf5GbwTwFM0Hno5J32H3VwWF1PdAh8J57saVE" },
	{ "SECRET-NPM-TOKEN", 1, "npm_5yXr5f1YEO153xcxTL7zvW2w6Ql3bilS8Wdz" },
	{ "SECRET-NPM-TOKEN", 1, "npm_rgSTJWO9BlTEg7DVzab12HXr6J25OMrEpHSi" },
	{ "SECRET-NPM-TOKEN", 1, "npm_094styw2w3YLeCMDkIXMVHOsoVfdOl4dBSX3" },
	{ "SECRET-NPM-TOKEN", 1, "npm_a72HPKfF1tYcuplbT3oFEwUhSwleXRhME9SE" },
	{ "SECRET-NPM-TOKEN", 1, "//registry.npmjs.org/:_authToken=npm_0movWP22yWdpIoAwygWvKYNTftn5OMSt3kYH" },
	{ "SECRET-NPM-TOKEN", 0, "npm_config_registry" },
	{ "SECRET-NPM-TOKEN", 0, "npm_ikUamC5wKm4iyhgJxJtQYesYmhVQwf1zO6c" },
	{ "SECRET-NPM-TOKEN", 0, "npm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "SECRET-NPM-TOKEN", 0, "npm-RTFx4wkqIAgC55wypEcGFc4VEN9XROonqHoA" },
	{ "SECRET-NPM-TOKEN", 0, "npm_6YReiXpxbLb5zggQg0jLUAUdHRIi2pEprllc0" },
	{ "SECRET-GENERIC-ASSIGNMENT", 1, "API_KEY=8ViQXWKnTUk8mm9SyLnQ" },
	{ "SECRET-GENERIC-ASSIGNMENT", 1, "\"client_secret\": \"FMg7XobGxQT4YdmTebTQ\"" },
	{ "SECRET-GENERIC-ASSIGNMENT", 1, "wachtwoord: ZzCYXN89GyEJe7qoGYGF" },
	{ "SECRET-GENERIC-ASSIGNMENT", 1, "auth_token = 'eGK1tQyd1kWtD48cf7bQ'" },
	{ "SECRET-GENERIC-ASSIGNMENT", 1, "db.password=O0occrgVQFeVf7blRoef" },
	{ "SECRET-GENERIC-ASSIGNMENT", 0, "password = \"password\"" },
	{ "SECRET-GENERIC-ASSIGNMENT", 0, "api_key = ${API_KEY}" },
	{ "SECRET-GENERIC-ASSIGNMENT", 0, "token: xxxxxxxxxxxxxxxx" },
	{ "SECRET-GENERIC-ASSIGNMENT", 0, "secret_name = \"database-credentials\"" },
	{ "SECRET-GENERIC-ASSIGNMENT", 0, "key = \"aaaaaaaaaaaaaaaa\"" },
	{ "SECRET-URL-CREDENTIALS", 1, "postgres://app_user:W6mkWt7DX3@db.example.internal:5432/zaken" },
	{ "SECRET-URL-CREDENTIALS", 1, "https://svc:48XIYbgN9A@api.example.nl/v1" },
	{ "SECRET-URL-CREDENTIALS", 1, "mongodb+srv://admin:ivYw7XOrlY@cluster0.example.net/test" },
	{ "SECRET-URL-CREDENTIALS", 1, "amqp://worker:ZaERWw5MlZ@mq.example.org:5672" },
	{ "SECRET-URL-CREDENTIALS", 1, "redis://default:kYincYAShPDz@cache.example.org:6379/0" },
	{ "SECRET-URL-CREDENTIALS", 0, "https://user@example.com/path" },
	{ "SECRET-URL-CREDENTIALS", 0, "postgres://user:${DB_PASSWORD}@db/app" },
	{ "SECRET-URL-CREDENTIALS", 0, "https://example.com:8443/path" },
	{ "SECRET-URL-CREDENTIALS", 0, "http://user:password@host/" },
	{ "SECRET-URL-CREDENTIALS", 0, "ftp://anon:****@ftp.example.com" },
	{ "NL-RUBRICERING-STG", 1, "Stg. ZEER GEHEIM" },
	{ "NL-RUBRICERING-STG", 1, "Stg. GEHEIM" },
	{ "NL-RUBRICERING-STG", 1, "Stg. CONFIDENTIEEL" },
	{ "NL-RUBRICERING-STG", 1, "STAATSGEHEIM - GEHEIM" },
	{ "NL-RUBRICERING-STG", 1, "stg confidentieel" },
	{ "NL-RUBRICERING-STG", 0, "Staatsgeheimen worden beschermd" },
	{ "NL-RUBRICERING-STG", 0, "Stg. Geheimhouding" },
	{ "NL-RUBRICERING-STG", 0, "geheim" },
	{ "NL-RUBRICERING-STG", 0, "Stichting Zeer Geheim" },
	{ "NL-RUBRICERING-STG", 0, "Stg. VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 1, "Dep. VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 1, "Departementaal VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 1, "DEP.VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 1, "dep. vertrouwelijk" },
	{ "NL-RUBRICERING-DEPV", 1, "Rubricering: Dep. VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 0, "vertrouwelijk" },
	{ "NL-RUBRICERING-DEPV", 0, "Departementale vertrouwelijkheid" },
	{ "NL-RUBRICERING-DEPV", 0, "dep vertrouwelijke stukken" },
	{ "NL-RUBRICERING-DEPV", 0, "Dept VERTROUWELIJK" },
	{ "NL-RUBRICERING-DEPV", 0, "Stg. CONFIDENTIEEL" },
	{ "EU-CLASSIFIED", 1, "RESTREINT UE/EU RESTRICTED" },
	{ "EU-CLASSIFIED", 1, "CONFIDENTIEL UE/EU CONFIDENTIAL" },
	{ "EU-CLASSIFIED", 1, "SECRET UE/EU SECRET" },
	{ "EU-CLASSIFIED", 1, "TR\xc3""\x88""S SECRET UE/EU TOP SECRET" },
	{ "EU-CLASSIFIED", 1, "Tres Secret UE / EU Top Secret" },
	{ "EU-CLASSIFIED", 0, "RESTREINT UE/EU SECRET" },
	{ "EU-CLASSIFIED", 0, "EU RESTRICTED" },
	{ "EU-CLASSIFIED", 0, "SECRET UE" },
	{ "EU-CLASSIFIED", 0, "RESTREINT UE/EU RESTRICTEDNESS" },
	{ "EU-CLASSIFIED", 0, "LIMITE" },
	{ "NATO-CLASSIFIED", 1, "NATO RESTRICTED" },
	{ "NATO-CLASSIFIED", 1, "NATO CONFIDENTIAL" },
	{ "NATO-CLASSIFIED", 1, "NATO SECRET" },
	{ "NATO-CLASSIFIED", 1, "COSMIC TOP SECRET" },
	{ "NATO-CLASSIFIED", 1, "Classification: NATO SECRET" },
	{ "NATO-CLASSIFIED", 0, "NATO UNCLASSIFIED" },
	{ "NATO-CLASSIFIED", 0, "Nato secret" },
	{ "NATO-CLASSIFIED", 0, "NATO SECRETARIAT" },
	{ "NATO-CLASSIFIED", 0, "COSMIC SECRET" },
	{ "NATO-CLASSIFIED", 0, "NATO-RESTRICTED" },
	{ "TLP-MARKING", 1, "TLP:RED" },
	{ "TLP-MARKING", 1, "TLP:AMBER+STRICT" },
	{ "TLP-MARKING", 1, "TLP:AMBER" },
	{ "TLP-MARKING", 0, "TLP:GREEN" },	/* info level: never reported */
	{ "TLP-MARKING", 0, "TLP: CLEAR" },	/* info level */
	{ "TLP-MARKING", 0, "tlp:red" },
	{ "TLP-MARKING", 0, "TLP:BLUE" },
	{ "TLP-MARKING", 0, "TLP RED" },
	{ "TLP-MARKING", 0, "TLP:REDACTED" },
	{ "TLP-MARKING", 0, "TLP:AMBER+" },
	{ "NL-VERTROUWELIJK-BANNER", 1, "VERTROUWELIJK" },
	{ "NL-VERTROUWELIJK-BANNER", 1, "Strikt vertrouwelijk" },
	{ "NL-VERTROUWELIJK-BANNER", 1, "INTERN GEBRUIK" },
	{ "NL-VERTROUWELIJK-BANNER", 1, "Niet openbaar: concept" },
	{ "NL-VERTROUWELIJK-BANNER", 1, "intro\nALLEEN VOOR INTERN GEBRUIK\nbody" },
	{ "NL-VERTROUWELIJK-BANNER", 0, "Deze informatie is vertrouwelijk." },
	{ "NL-VERTROUWELIJK-BANNER", 0, "vertrouwelijkheid" },
	{ "NL-VERTROUWELIJK-BANNER", 0, "VERTROUWELIJKE GEGEVENS" },
	{ "NL-VERTROUWELIJK-BANNER", 0, "intern gebruikte term" },
	{ "NL-VERTROUWELIJK-BANNER", 0, "OPENBAAR" },
	{ "GDPR-HEALTH", 1, "Diagnose: depressie, medicatie aangepast. BSN 999900602" },
	{ "GDPR-HEALTH", 1, "Werknemer is zwanger en heeft ziekteverzuim gemeld. BSN 999900602" },
	{ "GDPR-HEALTH", 1, "Zie het medisch dossier van de cli\xc3""\xab""nt. BSN 999900602" },
	{ "GDPR-HEALTH", 1, "Employee on sick leave since March (burn-out). BSN 999900602" },
	{ "GDPR-HEALTH", 1, "Advies van de bedrijfsarts over re-integratie. BSN 999900602" },
	{ "GDPR-HEALTH", 0, "We testen een nieuwe diagnosetool. BSN 999900602" },
	{ "GDPR-HEALTH", 0, "Kwartaalcijfers omzet en winst. BSN 999900602" },
	{ "GDPR-HEALTH", 0, "De zwangere cijfers waren een grap BSN 999900602" },
	{ "GDPR-HEALTH", 0, "Medicatiebeleid voor de kantine BSN 999900602" },
	{ "GDPR-HEALTH", 0, "Het dossier is gesloten. BSN 999900602" },
	{ "GDPR-ETHNIC", 1, "Registratie van etniciteit per cli\xc3""\xab""nt. BSN 999900602" },
	{ "GDPR-ETHNIC", 1, "Kolom 'migratieachtergrond' toevoegen. BSN 999900602" },
	{ "GDPR-ETHNIC", 1, "Analyse op etnische afkomst van aanvragers. BSN 999900602" },
	{ "GDPR-ETHNIC", 1, "Please classify applicants by ethnicity. BSN 999900602" },
	{ "GDPR-ETHNIC", 1, "racial origin of the suspect BSN 999900602" },
	{ "GDPR-ETHNIC", 0, "De etnografische studie BSN 999900602" },
	{ "GDPR-ETHNIC", 0, "huidverzorging en kleurstoffen BSN 999900602" },
	{ "GDPR-ETHNIC", 0, "achtergrondinformatie bij het besluit BSN 999900602" },
	{ "GDPR-ETHNIC", 0, "ethnic food festival BSN 999900602" },
	{ "GDPR-ETHNIC", 0, "Migratie van servers naar de cloud BSN 999900602" },
	{ "GDPR-POLITICAL", 1, "Noteer de politieke voorkeur van de melder. BSN 999900602" },
	{ "GDPR-POLITICAL", 1, "Zijn partijlidmaatschap is bekend. BSN 999900602" },
	{ "GDPR-POLITICAL", 1, "Analyse van stemgedrag per wijk. BSN 999900602" },
	{ "GDPR-POLITICAL", 1, "political affiliation of the employee BSN 999900602" },
	{ "GDPR-POLITICAL", 1, "party membership list BSN 999900602" },
	{ "GDPR-POLITICAL", 0, "Politieke partijen debatteren morgen. BSN 999900602" },
	{ "GDPR-POLITICAL", 0, "De stemming in de raad BSN 999900602" },
	{ "GDPR-POLITICAL", 0, "voorkeursrecht van de gemeente BSN 999900602" },
	{ "GDPR-POLITICAL", 0, "political science course BSN 999900602" },
	{ "GDPR-POLITICAL", 0, "membership fee BSN 999900602" },
	{ "GDPR-RELIGION", 1, "Cli\xc3""\xab""nt is moslim en vraagt halal maaltijden. BSN 999900602" },
	{ "GDPR-RELIGION", 1, "Veld geloofsovertuiging in het formulier. BSN 999900602" },
	{ "GDPR-RELIGION", 1, "Registratie kerklidmaatschap. BSN 999900602" },
	{ "GDPR-RELIGION", 1, "The applicant's religion is listed. BSN 999900602" },
	{ "GDPR-RELIGION", 1, "He is Jewish and requests leave. BSN 999900602" },
	{ "GDPR-RELIGION", 0, "Christensen & Zn. leveren hout BSN 999900602" },
	{ "GDPR-RELIGION", 0, "de kerk aan het plein is gerestaureerd BSN 999900602" },
	{ "GDPR-RELIGION", 0, "religieuze architectuur uit de 17e eeuw BSN 999900602" },
	{ "GDPR-RELIGION", 0, "joodsbruin is een kleur BSN 999900602" },
	{ "GDPR-RELIGION", 0, "christmas party BSN 999900602" },
	{ "GDPR-TRADE-UNION", 1, "Medewerker is vakbondslid. BSN 999900602" },
	{ "GDPR-TRADE-UNION", 1, "Overzicht vakbondslidmaatschap per afdeling. BSN 999900602" },
	{ "GDPR-TRADE-UNION", 1, "Zij is FNV-lid sinds 2019. BSN 999900602" },
	{ "GDPR-TRADE-UNION", 1, "List of union member employees BSN 999900602" },
	{ "GDPR-TRADE-UNION", 1, "trade union membership status BSN 999900602" },
	{ "GDPR-TRADE-UNION", 0, "De vakbonden onderhandelen over de cao. BSN 999900602" },
	{ "GDPR-TRADE-UNION", 0, "vakbondswerk in de jaren 80 BSN 999900602" },
	{ "GDPR-TRADE-UNION", 0, "FNV organiseert een staking BSN 999900602" },
	{ "GDPR-TRADE-UNION", 0, "union of sets in mathematics BSN 999900602" },
	{ "GDPR-TRADE-UNION", 0, "European Union membership BSN 999900602" },
	{ "GDPR-GENETIC", 1, "Uitslag DNA-onderzoek bijgevoegd. BSN 999900602" },
	{ "GDPR-GENETIC", 1, "Erfelijkheidsonderzoek aangevraagd voor pati\xc3""\xab""nt. BSN 999900602" },
	{ "GDPR-GENETIC", 1, "Het DNA-profiel staat in de databank. BSN 999900602" },
	{ "GDPR-GENETIC", 1, "genetic test results for the family BSN 999900602" },
	{ "GDPR-GENETIC", 1, "whole genome sequencing report BSN 999900602" },
	{ "GDPR-GENETIC", 0, "genetische algoritmen voor planning BSN 999900602" },
	{ "GDPR-GENETIC", 0, "het DNA van onze organisatie BSN 999900602" },
	{ "GDPR-GENETIC", 0, "genoombrede discussie BSN 999900602" },
	{ "GDPR-GENETIC", 0, "genetic algorithm BSN 999900602" },
	{ "GDPR-GENETIC", 0, "DNS-profiel van de server BSN 999900602" },
	{ "GDPR-BIOMETRIC", 1, "Vingerafdrukken opgenomen bij de aanvraag. BSN 999900602" },
	{ "GDPR-BIOMETRIC", 1, "Gezichtsherkenning op camerabeelden. BSN 999900602" },
	{ "GDPR-BIOMETRIC", 1, "Opslag van biometrische gegevens. BSN 999900602" },
	{ "GDPR-BIOMETRIC", 1, "fingerprint template of the user BSN 999900602" },
	{ "GDPR-BIOMETRIC", 1, "facial recognition match score BSN 999900602" },
	{ "GDPR-BIOMETRIC", 0, "De vingerafdrukscanner is defect BSN 999900602" },
	{ "GDPR-BIOMETRIC", 0, "een afdruk van het document BSN 999900602" },
	{ "GDPR-BIOMETRIC", 0, "gezicht op de stad BSN 999900602" },
	{ "GDPR-BIOMETRIC", 0, "browser fingerprinting library BSN 999900602" },
	{ "GDPR-BIOMETRIC", 0, "irissen in de tuin BSN 999900602" },
	{ "GDPR-SEXUAL", 1, "Melder is homoseksueel en vreest discriminatie. BSN 999900602" },
	{ "GDPR-SEXUAL", 1, "Registratie seksuele geaardheid niet toegestaan. BSN 999900602" },
	{ "GDPR-SEXUAL", 1, "Cli\xc3""\xab""nt is transgender. BSN 999900602" },
	{ "GDPR-SEXUAL", 1, "sexual orientation of the applicant BSN 999900602" },
	{ "GDPR-SEXUAL", 1, "She is bisexual. BSN 999900602" },
	{ "GDPR-SEXUAL", 0, "seksuele voorlichting op school BSN 999900602" },
	{ "GDPR-SEXUAL", 0, "geaardheid van de kabel (aarding) BSN 999900602" },
	{ "GDPR-SEXUAL", 0, "ori\xc3""\xab""ntatie van het gebouw BSN 999900602" },
	{ "GDPR-SEXUAL", 0, "transgenerational study BSN 999900602" },
	{ "GDPR-SEXUAL", 0, "homogeneous mixture BSN 999900602" },
	{ "GDPR-CRIMINAL", 1, "Betrokkene heeft een strafblad. BSN 999900602" },
	{ "GDPR-CRIMINAL", 1, "Proces-verbaal opgemaakt tegen de verdachte. BSN 999900602" },
	{ "GDPR-CRIMINAL", 1, "Hij is veroordeeld tot een taakstraf. BSN 999900602" },
	{ "GDPR-CRIMINAL", 1, "applicant has a criminal record BSN 999900602" },
	{ "GDPR-CRIMINAL", 1, "arrested on 3 May for fraud BSN 999900602" },
	{ "GDPR-CRIMINAL", 0, "Strafbare feiten in de wet (algemeen) BSN 999900602" },
	{ "GDPR-CRIMINAL", 0, "het blad van de strafkamer BSN 999900602" },
	{ "GDPR-CRIMINAL", 0, "processen verbeteren BSN 999900602" },
	{ "GDPR-CRIMINAL", 0, "criminal law course syllabus BSN 999900602" },
	{ "GDPR-CRIMINAL", 0, "arrest warrant template BSN 999900602" },
};

static int
run_vectors(const struct vec *v, size_t nv)
{
	struct hits h;
	size_t i;
	int bad = 0;

	for (i = 0; i < nv; i++) {
		const struct hit *x;

		scan_str(v[i].text, &h);
		x = find_det(&h, v[i].det);
		if ((x != NULL) != v[i].valid) {
			fprintf(stderr, "  vector %zu %s %s: \"%s\" -> %d findings%s%s\n",
			    i, v[i].det, v[i].valid ? "valid" : "invalid", v[i].text,
			    h.n, h.n ? ", first " : "", h.n ? h.h[0].det : "");
			bad++;
		}
		if (x != NULL && (x->conf != 65 && x->conf != 75 && x->conf != 85))
			bad++;
	}
	return bad;
}

TEST(test_vectors)
{
	ASSERT_EQ(run_vectors(vectors, sizeof(vectors) / sizeof(vectors[0])), 0);
}

TEST(test_load)
{
	ASSERT(E != NULL);
	ASSERT(dlp_engine_ndetectors(E) >= 40);
	ASSERT(sizeof(struct dlp_stream) <= 512);
	ASSERT_STR(dlp_class_name(DLP_C_BSN), "bsn");
	ASSERT_STR(dlp_class_name(DLP_C_SPECIAL_CATEGORY), "special_category");
	ASSERT_EQ(dlp_class_lookup("credit_card"), DLP_C_CREDIT_CARD);
	ASSERT_EQ(dlp_class_lookup("nope"), -1);
}

/* Things that must not fire at all. */
static const char *const traps[] = {
	"Bel me op 06-12345678 of +31 6 1234 5678.",
	"Ordernummer 123456789 is verzonden.",		/* fails the 11-check */
	"Zaaknummer 2024-0012345 en factuur 20240131.",
	"Het bedrag is 999.993.653,00 euro.",
	"IBAN NL67TEST7008139766 (check digits altered)",
	"kaart 4242424242424241 verlopen",
	"-----BEGIN PUBLIC KEY-----\ntLg92XdQrLwPMNNzyMlQjFJGTw7aASOC+bYtC7dpDxoU80BwVmHiDkaJq6JPSACG\n"
	    "/KcknxdTSokMi0/HVMx8AXl0jUHpu4NO8S8s6LQhcoXfhTv8fk6IpSOV7KI3ZTno\n-----END PUBLIC KEY-----\n",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHxR3QvYwJpLxVq9mSx0Yd7a user@host",
	"export OPENAI_API_KEY=sk-...",
	"Authorization: Bearer <your-api-key>",
	"api_key: xxxxxxxxxxxxxxxxxxxx",
	"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
	"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"token = ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"Dit blijft geheim tussen ons, zei ze.",
	"Het is geen geheim dat de Stichting Zeer Geheim bestaat.",
	"The NATO secret services met today; tlp:red was lower case.",
	"In Python you write a function with def and return a value; a for loop "
	    "iterates over a list.  Braces {} are used in C, and each statement "
	    "ends with a semicolon.  Use if (x) to branch.  That is all there is "
	    "to it, really.  Programming is fun and the keyword class defines a "
	    "type.\nSee the manual for more.\nAnother line of prose here.\n"
	    "And a fourth line.\nFifth line of prose.\nSixth.\nSeventh line.\n"
	    "Eighth line of text.\nNinth line.\n",
	"We testen een nieuwe diagnosetool; het dossier is gesloten.",
};

TEST(test_traps)
{
	struct hits h;
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(traps) / sizeof(traps[0]); i++) {
		scan_str(traps[i], &h);
		if (h.n != 0) {
			fprintf(stderr, "  trap %zu fired %s (%s)\n", i, h.h[0].det,
			    h.h[0].ev);
			bad++;
		}
	}
	ASSERT_EQ(bad, 0);
}

TEST(test_bsn_confidence)
{
	struct hits h;

	scan_str("BSN: 999964070.", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].cls, "bsn");
	ASSERT_EQ(h.h[0].conf, 85);
	ASSERT_STR(h.h[0].ev, "BSN: *******70.");
	ASSERT_EQ(h.h[0].off, 5);
	scan_str("nummer 9999.73.964 staat", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.h[0].conf, 75);
	scan_str("getal 999900602 staat", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.h[0].conf, 65);
	scan_str("RSIN 999980221", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].cls, "rsin");
	ASSERT_EQ(h.h[0].conf, 85);
	scan_str("BSN 99990003 (8 digits, keyword)", &h);
	ASSERT_EQ(h.n, 1);
	scan_str("nummer 99990003 zonder keyword", &h);
	ASSERT_EQ(h.n, 0);
}

TEST(test_classes_and_confidence)
{
	struct hits h;
	const struct hit *x;

	scan_str("Stg. GEHEIM", &h);
	ASSERT((x = find_det(&h, "NL-RUBRICERING-STG")) != NULL);
	ASSERT_EQ(x->conf, 85);
	ASSERT_STR(x->cls, "classification");
	scan_str("stg confidentieel", &h);
	ASSERT((x = find_det(&h, "NL-RUBRICERING-STG")) != NULL);
	ASSERT_EQ(x->conf, 75);
	scan_str("TLP:AMBER", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_EQ(h.h[0].conf, 75);
	scan_str("TLP:AMBER+STRICT", &h);
	ASSERT_EQ(h.h[0].conf, 85);
	scan_str("TLP:GREEN", &h);
	ASSERT_EQ(h.n, 0);
	scan_str("card 4000 0566 5566 5556 exp 12/29", &h);
	ASSERT((x = find_det(&h, "CREDIT-CARD")) != NULL);
	ASSERT_EQ(x->conf, 85);
	ASSERT_STR(x->ev, "card ************5556 exp ##/");
	scan_str("4242424242424242", &h);
	ASSERT_EQ(h.h[0].conf, 65);
	scan_str("sk_test_oAvBVzLlxjDVGYt3hTyo2ihP", &h);
	ASSERT_EQ(h.h[0].conf, 65);
	scan_str("NL09 XXXX 8229 5213 81 ten name van X", &h);
	ASSERT((x = find_det(&h, "IBAN")) != NULL);
	ASSERT_EQ(x->len, 22);
	ASSERT_STR(x->ev, "**************1381 ten nam");
	scan_str("BE72 9835 1958 4487 voor de huur", &h);
	ASSERT(find_det(&h, "IBAN") != NULL);
	scan_str("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", &h);
	ASSERT_EQ(h.h[0].conf, 85);
	scan_str("ghp_GTmCU8xf4JJhgzAUpsSK8WWtozXkL62IJdfS", &h);
	ASSERT_EQ(h.h[0].conf, 75);		/* checksum fails: lowered */
	scan_str("paspoortnummer XR1001R58 afgegeven 26 MAA/MAR 2012", &h);
	ASSERT((x = find_det(&h, "NL-PASPOORT")) != NULL);
	ASSERT_EQ(x->conf, 85);
	scan_str("identiteitskaart XR1001R58", &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].cls, "id_card");
	scan_str("los nummer XR1001R58", &h);
	ASSERT_EQ(h.n, 0);
}

TEST(test_special_category)
{
	struct hits h;
	const struct hit *x;

	scan_str("Patient met BSN 999900602, diagnose: depressie.", &h);
	ASSERT(find_det(&h, "NL-BSN") != NULL);
	ASSERT((x = find_det(&h, "GDPR-HEALTH")) != NULL);
	ASSERT_EQ(x->conf, 75);
	ASSERT_STR(x->cls, "special_category");
	ASSERT_STR(x->ev, "diagnose near bsn");
	scan_str("Diagnose: depressie, medicatie aangepast.", &h);
	ASSERT_EQ(h.n, 0);			/* no personal data nearby */
}

TEST(test_private_key)
{
	static const char pem[] = "key follows\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
	    "mhbl4Gx5J+e1nGAZL+dAzPOC4cVVVkk1sll3QrGB4CAjwHF8Oad74TkoGPZyzsDp\n"
	    "yFdY1Opz5wv+wTF7eR/koOgU2ND0x5FKfbC9lII1RodMBcFrjKB9lHjhTG4rFrfU\n"
	    "sil9j8TSTxQ2EUbi6F9qfHFarA/48RRTC5o1MXNzr7tvflpWUWWFnKA64UX7/cWo\n"
	    "-----END OPENSSH PRIVATE KEY-----\ntrailer\n";
	char big[8192];
	struct hits h;
	size_t n = 0;
	int i;

	scan_str(pem, &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].cls, "private_key");
	ASSERT_STR(h.h[0].ev, "-----BEGIN OPENSSH PRIVATE KEY----- [192 base64 chars]");
	ASSERT_EQ(h.h[0].off, 12);
	scan_pieces(pem, strlen(pem), 7, &h);
	ASSERT_EQ(h.n, 1);
	/* A 4 KiB body: longer than any window, found by the state machine. */
	n += (size_t)snprintf(big, sizeof(big), "-----BEGIN RSA PRIVATE KEY-----\n");
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%.64s\n",
		    "MIIEowIBAAKCAQEAx7Qz9Lm3Vt0pYk1RbW2sN8fGhJkLmNoPqRsTuVwXyZaBcDeF");
	n += (size_t)snprintf(big + n, sizeof(big) - n, "-----END RSA PRIVATE KEY-----\n");
	scan_pieces(big, n, 1000, &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].ev, "-----BEGIN RSA PRIVATE KEY----- [4096 base64 chars]");
}

TEST(test_source_code)
{
	static const char code[] =
	    "#include <stdio.h>\n\nstatic int\nadd(int a, int b)\n{\n"
	    "\treturn a + b;\n}\n\nint\nmain(void)\n{\n\tint i, s = 0;\n\n"
	    "\tfor (i = 0; i < 10; i++) {\n\t\ts = add(s, i);\n"
	    "\t\tif (s > 20)\n\t\t\tbreak;\n\t}\n\tprintf(\"%d\\n\", s);\n"
	    "\treturn 0;\n}\n\nstatic void\nusage(void)\n{\n"
	    "\tfprintf(stderr, \"usage: add\\n\");\n\texit(1);\n}\n";
	struct hits h;

	scan_str(code, &h);
	ASSERT_EQ(h.n, 1);
	ASSERT_STR(h.h[0].cls, "source_code");
	ASSERT_STR(h.h[0].det, "SOURCE-CODE");
	scan_pieces(code, strlen(code), 7, &h);
	ASSERT_EQ(h.n, 1);
	scan_str("int x = 1;\n", &h);		/* under the size floor */
	ASSERT_EQ(h.n, 0);
}

static const char mixed[] =
    "Beste collega, hierbij de gegevens. BSN: 999964070. Rekening "
    "NL66TEST7008139766 t.n.v. J. Jansen, creditcard 5555-5555-5555-4444 "
    "geldig tot 12/29.\nconfig:\n  OPENAI_API_KEY=\"sk-proj-wTV6Psk7-Vmwpjel339hTTfcVJ"
    "Dd_uLEgcz6iizSf-Vkz3290apEMY7pp2SHFFh9Dc490Lq_d-T3BlbkFJ8xMqLuqdxmhifAhp1HSOmIh"
    "BVrVORZeBthh2jR76METw4u0NqCRiizk5SlAPTiPRVhlg830VQ0\"\n"
    "aws_secret_access_key = LnjZn1L64dWVyxHwrwClOVfnzIKfuHeD1m9/Ew9U\n"
    "Rubricering: Dep. VERTROUWELIJK -- TLP:RED\nEinde.\n";

/* The same findings whether the text arrives whole, split at any byte, or
 * in 7-byte pieces; each exactly once. */
TEST(test_streaming_split)
{
	struct dlp_stream st;
	struct hits whole, h;
	size_t len = strlen(mixed), cut;
	int i;

	scan_str(mixed, &whole);
	ASSERT_EQ(whole.n, 7);
	for (cut = 1; cut < len; cut++) {
		memset(&h, 0, sizeof(h));
		dlp_stream_init(&st);
		dlp_scan(E, &st, mixed, cut, collect, &h);
		dlp_scan(E, &st, mixed + cut, len - cut, collect, &h);
		dlp_stream_end(E, &st, collect, &h);
		if (h.n != whole.n)
			fprintf(stderr, "  cut at %zu: %d findings\n", cut, h.n);
		ASSERT_EQ(h.n, whole.n);
		for (i = 0; i < h.n; i++)
			ASSERT(find_det(&whole, h.h[i].det) != NULL);
	}
	scan_pieces(mixed, len, 7, &h);
	ASSERT_EQ(h.n, whole.n);
	for (i = 0; i < h.n; i++) {
		const struct hit *w = find_det(&whole, h.h[i].det);

		ASSERT(w != NULL);
		ASSERT_EQ(w->off, h.h[i].off);
		ASSERT_EQ(memcmp(w->fp, h.h[i].fp, DLP_FP_LEN), 0);
	}
	scan_pieces(mixed, len, 1, &h);
	ASSERT_EQ(h.n, whole.n);
}

/* A value at the end of a 300 KB body is found (default budget 1 MiB);
 * with a small budget, scanning stops and says so. */
TEST(test_budget)
{
	static char body[300 * 1024];
	struct dlp_stream st;
	struct hits h;
	int rc;

	memset(body, 'a', sizeof(body));
	memcpy(body + sizeof(body) - 20, " BSN 999964070 end.", 19);
	scan_pieces(body, sizeof(body), 1460, &h);
	ASSERT_EQ(h.n, 1);
	memset(&h, 0, sizeof(h));
	dlp_stream_init(&st);
	dlp_stream_set_budget(&st, 64 * 1024);
	rc = dlp_scan(E, &st, body, sizeof(body), collect, &h);
	ASSERT_EQ(rc, DLP_TRUNCATED);
	ASSERT_EQ(dlp_scan(E, &st, "BSN 999964070 ", 14, collect, &h), DLP_TRUNCATED);
	ASSERT_EQ(dlp_stream_end(E, &st, collect, &h), DLP_TRUNCATED);
	ASSERT_EQ(h.n, 0);
	ASSERT(st.flags & DLP_ST_TRUNCATED);
}

TEST(test_dedupe)
{
	struct hits h;

	scan_str("BSN 999964070, nogmaals BSN 999964070 en BSN 999.988.694", &h);
	ASSERT_EQ(h.n, 2);
	ASSERT(memcmp(h.h[0].fp, h.h[1].fp, DLP_FP_LEN) != 0);
}

TEST(test_fingerprint_keyed)
{
	struct dlp_opts o;
	struct dlp_engine *e2 = NULL;
	struct dlp_stream st;
	struct hits a, b;
	uint8_t key2[32];

	scan_str("BSN 999964070", &a);
	scan_str("bsn: 9999.64.070", &b);	/* same normalised value */
	ASSERT_EQ(a.n, 1);
	ASSERT_EQ(b.n, 1);
	ASSERT_EQ(memcmp(a.h[0].fp, b.h[0].fp, DLP_FP_LEN), 0);
	memset(key2, 7, sizeof(key2));
	memset(&o, 0, sizeof(o));
	o.fp_key = key2;
	o.fp_keylen = sizeof(key2);
	ASSERT_EQ(dlp_engine_load(RULES, &o, &e2), 0);
	memset(&b, 0, sizeof(b));
	dlp_stream_init(&st);
	dlp_scan(e2, &st, "BSN 999964070", 13, collect, &b);
	dlp_stream_end(e2, &st, collect, &b);
	dlp_engine_free(e2);
	ASSERT_EQ(b.n, 1);
	ASSERT(memcmp(a.h[0].fp, b.h[0].fp, DLP_FP_LEN) != 0);
}

/* No evidence string of any valid vector contains its value. */
TEST(test_evidence_masked)
{
	static const char *const values[] = { "999964070", "NL66TEST7008139766",
	    "5555555555554444", "LnjZn1L64dWVyxHwrwClOVfnzIKfuHeD1m9/Ew9U",
	    "T3BlbkFJ8xMqLuqdxmhifAhp1HSOmIh", "8229521381" };
	struct hits h;
	size_t i;
	int k;

	scan_str(mixed, &h);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		ASSERT(!leaks(&h, values[i]));
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		if (!vectors[i].valid)
			continue;
		scan_str(vectors[i].text, &h);
		for (k = 0; k < h.n; k++) {
			char val[512];
			struct hits one;

			if (strcmp(h.h[k].cls, "classification") == 0 ||
			    strcmp(h.h[k].cls, "special_category") == 0 ||
			    h.h[k].len >= sizeof(val))
				continue;
			memcpy(val, vectors[i].text + h.h[k].off, h.h[k].len);
			val[h.h[k].len] = '\0';
			one.n = 1;
			one.h[0] = h.h[k];
			if (leaks(&one, val))
				fprintf(stderr, "  leak: %s in %s\n", val, h.h[k].ev);
			ASSERT(!leaks(&one, val));
		}
	}
	scan_str("NL09 XXXX 8229 5213 81", &h);
	ASSERT(!leaks(&h, "NL09XXXX8229521381"));
	ASSERT(!leaks(&h, "XXXX82295213"));
}

/*
 * Regression (issue 15): a classification marking followed by ~100
 * characters made put_mask() return snprintf's would-be length, and
 * evidence() wrote past f->evidence.  Every class with a long value must
 * give NUL-terminated evidence inside the buffer; under `make asan-unit`
 * the overflow itself aborts.
 */
TEST(test_evidence_bounded)
{
	static const char *const lead[] = { "VERTROUWELIJK - ",
	    "STAATSGEHEIM ZEER GEHEIM ", "Dep. Vertrouwelijk: ",
	    "diagnose: ", "sk-proj-" };
	char text[512];
	struct hits h;
	size_t i, k, n;
	int any = 0;

	for (i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		for (n = 60; n <= 300; n += 40) {
			size_t o = (size_t)snprintf(text, sizeof(text), "%s", lead[i]);

			for (k = 0; k < n && o + 2 < sizeof(text); k++)
				text[o++] = (char)('A' + (k * 7) % 26);
			text[o++] = '\n';
			text[o] = '\0';
			scan_str(text, &h);
			for (k = 0; k < (size_t)h.n; k++) {
				ASSERT(memchr(h.h[k].ev, '\0', sizeof(h.h[k].ev)) != NULL);
				ASSERT(strlen(h.h[k].ev) < DLP_EVIDENCE_MAX);
				any = 1;
			}
		}
	}
	/* The reproducer must still be reported (a fix that drops it is wrong). */
	ASSERT(any);
}

static int bt_found;

static void
bt_cb(void *arg, const struct dlp_finding *f)
{
	(void)arg;
	(void)f;
	bt_found++;
}

/* The regex work budget (issue 15): (a+)+$ at every "aa" of 60 KB of 'a'
 * is stopped (DLP_RX_BUDGET, every later call too); the same detector on
 * text without the trap is scanned to the end.  No timing: the return
 * code is the assertion. */
TEST(test_rx_budget)
{
	static uint8_t a[60000];
	struct dlp_engine *e = NULL;
	struct dlp_stream st;
	struct dlp_opts o;
	size_t i;
	int rc = 0;

	memset(&o, 0, sizeof(o));
	ASSERT_EQ(dlp_engine_load("tests/config/dlp/backtrack.yaml", &o, &e), 0);
	memset(a, 'a', sizeof(a));
	dlp_stream_init(&st);
	for (i = 0; i < sizeof(a) && rc == 0; i += 1400)
		rc = dlp_scan(e, &st, a + i, sizeof(a) - i < 1400 ?
		    sizeof(a) - i : 1400, bt_cb, NULL);
	ASSERT_EQ(rc, DLP_RX_BUDGET);
	ASSERT(i < sizeof(a));		/* stopped early, not at the end */
	ASSERT_EQ(dlp_scan(e, &st, a, 100, bt_cb, NULL), DLP_RX_BUDGET);
	ASSERT_EQ(dlp_stream_end(e, &st, bt_cb, NULL), DLP_RX_BUDGET);
	/* negative: the same detector on "aab" repeated (a prefilter hit
	 * every 3 bytes, little backtracking) scans to the end */
	for (i = 0; i < sizeof(a); i++)
		a[i] = i % 3 == 2 ? 'b' : 'a';
	dlp_stream_init(&st);
	for (i = 0; i < sizeof(a); i += 1400)
		ASSERT_EQ(dlp_scan(e, &st, a + i, sizeof(a) - i < 1400 ?
		    sizeof(a) - i : 1400, bt_cb, NULL), 0);
	ASSERT_EQ(dlp_stream_end(e, &st, bt_cb, NULL), 0);
	dlp_engine_free(e);
}

/* Load ${name}.yaml from tests/config/dlp and compare the diagnostics
 * with ${name}.err byte for byte. */
static int
load_fixture(const char *name, int *rc)
{
	char path[256], want[4096], *got = NULL;
	struct dlp_engine *e = NULL;
	struct dlp_opts o;
	size_t gotlen = 0, n;
	FILE *f;
	int same;

	memset(&o, 0, sizeof(o));
	if ((o.diag = open_memstream(&got, &gotlen)) == NULL)
		return 0;
	snprintf(path, sizeof(path), "tests/config/dlp/%s.yaml", name);
	*rc = dlp_engine_load(path, &o, &e);
	fclose(o.diag);
	dlp_engine_free(e);
	snprintf(path, sizeof(path), "tests/config/dlp/%s.err", name);
	if ((f = fopen(path, "r")) == NULL) {
		free(got);
		return 0;
	}
	n = fread(want, 1, sizeof(want) - 1, f);
	want[n] = '\0';
	fclose(f);
	same = got != NULL && strcmp(got, want) == 0;
	if (!same)
		fprintf(stderr, "  %s: got:\n%s  want:\n%s", name, got ? got : "", want);
	free(got);
	return same;
}

TEST(test_loader_errors)
{
	static const char *const names[] = { "errors", "syntax", "toplevel",
	    "dict_capture" };
	struct dlp_engine *e = NULL;
	struct dlp_opts o;
	char *buf = NULL;
	size_t len = 0;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ASSERT(load_fixture(names[i], &rc));
		ASSERT_EQ(rc, -EINVAL);
	}
	memset(&o, 0, sizeof(o));
	o.diag = open_memstream(&buf, &len);
	ASSERT_EQ(dlp_engine_load("tests/config/dlp/missing.yaml", &o, &e), -ENOENT);
	fclose(o.diag);
	ASSERT(strstr(buf, "missing.yaml: error: cannot open") != NULL);
	free(buf);
	ASSERT(e == NULL);
	dlp_engine_free(NULL);
}

int
main(void)
{
	struct dlp_opts o;

	memset(&o, 0, sizeof(o));
	o.fp_key = KEY;
	o.fp_keylen = sizeof(KEY);
	if (dlp_engine_load(RULES, &o, &E) != 0) {
		fprintf(stderr, "cannot load %s (run from the repository root)\n", RULES);
		return 1;
	}
	RUN(test_load);
	RUN(test_vectors);
	RUN(test_traps);
	RUN(test_bsn_confidence);
	RUN(test_classes_and_confidence);
	RUN(test_special_category);
	RUN(test_private_key);
	RUN(test_source_code);
	RUN(test_streaming_split);
	RUN(test_budget);
	RUN(test_dedupe);
	RUN(test_fingerprint_keyed);
	RUN(test_evidence_masked);
	RUN(test_evidence_bounded);
	RUN(test_loader_errors);
	RUN(test_rx_budget);
	dlp_engine_free(E);
	return TEST_END();
}
