#include "typed-line.h"

#include <string.h>

static char current[TYPED_LINE_MAX + 1], last[TYPED_LINE_MAX + 1];
static size_t current_len;

void typed_line_feed(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r' || data[i] == '\n') {
			if (current_len == 0 && data[i] == '\n')
				continue; /* the \n of a \r\n */
			memcpy(last, current, current_len);
			last[current_len] = '\0';
			current_len = 0;
		} else if (data[i] != '\0' && current_len < TYPED_LINE_MAX) {
			current[current_len++] = (char)data[i];
		}
	}
}

const char *typed_line_last(void)
{
	return last;
}
