/* Typing into a terminal without a keyboard: TIOCSTI puts bytes in a
 * terminal's input as if its user had typed them, TIOCLINUX's paste puts a
 * console's selection there. Root may do both to any terminal: into another
 * administrator's shell, into an escort's `escort watch` (an approval key),
 * into the terminal escort runs in (a command that runs after the session).
 * TIOCSCTTY with a nonzero argument takes a terminal from the login whose
 * controlling terminal it is (root may). Allowed on the session's own
 * terminal and those its processes created. */
#ifndef ESCORT_TERMINAL_INPUT_H
#define ESCORT_TERMINAL_INPUT_H

#include "effect.h"

/* Whether ioctl command cmd types into a terminal. */
int terminal_input_command(unsigned cmd);

/* Whether /dev/pts/index is the session's own or one its processes created. */
int terminal_input_own(const struct effect_scope *s, int index);

enum effect_outcome terminal_input_judge(const struct seccomp_notif *n,
					 const struct effect_scope *s, struct effect *e);

#endif
