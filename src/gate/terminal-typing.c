#include "terminal-typing.h"

#include "caller-creds.h"
#include "pidfd.h"
#include "procmem.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_SYS_ADMIN_BIT (1ull << 21)

int terminal_typing_needed(const struct seccomp_notif *n)
{
	struct creds c;

	if ((unsigned)n->data.args[1] != TIOCSTI)
		return 0;
	/* A caller gone is judged by the gate: its answer is thrown away. */
	return creds_read((pid_t)n->pid, &c) < 0 || (c.cap_effective & CAP_SYS_ADMIN_BIT);
}

int terminal_typing_take(const struct seccomp_notif *n, int *fd)
{
	int pidfd = pidfd_of_thread((pid_t)n->pid), got, saved;

	if (pidfd < 0)
		return pidfd;
	got = (int)syscall(SYS_pidfd_getfd, pidfd, (int)n->data.args[0], 0);
	saved = errno;
	close(pidfd);
	if (got < 0)
		return -saved;
	*fd = got;
	return 0;
}

int terminal_typing_type(const struct seccomp_notif *n, int fd)
{
	unsigned char c;
	struct error err;

	if (procmem_read((pid_t)n->pid, n->data.args[2], &c, 1, &err) < 0)
		return -EFAULT;
	return ioctl(fd, TIOCSTI, &c) < 0 ? -errno : 0;
}
