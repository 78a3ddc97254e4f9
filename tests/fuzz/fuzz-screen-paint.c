/* libFuzzer target: whatever the operator's output, the live screen's
 * repaint (console/screen.c) is escortd's own cursor positions and SGR
 * ("ESC [ digits-and-semicolons H|m") around text with no other control,
 * no C1 and no character util/visible.c calls hiding. The first byte picks
 * a size, so resizing between writes is covered. */
#include "console/screen.h"
#include "util/visible.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The code point at p (valid UTF-8, as put_utf8 writes it), its length in n. */
static uint32_t decode(const uint8_t *p, size_t left, size_t *n)
{
	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	*n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if (*n > left || p[0] < 0xc2 || p[0] > 0xf4)
		abort();
	uint32_t c = p[0] & (0x3f >> (*n - 1));
	for (size_t i = 1; i < *n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			abort();
		c = c << 6 | (p[i] & 0x3f);
	}
	return c;
}

static void check(const struct buf *b)
{
	for (size_t i = 0, n; i < b->len; i += n) {
		const uint8_t *p = b->data + i;
		uint32_t c = decode(p, b->len - i, &n);
		if (c == 0x1b) {
			size_t k = 1;
			if (i + 1 >= b->len || p[1] != '[')
				abort();
			while (i + ++k < b->len && (p[k] == ';' || (p[k] >= '0' && p[k] <= '9')))
				;
			if (i + k >= b->len || (p[k] != 'H' && p[k] != 'm'))
				abort();
			n = k + 1;
		} else if (c < 0x20 || c == 0x7f || visible_hidden_code_point(c)) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen *s;
	struct buf out = {0};

	if (size < 1)
		return 0;
	s = screen_new(80, 24);
	screen_feed(s, data + 1, (size - 1) / 2);
	screen_resize(s, 1 + data[0] % 100, 1 + data[0] / 8);
	screen_feed(s, data + 1 + (size - 1) / 2, size - 1 - (size - 1) / 2);
	screen_paint(s, &out);
	check(&out);
	buf_free(&out);
	screen_free(s);
	return 0;
}
