/* What pam-check.c (the threads, the pipe) and pam-converse.c (PAM's
 * conversation function) share: one check. */
#ifndef ESCORT_BROKER_PAM_CHECK_INTERNAL_H
#define ESCORT_BROKER_PAM_CHECK_INTERNAL_H

#include "pam-check.h"

#include <pthread.h>
#include <security/pam_appl.h>

enum attempt_phase {
	ATTEMPT_RUNNING,  /* PAM works */
	ATTEMPT_ASKING,	  /* items wait for the loop's answers */
	ATTEMPT_ANSWERED, /* answers (or a cancel) wait for PAM */
	ATTEMPT_DONE,	  /* ok is PAM's verdict */
};

struct pam_attempt {
	char user[64];
	char service[64];
	char *password;	   /* pam_check_start: the answer to every echo-off prompt */
	pam_check_ask ask; /* pam_check_converse: else NULL */
	pthread_mutex_t lock;
	pthread_cond_t answered;
	enum attempt_phase phase; /* under lock, as what follows */
	int cancelled;
	unsigned rounds;
	struct pam_item items[PAM_CHECK_ITEMS_MAX];
	size_t n_items;
	char *answers[PAM_CHECK_ITEMS_MAX];
	int ok;
	int pipe_fd; /* the loop's end: the attempt is written there to wake it */
	pam_check_done done;
	void *arg;
};

/* PAM's conversation function; appdata is the attempt. On PAM's thread. */
int pam_check_converse_fn(int n, const struct pam_message **msg, struct pam_response **resp,
			  void *appdata);
/* Wakes the loop for a (a question or the result). On PAM's thread. */
void pam_check_wake(struct pam_attempt *a);
/* Frees answers not taken (under a's lock or when no thread uses a). */
void pam_check_forget_answers(struct pam_attempt *a);

#endif
