/* Lines from a file descriptor for `escort explain --batch`: each line is
 * checked before it is rated, and a line too long is skipped in constant
 * memory. Before it waits for more input the reader flushes the output, so
 * a program that writes a line and waits for its answer gets it. */
#ifndef ESCORT_LINE_READER_H
#define ESCORT_LINE_READER_H

#include "util/buf.h"

#include <stddef.h>
#include <stdio.h>

#define LINE_READER_BUF 65536

enum line_fault {
	LINE_OK = 0,
	LINE_TOO_LONG,	   /* longer than max: only its length is known */
	LINE_HAS_NUL,	   /* contains a NUL byte */
	LINE_INVALID_UTF8, /* not UTF-8; at says at which byte */
};

struct line_reader {
	int fd;
	FILE *flush; /* flushed before each read(), or NULL */
	unsigned char data[LINE_READER_BUF];
	size_t pos, end;
	int eof, error;
};

struct line {
	struct buf text; /* without the line feed (or CR LF); empty when too long */
	size_t length;	 /* its real length in bytes */
	size_t at;	 /* LINE_HAS_NUL, LINE_INVALID_UTF8: byte offset of the fault */
	enum line_fault fault;
};

void line_reader_init(struct line_reader *r, int fd, FILE *flush);
/* Reads the next line (max bytes at most, the line feed not counted). Returns
 * 1 with a line, 0 at the end of input, -1 on a read error (errno). */
int line_reader_next(struct line_reader *r, struct line *l, size_t max);
const char *line_fault_text(enum line_fault f);

#endif
