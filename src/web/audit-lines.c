/* Lines out of a terminal's bytes, for the search index (audit-lines.h). */
#include "audit-lines.h"

#include <string.h>

enum { TEXT, ESC, ESC_MID, CSI, STRING, STRING_ESC };

void audit_lines_init(struct audit_lines *l, int typed, audit_line_fn emit, void *arg)
{
	memset(l, 0, sizeof(*l));
	l->typed = typed;
	l->emit = emit;
	l->arg = arg;
}

static void flush(struct audit_lines *l)
{
	size_t blank = 0;

	while (blank < l->len && l->line[blank] == ' ')
		blank++;
	if (blank < l->len)
		l->emit(l->arg, l->line, l->len);
	l->len = 0;
}

static void put(struct audit_lines *l, char c)
{
	if (l->len == sizeof(l->line))
		flush(l);
	l->line[l->len++] = c;
}

/* Backspace: the last character, with the continuation bytes of UTF-8. */
static void rub_out(struct audit_lines *l)
{
	while (l->len > 0 && ((unsigned char)l->line[l->len - 1] & 0xC0) == 0x80)
		l->len--;
	if (l->len > 0)
		l->len--;
}

/* Where the cursor jumped (forward, to a column or a place): words on
 * either side were apart on the screen. */
static void gap(struct audit_lines *l)
{
	if (l->len > 0 && l->line[l->len - 1] != ' ')
		put(l, ' ');
}

/* Output is indexed as the screen showed it: a carriage return starts the
 * line again (a progress bar's texts are lines of their own), a backspace
 * steps back over what the next character overstrikes (man's bold). */
static void control(struct audit_lines *l, uint8_t c)
{
	if (c == '\n' || c == '\r')
		flush(l);
	else if (c == '\t')
		put(l, ' ');
	else if (c == 0x1b)
		l->state = ESC;
	else if (c == 0x08 || (l->typed && c == 0x7f))
		rub_out(l);
	else if (l->typed && (c == 0x15 || c == 0x03))
		l->len = 0;
}

static int after_esc(uint8_t c)
{
	if (c == '[')
		return CSI;
	if (c == ']' || c == 'P' || c == 'X' || c == '_' || c == '^')
		return STRING;
	return c >= 0x20 && c <= 0x2f ? ESC_MID : TEXT;
}

/* ESC [ ... final: CSI (controls inside it still act); ESC ( B and other
 * intermediates ... final; ESC ] / P / X / _ / ^ ... BEL or ESC \: strings
 * (a title, a hyperlink's target: never on the screen); CAN or SUB cancel. */
static void escape(struct audit_lines *l, uint8_t c)
{
	if (c == 0x18 || c == 0x1a) {
		l->state = TEXT;
		return;
	}
	switch (l->state) {
	case ESC:
		l->state = after_esc(c);
		break;
	case ESC_MID:
		if (c < 0x20 || c > 0x2f)
			l->state = TEXT;
		break;
	case CSI:
		if (c < 0x20) {
			control(l, c);
		} else if (c >= 0x40 && c <= 0x7e) {
			l->state = TEXT;
			if (strchr("CGHf`d", c))
				gap(l);
		}
		break;
	case STRING:
		if (c == 0x07)
			l->state = TEXT;
		else if (c == 0x1b)
			l->state = STRING_ESC;
		break;
	default: /* STRING_ESC */
		l->state = c == '\\' ? TEXT : STRING;
	}
}

void audit_lines_feed(struct audit_lines *l, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];

		if (l->state != TEXT)
			escape(l, c);
		else if (c < 0x20 || c == 0x7f)
			control(l, c);
		else
			put(l, (char)c);
	}
}

void audit_lines_end(struct audit_lines *l)
{
	flush(l);
	l->state = TEXT;
}
