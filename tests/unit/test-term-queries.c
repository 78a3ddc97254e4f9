/* term-queries.c: terminal queries are removed from recorded output, whole
 * or split across chunks at every byte; everything else passes unchanged. */
#include "check.h"
#include "util/term-queries.h"

#include <stdlib.h>
#include <string.h>

/* in filtered in chunks of size step (0: at once), as a string. */
static char *filtered(const char *in, size_t step)
{
	static struct term_queries q;
	struct buf out = {0};
	size_t len = strlen(in);

	memset(&q, 0, sizeof(q));
	for (size_t at = 0; at < len;) {
		size_t n = step && step < len - at ? step : len - at;
		term_queries_filter(&q, (const uint8_t *)in + at, n, &out);
		at += n;
	}
	term_queries_finish(&q, &out);
	buf_putc(&out, 0);
	return (char *)out.data;
}

static void same_at_every_split(const char *in, const char *want)
{
	for (size_t step = 0; step <= strlen(in); step++) {
		char *got = filtered(in, step);
		if (strcmp(got, want) != 0)
			fprintf(stderr, "for input %zu bytes long in chunks of %zu:\n", strlen(in),
				step);
		CHECK_STR(got, want);
		free(got);
	}
}

static void queries_are_removed(void)
{
	same_at_every_split("a\x1b[6nb", "ab");
	same_at_every_split("a\x1b[?6n\x1b[5n\x1b[cb\x1b[>c\x1b[=0c", "ab");
	same_at_every_split("\x1b[21t\x1b[14;2t\x1b[?2026$p\x1b[>0q\x1b[?u\x05\x1bZok", "ok");
	same_at_every_split("x\x1bP$qm\x1b\\y\x1bP+q544e\x1b\\z", "xyz");
	same_at_every_split("\x1b]10;?\x1b\\\x1b]11;?\x07\x1b]4;1;?\x07\x1b]52;c;?\x07.", ".");
	/* The same as C1 controls in UTF-8, which xterm takes as controls too. */
	same_at_every_split("a\xc2\x9b"
			    "6n\xc2\x9d"
			    "11;?\xc2\x9c\xc2\x90$qm\xc2\x9c\xc2\x9a"
			    "b",
			    "ab");
	same_at_every_split("\x1b]52;c;aGk=\x07\x1b_Gi=1,a=q;\x1b\\.", ".");
	/* tmux's passthrough: on a terminal, the doubled ESC ends the string and
	 * starts the query; the ST left over is harmless. */
	same_at_every_split("\x1bPtmux;\x1b\x1b[6n\x1b\\.", "\x1b\\.");
}

static void everything_else_passes(void)
{
	const char *plain = "ls -l\r\n\x1b[1;31mred\x1b[0m \x1b[?1049h\x1b[H\x1b[2J\x1b]0;title\x07"
			    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1b(B\x1b=\xc3\xa9\x1b[?25l"
			    "\xc2\xa0\xc2\x9d"
			    "0;t\xc2\xa9\xc2\x9c\xc2";

	same_at_every_split(plain, plain);
	same_at_every_split("\x1bPq#0;2;0;0;0#0~~@@\x1b\\", "\x1bPq#0;2;0;0;0#0~~@@\x1b\\");
}

static void long_strings(void)
{
	static char in[3 * TERM_QUERIES_HOLD], want[3 * TERM_QUERIES_HOLD];
	size_t n;

	/* A long sixel image passes whole; a long OSC, which may hide a "?", does not. */
	n = (size_t)snprintf(in, sizeof(in), "\x1bPq");
	memset(in + n, '~', 2 * TERM_QUERIES_HOLD);
	strcpy(in + n + 2 * TERM_QUERIES_HOLD, "\x1b\\.");
	strcpy(want, in);
	char *got = filtered(in, 1000);
	CHECK_STR(got, want);
	free(got);
	n = (size_t)snprintf(in, sizeof(in), "\x1b]10;");
	memset(in + n, 'x', 2 * TERM_QUERIES_HOLD);
	strcpy(in + n + 2 * TERM_QUERIES_HOLD, ";?\x07.");
	got = filtered(in, 1000);
	CHECK_STR(got, ".");
	free(got);
}

int main(void)
{
	queries_are_removed();
	everything_else_passes();
	long_strings();
	CHECK_DONE();
}
