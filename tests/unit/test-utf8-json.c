#include "check.h"
#include "util/json.h"
#include "util/utf8.h"

static const char *escaped(const char *s, size_t len)
{
	static struct buf b;

	buf_reset(&b);
	json_append_string(&b, s, len);
	return buf_cstr(&b);
}

int main(void)
{
	uint32_t cp;
	struct buf b = {0};

	CHECK(utf8_decode((const uint8_t *)"\xc3\xa9", 2, &cp) == 2 && cp == 0xe9);
	CHECK(utf8_decode((const uint8_t *)"\xc0\xaf", 2, &cp) == UTF8_INVALID);     /* overlong */
	CHECK(utf8_decode((const uint8_t *)"\xed\xa0\x80", 3, &cp) == UTF8_INVALID); /* surrogate */
	CHECK(utf8_decode((const uint8_t *)"\xf4\x90\x80\x80", 4, &cp) == UTF8_INVALID);
	CHECK(utf8_decode((const uint8_t *)"\xe2\x82", 2, &cp) == UTF8_INCOMPLETE);
	CHECK(utf8_decode((const uint8_t *)"\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1f600);

	CHECK_STR(escaped("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(escaped("\x1b[31m\r\n\t", 8), "\"\\u001b[31m\\r\\n\\t\"");
	CHECK_STR(escaped("x\0y", 3), "\"x\\u0000y\"");
	CHECK_STR(escaped("\xff\xfe", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK_STR(escaped("\xe2\x80\xa8", 3), "\"\\u2028\"");
	CHECK_STR(escaped("\x7f", 1), "\"\\u007f\"");
	/* C1 controls (CSI, OSC, ST) never reach a terminal the JSON is printed on. */
	CHECK_STR(escaped("\xc2\x9b"
			  "2J\xc2\x9d"
			  "0;t\xc2\x9c\xc2\x80\xc2\xa0",
			  15),
		  "\"\\u009b2J\\u009d0;t\\u009c\\u0080\xc2\xa0\"");

	/* A character cut between two chunks is held back, not replaced. */
	CHECK(json_append_escaped(&b, "ok\xe2\x82", 4, 1) == 2);
	CHECK_STR(buf_cstr(&b), "ok");
	CHECK(json_append_escaped(&b, "\xe2\x82", 2, 0) == 0);
	CHECK_STR(buf_cstr(&b), "ok\xef\xbf\xbd\xef\xbf\xbd");
	buf_free(&b);
	CHECK_DONE();
}
