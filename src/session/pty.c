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

void pty_close_slave(struct pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	p->slave = -1;
}
