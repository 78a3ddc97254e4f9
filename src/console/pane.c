#include "pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of s that make at most cols characters (UTF-8). */
static size_t fitting(const char *s, unsigned cols)
{
	size_t end = 0;
	unsigned chars = 0;

	for (; s[end]; end++)
		if (((unsigned char)s[end] & 0xc0) != 0x80 && chars++ == cols)
			break;
	return end;
}

void pane_line(struct buf *out, const char *text, unsigned cols)
{
	buf_append(out, text, fitting(text, cols));
	buf_append_str(out, "\x1b[K\r\n");
}

void pane_heading(struct buf *out, const char *style, const char *text, unsigned cols)
{
	buf_append_str(out, style);
	buf_append(out, text, fitting(text, cols));
	buf_append_str(out, "\x1b[0m\x1b[K\r\n");
}

/* Keeps p->first so that the window of page lines stays within the text. */
static void clamp(struct pane *p, size_t total)
{
	if (p->first + p->page > total)
		p->first = total > p->page ? (unsigned)(total - p->page) : 0;
}

unsigned pane_window(struct pane *p, struct buf *out, const char *wrapped, size_t total,
		     unsigned room, unsigned cols, const char *what, const char *hint)
{
	const char *l = wrapped;
	unsigned shown = 0;
	char where[200];

	p->page = total > room && room > 1 ? room - 1 : room;
	if (total <= room)
		p->first = 0;
	clamp(p, total);
	for (size_t n = 0; *l && shown < p->page; n++) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		if (n >= p->first) {
			char *one = strndup(l, len);
			pane_line(out, one ? one : "", cols);
			free(one);
			shown++;
		}
		l += len + (nl != NULL);
	}
	if (total <= room || room == 1)
		return shown; /* one row: the text, no room to say where */
	snprintf(where, sizeof(where), "-- %s %u-%u of %zu: %s --", what, p->first + 1,
		 p->first + shown, total, hint);
	pane_heading(out, "\x1b[7m", where, cols);
	return shown + 1;
}

void pane_show(struct pane *p, size_t from, size_t to)
{
	unsigned page = p->page ? p->page : 1;

	if (from < p->first || to - from > page)
		p->first = (unsigned)from;
	else if (to > p->first + page)
		p->first = (unsigned)(to - page);
}
