#include "text.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int valid(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = strlen(s);
	uint32_t cp;

	while (len > 0) {
		int n = utf8_decode(p, len, &cp);
		if (n < 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

static void *keep(struct text_arena *a, void *item)
{
	a->items = xreallocarray(a->items, a->n + 1, sizeof(*a->items));
	a->items[a->n++] = item;
	return item;
}

char *text_utf8(struct text_arena *a, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	size_t len = strlen((const char *)p);
	struct buf b = {0};
	uint32_t cp;

	if (valid((const char *)p))
		return (char *)p;
	while (len > 0) {
		int n = utf8_decode(p, len, &cp);
		if (n < 0) {
			char esc[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
			buf_append(&b, esc, sizeof(esc));
			n = 1;
		} else {
			buf_append(&b, p, (size_t)n);
		}
		p += n;
		len -= (size_t)n;
	}
	char *copy = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return keep(a, copy);
}

char *text_keep(struct text_arena *a, char *s)
{
	return keep(a, s);
}

char **text_utf8_all(struct text_arena *a, char *const *v, size_t n)
{
	char **out = keep(a, xcalloc(n + 1, sizeof(char *)));

	for (size_t i = 0; i < n; i++)
		out[i] = text_utf8(a, v[i]);
	return out;
}

void text_arena_free(struct text_arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->items[i]);
	free(a->items);
	a->items = NULL;
	a->n = 0;
}
