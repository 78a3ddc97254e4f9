/* One session's screen as the escort sees it: the operator's output goes
 * through a terminal emulator (libvterm) and only the resulting printable
 * characters ever reach the escort's terminal. No byte the operator sent is
 * passed through, so no escape sequence of theirs can act on the escort's
 * terminal (retitle it, move its cursor, hide text, answer queries). */
#ifndef ESCORT_CONSOLE_SCREEN_H
#define ESCORT_CONSOLE_SCREEN_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

struct screen;

struct screen *screen_new(unsigned cols, unsigned rows);
void screen_free(struct screen *s);
void screen_resize(struct screen *s, unsigned cols, unsigned rows);
void screen_feed(struct screen *s, const uint8_t *data, size_t len);
unsigned screen_rows(const struct screen *s);
unsigned screen_cols(const struct screen *s);
unsigned screen_cursor_row(const struct screen *s);
/* Appends row as safe text: printable characters only, at most width cells. */
void screen_row_text(const struct screen *s, unsigned row, unsigned width, struct buf *out);

/* Appends the whole screen as a repaint escortd writes itself: per row a
 * cursor position, the SGR sequences of screen-sgr.c and the row's safe
 * text (as screen_row_text), then the cursor's place. */
void screen_paint(const struct screen *s, struct buf *out);

#endif
