#include "terminal-settings.h"

#include "risk/rules.h"
#include "session-terminals.h"
#include "terminal-input.h"
#include "terminal-typing.h"

#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* TCSETS2, TCSETSW2, TCSETSF2: _IOW('T', 0x2B..0x2D, struct termios2). */
#define TCSETS2_CMD 0x402C542Bu
#define TCSETSW2_CMD 0x402C542Cu
#define TCSETSF2_CMD 0x402C542Du

const unsigned long terminal_settings_cmds[] = {
    TCSETS,	  TCSETSW,	TCSETSF,  TCSETA,   TCSETAW,	    TCSETAF,  TCSETS2_CMD,
    TCSETSW2_CMD, TCSETSF2_CMD, TCXONC,	  TCFLSH,   TIOCSWINSZ,	    TIOCSETD, TIOCEXCL,
    TCSBRK,	  TCSBRKP,	TIOCSBRK, TIOCCONS, TIOCSLCKTRMIOS,
};
const size_t terminal_settings_count =
    sizeof(terminal_settings_cmds) / sizeof(terminal_settings_cmds[0]);

int terminal_settings_command(unsigned cmd)
{
	for (size_t i = 0; i < terminal_settings_count; i++)
		if (cmd == (unsigned)terminal_settings_cmds[i])
			return 1;
	return 0;
}

/* /dev/tty (the caller's controlling terminal, its own unless it took one:
 * TIOCSCTTY is judged) or a master (/dev/ptmx, /dev/pts/ptmx). */
static int caller_side(const struct stat *st)
{
	return major(st->st_rdev) == 5 && (minor(st->st_rdev) == 0 || minor(st->st_rdev) == 2);
}

/* Whether the caller's descriptor is a terminal of any kind, asked of the
 * very file (TCGETS changes nothing); one the gate cannot take counts. */
static int is_terminal(const struct seccomp_notif *n)
{
	int fd, yes;

	if (terminal_typing_take(n, &fd) < 0)
		return 1;
	yes = isatty(fd);
	close(fd);
	return yes;
}

static enum effect_outcome refuse(int index, struct effect *e)
{
	char name[48] = "a terminal that is not this session's";

	if (index >= 0)
		snprintf(name, sizeof(name), "/dev/pts/%d", index);
	e->level = LEVEL_HIGH;
	e->attack = "T1489";
	snprintf(e->what, sizeof(e->what),
		 "Changes the settings of %s, the terminal of another login: it can stop its "
		 "output, turn off its echo or its Ctrl-C, or signal its programs",
		 name);
	return EFFECT_REFUSE;
}

/* TIOCCONS makes every write to /dev/console, by any process of the machine,
 * go to the terminal it names instead: even a terminal of the session's own
 * would take the machine's console messages away from the console. */
static enum effect_outcome refuse_console(int index, struct effect *e)
{
	if (index >= 0)
		snprintf(e->where, sizeof(e->where), "TIOCCONS on /dev/pts/%d", index);
	e->level = LEVEL_HIGH;
	e->attack = "T1562.001";
	snprintf(e->what, sizeof(e->what),
		 "Sends what every program of the machine writes to the system console to this "
		 "terminal instead, where the console no longer shows it");
	return EFFECT_REFUSE;
}

enum effect_outcome terminal_settings_judge(const struct seccomp_notif *n,
					    const struct effect_scope *s, struct effect *e)
{
	char fd[64];
	struct stat st;
	int index;

	snprintf(fd, sizeof(fd), "/proc/%d/fd/%d", (int)n->pid, (int)n->data.args[0]);
	if (stat(fd, &st) < 0) {
		e->error = EBADF;
		return EFFECT_AS_KERNEL;
	}
	if (!S_ISCHR(st.st_mode)) { /* a file, pipe or socket: no terminal */
		e->error = ENOTTY;
		return EFFECT_AS_KERNEL;
	}
	index = session_terminal_index(&st);
	if ((unsigned)n->data.args[1] == TIOCCONS)
		return refuse_console(index, e);
	if (caller_side(&st) || (index >= 0 && terminal_input_own(s, index)))
		return EFFECT_ALLOW;
	if (index < 0 && !is_terminal(n)) { /* /dev/null: no terminal either */
		e->error = ENOTTY;
		return EFFECT_AS_KERNEL;
	}
	return refuse(index, e);
}
