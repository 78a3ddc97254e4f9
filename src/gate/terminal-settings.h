/* ioctl's that change a terminal's settings, which a descriptor opened for
 * reading is enough for (root may open any terminal): TCXONC stops another
 * login's output (its screen, or an escort's `escort watch`, freezes),
 * TCSETS turns off its echo or its Ctrl-C, TIOCSWINSZ signals its foreground
 * (SIGWINCH), TIOCSETD, TIOCEXCL, TCFLSH, breaks, TIOCCONS. Allowed on the
 * session's own terminals (terminal-input.h), on the caller's controlling
 * terminal (/dev/tty) and on a pseudo-terminal's master, which only a
 * process that created the pair (or was given it) holds. */
#ifndef ESCORT_TERMINAL_SETTINGS_H
#define ESCORT_TERMINAL_SETTINGS_H

#include "effect.h"

extern const unsigned long terminal_settings_cmds[];
extern const size_t terminal_settings_count;

/* Whether ioctl command cmd changes a terminal's settings. */
int terminal_settings_command(unsigned cmd);

enum effect_outcome terminal_settings_judge(const struct seccomp_notif *n,
					    const struct effect_scope *s, struct effect *e);

#endif
