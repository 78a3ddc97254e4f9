/* The output a person would have read, without terminal control sequences.
 * The scanner follows a terminal's parser (DEC/ECMA-48, as xterm and libvterm
 * parse): CAN and SUB abort any sequence; ESC starts a new one anywhere,
 * also inside a string; C0 controls inside a sequence are still executed (a
 * line feed inside CSI moves to the next line); OSC ends at BEL or ST, DCS,
 * SOS, PM and APC at ST; the C1 controls U+0080..U+009F act as their
 * 7-bit forms (U+009B is CSI, U+009C is ST). So everything a terminal showed
 * is in the text, and nothing it swallowed. */
#include "export.h"

#include "util/utf8.h"

enum scan {
	SCAN_TEXT,
	SCAN_ESC,	       /* after ESC */
	SCAN_ESC_INTERMEDIATE, /* ESC, then 0x20..0x2f */
	SCAN_CSI,	       /* CSI ... final byte 0x40..0x7e */
	SCAN_OSC,	       /* until BEL or ST */
	SCAN_STRING,	       /* DCS, SOS, PM, APC: until ST */
};

/* Where the character after ESC (or its C1 form) leads. */
static int after_escape(uint32_t c)
{
	switch (c) {
	case '[':
		return SCAN_CSI;
	case ']':
		return SCAN_OSC;
	case 'P':
	case 'X':
	case '^':
	case '_':
		return SCAN_STRING;
	default:
		return c >= 0x20 && c <= 0x2f ? SCAN_ESC_INTERMEDIATE : SCAN_TEXT;
	}
}

/* A C1 control: the 7-bit sequence it stands for; others end a sequence
 * (and are ignored inside a string). */
static int c1_state(int state, uint32_t c)
{
	switch (c) {
	case 0x9b:
		return SCAN_CSI;
	case 0x9d:
		return SCAN_OSC;
	case 0x90:
	case 0x98:
	case 0x9e:
	case 0x9f:
		return SCAN_STRING;
	case 0x9c:
		return SCAN_TEXT;
	default:
		return state == SCAN_OSC || state == SCAN_STRING ? state : SCAN_TEXT;
	}
}

/* Controls act the same in every state; returns 1 when c was one. */
static int control(int *state, uint32_t c, struct buf *out)
{
	if (c == 0x18 || c == 0x1a) { /* CAN, SUB: abort */
		*state = SCAN_TEXT;
		return 1;
	}
	if (c == 0x1b) {
		*state = SCAN_ESC;
		return 1;
	}
	if (c >= 0x80 && c <= 0x9f) {
		if (c == 0x85 && *state != SCAN_OSC && *state != SCAN_STRING)
			buf_putc(out, '\n'); /* NEL */
		*state = c1_state(*state, c);
		return 1;
	}
	if (c < 0x20 || c == 0x7f) {
		if (*state == SCAN_OSC || *state == SCAN_STRING) {
			if (c == 0x07 && *state == SCAN_OSC)
				*state = SCAN_TEXT;
		} else if (c == '\n' || c == '\t') {
			buf_putc(out, (char)c); /* executed, even inside a sequence */
		}
		return 1;
	}
	return 0;
}

/* Advances the scanner over the character c (decoded), writing what shows. */
static void scan_char(int *state, uint32_t c, const uint8_t *bytes, size_t n, struct buf *out)
{
	if (control(state, c, out))
		return;
	switch (*state) {
	case SCAN_TEXT:
		buf_append(out, bytes, n);
		return;
	case SCAN_ESC:
		*state = after_escape(c); /* a final byte (or ST) ends it */
		return;
	case SCAN_ESC_INTERMEDIATE:
		if (c < 0x20 || c > 0x2f)
			*state = SCAN_TEXT;
		return;
	case SCAN_CSI:
		if (c >= 0x40 && c <= 0x7e)
			*state = SCAN_TEXT;
		return;
	default: /* string contents are swallowed */
		return;
	}
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
		uint32_t cp = carry->data[i];
		int n = 1;

		if (cp >= 0x80) {
			n = utf8_decode(carry->data + i, carry->len - i, &cp);
			if (n == UTF8_INCOMPLETE)
				break;
			if (n == UTF8_INVALID) {
				scan_char(&st->text_state, 0xfffd, (const uint8_t *)"\xef\xbf\xbd",
					  3, &visible);
				i++;
				continue;
			}
		}
		scan_char(&st->text_state, cp, carry->data + i, (size_t)n, &visible);
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
