#include "spawn.h"

#include "caps-bound.h"
#include "gate/fdpass.h"
#include "gate/filter.h"
#include "hide.h"
#include "util/exit-status.h"

#include <event2/event.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static __attribute__((noreturn)) void setup_failed(int report_fd, const struct error *err)
{
	int e = -(err->errnum ? err->errnum : EPERM); /* negative: not the program's */

	dprintf(STDERR_FILENO, "escort: %s\n", err->msg);
	(void)!write(report_fd, &e, sizeof(e));
	_exit(EXIT_ESCORT_FAILED);
}

static __attribute__((noreturn)) void child_exec(const struct child_stdio *io, const char *file,
						 char *const argv[], int keep_privileges,
						 const struct own_files *hide, int report_fd,
						 int gate_sock)
{
	struct error err;
	int e, listener;

	reset_signals();
	if (setsid() < 0 || (io->terminal && ioctl(io->fd[0], TIOCSCTTY, 0) < 0) ||
	    dup2(io->fd[0], 0) < 0 || dup2(io->fd[1], 1) < 0 || dup2(io->fd[2], 2) < 0) {
		e = -errno; /* negative: a setup failure, not the program's */
		(void)!write(report_fd, &e, sizeof(e));
		_exit(EXIT_ESCORT_FAILED);
	}
	/* Before the filter, which refuses mounts. */
	if (hide != NULL && hide_own_files(hide, &err) < 0)
		setup_failed(report_fd, &err);
	/* A root session's programs never get rights that reach past the gate
	 * (caps-bound.h). */
	if (keep_privileges && caps_bound_drop(&err) < 0)
		setup_failed(report_fd, &err);
	/* No core dumps: the kernel writes a core file itself, in the folder the
	 * process runs in (core_pattern "core"), replacing one there, with no
	 * open the file gate sees. The filter keeps the limit at 0 (filter.c). */
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	/* The session host is not dumpable (so that the session cannot attach to
	 * it); the gate must be able to read this process's memory. */
	prctl(PR_SET_DUMPABLE, 1);
	/* From here on, every exec of this process and its descendants waits for
	 * the session host: nothing runs if the filter or the handover fails. */
	listener = gate_filter_install(keep_privileges, &err);
	if (listener < 0 || fdpass_offer(gate_sock, listener, &err) < 0)
		setup_failed(report_fd, &err);
	close(listener);
	close(gate_sock);
	execvp(file, argv);
	e = errno;
	(void)!write(report_fd, &e, sizeof(e));
	_exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE);
}

int spawn_start(const struct child_stdio *io, const char *file, char *const argv[],
		int keep_privileges, const struct own_files *hide, struct spawned *out,
		struct error *err)
{
	int report[2], sock[2];

	out->file = file;
	out->pid = -1;
	out->report_fd = out->listener = -1;
	if (pipe2(report, O_CLOEXEC) < 0)
		return error_errno(err, "cannot create a pipe");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0) {
		close(report[0]);
		close(report[1]);
		return error_errno(err, "cannot create a socket pair");
	}
	out->pid = fork();
	if (out->pid < 0) {
		error_errno(err, "cannot fork");
		close(report[0]);
		close(report[1]);
		close(sock[0]);
		close(sock[1]);
		return -1;
	}
	if (out->pid == 0)
		child_exec(io, file, argv, keep_privileges, hide, report[1], sock[1]);
	close(report[1]);
	close(sock[1]);
	out->report_fd = report[0];
	out->listener = fdpass_take(sock[0], out->pid, err);
	close(sock[0]);
	if (out->listener < 0) {
		struct spawned failed = *out;
		int exec_errno;
		spawn_finish(&failed, NULL, &exec_errno, err);
		return -1;
	}
	return 0;
}

static void on_report(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Waits for the child to exec (the pipe closes) or to report why it could
 * not, while the event loop serves the gate (which decides that first exec). */
int spawn_finish(struct spawned *s, struct event_base *base, int *exec_errno, struct error *err)
{
	int reported = 0, ready = 0;
	ssize_t n;

	*exec_errno = 0;
	if (base != NULL) {
		struct event *ev = event_new(base, s->report_fd, EV_READ, on_report, &ready);
		if (ev == NULL || event_add(ev, NULL) < 0)
			return error_set(err, "cannot wait for the program to start");
		while (!ready && event_base_loop(base, EVLOOP_ONCE) == 0)
			;
		event_free(ev);
	}
	do
		n = read(s->report_fd, &reported, sizeof(reported));
	while (n < 0 && errno == EINTR);
	close(s->report_fd);
	s->report_fd = -1;
	if (n != (ssize_t)sizeof(reported))
		return 0;
	waitpid(s->pid, NULL, 0);
	if (reported < 0) {
		errno = -reported;
		error_errno(err, "cannot start the program under the exec gate");
	} else {
		*exec_errno = reported;
		errno = reported;
		error_errno(err, "%s", s->file);
	}
	return -1;
}
