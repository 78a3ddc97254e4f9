#include "terminal-input.h"

#include "procmem.h"
#include "risk/rules.h"
#include "session-terminals.h"
#include "terminal-typing.h"

#include <errno.h>
#include <linux/tiocl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int terminal_input_command(unsigned cmd)
{
	return cmd == TIOCSTI || cmd == TIOCLINUX || cmd == TIOCSCTTY;
}

/* TIOCLINUX's first byte is its subcommand: only setting and pasting the
 * selection put anything in a terminal's input. */
static int pastes(const struct seccomp_notif *n)
{
	unsigned char sub = 0;
	struct error err;

	if ((unsigned)n->data.args[1] != TIOCLINUX)
		return 1;
	if (procmem_read((pid_t)n->pid, n->data.args[2], &sub, 1, &err) < 0)
		return 1; /* the kernel would fail it; nothing to judge on */
	return sub == TIOCL_SETSEL || sub == TIOCL_PASTESEL;
}

/* TIOCSCTTY's refusal. */
static enum effect_outcome took_terminal(int index, struct effect *e)
{
	char name[32] = "a terminal";

	if (index >= 0)
		snprintf(name, sizeof(name), "/dev/pts/%d", index);
	snprintf(e->what, sizeof(e->what),
		 "Takes %s, a terminal that is not this session's, from the login that uses it: "
		 "that login's shell loses its terminal",
		 name);
	return EFFECT_REFUSE;
}

int terminal_input_own(const struct effect_scope *s, int index)
{
	return index == s->session_pts || session_terminal_created(s->first, index);
}

/* Why typing into the terminal index (-1: not a pseudo-terminal) is refused. */
static enum effect_outcome refuse_typing(const struct seccomp_notif *n, int index, struct effect *e)
{
	e->level = LEVEL_HIGH;
	e->attack = "T1059.004";
	if ((unsigned)n->data.args[1] == TIOCSCTTY)
		return took_terminal(index, e);
	if (index >= 0)
		snprintf(e->what, sizeof(e->what),
			 "Types into /dev/pts/%d, the terminal of another login on this machine, "
			 "as if its user had typed it (commands, or an escort's approval key)",
			 index);
	else
		snprintf(e->what, sizeof(e->what),
			 "Types into a terminal that is not this session's, as if its user had "
			 "typed it");
	return EFFECT_REFUSE;
}

/* terminal-typing.h: judged on the very file, typed by the gate. */
static enum effect_outcome typed_by_gate(const struct seccomp_notif *n,
					 const struct effect_scope *s, struct effect *e)
{
	struct stat st;
	int fd, index, rc = terminal_typing_take(n, &fd);

	if (rc == -EBADF) {
		e->error = EBADF;
		return EFFECT_AS_KERNEL;
	}
	if (rc < 0) /* the gate cannot take it: it cannot tell which terminal */
		return refuse_typing(n, -1, e);
	index = fstat(fd, &st) == 0 ? session_terminal_index(&st) : -1;
	if (index < 0 || !terminal_input_own(s, index)) {
		close(fd);
		return refuse_typing(n, index, e);
	}
	e->error = -terminal_typing_type(n, fd);
	close(fd);
	return EFFECT_DONE;
}

enum effect_outcome terminal_input_judge(const struct seccomp_notif *n,
					 const struct effect_scope *s, struct effect *e)
{
	char fd[64];
	struct stat st;
	int index;

	if (!pastes(n))
		return EFFECT_ALLOW;
	if (terminal_typing_needed(n))
		return typed_by_gate(n, s, e);
	snprintf(fd, sizeof(fd), "/proc/%d/fd/%d", (int)n->pid, (int)n->data.args[0]);
	if (stat(fd, &st) < 0) {
		e->error = EBADF;
		return EFFECT_AS_KERNEL;
	}
	index = session_terminal_index(&st);
	if (index >= 0 && terminal_input_own(s, index))
		return EFFECT_ALLOW;
	return refuse_typing(n, index, e);
}
