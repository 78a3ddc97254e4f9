#include "pipes.h"

#include <fcntl.h>
#include <unistd.h>

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int pipes_open(struct pipes *p, struct error *err)
{
	int in[2], out[2], errp[2];

	*p = (struct pipes){.child = {{-1, -1, -1}, 0}, -1, -1, -1};
	if (pipe2(in, O_CLOEXEC) < 0)
		return error_errno(err, "cannot create the program's input pipe");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return error_errno(err, "cannot create the program's output pipe");
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return error_errno(err, "cannot create the program's error pipe");
	}
	*p = (struct pipes){.child = {{in[0], out[1], errp[1]}, 0},
			    .to_stdin = in[1],
			    .from_stdout = out[0],
			    .from_stderr = errp[0]};
	return 0;
}

void pipes_close_child(struct pipes *p)
{
	for (int i = 0; i < 3; i++)
		close_fd(&p->child.fd[i]);
}

void pipes_close(struct pipes *p)
{
	pipes_close_child(p);
	close_fd(&p->to_stdin);
	close_fd(&p->from_stdout);
	close_fd(&p->from_stderr);
}
