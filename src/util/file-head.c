#include "file-head.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int file_head_read(const char *path, struct buf *out, size_t max)
{
	char chunk[4096];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while (got < max &&
	       (n = read(fd, chunk, max - got < sizeof(chunk) ? max - got : sizeof(chunk))) > 0) {
		buf_append(out, chunk, (size_t)n);
		got += (size_t)n;
	}
	close(fd);
	return 0;
}
