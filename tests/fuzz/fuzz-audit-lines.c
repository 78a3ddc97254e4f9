/* libFuzzer target: the bytes of a session (keys and output) cut into lines
 * for the search index: every line is within its bound, never empty, and
 * holds no control character (escape sequences are taken out whole). And
 * the recording made safe to replay in a browser: no hiding character is
 * left in it, and nothing else changed. */
#include "util/utf8.h"
#include "util/visible.h"
#include "web/audit-cast-marks.h"
#include "web/audit-lines.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void line(void *arg, const char *s, size_t len)
{
	size_t blank = 0;

	(void)arg;
	if (len == 0 || len > AUDIT_LINE_MAX)
		abort();
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
		blank += s[i] == ' ';
	}
	if (blank == len)
		abort();
}

static void check_marks(const uint8_t *data, size_t size)
{
	struct buf out = {0};
	size_t marked = audit_cast_marks(&out, (const char *)data, size);

	if (marked == 0 && (out.len != size || (size && memcmp(out.data, data, size) != 0)))
		abort();
	for (size_t i = 0; i < out.len;) {
		uint32_t cp;
		int n = out.data[i] < 0x80 ? 1 : utf8_decode(out.data + i, out.len - i, &cp);

		if (n > 1 && visible_hidden_code_point(cp))
			abort();
		i += n > 0 ? (size_t)n : 1;
	}
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_lines l;
	size_t half = size / 2;

	for (int typed = 0; typed < 2; typed++) {
		audit_lines_init(&l, typed, line, NULL);
		audit_lines_feed(&l, data, half); /* a record boundary anywhere */
		audit_lines_feed(&l, data + half, size - half);
		audit_lines_end(&l);
	}
	check_marks(data, size);
	return 0;
}
