#include "line-reader.h"

#include "util/utf8.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void line_reader_init(struct line_reader *r, int fd, FILE *flush)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->flush = flush;
}

static int fill(struct line_reader *r)
{
	ssize_t n;

	if (r->flush)
		fflush(r->flush);
	do
		n = read(r->fd, r->data, sizeof(r->data));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->error = errno;
		return -1;
	}
	r->pos = 0;
	r->end = (size_t)n;
	r->eof = n == 0;
	return 0;
}

/* Appends what is buffered up to the next line feed; returns 1 once the line
 * feed is consumed. Past max, bytes are only counted. */
static int take(struct line_reader *r, struct line *l, size_t max)
{
	const unsigned char *start = r->data + r->pos;
	const unsigned char *nl = memchr(start, '\n', r->end - r->pos);
	size_t n = nl ? (size_t)(nl - start) : r->end - r->pos;

	if (l->length + n <= max)
		buf_append(&l->text, start, n);
	l->length += n;
	r->pos += n + (nl != NULL);
	return nl != NULL;
}

static void check(struct line *l, size_t max)
{
	const uint8_t *s = l->text.data;
	size_t len = l->text.len;
	uint32_t cp;

	if (l->length > max) {
		l->fault = LINE_TOO_LONG;
		buf_reset(&l->text);
		return;
	}
	for (size_t i = 0; i < len;) {
		int n = utf8_decode(s + i, len - i, &cp);
		if (n > 0 && cp == 0) {
			l->fault = LINE_HAS_NUL;
			l->at = i;
			return;
		}
		if (n <= 0) {
			l->fault = LINE_INVALID_UTF8;
			l->at = i;
			return;
		}
		i += (size_t)n;
	}
}

int line_reader_next(struct line_reader *r, struct line *l, size_t max)
{
	int got = 0;

	buf_reset(&l->text);
	l->length = 0;
	l->at = 0;
	l->fault = LINE_OK;
	for (;;) {
		if (r->pos == r->end) {
			if (r->eof || fill(r) < 0)
				break;
			if (r->eof)
				break;
		}
		got = 1;
		if (take(r, l, max))
			break;
	}
	if (r->error && !got)
		return -1;
	if (!got)
		return 0;
	/* A file with CRLF line ends: the CR ends the line, it is not in it. */
	if (l->text.len > 0 && l->text.len == l->length && l->text.data[l->text.len - 1] == '\r') {
		l->text.len--;
		l->length--;
	}
	check(l, max);
	return 1;
}

const char *line_fault_text(enum line_fault f)
{
	switch (f) {
	case LINE_TOO_LONG:
		return "the line is too long to rate";
	case LINE_HAS_NUL:
		return "the line contains a NUL byte, which no command line can hold";
	case LINE_INVALID_UTF8:
		return "the line is not valid UTF-8";
	default:
		return "";
	}
}
