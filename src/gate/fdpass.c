#include "fdpass.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_all(int sock, const void *data, size_t len)
{
	ssize_t n;

	do
		n = write(sock, data, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static int read_all(int sock, void *data, size_t len)
{
	ssize_t n;

	do
		n = read(sock, data, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int fdpass_offer(int sock, int fd, struct error *err)
{
	char taken;

	if (write_all(sock, &fd, sizeof(fd)) < 0)
		return error_errno(err, "cannot offer the gate's listener");
	if (read_all(sock, &taken, 1) < 0)
		return error_set(err, "the session host did not take the gate's listener");
	return 0;
}

static int take_from(pid_t pid, int number, struct error *err)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int fd;

	if (pidfd < 0)
		return error_errno(err, "cannot refer to process %d", (int)pid);
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, number, 0);
	if (fd < 0)
		error_errno(err, "cannot take descriptor %d of process %d", number, (int)pid);
	close(pidfd);
	return fd;
}

int fdpass_take(int sock, pid_t pid, struct error *err)
{
	int number, fd;

	if (read_all(sock, &number, sizeof(number)) < 0)
		return error_set(err, "process %d offered no descriptor", (int)pid);
	fd = take_from(pid, number, err);
	if (fd >= 0 && write_all(sock, "T", 1) < 0) {
		close(fd);
		return error_errno(err, "cannot tell process %d its descriptor was taken",
				   (int)pid);
	}
	return fd;
}
