/* libFuzzer target: the bytes of a session (keys and output) cut into lines
 * for the search index: every line is within its bound, never empty, and
 * holds no control character (escape sequences are taken out whole). */
#include "web/audit-lines.h"

#include <stdint.h>
#include <stdlib.h>

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
	return 0;
}
