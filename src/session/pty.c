#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

int pty_open(struct pty *p, struct error *err)
{
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return error_errno(err, "cannot open a pseudo-terminal (/dev/ptmx)");
	if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, p->name, sizeof(p->name)) != 0) {
		error_errno(err, "cannot prepare the pseudo-terminal");
		close(p->master);
		return -1;
	}
	p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0) {
		error_errno(err, "cannot open %s", p->name);
		close(p->master);
		return -1;
	}
	return 0;
}

int pty_set_data_mode(struct pty *p, struct error *err)
{
	struct termios t;

	if (tcgetattr(p->slave, &t) < 0)
		return error_errno(err, "cannot read the settings of %s", p->name);
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | IUTF8);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL | ISIG | IEXTEN);
	t.c_lflag |= ICANON; /* keeps VEOF, the only way to end the program's input */
	t.c_cc[VERASE] = t.c_cc[VKILL] = t.c_cc[VWERASE] = _POSIX_VDISABLE;
	t.c_cc[VREPRINT] = t.c_cc[VLNEXT] = t.c_cc[VEOL] = t.c_cc[VEOL2] = _POSIX_VDISABLE;
	if (tcsetattr(p->slave, TCSANOW, &t) < 0)
		return error_errno(err, "cannot set up %s", p->name);
	return 0;
}

void pty_close_slave(struct pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	p->slave = -1;
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static __attribute__((noreturn)) void child_exec(struct pty *p, const char *file,
						 char *const argv[], int report_fd)
{
	int e;

	reset_signals();
	if (setsid() < 0 || ioctl(p->slave, TIOCSCTTY, 0) < 0 || dup2(p->slave, 0) < 0 ||
	    dup2(p->slave, 1) < 0 || dup2(p->slave, 2) < 0) {
		e = -errno; /* negative: a setup failure, not the program's */
		(void)!write(report_fd, &e, sizeof(e));
		_exit(125);
	}
	execvp(file, argv);
	e = errno;
	(void)!write(report_fd, &e, sizeof(e));
	_exit(e == ENOENT ? 127 : 126);
}

/* Waits for the child to exec (the pipe closes) or to report why it could not. */
static int read_exec_report(int fd, int *reported)
{
	ssize_t n;

	do
		n = read(fd, reported, sizeof(*reported));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*reported);
}

pid_t pty_spawn(struct pty *p, const char *file, char *const argv[], int *exec_errno,
		struct error *err)
{
	int report[2], reported = 0;
	pid_t pid;

	*exec_errno = 0;
	if (pipe2(report, O_CLOEXEC) < 0)
		return error_errno(err, "cannot create a pipe");
	pid = fork();
	if (pid < 0) {
		close(report[0]);
		close(report[1]);
		return error_errno(err, "cannot fork");
	}
	if (pid == 0)
		child_exec(p, file, argv, report[1]);
	close(report[1]);
	if (read_exec_report(report[0], &reported)) {
		close(report[0]);
		waitpid(pid, NULL, 0);
		if (reported < 0) {
			errno = -reported;
			error_errno(err, "cannot attach the program to %s", p->name);
		} else {
			*exec_errno = reported;
			errno = reported;
			error_errno(err, "%s", file);
		}
		return -1;
	}
	close(report[0]);
	return pid;
}
