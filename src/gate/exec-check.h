/* After an allowed exec: what did the kernel really run? /proc/PID/exe is
 * compared with the file that was decided on (a path swapped by another
 * thread, or a file replaced in between, shows up here), and
 * /proc/PID/cmdline with the argv that was decided on (rewritten by another
 * thread after the gate last read it). A mismatch is
 * recorded at once and the process is killed. */
#ifndef ESCORT_EXEC_CHECK_H
#define ESCORT_EXEC_CHECK_H

#include "gate.h"
#include "log/gate-counters.h"
#include "program.h"

#include <event2/event.h>
#include <stdint.h>
#include <sys/types.h>

struct exec_checks;

struct exec_checks *exec_checks_new(struct event_base *base, struct recorder *rec,
				    struct gate_counters *counters);
void exec_checks_free(struct exec_checks *c);
/* No more checks: those still waiting count as unverified, nothing more is
 * recorded. */
void exec_checks_stop(struct exec_checks *c);

/* Call before the exec is let go: notes what the process runs now. With
 * check_args (an exec an escort approved) its arguments must be the ones
 * approved too; other programs may rewrite theirs at once (setproctitle)
 * and are checked by what runs only. */
void exec_checks_add(struct exec_checks *c, const struct exec_request *req, uint64_t exec_id,
		     const struct program *p, int check_args);

/* The process asks to exec again: its previous exec has completed (or
 * failed), so what it runs now is settled before anything else. */
void exec_checks_settle(struct exec_checks *c, pid_t pid);

/* The parent of pid, from /proc. */
int exec_check_parent(pid_t pid, pid_t *parent);

#endif
