/* A growable byte buffer. Allocation failure aborts: escort cannot record
 * a session without memory, and failing closed is the safe outcome. */
#ifndef ESCORT_BUF_H
#define ESCORT_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_putc(struct buf *b, uint8_t c);
/* Drops the first n bytes. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Returns a NUL-terminated view of the contents (the NUL is not counted in len). */
const char *buf_cstr(struct buf *b);

#endif
