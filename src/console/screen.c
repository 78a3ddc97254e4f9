#include "screen.h"
#include "screen-input.h"
#include "screen-sgr.h"
#include "util/visible.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>

/* libvterm 0.1.4 writes through a null pointer when a wide character is
 * put on a screen one column wide (found by fuzz-screen-paint); the
 * operator sets their window's size, so no screen is narrower than this. */
#define MIN_COLS 2
/* Bytes per vterm_input_write: libvterm 0.1.4 puts arrays the size of its
 * input on the stack. */
#define FEED_SLICE 1024

struct screen {
	VTerm *vt;
	VTermScreen *vs;
	unsigned cols, rows;
	struct screen_input in;
};

struct screen *screen_new(unsigned cols, unsigned rows)
{
	struct screen *s = xcalloc(1, sizeof(*s));

	s->cols = cols ? (cols < MIN_COLS ? MIN_COLS : cols) : 80;
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

/* libvterm 0.1.4 can leave the cursor above the screen after a resize to
 * fewer rows, and keeps scrolling margins below its new end (fixed in 0.2):
 * margins back to the whole screen, the cursor put inside it. libvterm's
 * parser is between sequences here: screen-input.c passes only whole ones. */
static void after_resize(struct screen *s)
{
	VTermPos pos;
	char fix[48];
	int n;

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	pos.row = pos.row < 0 ? 0 : pos.row >= (int)s->rows ? (int)s->rows - 1 : pos.row;
	pos.col = pos.col < 0 ? 0 : pos.col >= (int)s->cols ? (int)s->cols - 1 : pos.col;
	n = snprintf(fix, sizeof(fix), "\x1b[r\x1b[s\x1b[%d;%dH", pos.row + 1, pos.col + 1);
	vterm_input_write(s->vt, fix, (size_t)n);
}

void screen_resize(struct screen *s, unsigned cols, unsigned rows)
{
	if (cols == 0 || rows == 0 || cols > 1000 || rows > 1000)
		return;
	if (cols < MIN_COLS)
		cols = MIN_COLS;
	if (cols == s->cols && rows == s->rows)
		return;
	s->cols = cols;
	s->rows = rows;
	vterm_set_size(s->vt, (int)rows, (int)cols);
	after_resize(s);
}

/* REP done here, as libvterm's own (which hangs when the last glyph is
 * zero columns wide): the last character again, n times at most, up to the
 * row's end and never wrapping. */
static void repeat_last(struct screen *s, unsigned n, struct buf *glyph)
{
	VTermState *state = vterm_obtain_state(s->vt);
	VTermPos before, after;
	unsigned end;

	buf_reset(glyph);
	screen_input_put_last(&s->in, glyph);
	vterm_state_get_cursorpos(state, &before);
	if (glyph->len == 0 || before.col < 0)
		return;
	end = (unsigned)before.col + (n < s->cols ? n : s->cols);
	while ((unsigned)before.col < end) {
		vterm_input_write(s->vt, (const char *)glyph->data, glyph->len);
		vterm_state_get_cursorpos(state, &after);
		if (after.row != before.row || after.col <= before.col)
			break;
		before = after;
	}
}

void screen_feed(struct screen *s, const uint8_t *data, size_t len)
{
	struct buf out = {0};

	while (len > 0) {
		unsigned repeat;
		size_t n = screen_input_take(&s->in, data, len < FEED_SLICE ? len : FEED_SLICE,
					     &out, &repeat);

		vterm_input_write(s->vt, (const char *)out.data, out.len);
		if (repeat)
			repeat_last(s, repeat, &out);
		buf_reset(&out);
		data += n;
		len -= n;
	}
	buf_free(&out);
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
 * ones that reorder or hide text (util/visible.c's list). */
static int safe(uint32_t c)
{
	return c >= 0x20 && c != 0x7f && !visible_hidden_code_point(c) && c <= 0x10ffff &&
	       (c < 0xd800 || c > 0xdfff);
}

/* Whether any character of the cell (its combining marks too: libvterm
 * puts zero-width ones there) is one that must not be shown as it is. */
static int cell_hides(const VTermScreenCell *cell)
{
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell->chars[i]; i++)
		if (!safe(cell->chars[i]))
			return 1;
	return 0;
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

/* Appends the cell at (row, col) as safe text; returns how many columns it
 * took (2 for a wide character, 0 for the right half of one). */
static unsigned put_cell(const struct screen *s, unsigned row, unsigned col, unsigned width,
			 struct buf *out)
{
	VTermScreenCell cell;
	VTermPos pos = {(int)row, (int)col};

	if (vterm_screen_get_cell(s->vs, pos, &cell) == 0 || cell.chars[0] == 0) {
		buf_putc(out, ' ');
		return 1;
	}
	if (cell.chars[0] == (uint32_t)-1)
		return 0; /* the right half of a wide character */
	/* Wide characters take two cells; combining marks are dropped, a cell
	 * with a hiding character is shown as '?'. */
	if (cell.width == 2 && col + 1 >= width) {
		buf_putc(out, ' ');
		return 1;
	}
	put_utf8(out, !cell_hides(&cell) && cell.width <= 2 ? cell.chars[0] : '?');
	return cell.width == 2 ? 2 : 1;
}

void screen_row_text(const struct screen *s, unsigned row, unsigned width, struct buf *out)
{
	for (unsigned col = 0; col < s->cols && col < width;) {
		unsigned n = put_cell(s, row, col, width, out);
		col += n ? n : 1;
	}
}

/* One row: each change of look one SGR sequence, then the row's text. */
static void paint_row(const struct screen *s, unsigned row, struct buf *out, struct buf *sgr)
{
	struct buf last = {0};

	buf_printf(out, "\x1b[%u;1H", row + 1);
	for (unsigned col = 0; col < s->cols;) {
		VTermScreenCell cell;
		VTermPos pos = {(int)row, (int)col};
		unsigned n;

		buf_reset(sgr);
		if (vterm_screen_get_cell(s->vs, pos, &cell) == 0)
			memset(&cell, 0, sizeof(cell));
		screen_sgr(s->vs, &cell, sgr);
		if (sgr->len != last.len || memcmp(sgr->data, last.data, sgr->len) != 0) {
			buf_append(out, sgr->data, sgr->len);
			buf_reset(&last);
			buf_append(&last, sgr->data, sgr->len);
		}
		n = put_cell(s, row, col, s->cols, out);
		col += n ? n : 1;
	}
	buf_free(&last);
}

void screen_paint(const struct screen *s, struct buf *out)
{
	struct buf sgr = {0};
	VTermPos pos;

	for (unsigned r = 0; r < s->rows; r++)
		paint_row(s, r, out, &sgr);
	buf_free(&sgr);
	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &pos);
	buf_printf(out, "\x1b[0m\x1b[%d;%dH", pos.row + 1, pos.col + 1);
}
