/* The output a person would have read, without terminal control sequences. */
#include "export.h"

#include "util/utf8.h"

enum scan {
	SCAN_TEXT,
	SCAN_ESC,    /* after ESC */
	SCAN_CSI,    /* ESC [ ... final byte */
	SCAN_STRING, /* OSC, DCS, SOS, PM, APC: until BEL or ESC \ */
	SCAN_STRING_ESC,
	SCAN_ESC_INTERMEDIATE,
};

/* Advances the scanner over byte c; returns 1 when c is visible text. */
static int scan_byte(int *state, uint8_t c)
{
	switch (*state) {
	case SCAN_TEXT:
		if (c == 0x1b) {
			*state = SCAN_ESC;
			return 0;
		}
		return c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f);
	case SCAN_ESC:
		if (c == '[')
			*state = SCAN_CSI;
		else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
			*state = SCAN_STRING;
		else if (c >= 0x20 && c <= 0x2f)
			*state = SCAN_ESC_INTERMEDIATE;
		else
			*state = SCAN_TEXT;
		return 0;
	case SCAN_ESC_INTERMEDIATE:
		if (c < 0x20 || c > 0x2f)
			*state = SCAN_TEXT;
		return 0;
	case SCAN_CSI:
		if (c >= 0x40 && c <= 0x7e)
			*state = SCAN_TEXT;
		return 0;
	case SCAN_STRING:
		if (c == 0x07)
			*state = SCAN_TEXT;
		else if (c == 0x1b)
			*state = SCAN_STRING_ESC;
		return 0;
	case SCAN_STRING_ESC:
		*state = c == '\\' ? SCAN_TEXT : SCAN_STRING;
		return 0;
	}
	*state = SCAN_TEXT;
	return 0;
}

static void text_record(struct export_state *st, const struct record *rec)
{
	struct buf *carry = &st->carry[1];
	struct buf visible = {0};
	size_t i = 0;

	if (rec->type != REC_OUTPUT && rec->type != REC_ERROR_OUTPUT)
		return;
	buf_append(carry, rec->payload, rec->payload_len);
	while (i < carry->len) {
		uint32_t cp;
		int n = 1;

		if (carry->data[i] >= 0x80 && st->text_state == SCAN_TEXT) {
			n = utf8_decode(carry->data + i, carry->len - i, &cp);
			if (n == UTF8_INCOMPLETE)
				break;
			if (n == UTF8_INVALID)
				buf_append(&visible, "\xef\xbf\xbd", 3);
			else
				buf_append(&visible, carry->data + i, (size_t)n);
			i += n > 0 ? (size_t)n : 1;
			continue;
		}
		if (scan_byte(&st->text_state, carry->data[i]))
			buf_putc(&visible, carry->data[i]);
		i += (size_t)n;
	}
	buf_consume(carry, i);
	fwrite(visible.data, 1, visible.len, st->out);
	buf_free(&visible);
}

static void text_finish(struct export_state *st)
{
	(void)st;
}

const struct exporter export_text = {text_record, text_finish};
