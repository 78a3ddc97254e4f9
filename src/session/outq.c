#include "outq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* The operator's descriptor may be shared (the shell that started escort has
 * the same terminal): setting O_NONBLOCK on it would change it for them too.
 * A terminal or a pipe opened again through /proc is a description of our
 * own; a socket is sent to with MSG_DONTWAIT; a regular file never waits. */
static void choose_descriptor(struct outq *q, int fd)
{
	struct stat st, again;
	char path[64];
	int own;

	q->fd = fd;
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		q->socket = 1;
		return;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	own = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (own >= 0 && fstat(own, &again) == 0 && again.st_dev == st.st_dev &&
	    again.st_ino == st.st_ino && again.st_rdev == st.st_rdev) {
		q->fd = own;
		q->owned = 1;
		return;
	}
	if (own >= 0)
		close(own);
	q->toggle = 1;
}

int outq_open(struct outq *q, struct event_base *base, int fd, event_callback_fn on_writable,
	      void *arg)
{
	*q = (struct outq){.fd = -1};
	choose_descriptor(q, fd);
	q->writable = event_new(base, q->fd, EV_WRITE, on_writable, arg);
	return q->writable ? 0 : -1;
}

static ssize_t write_some(struct outq *q)
{
	size_t len = q->pending.len;
	ssize_t n;
	int flags = 0;

	if (q->socket)
		return send(q->fd, q->pending.data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (q->toggle && (flags = fcntl(q->fd, F_GETFL)) >= 0)
		fcntl(q->fd, F_SETFL, flags | O_NONBLOCK);
	n = write(q->fd, q->pending.data, len);
	if (q->toggle && flags >= 0) {
		int saved = errno;
		fcntl(q->fd, F_SETFL, flags);
		errno = saved;
	}
	return n;
}

int outq_flush(struct outq *q)
{
	if (q->writable == NULL)
		return 0; /* never opened */
	while (q->error == 0 && q->pending.len > 0) {
		ssize_t n = write_some(q);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* A descriptor epoll refuses never says EAGAIN. */
			event_add(q->writable, NULL);
			return 0;
		}
		if (n <= 0) {
			q->error = n < 0 ? errno : EPIPE;
			buf_reset(&q->pending);
			break;
		}
		buf_consume(&q->pending, (size_t)n);
	}
	event_del(q->writable);
	return q->error ? -1 : 0;
}

int outq_push(struct outq *q, const void *data, size_t len)
{
	if (q->error)
		return -1;
	buf_append(&q->pending, data, len);
	if (q->pending.len > len)
		return 0; /* already waiting for the writable event */
	return outq_flush(q);
}

size_t outq_pending(const struct outq *q)
{
	return q->pending.len;
}

void outq_drop(struct outq *q)
{
	buf_reset(&q->pending);
	if (q->writable)
		event_del(q->writable);
}

void outq_close(struct outq *q)
{
	if (q->writable)
		event_free(q->writable);
	q->writable = NULL;
	buf_free(&q->pending);
	if (q->owned)
		close(q->fd);
	q->fd = -1;
}

int outq_same_file(int fd, int other)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0 || fstat(other, &b) < 0)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_rdev == b.st_rdev;
}
