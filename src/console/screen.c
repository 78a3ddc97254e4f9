#include "screen.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <vterm.h>

struct screen {
	VTerm *vt;
	VTermScreen *vs;
	unsigned cols, rows;
};

struct screen *screen_new(unsigned cols, unsigned rows)
{
	struct screen *s = xcalloc(1, sizeof(*s));

	s->cols = cols ? cols : 80;
	s->rows = rows ? rows : 24;
	s->vt = vterm_new((int)s->rows, (int)s->cols);
	if (s->vt == NULL)
		abort();
	vterm_set_utf8(s->vt, 1);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_reset(s->vs, 1);
	return s;
}

void screen_free(struct screen *s)
{
	if (s == NULL)
		return;
	vterm_free(s->vt);
	free(s);
}

void screen_resize(struct screen *s, unsigned cols, unsigned rows)
{
	if (cols == 0 || rows == 0 || cols > 1000 || rows > 1000 ||
	    (cols == s->cols && rows == s->rows))
		return;
	s->cols = cols;
	s->rows = rows;
	vterm_set_size(s->vt, (int)rows, (int)cols);
}

void screen_feed(struct screen *s, const uint8_t *data, size_t len)
{
	vterm_input_write(s->vt, (const char *)data, len);
}

unsigned screen_rows(const struct screen *s)
{
	return s->rows;
}

unsigned screen_cols(const struct screen *s)
{
	return s->cols;
}

unsigned screen_cursor_row(const struct screen *s)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	return pos.row < 0 ? 0 : (unsigned)pos.row;
}

/* Characters that must never reach the escort's terminal: controls, and the
 * ones that reorder or hide text. */
static int safe(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		return 0;
	if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff || c == 0x061c || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return 1;
}

static void put_utf8(struct buf *out, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(out, (uint8_t)c);
	} else if (c < 0x800) {
		buf_putc(out, (uint8_t)(0xc0 | c >> 6));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(out, (uint8_t)(0xe0 | c >> 12));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(out, (uint8_t)(0xf0 | c >> 18));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	}
}

void screen_row_text(const struct screen *s, unsigned row, unsigned width, struct buf *out)
{
	for (unsigned col = 0; col < s->cols && col < width; col++) {
		VTermScreenCell cell;
		VTermPos pos = {(int)row, (int)col};
		if (vterm_screen_get_cell(s->vs, pos, &cell) == 0 || cell.chars[0] == 0) {
			buf_putc(out, ' ');
			continue;
		}
		if (cell.chars[0] == (uint32_t)-1)
			continue; /* the right half of a wide character */
		/* Wide characters take two cells; combining marks are dropped. */
		if (cell.width == 2 && col + 1 >= width) {
			buf_putc(out, ' ');
			break;
		}
		put_utf8(out, safe(cell.chars[0]) && cell.width <= 2 ? cell.chars[0] : '?');
		if (cell.width == 2)
			col++;
	}
}
