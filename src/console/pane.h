/* Drawing escort watch's panes on the escort's terminal: a line cut to the
 * terminal's width (never inside a character), a heading, and a window on
 * wrapped text that scrolls and says where it is, so that no pane ever
 * takes more rows than it was given. */
#ifndef ESCORT_CONSOLE_PANE_H
#define ESCORT_CONSOLE_PANE_H

#include "util/buf.h"

#include <stddef.h>

/* Appends text, at most cols characters, then clears to the line's end. */
void pane_line(struct buf *out, const char *text, unsigned cols);
/* The same in style (an SGR sequence), reset after the text. */
void pane_heading(struct buf *out, const char *style, const char *text, unsigned cols);

struct pane {
	unsigned first; /* the first line shown: kept within the text */
	unsigned page;	/* lines of text the window showed last */
};

/* Shows the lines of wrapped (total lines, each ending in \n) from
 * p->first, in at most room rows (room >= 1); when they do not all fit, the
 * last row says "-- WHAT a-b of TOTAL: HINT --". Returns the rows used. */
unsigned pane_window(struct pane *p, struct buf *out, const char *wrapped, size_t total,
		     unsigned room, unsigned cols, const char *what, const char *hint);
/* Moves p->first so that lines [from, to) are shown as far as they fit. */
void pane_show(struct pane *p, size_t from, size_t to);

#endif
