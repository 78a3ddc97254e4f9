#include "json.h"

#include "utf8.h"

#include <string.h>

static const char replacement[] = "\xef\xbf\xbd";

static void append_escape(struct buf *out, uint8_t c)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '"':
		buf_append(out, "\\\"", 2);
		break;
	case '\\':
		buf_append(out, "\\\\", 2);
		break;
	case '\n':
		buf_append(out, "\\n", 2);
		break;
	case '\r':
		buf_append(out, "\\r", 2);
		break;
	case '\t':
		buf_append(out, "\\t", 2);
		break;
	default: {
		char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
		buf_append(out, u, sizeof(u));
	}
	}
}

static int plain_ascii(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

size_t json_append_escaped(struct buf *out, const void *data, size_t len, int keep_partial)
{
	const uint8_t *s = data;
	size_t i = 0;

	buf_reserve(out, len + 16);
	while (i < len) {
		uint8_t c = s[i];
		uint32_t cp;
		int n;

		if (plain_ascii(c)) {
			size_t run = i + 1;
			while (run < len && plain_ascii(s[run]))
				run++;
			buf_append(out, s + i, run - i);
			i = run;
			continue;
		}
		if (c < 0x80) {
			append_escape(out, c);
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == UTF8_INCOMPLETE && keep_partial)
			return len - i;
		if (n < 0) {
			buf_append(out, replacement, 3);
			i++;
			continue;
		}
		/* U+2028/U+2029 break JavaScript string literals; C1 controls
		 * (U+0080-U+009F: CSI, OSC, ...) drive a terminal the JSON is
		 * printed on. Both mean the same escaped. */
		if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x80 && cp <= 0x9f))
			buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			buf_append(out, s + i, (size_t)n);
		i += (size_t)n;
	}
	return 0;
}

void json_append_string(struct buf *out, const void *data, size_t len)
{
	buf_putc(out, '"');
	json_append_escaped(out, data, len, 0);
	buf_putc(out, '"');
}

void json_append_cstr(struct buf *out, const char *s)
{
	json_append_string(out, s, s ? strlen(s) : 0);
}
