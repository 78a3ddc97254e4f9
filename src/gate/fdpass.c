#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* One byte of data carrying one descriptor. */
struct fd_message {
	char byte;
	struct iovec iov;
	struct msghdr msg;
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control; /* last: its size is only known to the compiler through a macro */
};

static void fd_message_init(struct fd_message *m)
{
	memset(m, 0, sizeof(*m));
	m->byte = 'F';
	m->iov = (struct iovec){&m->byte, 1};
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->control.space;
	m->msg.msg_controllen = sizeof(m->control.space);
}

int fdpass_send(int sock, int fd, struct error *err)
{
	struct fd_message m;
	struct cmsghdr *c;

	fd_message_init(&m);
	c = CMSG_FIRSTHDR(&m.msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &m.msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return error_errno(err, "cannot pass a descriptor");
	return 0;
}

int fdpass_recv(int sock, struct error *err)
{
	struct fd_message m;
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	fd_message_init(&m);
	do
		n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_errno(err, "cannot receive a descriptor");
	c = CMSG_FIRSTHDR(&m.msg);
	if (n != 1 || c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return error_set(err, "no descriptor was passed");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}
