/* The operator's terminal in raw mode while a session runs, restored on
 * every way out. */
#ifndef ESCORT_TERMMODE_H
#define ESCORT_TERMMODE_H

#include "util/error.h"

#include <termios.h>

/* Saves the settings of fd (a terminal) so they can be restored later. */
int termmode_save(int fd, struct error *err);
/* The settings saved by termmode_save (for the session's own pty). */
const struct termios *termmode_saved(void);
int termmode_raw(struct error *err);
/* Restores the saved settings. Async-signal-safe; does nothing if none saved. */
void termmode_restore(void);

#endif
