#include "wrap.h"

#include <string.h>

static int is_lead(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

/* How many bytes of s (len bytes) fit in width characters, broken at a
 * space when one is in the second half. */
static size_t fitting(const char *s, size_t len, unsigned width)
{
	size_t end = 0, space = 0;
	unsigned chars = 0;

	while (end < len) {
		if (is_lead(s[end]) && chars++ == width)
			break;
		if (s[end] == ' ' && chars > width / 2)
			space = end + 1;
		end++;
	}
	if (end == len)
		return len;
	return space ? space : end;
}

/* One line (without its \n). */
static size_t wrap_line(const char *s, size_t len, unsigned width, struct buf *out)
{
	unsigned indent = (unsigned)strlen(WRAP_INDENT);
	unsigned room = width;
	size_t lines = 0;

	do {
		size_t n = fitting(s, len, room);
		if (lines)
			buf_append_str(out, WRAP_INDENT);
		buf_append(out, s, n);
		buf_putc(out, '\n');
		s += n;
		len -= n;
		lines++;
		room = width > indent * 2 ? width - indent : width;
	} while (len > 0);
	return lines;
}

size_t wrap_text(const char *text, unsigned width, struct buf *out)
{
	size_t lines = 0;

	if (width == 0)
		width = 1;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		lines += wrap_line(text, len, width, out);
		text += len + (nl != NULL);
	}
	return lines;
}
