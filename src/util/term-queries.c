#include "term-queries.h"

#include <string.h>

#define ESC 0x1b
#define BEL 0x07
#define CSI_MAX 64

/* After 0xC2: U+0080..U+009F are controls too (xterm decodes UTF-8 first). */
#define C1_LEAD 0xc2

enum { GROUND, ESCAPE, CSI, STRING, STRING_ESC, C1, STRING_C1 };
enum { UNDECIDED, KEEP, DROP };

static void hold(struct term_queries *q, uint8_t c)
{
	if (q->held_len < sizeof(q->held))
		q->held[q->held_len++] = c;
}

static void release(struct term_queries *q, struct buf *out, int keep)
{
	if (keep)
		buf_append(out, q->held, q->held_len);
	q->held_len = 0;
	q->state = GROUND;
}

static int has(const char *set, uint8_t c)
{
	return c != 0 && strchr(set, c) != NULL;
}

/* CSI held[2..] up to final f: is it a request for a report (or a
 * change of the auditor's window)? */
static int csi_is_query(const struct term_queries *q)
{
	const uint8_t *p = q->held + 2;
	size_t n = q->held_len - 3;
	uint8_t f = q->held[q->held_len - 1], lead = n ? p[0] : 0;
	int dollar = memchr(p, '$', n) != NULL;

	if (has("nctx", f)) /* DSR, DA1-3, window ops and reports, DECREQTPARM */
		return 1;
	if (dollar && has("puw", f)) /* DECRQM, DECRQTSR, DECRQPSR */
		return 1;
	if ((lead == '>' && f == 'q') || (lead == '?' && has("uSm", f)))
		return 1; /* XTVERSION, keyboard flags, XTSMGRAPHICS, XTQMODKEYS */
	return (memchr(p, '*', n) && f == 'y') || (memchr(p, '#', n) && f == 'R');
}

/* An OSC body: clipboard, iTerm2's and kitty's own, or any parameter "?". */
static int osc_is_query(const uint8_t *p, size_t n)
{
	long ps = 0;
	size_t start = 0;

	for (size_t i = 0; i < n && i < 6 && p[i] >= '0' && p[i] <= '9'; i++)
		ps = ps * 10 + (p[i] - '0');

	if (n > 0 && (ps == 52 || ps == 1337 || ps == 5522))
		return 1;
	for (size_t i = 0; i <= n; i++)
		if (i == n || p[i] == ';') {
			if (i > start && p[start] == '?')
				return 1;
			start = i + 1;
		}
	return 0;
}

static int prefix(const uint8_t *p, size_t n, const char *s)
{
	return n >= strlen(s) && memcmp(p, s, strlen(s)) == 0;
}

/* The string control held (ESC and its kind, body): is it a query? Of a
 * body cut at the hold limit, only what it starts with is known. */
static int is_osc(const struct term_queries *q)
{
	return q->held[1] == ']' || q->held[1] == 0x9d;
}

static int string_is_query(const struct term_queries *q, size_t body_len)
{
	const uint8_t *body = q->held + 2;
	uint8_t kind = q->held[1] == 0x90 ? 'P' : is_osc(q) ? ']' : q->held[1];

	if (kind == ']')
		return osc_is_query(body, body_len);
	if (kind == 'P') /* DECRQSS, XTGETTCAP, tmux's passthrough */
		return prefix(body, body_len, "$q") || prefix(body, body_len, "+q") ||
		       prefix(body, body_len, "tmux;");
	return 1; /* APC (kitty graphics queries), PM, SOS: nothing to show */
}

/* A string control ended (terminated, or cancelled by c). */
static void string_end(struct term_queries *q, struct buf *out, size_t body_len)
{
	int keep = q->mode == KEEP || (q->mode == UNDECIDED && !string_is_query(q, body_len));

	release(q, out, keep);
}

/* The hold is full: a long OSC is dropped (it may hide a "?" further on),
 * another string control is kept and streamed unless it starts as a query. */
static void string_overflow(struct term_queries *q, struct buf *out)
{
	if (is_osc(q) || string_is_query(q, q->held_len - 2)) {
		q->mode = DROP;
		q->held_len = 0;
		return;
	}
	q->mode = KEEP;
	buf_append(out, q->held, q->held_len);
	q->held_len = 0;
}

/* A byte of a string control's text. */
static void string_text(struct term_queries *q, uint8_t c, struct buf *out)
{
	if (q->mode == UNDECIDED && q->held_len == sizeof(q->held))
		string_overflow(q, out);
	if (q->mode == KEEP)
		buf_putc(out, c);
	else if (q->mode == UNDECIDED)
		hold(q, c);
}

static void in_string(struct term_queries *q, uint8_t c, struct buf *out)
{
	size_t body = q->held_len - 2;

	if (c == BEL && q->mode != KEEP && is_osc(q)) {
		hold(q, c);
		return string_end(q, out, body);
	}
	if (c == ESC || c == C1_LEAD)
		q->state = c == ESC ? STRING_ESC : STRING_C1;
	else
		string_text(q, c, out);
}

static void step(struct term_queries *q, uint8_t c, struct buf *out);

static void after_string_esc(struct term_queries *q, uint8_t c, struct buf *out)
{
	int streamed = q->mode == KEEP;
	size_t body = q->mode == UNDECIDED ? q->held_len - 2 : 0;

	if (c == '\\') {
		if (streamed) {
			buf_append(out, "\x1b\\", 2);
			return release(q, out, 0);
		}
		hold(q, ESC);
		hold(q, c);
		return string_end(q, out, body);
	}
	/* Cancelled by a new escape sequence: the terminal never acts on it. */
	(void)streamed; /* the new escape ends it on the terminal too */
	release(q, out, 0);
	q->mode = UNDECIDED;
	step(q, ESC, out);
	if (c != ESC) /* ESC ESC: the second starts the sequence */
		step(q, c, out);
}

/* 0xC2 in a string control: U+009C ends it, anything else is its text. */
static void after_string_c1(struct term_queries *q, uint8_t c, struct buf *out)
{
	size_t body = q->mode == UNDECIDED ? q->held_len - 2 : 0;

	q->state = STRING;
	if (c == 0x9c) {
		if (q->mode == KEEP) {
			buf_append(out, "\xc2\x9c", 2);
			return release(q, out, 0);
		}
		hold(q, C1_LEAD);
		hold(q, c);
		return string_end(q, out, body);
	}
	string_text(q, C1_LEAD, out);
	in_string(q, c, out);
}

/* 0xC2 outside a sequence: U+009B, U+009D, U+0090 and the like start one. */
static void after_c1_lead(struct term_queries *q, uint8_t c, struct buf *out)
{
	if (c == 0x9a) /* DECID */
		return release(q, out, 0);
	if (c == 0x9b || has("\x9d\x90\x9f\x9e\x98", c)) {
		hold(q, c);
		q->state = c == 0x9b ? CSI : STRING;
		q->mode = UNDECIDED;
		return;
	}
	release(q, out, 1);
	step(q, c, out);
}

static void after_escape(struct term_queries *q, uint8_t c, struct buf *out)
{
	if (c == 'Z') /* DECID: answered as DA1 */
		return release(q, out, 0);
	if (c == '[') {
		hold(q, c);
		q->state = CSI;
		return;
	}
	if (has("]P_^X", c)) {
		hold(q, c);
		q->state = STRING;
		q->mode = UNDECIDED;
		return;
	}
	release(q, out, 1);
	step(q, c, out);
}

static void in_csi(struct term_queries *q, uint8_t c, struct buf *out)
{
	if (c == ESC || c == 0x18 || c == 0x1a) { /* cancelled */
		release(q, out, 1);
		if (c == ESC)
			step(q, c, out);
		else
			buf_putc(out, c);
		return;
	}
	hold(q, c);
	if (c >= 0x40 && c <= 0x7e)
		return release(q, out, !csi_is_query(q));
	if (q->held_len >= CSI_MAX)
		release(q, out, 1);
}

static void step(struct term_queries *q, uint8_t c, struct buf *out)
{
	switch (q->state) {
	case GROUND:
		if (c == ESC || c == C1_LEAD) {
			hold(q, c);
			q->state = c == ESC ? ESCAPE : C1;
		} else if (c != 0x05) { /* ENQ: the answerback */
			buf_putc(out, c);
		}
		return;
	case ESCAPE:
		return after_escape(q, c, out);
	case CSI:
		return in_csi(q, c, out);
	case STRING:
		return in_string(q, c, out);
	case C1:
		return after_c1_lead(q, c, out);
	case STRING_C1:
		return after_string_c1(q, c, out);
	default:
		return after_string_esc(q, c, out);
	}
}

void term_queries_filter(struct term_queries *q, const uint8_t *data, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++)
		step(q, data[i], out);
}

void term_queries_finish(struct term_queries *q, struct buf *out)
{
	/* An unfinished CSI or escape shows nothing; an unfinished string is dropped. */
	if (q->state == C1)
		buf_putc(out, C1_LEAD);
	if (q->state == STRING && q->mode == KEEP)
		buf_append(out, "\x1b\\", 2);
	release(q, out, 0);
}
