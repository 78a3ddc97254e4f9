/* Passwords checked by PAM off the event loop, for every layer that signs
 * people in (the web console, `escort login`): PAM may take seconds
 * (pam_unix waits after a failure, pam_sss asks a server), and escortd's
 * event loop never waits. Each check is a detached thread that hands its
 * result back through a pipe, as tmux's job.c. */
#ifndef ESCORT_BROKER_PAM_CHECK_H
#define ESCORT_BROKER_PAM_CHECK_H

#include "util/error.h"

#include <event2/event.h>

struct pam_check;

/* Runs on the loop with the account checked and whether PAM said yes. */
typedef void (*pam_check_done)(const char *user, int ok, void *arg);

/* Checks against PAM service (its file in /etc/pam.d), at most max at once. */
struct pam_check *pam_check_new(struct event_base *base, const char *service, unsigned max,
				struct error *err);
/* Starts a check; -1 when max are running, the name is too long or no
 * thread can be had (done is then never called). */
int pam_check_start(struct pam_check *pc, const char *user, const char *password,
		    pam_check_done done, void *arg);
unsigned pam_check_running(const struct pam_check *pc);
/* Checks still running keep what they need: the pipe stays open (escortd is
 * stopping; they end with it). */
void pam_check_free(struct pam_check *pc);

#endif
