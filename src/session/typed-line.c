#include "typed-line.h"

#include <string.h>

void typed_line_feed(struct typed_line *t, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r' || data[i] == '\n') {
			if (t->current_len == 0 && data[i] == '\n')
				continue; /* the \n of a \r\n */
			memcpy(t->last, t->current, t->current_len);
			t->last[t->current_len] = '\0';
			t->current_len = 0;
		} else if (data[i] != '\0' && t->current_len < TYPED_LINE_MAX) {
			t->current[t->current_len++] = (char)data[i];
		}
	}
}

const char *typed_line_last(const struct typed_line *t)
{
	return t->last;
}
