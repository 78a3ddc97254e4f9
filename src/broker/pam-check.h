/* People checked by PAM off the event loop, for every layer that signs
 * people in (the web console, `escort login`): PAM may take seconds
 * (pam_unix waits after a failure, pam_sss asks a server), and escortd's
 * event loop never waits. Each check is a detached thread that hands its
 * questions and its result back through a pipe, as tmux's job.c. A check
 * either answers PAM's password prompts itself (pam_check_start: the web
 * console's form) or relays every message of PAM's conversation to the
 * loop (pam_check_converse: escort login), which answers when the person
 * has. */
#ifndef ESCORT_BROKER_PAM_CHECK_H
#define ESCORT_BROKER_PAM_CHECK_H

#include "util/error.h"

#include <event2/event.h>
#include <stddef.h>

#define PAM_CHECK_ITEMS_MAX 8  /* messages in one call of PAM's conversation */
#define PAM_CHECK_ROUNDS_MAX 8 /* calls of the conversation in one check */
#define PAM_CHECK_TEXT_MAX 512 /* bytes of a message's text kept (PAM_MAX_MSG_SIZE) */

struct pam_check;
struct pam_attempt;

/* One message of PAM's conversation: its msg_style (PAM_PROMPT_ECHO_OFF,
 * PAM_PROMPT_ECHO_ON, PAM_ERROR_MSG, PAM_TEXT_INFO) and its text. */
struct pam_item {
	int style;
	char text[PAM_CHECK_TEXT_MAX + 1];
};

/* Runs on the loop with the account checked and whether PAM said yes. */
typedef void (*pam_check_done)(const char *user, int ok, void *arg);
/* Runs on the loop when PAM has n (1 to PAM_CHECK_ITEMS_MAX) messages for
 * the person: the check waits until pam_check_answer or pam_check_cancel. */
typedef void (*pam_check_ask)(struct pam_attempt *a, const struct pam_item *items, size_t n,
			      void *arg);

/* Checks against PAM service (its file in /etc/pam.d), at most max at once. */
struct pam_check *pam_check_new(struct event_base *base, const char *service, unsigned max,
				struct error *err);
/* Starts a check whose password prompts are answered with password; -1 when
 * max are running, the name is too long or no thread can be had (done is
 * then never called). */
int pam_check_start(struct pam_check *pc, const char *user, const char *password,
		    pam_check_done done, void *arg);
/* Starts a check that asks the loop (ask) for every message of PAM's; its
 * handle, valid until done runs, is *out. -1 as pam_check_start. */
int pam_check_converse(struct pam_check *pc, const char *user, pam_check_ask ask,
		       pam_check_done done, void *arg, struct pam_attempt **out);
/* The n answers to what ask was given last, one per item ("" for messages);
 * they are copied. On the loop. */
void pam_check_answer(struct pam_attempt *a, char *const *answers, size_t n);
/* The person is gone: PAM's conversation fails (and done runs, saying no). */
void pam_check_cancel(struct pam_attempt *a);
unsigned pam_check_running(const struct pam_check *pc);
/* Checks still running keep what they need: the pipe stays open (escortd is
 * stopping; they end with it). */
void pam_check_free(struct pam_check *pc);

#endif
