/*
 * test_esc.c - the shared escaping of hostile bytes (common/esc.h) and
 * length-delimited names (common/str.h str_name_tail): issue 15.
 */
#include <string.h>

#include "common/esc.h"
#include "common/json.h"
#include "common/str.h"
#include "test.h"

TEST(text_mode)
{
	static const char in[] = "a\0b\x01\x7f\xff\xc0\x80\"\\\n\xc3\xa9";
	char out[128];

	ASSERT_EQ(esc_bytes(out, sizeof(out), in, sizeof(in) - 1, ESC_TEXT),
	    strlen(out));
	ASSERT_STR(out, "a\\u0000b\\u0001\\u007f\\xff\\xc0\\x80\"\\\\u000a\xc3\xa9");
	/* idempotent: the result is clean and escapes to itself */
	ASSERT(esc_text_clean(out, strlen(out)));
	{
		char again[128];

		esc_bytes(again, sizeof(again), out, strlen(out), ESC_TEXT);
		ASSERT_STR(again, out);
	}
}

TEST(json_mode_matches_json_escape)
{
	static const char in[] = "evil\0hidden\"\\\t\xfe";
	char a[128], b[128];

	ASSERT(esc_bytes(a, sizeof(a), in, sizeof(in) - 1, ESC_JSON) !=
	    (size_t)-1);
	ASSERT(json_escape(b, sizeof(b), in, sizeof(in) - 1) != (size_t)-1);
	ASSERT_STR(a, b);
	ASSERT_STR(a, "evil\\u0000hidden\\\"\\\\\\t\\\\xfe");
}

TEST(clean)
{
	ASSERT(esc_text_clean("chat.openai.com", 15));
	ASSERT(esc_text_clean("caf\xc3\xa9", 5));
	ASSERT(!esc_text_clean("a\0b", 3));
	ASSERT(!esc_text_clean("a\x1b", 2));
	ASSERT(!esc_text_clean("\xc0\x80", 2));		/* overlong NUL */
	ASSERT(!esc_text_clean("\xed\xa0\x80", 3));	/* surrogate */
	ASSERT(!esc_text_clean("\xc3", 1));		/* cut sequence */
}

TEST(overflow_is_whole)
{
	char out[8];

	/* "ab\u0000" does not fit in 8: the prefix ends before the escape */
	ASSERT_EQ(esc_bytes(out, sizeof(out), "abcd\0", 5, ESC_TEXT),
	    (size_t)-1);
	ASSERT_STR(out, "abcd");
	ASSERT_EQ(esc_bytes(out, 0, "a", 1, ESC_TEXT), (size_t)-1);
}

TEST(name_tail)
{
	static const char a[] = "evil\0hidden.chat.openai.com";
	static const char b[] = "evil\0.chat.openai.com";
	static const char c[] = "a\0b\0c.example";
	static const char d[] = "plain.example";

	ASSERT_STR(str_name_tail(a, sizeof(a) - 1), "hidden.chat.openai.com");
	ASSERT_STR(str_name_tail(b, sizeof(b) - 1), "chat.openai.com");
	ASSERT_STR(str_name_tail(c, sizeof(c) - 1), "c.example");
	ASSERT(str_name_tail(d, sizeof(d) - 1) == d);
	ASSERT_STR(str_name_tail("evil\0", 5), "");
}

TEST(name_copy_keeps_nul)
{
	char out[32];

	ASSERT_EQ(str_name_copy(out, sizeof(out),
	    (const uint8_t *)"X\0Y.Example.", 12), 11);
	ASSERT_EQ(memcmp(out, "x\0y.example", 12), 0);
}

int
main(void)
{
	RUN(text_mode);
	RUN(json_mode_matches_json_escape);
	RUN(clean);
	RUN(overflow_is_whole);
	RUN(name_tail);
	RUN(name_copy_keeps_nul);
	return TEST_END();
}
