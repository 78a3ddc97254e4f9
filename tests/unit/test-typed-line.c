/* The last line typed to the shell: keys another process group received
 * (a full-screen program with or without the alternate screen) are not
 * part of it; a line typed ahead while a program ran is. */
#include "check.h"
#include "session/typed-line.h"

static void keys(struct typed_line *t, pid_t holder, const char *s)
{
	typed_line_feed(t, holder, (const uint8_t *)s, strlen(s));
}

static void out(struct typed_line *t, const char *s)
{
	typed_line_output(t, (const uint8_t *)s, strlen(s));
}

int main(void)
{
	static struct typed_line t;

	keys(&t, 10, "less -X /etc/passwd\r");
	CHECK_STR(typed_line_last(&t), "less -X /etc/passwd");
	keys(&t, 20, "jj/zzz"); /* less, on the normal screen, took these */
	keys(&t, 20, "\x07q");
	keys(&t, 10, "rm -rf x\r"); /* the shell again */
	CHECK_STR(typed_line_last(&t), "rm -rf x");
	/* Typed ahead while a program (group 30) ran: still a whole line. */
	keys(&t, 10, "sleep 1\r");
	keys(&t, 30, "echo ahead\r");
	CHECK_STR(typed_line_last(&t), "echo ahead");
	/* Without job control (one group): the alternate screen still tells. */
	keys(&t, 10, "vi x\r");
	out(&t, "\x1b[?1049h");
	keys(&t, 10, "ihello\x1b:wq");
	out(&t, "\x1b[?1049l");
	keys(&t, 10, "ls\r");
	CHECK_STR(typed_line_last(&t), "ls");
	CHECK_DONE();
}
