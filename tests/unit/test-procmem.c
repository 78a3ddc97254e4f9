/* Reading another process's strings and argv, with the limits enforced. */
#include "check.h"
#include "gate/procmem.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char *long_string;

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
	CHECK_DONE();
}
