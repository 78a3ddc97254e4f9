#include "fields.h"

#include <string.h>

void fields_add(struct buf *b, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_append(b, key, strlen(key) + 1);
	buf_append(b, value, strlen(value) + 1);
}

void fields_add_uint(struct buf *b, const char *key, unsigned long long value)
{
	buf_append(b, key, strlen(key) + 1);
	buf_printf(b, "%llu", value);
	buf_putc(b, '\0');
}

void fields_add_int(struct buf *b, const char *key, long long value)
{
	buf_append(b, key, strlen(key) + 1);
	buf_printf(b, "%lld", value);
	buf_putc(b, '\0');
}

static const char *take_string(const uint8_t *p, size_t len, size_t *pos)
{
	const uint8_t *start = p + *pos;
	const uint8_t *nul = memchr(start, '\0', len - *pos);

	if (nul == NULL)
		return NULL;
	*pos += (size_t)(nul - start) + 1;
	return (const char *)start;
}

int fields_next(const uint8_t *payload, size_t len, size_t *pos, struct field *f)
{
	if (*pos >= len)
		return 0;
	f->key = take_string(payload, len, pos);
	if (f->key == NULL || *pos >= len)
		return -1;
	f->value = take_string(payload, len, pos);
	return f->value ? 1 : -1;
}
