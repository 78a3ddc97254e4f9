/* Structured payloads (session start and end) are a list of fields, each
 * "key\0value\0". A key may repeat (argv). No escaping is needed and a
 * reader can check every byte. */
#ifndef ESCORT_FIELDS_H
#define ESCORT_FIELDS_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

void fields_add(struct buf *b, const char *key, const char *value);
void fields_add_uint(struct buf *b, const char *key, unsigned long long value);
void fields_add_int(struct buf *b, const char *key, long long value);

struct field {
	const char *key;
	const char *value;
};

/* Iterates over payload[0..len): returns 1 and sets *f, 0 at the end, -1 when
 * the payload is malformed (a key or value without its terminating NUL). */
int fields_next(const uint8_t *payload, size_t len, size_t *pos, struct field *f);

#endif
