#include "termmode.h"

#include <stdlib.h>
#include <unistd.h>

static struct termios saved;
static int saved_fd = -1;
static int is_raw;

int termmode_save(int fd, struct error *err)
{
	if (tcgetattr(fd, &saved) < 0)
		return error_errno(err, "cannot read the terminal settings");
	saved_fd = fd;
	return 0;
}

const struct termios *termmode_saved(void)
{
	return saved_fd >= 0 ? &saved : NULL;
}

int termmode_raw(struct error *err)
{
	struct termios raw = saved;

	if (saved_fd < 0)
		return 0;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(saved_fd, TCSANOW, &raw) < 0)
		return error_errno(err, "cannot put the terminal in raw mode");
	is_raw = 1;
	return 0;
}

void termmode_restore(void)
{
	if (saved_fd < 0 || !is_raw)
		return;
	tcsetattr(saved_fd, TCSANOW, &saved);
	is_raw = 0;
}
