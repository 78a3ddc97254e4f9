#include "writer-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int writer_lock_take(const char *path, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return error_errno(err, "cannot open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, "%s is not a regular file", path);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno == EWOULDBLOCK) {
		close(fd);
		return error_set(err,
				 "%s is being written by a live session (its writer holds the "
				 "lock on it): nothing was changed",
				 path);
	}
	error_errno(err, "cannot lock %s", path);
	close(fd);
	return -1;
}
