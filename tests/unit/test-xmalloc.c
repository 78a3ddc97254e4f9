/* xmalloc.c: results usable, and sizes that overflow abort with a message
 * instead of allocating less than asked; error.c: the code callers test. */
#include "check.h"
#include "util/error.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs what in a child with stderr closed; 1 when it died of SIGABRT. */
static int aborts(void (*what)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		close(STDERR_FILENO);
		what();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void calloc_overflow(void)
{
	free(xcalloc(SIZE_MAX / 2, 3));
}

static void reallocarray_overflow(void)
{
	free(xreallocarray(NULL, SIZE_MAX / 4, 8));
}

static void too_large(void)
{
	free(xmalloc(SIZE_MAX - 16));
}

int main(void)
{
	char *s = xasprintf("%s-%d", "escort", 7);
	char *z = xcalloc(0, 8);
	int *v = xreallocarray(NULL, 4, sizeof(int));
	struct error err;

	CHECK_STR(s, "escort-7");
	free(s);
	s = xstrndup("abcdef", 3);
	CHECK_STR(s, "abc");
	free(s);
	s = xstrdup("");
	CHECK_STR(s, "");
	free(s);
	CHECK(z != NULL);
	free(z);
	v[3] = 1;
	free(v);
	CHECK(aborts(calloc_overflow));
	CHECK(aborts(reallocarray_overflow));
	CHECK(aborts(too_large));

	CHECK(error_set_code(&err, ERR_TIMEOUT, "late %d", 1) < 0 && err.code == ERR_TIMEOUT);
	CHECK_STR(err.msg, "late 1");
	CHECK(error_set(&err, "x") < 0 && err.code == ERR_FAILED && err.errnum == 0);
	errno = ENOENT;
	CHECK(error_errno(&err, "open") < 0 && err.code == ERR_SYSTEM && err.errnum == ENOENT);
	CHECK_DONE();
}
