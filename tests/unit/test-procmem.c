/* Reading another process's strings and argv, with the limits enforced. */
#include "check.h"
#include "gate/procmem.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char *long_string;

#define NSTR 40

/* Strings of an environment as a caller may lay them out: many on one page,
 * one across a page boundary, one ending on the last byte before an
 * unmapped page, one longer than the prefix read first, and the rest far
 * apart (more runs of pages than are read together). */
static void lay_out(char **strs)
{
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *at = m + 100;

	CHECK(m != MAP_FAILED);
	CHECK(munmap(m + 2 * 4096, 4096) == 0);
	for (int i = 0; i < 10; i++, at += 40)
		strs[i] = strcpy(at, i == 3 ? "PATH=/usr/bin:/bin" : "A=1");
	strs[10] = strcpy(m + 4096 - 10, "CROSS=over-the-page");
	strs[11] = m + 2 * 4096 - 12;
	memcpy(strs[11], "ENV=/tmp/x1", 12); /* its NUL is the mapping's last byte */
	strs[12] = m + 4096 + 200;
	memset(strs[12], 'p', 600);
	memcpy(strs[12], "LD_PRELOAD=", 11);
	strs[12][600] = '\0';
	for (int i = 13; i < NSTR; i++) {
		strs[i] =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(strs[i] != MAP_FAILED);
		snprintf(strs[i], 64, "FAR%d=%d", i, i * 7);
	}
}

static void check_environment(void)
{
	static const char *const names[] = {"LD_PRELOAD", "PATH", "ENV", "CROSS", "FAR39", "NONE"};
	char *strs[NSTR + 1] = {0}, *values[6], **all;
	uint64_t at;
	int p[2], truncated;
	struct error err;
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		lay_out(strs);
		at = (uintptr_t)strs;
		(void)!write(p[1], &at, sizeof(at));
		pause();
		_exit(0);
	}
	CHECK(read(p[0], &at, sizeof(at)) == sizeof(at));
	CHECK(procmem_env_select(pid, at, names, 6, values, &err) == 0);
	CHECK(values[0] && strlen(values[0]) == 600 &&
	      strncmp(values[0], "LD_PRELOAD=pp", 13) == 0);
	CHECK_STR(values[1], "PATH=/usr/bin:/bin");
	CHECK_STR(values[2], "ENV=/tmp/x1");
	CHECK_STR(values[3], "CROSS=over-the-page");
	CHECK_STR(values[4], "FAR39=273");
	CHECK(values[5] == NULL);
	for (int k = 0; k < 5; k++)
		free(values[k]);
	CHECK(procmem_string_array(pid, at, &all, &truncated, &err) == 0 && !truncated);
	CHECK_STR(all[11], "ENV=/tmp/x1");
	CHECK_STR(all[13], "FAR13=91");
	CHECK(all[NSTR - 1] != NULL && all[NSTR] == NULL);
	procmem_free_array(all);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	static char path[] = "/usr/bin/example";
	static char *argv[] = {"rm", "-rf", "/srv/data", NULL};
	uint64_t addrs[4];
	int to_parent[2];
	char buf[64], **got;
	struct error err;
	int truncated;
	pid_t pid;

	long_string = malloc(PROCMEM_MAX_STRING + 100);
	memset(long_string, 'a', PROCMEM_MAX_STRING + 99);
	long_string[PROCMEM_MAX_STRING + 99] = '\0';
	CHECK(pipe(to_parent) == 0);
	pid = fork();
	if (pid == 0) {
		addrs[0] = (uintptr_t)path;
		addrs[1] = (uintptr_t)argv;
		addrs[2] = (uintptr_t)long_string;
		addrs[3] = 0;
		(void)!write(to_parent[1], addrs, sizeof(addrs));
		pause();
		_exit(0);
	}
	CHECK(read(to_parent[0], addrs, sizeof(addrs)) == sizeof(addrs));

	CHECK(procmem_string(pid, addrs[0], buf, sizeof(buf), &err) == (ssize_t)strlen(path));
	CHECK_STR(buf, path);
	CHECK(procmem_string(pid, addrs[0], buf, 5, &err) < 0 && err.code == ERR_TRUNCATED);
	CHECK(procmem_string(pid, 8, buf, sizeof(buf), &err) < 0); /* unmapped */

	CHECK(procmem_string_array(pid, addrs[1], &got, &truncated, &err) == 0);
	CHECK(!truncated && got[0] && got[1] && got[2] && got[3] == NULL);
	CHECK_STR(got[2], "/srv/data");
	procmem_free_array(got);

	{
		char big[PROCMEM_MAX_STRING];
		CHECK(procmem_string(pid, addrs[2], big, sizeof(big), &err) < 0);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(procmem_string(pid, addrs[0], buf, sizeof(buf), &err) < 0);
	free(long_string);
	check_environment();
	CHECK_DONE();
}
