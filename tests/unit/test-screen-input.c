/* What reaches libvterm 0.1.4 (console/screen-input.c): nothing that hangs
 * it, writes out of its bounds or makes it scan without end, whatever the
 * operator's program prints; the rest in one canonical form. A hang here is
 * the test's timeout, a write out of bounds its crash. */
#include "check.h"
#include "console/screen-input.h"
#include "console/screen.h"

/* The canonical form of input[0..len) (all of it: REP is not taken here). */
static const char *filter(const char *input, size_t len, struct buf *out)
{
	struct screen_input in = {0};
	unsigned repeat;

	buf_reset(out);
	screen_input_take(&in, (const uint8_t *)input, len, out, &repeat);
	buf_putc(out, '\0');
	return (const char *)out->data;
}

/* Row 0 (of 40 columns) after input, with where the cursor is. */
static const char *row0(const char *input, size_t len, struct buf *out)
{
	struct screen *s = screen_new(40, 3);

	buf_reset(out);
	screen_feed(s, (const uint8_t *)input, len);
	screen_row_text(s, 0, 40, out);
	buf_printf(out, "|%u", screen_cursor_row(s));
	buf_putc(out, '\0');
	screen_free(s);
	return (const char *)out->data;
}

#define S(lit) lit, sizeof(lit) - 1

/* fuzz-screen-paint's find: its first byte a 99x13 resize between the halves. */
static const uint8_t fuzz_hang[] = {
    0x62, 0x1b, 0x5b, 0x00, 0x00, 0x34, 0x38, 0x3b, 0x62, 0x1b, 0x5b, 0x00, 0x00, 0x34, 0x38,
    0x3b, 0x38, 0x3b, 0x32, 0x3b, 0x31, 0x3b, 0x3b, 0x39, 0x6d, 0x77, 0x3a, 0x00, 0xad, 0x3b,
    0xe4, 0xb8, 0xad, 0xe6, 0x96, 0x87, 0x1b, 0x5b, 0x68, 0x1b, 0x38, 0x34, 0x3b, 0x5b, 0x5b,
    0x36, 0x3b, 0x75, 0x48, 0x78, 0x01, 0x00, 0x00, 0x6d, 0x00, 0x08, 0x04, 0x28};

static void test_rep_never_hangs(void)
{
	struct buf out = {0};
	struct screen *s = screen_new(80, 24);
	size_t half = (sizeof(fuzz_hang) - 1) / 2;

	CHECK(sizeof(fuzz_hang) == 58);
	screen_feed(s, fuzz_hang + 1, half);
	screen_resize(s, 99, 13);
	screen_feed(s, fuzz_hang + 1 + half, sizeof(fuzz_hang) - 1 - half);
	screen_paint(s, &out);
	CHECK(out.len > 0);
	screen_free(s);
	/* REP with nothing before it, or after a zero-width character. */
	CHECK(strncmp(row0(S("\x1b[b"), &out), "  ", 2) == 0);
	CHECK(strncmp(row0(S("\x1b[48;b"), &out), "  ", 2) == 0);
	CHECK(strncmp(row0(S("x\r\xcc\x81\x1b[5bA"), &out), "xxxxxA ", 7) == 0);
	/* REP as libvterm does it: the last character again, up to the row's end. */
	CHECK(strncmp(row0(S("ab\x1b[3b."), &out), "abbbb. ", 7) == 0);
	CHECK(strncmp(row0(S("ab\x1b[b."), &out), "abb. ", 5) == 0);
	CHECK(strstr(row0(S("x\x1b[9999b"), &out), "|0") != NULL);
	CHECK(strncmp((const char *)out.data, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|", 41) ==
	      0);
	CHECK(strncmp(row0(S("\xe4\xb8\xad\x1b[4b."), &out),
		      "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad."
		      " ",
		      11) == 0);
	CHECK_STR(filter(S("a\x1b[5bc"), &out), "a");
	buf_free(&out);
}

/* libvterm 0.1.4 keeps 16 CSI parameters and writes the 17th past them. */
static void test_csi_parameters_bounded(void)
{
	struct buf out = {0}, many = {0};

	buf_append_str(&many, "\x1b[1");
	for (int i = 2; i <= 40; i++)
		buf_printf(&many, ";%d", i);
	buf_append_str(&many, "mX");
	CHECK(strncmp(row0((const char *)many.data, many.len, &out), "X ", 2) == 0);
	CHECK_STR(filter((const char *)many.data, many.len, &out), "X");
	buf_reset(&many);
	buf_append_str(&many, "\x1b[");
	for (int i = 0; i < 5000; i++)
		buf_putc(&many, i % 2 ? ':' : ';');
	buf_append_str(&many, "HY");
	CHECK(strncmp(row0((const char *)many.data, many.len, &out), "Y ", 2) == 0);
	CHECK_STR(filter(S("\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16mZ"), &out),
		  "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16mZ");
	CHECK_STR(filter(S("\x1b[00031;;99999999999;38:2:1:2:3m"), &out),
		  "\x1b[31;;9999;38:2:1:2:3m");
	CHECK_STR(filter(S("\x1b[???1h\x1b[?1h\x1b[1 ! q"), &out), "\x1b[?1h");
	buf_free(&many);
	buf_free(&out);
}

/* U+0080..U+009F: width -1 in libvterm, which takes the cursor left of 0. */
static void test_utf8_c1_dropped(void)
{
	struct buf out = {0};

	CHECK(strncmp(row0(S("ab\xc2\x85\xc2\x85\xc2\x85"
			     "c"),
			   &out),
		      "abc ", 4) == 0);
	CHECK(strncmp(row0(S("\xc2\x85\xc2\x85\xc2\x85\xc2\x85Z\x1b[6n"), &out), "Z ", 2) == 0);
	CHECK_STR(filter(S("a\xc2\x9b"
			   "31m\xff\xe4\xb8"
			   "b"),
			 &out),
		  "a31m\xef\xbf\xbd\xef\xbf\xbd"
		  "b");
	buf_free(&out);
}

/* U+302A..U+302F and U+3099..U+309A: combining for libvterm 0.1.4 and two
 * columns wide too; after a wide character on a 3-column screen, a segfault. */
static void test_wide_marks_dropped(void)
{
	struct buf in = {0}, out = {0};
	static const char *marks[] = {"\xe3\x80\xaa", "\xe3\x80\xae", "\xe3\x82\x99"};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		struct screen *s = screen_new(3, 2);

		buf_reset(&in);
		buf_append_str(&in, "\xe4\xb8\xad");
		for (int k = 0; k < 3; k++)
			buf_append_str(&in, marks[i]);
		screen_feed(s, in.data, in.len);
		screen_free(s);
		CHECK_STR(filter((const char *)in.data, in.len, &out), "\xe4\xb8\xad");
	}
	buf_free(&in);
	buf_free(&out);
}

/* libvterm appends each zero-width character to the last glyph's list and
 * scans the whole list first: a flood of them split by NULs is quadratic. */
static void test_zero_width_run_bounded(void)
{
	struct buf in = {0}, out = {0};
	size_t marks = 0;

	buf_putc(&in, 'e');
	for (int i = 0; i < 100000; i++)
		buf_append(&in, "\xcc\x81\x00\x1b[m", 6);
	filter((const char *)in.data, in.len, &out);
	for (size_t i = 0; i + 1 < out.len; i++)
		marks += out.data[i] == 0xcc && out.data[i + 1] == 0x81;
	CHECK(marks == SCREEN_INPUT_MAX_MARKS);
	CHECK(strncmp(row0((const char *)in.data, in.len, &out), "e ", 2) == 0);
	CHECK_STR(filter(S("e\xcc\x81"
			   "f\xcc\x81"),
			 &out),
		  "e\xcc\x81"
		  "f\xcc\x81");
	buf_free(&in);
	buf_free(&out);
}

/* Strings never reach libvterm; controls inside sequences act, as there. */
static void test_sequences_as_libvterm_reads_them(void)
{
	struct buf out = {0};

	CHECK_STR(filter(S("\x1b]0;title\x07"
			   "a\x1b]52;c;eA==\x1b\\b\x1bP+q\x1b\\c"),
			 &out),
		  "abc");
	CHECK_STR(filter(S("\x1b[3\n1m\x1b[3\x18"
			   "1m"),
			 &out),
		  "\n\x1b[31m1m");
	CHECK_STR(filter(S("\x1b]0;\rx\x1b"
			   "7y"),
			 &out),
		  "\r\x1b"
		  "7y");
	CHECK_STR(filter(S("\x1b#8\x1b(0\x1b"
			   "D\x1bX\x1b_\x1b\xc3"
			   "c"),
			 &out),
		  "\x1b#8\x1b(0\x1b"
		  "D\x1b"
		  "c");
	CHECK_STR(filter(S("\x01\x02\x05\x07\x08\t\x0e\x0f\x10\x7f"), &out), "\x07\x08\t\x0e\x0f");
	buf_free(&out);
}

/* libvterm 0.1.4 leaves the cursor above the screen after a resize to fewer
 * rows (DECALN's cursor, 24 rows to 11: row -12); screen.c puts it back. */
static void test_resize_keeps_cursor_inside(void)
{
	struct buf out = {0};
	struct screen *s = screen_new(80, 24);
	const char *cup;

	screen_feed(s, (const uint8_t *)"x\x1b#8\x1b[20;24r", 12);
	screen_resize(s, 81, 11);
	screen_feed(s, (const uint8_t *)"\n\n\nab", 5);
	screen_paint(s, &out);
	buf_putc(&out, '\0');
	cup = strrchr((const char *)out.data, 0x1b);
	CHECK(cup != NULL && strcmp(cup, "\x1b[4;3H") == 0);
	screen_free(s);
	buf_free(&out);
}

int main(void)
{
	test_rep_never_hangs();
	test_csi_parameters_bounded();
	test_utf8_c1_dropped();
	test_wide_marks_dropped();
	test_zero_width_run_bounded();
	test_sequences_as_libvterm_reads_them();
	test_resize_keeps_cursor_inside();
	CHECK_DONE();
}
