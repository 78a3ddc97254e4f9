#include "screen-input.h"

#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <wchar.h>

enum { NORMAL, ESC, CSI_LEADER, CSI_ARGS, CSI_INTERMED, STRING, ESC_IN_STRING };

/* The C0 controls libvterm 0.1.4 acts on (BEL, BS, HT, LF, VT, FF, CR, SO, SI). */
static int acted_on(uint8_t c)
{
	return c >= 0x07 && c <= 0x0f;
}

static void put_utf8(struct buf *out, uint32_t c)
{
	if (c < 0x80) {
		buf_putc(out, (uint8_t)c);
	} else if (c < 0x800) {
		buf_putc(out, (uint8_t)(0xc0 | c >> 6));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_putc(out, (uint8_t)(0xe0 | c >> 12));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	} else {
		buf_putc(out, (uint8_t)(0xf0 | c >> 18));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 12) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | ((c >> 6) & 0x3f)));
		buf_putc(out, (uint8_t)(0x80 | (c & 0x3f)));
	}
}

/* Whether c may take no column (a combining or format character), by the C
 * library's UTF-8 table, which counts every character of libvterm's (Unicode
 * 5.0's) as zero-width too. Without that table, anything not ASCII might. */
static locale_t utf8;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void open_utf8(void)
{
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static int zero_width(uint32_t c)
{
	locale_t old;
	int w;

	if (c < 0x300)
		return 0;
	pthread_once(&utf8_once, open_utf8); /* live screens run on threads */
	if (utf8 == (locale_t)0)
		return 1;
	old = uselocale(utf8);
	w = wcwidth((wchar_t)c);
	uselocale(old);
	return w == 0;
}

/* Marks libvterm 0.1.4 both combines with the character before and counts
 * two columns wide (its combining and full-width tables overlap: U+302A..F,
 * U+3099..A): a glyph wider than the screen, written through a null
 * pointer. Those, and any zero-width character of the East Asian wide
 * blocks. */
static int wide_mark(uint32_t c)
{
	if (c >= 0x302a && c <= 0x302f)
		return 1;
	if (!((c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xf900 && c <= 0xfaff) ||
	      (c >= 0xfe10 && c <= 0xfe6f) || (c >= 0xff00 && c <= 0xffef) ||
	      (c >= 0x16fe0 && c <= 0x3fffd)))
		return 0;
	return zero_width(c);
}

static void put_char(struct screen_input *in, uint32_t c, struct buf *out)
{
	if ((c >= 0x80 && c < 0xa0) || wide_mark(c))
		return; /* C1 controls: width -1 in libvterm; wide marks */
	if (zero_width(c)) {
		if (in->marks >= SCREEN_INPUT_MAX_MARKS)
			return;
		in->marks++;
	} else {
		in->marks = 0;
		in->last = c;
	}
	put_utf8(out, c);
}

/* A character cut short by a control or a sequence is U+FFFD. */
static void end_text(struct screen_input *in, struct buf *out)
{
	if (in->need) {
		in->need = 0;
		put_char(in, 0xfffd, out);
	}
}

static void start_char(struct screen_input *in, uint8_t c, struct buf *out)
{
	if (c < 0x80)
		return put_char(in, c, out);
	if (c >= 0xc2 && c <= 0xdf) {
		in->need = 1, in->cp = c & 0x1f, in->min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		in->need = 2, in->cp = c & 0x0f, in->min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		in->need = 3, in->cp = c & 0x07, in->min = 0x10000;
	} else {
		put_char(in, 0xfffd, out);
	}
}

static void text_byte(struct screen_input *in, uint8_t c, struct buf *out)
{
	if (in->need == 0)
		return start_char(in, c, out);
	if ((c & 0xc0) != 0x80) {
		end_text(in, out);
		return start_char(in, c, out);
	}
	in->cp = in->cp << 6 | (c & 0x3f);
	if (--in->need)
		return;
	if (in->cp < in->min || in->cp > 0x10ffff || (in->cp >= 0xd800 && in->cp <= 0xdfff))
		in->cp = 0xfffd;
	put_char(in, in->cp, out);
}

/* A new state; ESC and CSI start with an empty sequence. */
static void enter(struct screen_input *in, int state, struct buf *out)
{
	end_text(in, out);
	in->state = state;
	if (state == ESC || state == ESC_IN_STRING || state == CSI_LEADER) {
		in->n_leader = in->n_intermed = in->n_seps = 0;
		in->missing = 1;
		in->args[0] = 0;
		in->dropped = 0;
	}
}

/* Keeps c in a[2] (counted in *n); more than two drops the sequence. */
static void keep(struct screen_input *in, char *a, unsigned *n, uint8_t c)
{
	if (*n < 2)
		a[*n] = (char)c;
	else
		in->dropped = 1;
	(*n)++;
}

/* ESC, its intermediates and final c; the C1 controls libvterm acts on
 * (IND, NEL, HTS, RI, SS2, SS3) as ESC and a letter. */
static void escape(struct screen_input *in, uint8_t c, struct buf *out)
{
	if (in->n_intermed == 0 && c >= 0x40 && c < 0x60 && strchr("DEHMNO", c) == NULL)
		return;
	if (in->dropped)
		return;
	buf_putc(out, 0x1b);
	buf_append(out, in->intermed, in->n_intermed);
	buf_putc(out, c);
}

static void esc_byte(struct screen_input *in, uint8_t c, struct buf *out)
{
	if (c == 'P' || c == ']')
		return enter(in, STRING, out);
	if (c == '[')
		return enter(in, CSI_LEADER, out);
	if (c >= 0x20 && c <= 0x2f)
		return keep(in, in->intermed, &in->n_intermed, c);
	if (c >= 0x30 && c < 0x7f) {
		escape(in, c, out);
		in->state = NORMAL;
	}
	/* else (8-bit bytes) libvterm stays in ESC, taking them for nothing */
}

static void arg_digit(struct screen_input *in, uint8_t c)
{
	unsigned a = in->args[in->n_seps] * 10u + (unsigned)(c - '0');

	in->missing &= ~(1u << in->n_seps);
	in->args[in->n_seps] =
	    (uint16_t)(a > SCREEN_INPUT_MAX_NUMBER ? SCREEN_INPUT_MAX_NUMBER : a);
}

static void arg_sep(struct screen_input *in, uint8_t c)
{
	if (in->n_seps + 1 >= SCREEN_INPUT_MAX_ARGS) {
		in->dropped = 1;
		return;
	}
	in->seps[in->n_seps++] = (char)c;
	in->args[in->n_seps] = 0;
	in->missing |= 1u << in->n_seps;
}

static void put_csi(const struct screen_input *in, uint8_t final, struct buf *out)
{
	buf_append_str(out, "\x1b[");
	buf_append(out, in->leader, in->n_leader);
	for (unsigned i = 0; i <= in->n_seps; i++) {
		if (!(in->missing & (1u << i)))
			buf_printf(out, "%u", in->args[i]);
		if (i < in->n_seps)
			buf_putc(out, (uint8_t)in->seps[i]);
	}
	buf_append(out, in->intermed, in->n_intermed);
	buf_putc(out, final);
}

/* A CSI's final byte: 1 when it is REP (count in *repeat), else 0. */
static int csi_final(struct screen_input *in, uint8_t c, struct buf *out, unsigned *repeat)
{
	in->state = NORMAL;
	if (in->dropped)
		return 0;
	if (c == 'b' && in->n_leader == 0 && in->n_intermed == 0) {
		*repeat = (in->missing & 1) || in->args[0] == 0 ? 1 : in->args[0];
		return 1;
	}
	put_csi(in, c, out);
	return 0;
}

static int csi_byte(struct screen_input *in, uint8_t c, struct buf *out, unsigned *repeat)
{
	if (in->state == CSI_LEADER && c >= 0x3c && c <= 0x3f) {
		keep(in, in->leader, &in->n_leader, c);
		return 0;
	}
	if (in->state != CSI_INTERMED) {
		in->state = CSI_ARGS;
		if (c >= '0' && c <= '9')
			arg_digit(in, c);
		else if (c == ':' || c == ';')
			arg_sep(in, c);
		else
			in->state = CSI_INTERMED;
		if (in->state == CSI_ARGS)
			return 0;
	}
	if (c >= 0x20 && c <= 0x2f) {
		keep(in, in->intermed, &in->n_intermed, c);
		return 0;
	}
	if (c >= 0x40 && c <= 0x7e)
		return csi_final(in, c, out, repeat);
	in->state = NORMAL; /* not a CSI: libvterm drops it */
	return 0;
}

static void control(struct screen_input *in, uint8_t c, struct buf *out)
{
	if (c == 0x18 || c == 0x1a)
		return enter(in, NORMAL, out);
	if (c == 0x1b)
		return enter(in, in->state == STRING ? ESC_IN_STRING : ESC, out);
	if (c == 0x07 && in->state == STRING)
		return enter(in, NORMAL, out);
	if (in->state == NORMAL)
		end_text(in, out);
	if (acted_on(c))
		buf_putc(out, c); /* in a sequence too: libvterm acts on it there */
}

/* One byte; 1 when it ended a REP sequence. */
static int take_byte(struct screen_input *in, uint8_t c, struct buf *out, unsigned *repeat)
{
	if (c == 0x00 || c == 0x7f)
		return 0;
	if (c < 0x20) {
		control(in, c, out);
		return 0;
	}
	if (in->state == ESC_IN_STRING) {
		if (c == '\\') {
			in->state = NORMAL;
			return 0;
		}
		in->state = ESC;
	}
	if (in->state == NORMAL)
		text_byte(in, c, out);
	else if (in->state == ESC)
		esc_byte(in, c, out);
	else if (in->state != STRING)
		return csi_byte(in, c, out, repeat);
	return 0;
}

size_t screen_input_take(struct screen_input *in, const uint8_t *data, size_t len, struct buf *out,
			 unsigned *repeat)
{
	*repeat = 0;
	for (size_t i = 0; i < len; i++)
		if (take_byte(in, data[i], out, repeat))
			return i + 1;
	return len;
}

void screen_input_put_last(const struct screen_input *in, struct buf *out)
{
	if (in->last)
		put_utf8(out, in->last);
}
