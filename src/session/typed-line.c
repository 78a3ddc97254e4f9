#include "typed-line.h"

#include <string.h>

void typed_line_feed(struct typed_line *t, pid_t holder, const uint8_t *data, size_t len)
{
	if (holder != t->holder)
		t->current_len = 0; /* another program reads the keys now */
	t->holder = holder;
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

enum { SCAN_TEXT, SCAN_ESC, SCAN_CSI, SCAN_PRIVATE };

static void end_param(struct typed_line *t)
{
	if (t->param == 47 || t->param == 1047 || t->param == 1049)
		t->alt_screen = 1;
	t->param = 0;
}

/* One byte of CSI ? Pm h / l. */
static void scan_private(struct typed_line *t, uint8_t c)
{
	if (c >= '0' && c <= '9' && t->param < 100000) {
		t->param = t->param * 10 + (unsigned)(c - '0');
		return;
	}
	if (c == ';')
		return end_param(t);
	if (c == 'h' || c == 'l') {
		end_param(t);
		if (t->alt_screen)
			t->current_len = 0; /* the screen changes hands */
	}
	t->scan = c == 0x1b ? SCAN_ESC : SCAN_TEXT;
}

void typed_line_output(struct typed_line *t, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		if (t->scan == SCAN_PRIVATE) {
			scan_private(t, c);
		} else if (t->scan == SCAN_CSI && c == '?') {
			t->scan = SCAN_PRIVATE;
			t->param = 0;
			t->alt_screen = 0;
		} else if (t->scan == SCAN_ESC && c == '[') {
			t->scan = SCAN_CSI;
		} else {
			t->scan = c == 0x1b ? SCAN_ESC : SCAN_TEXT;
		}
	}
}
