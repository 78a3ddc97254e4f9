/* The live screen's repaint (console/screen.c, screen-sgr.c): escortd's own
 * cursor positions and SGR around the cells' printable characters, whatever
 * the operator wrote: their escape sequences (OSC titles, clipboard writes,
 * links, device queries, 8-bit C1) never come out, characters that reorder
 * or hide text are '?', and text the colour of its background is shown in
 * the default colours. */
#include "check.h"
#include "console/screen.h"
#include "util/visible.h"

static const char *paint(const char *input, struct buf *out)
{
	struct screen *s = screen_new(40, 3);

	buf_reset(out);
	screen_feed(s, (const uint8_t *)input, strlen(input));
	screen_paint(s, out);
	buf_putc(out, '\0');
	screen_free(s);
	return (const char *)out->data;
}

/* 1 when every ESC starts "ESC [ digits-and-semicolons H|m", no other C0 or
 * DEL is there and no character util/visible.c calls hiding. */
static int only_ours(const char *p)
{
	while (*p) {
		const unsigned char c = (unsigned char)*p;
		if (c == 0x1b) {
			if (p[1] != '[')
				return 0;
			p += 2 + strspn(p + 2, "0123456789;");
			if (*p != 'H' && *p != 'm')
				return 0;
		} else if (c < 0x20 || c == 0x7f) {
			return 0;
		} else if (c == 0xc2 && (unsigned char)p[1] >= 0x80 &&
			   (unsigned char)p[1] <= 0x9f) {
			return 0; /* C1 in UTF-8 */
		} else if (c == 0xe2 && (unsigned char)p[1] == 0x80 &&
			   visible_hidden_code_point(0x2000 + ((unsigned char)p[2] & 0x3f))) {
			return 0; /* U+2000..U+203F: zero-width, marks, overrides */
		}
		p++;
	}
	return 1;
}

static void test_hostile_sequences_do_not_come_out(void)
{
	static const char *hostile[] = {
	    "\x1b]0;pwned\x07title",
	    "\x1b]52;c;cHduZWQ=\x07clip",
	    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
	    "\x1bP+q544e\x1b\\dcs",
	    "\x1b[6n\x1b[c\x1b[>c\x1b[21t query",
	    "\xc2\x9b"
	    "31mC1 \xc2\x9d"
	    "0;x\xc2\x9c",
	    "ab\xe2\x80\xae"
	    "cd\xe2\x80\x8b"
	    "e\xe2\x81\xa6"
	    "f\xef\xbb\xbf"
	    "g",
	    "\x1b[?1049h\x1b[?25l\x1b[2J\x1b[10;10r\x1b#8\x0e\x1b(0lqk\x0f",
	    "\x1b[8mconceal",
	};
	struct buf out = {0};

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *p = paint(hostile[i], &out);
		if (!only_ours(p))
			fprintf(stderr, "input %zu painted as %s\n", i, p);
		CHECK(only_ours(p));
	}
	CHECK(strstr(paint("ab\xe2\x80\xae"
			   "cd",
			   &out),
		     "a??d") == NULL);
	CHECK(strstr(paint("ab\xe2\x80\xae"
			   "cd",
			   &out),
		     "a?cd") != NULL);
	CHECK(strstr(paint("\x1b]52;c;cHduZWQ=\x07"
			   "clip",
			   &out),
		     "cHduZWQ") == NULL);
	buf_free(&out);
}

static void test_colours_and_attributes(void)
{
	struct buf out = {0};

	CHECK(strstr(paint("x\x1b[31mRED\x1b[0m", &out), "\x1b[0mx\x1b[0;38;5;1mRED\x1b[0m ") !=
	      NULL);
	CHECK(strstr(paint("\x1b[1;3;4;5;7;9mA", &out), "\x1b[0;1;3;4;5;7;9mA") != NULL);
	CHECK(strstr(paint("\x1b[38;2;0;255;0;48;5;200mG", &out), "\x1b[0;38;5;46;48;5;200mG") !=
	      NULL);
	/* Red on red, and black on the default black: default colours. */
	CHECK(strstr(paint("\x1b[31;41mHID\x1b[0m", &out), "\x1b[1;1H\x1b[0mHID") != NULL);
	CHECK(strstr(paint("\x1b[30mHID", &out), "\x1b[1;1H\x1b[0mHID") != NULL);
	/* The cursor's place last. */
	CHECK(strstr(paint("ab\r\ncd", &out), "\x1b[0m\x1b[2;3H") != NULL);
	buf_free(&out);
}

int main(void)
{
	test_hostile_sequences_do_not_come_out();
	test_colours_and_attributes();
	CHECK_DONE();
}
