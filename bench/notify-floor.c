/* The floor under any seccomp-notify gate: runs a program with execve and
 * execveat trapped, and answers every exec "continue" at once without
 * reading anything. bench/gate-exec compares escort against it. With
 * --gate-filter the program runs under escort's own filter (every call the
 * gate traps: changes to files, signals, connections) and every trapped
 * call is answered "continue" the same way: what the hand-overs alone cost
 * a workload (bench/gate-workload).
 *   notify-floor [--gate-filter] PROGRAM [ARGS...] */
#include "gate/fdpass.h"
#include "gate/filter.h"

#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int pass_fd(int sock, int fd)
{
	char byte = 'F', space[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {&byte, 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = space,
			     .msg_controllen = sizeof(space)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int take_fd(int sock)
{
	char byte, space[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&byte, 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = space,
			     .msg_controllen = sizeof(space)};
	int fd;

	if (recvmsg(sock, &msg, 0) != 1 || CMSG_FIRSTHDR(&msg) == NULL)
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	return fd;
}

/* escort's filter as the session's first process installs it. */
static void trap_as_gate(int sock)
{
	struct error err;
	int listener = gate_filter_install(1, &err);

	if (listener < 0 || fdpass_offer(sock, listener, &err) < 0) {
		fprintf(stderr, "notify-floor: %s\n", err.msg);
		_exit(125);
	}
	close(listener);
}

static void trap_execs(int sock)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0) < 0 ||
	    seccomp_load(ctx) < 0 || pass_fd(sock, seccomp_notify_fd(ctx)) < 0) {
		fprintf(stderr, "notify-floor: cannot install the filter\n");
		_exit(125);
	}
}

int main(int argc, char **argv)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct error err;
	int sock[2], listener, status = 0, gate = argc > 1 && strcmp(argv[1], "--gate-filter") == 0;
	pid_t child;

	argv += gate;
	argc -= gate;
	if (argc < 2 || socketpair(AF_UNIX, SOCK_STREAM, 0, sock) < 0)
		return 2;
	child = fork();
	if (child == 0) {
		if (gate)
			trap_as_gate(sock[1]);
		else
			trap_execs(sock[1]);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	listener = gate ? fdpass_take(sock[0], child, &err) : take_fd(sock[0]);
	if (listener < 0 || seccomp_notify_alloc(&req, &resp) < 0)
		return 125;
	for (;;) {
		struct pollfd pfd = {.fd = listener, .events = POLLIN};
		if (poll(&pfd, 1, 50) == 0 || (pfd.revents & POLLHUP)) {
			if (waitpid(child, &status, WNOHANG) == child)
				break;
			continue;
		}
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(listener, req) < 0)
			continue;
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)seccomp_notify_respond(listener, resp);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
