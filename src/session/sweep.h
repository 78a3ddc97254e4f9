/* Nothing of a session outlives it. The session host is the session's child
 * subreaper (sweep_adopt): a job that was disowned, started with nohup or
 * setsid, or whose parent ended, stays its descendant instead of going to
 * init. When the session ends, every descendant left is sent SIGHUP (and
 * SIGCONT, for stopped ones), given a moment, then killed. */
#ifndef ESCORT_SWEEP_H
#define ESCORT_SWEEP_H

#include "util/error.h"

/* Makes the calling process (the session host) the subreaper of what it starts. */
int sweep_adopt(struct error *err);

/* Ends every process still descending from the caller and reaps them;
 * returns how many there were. */
unsigned sweep_session(void);

#endif
