/* PAM's conversation function, on the check's thread: answers the password
 * prompts itself (pam_check_start) or hands every message to the loop and
 * waits for the person's answers (pam_check_converse), within bounds: at
 * most PAM_CHECK_ITEMS_MAX messages a call, PAM_CHECK_ROUNDS_MAX calls. */
#include "pam-check-internal.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A loop that never answers (it cannot happen: a gone person cancels) does
 * not keep the thread for ever. */
#define ANSWER_LIMIT_S 600

/* pam_check_start: the password to echo-off prompts, the name to echo-on. */
static int answer_alone(struct pam_attempt *a, int n, const struct pam_message **msg,
			struct pam_response *r)
{
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup(a->password);
		else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(a->user);
	}
	return PAM_SUCCESS;
}

static void take_items(struct pam_attempt *a, int n, const struct pam_message **msg)
{
	for (int i = 0; i < n; i++) {
		a->items[i].style = msg[i]->msg_style;
		snprintf(a->items[i].text, sizeof(a->items[i].text), "%s",
			 msg[i]->msg ? msg[i]->msg : "");
	}
	a->n_items = (size_t)n;
}

/* Under a's lock: 0 when the loop answered, -1 when cancelled or too late. */
static int wait_answers(struct pam_attempt *a)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ANSWER_LIMIT_S;
	while (a->phase == ATTEMPT_ASKING && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&a->answered, &a->lock, &until);
	if (a->phase == ATTEMPT_ASKING)
		a->cancelled = 1;
	a->phase = ATTEMPT_RUNNING;
	return a->cancelled ? -1 : 0;
}

/* Under a's lock: the answers move to PAM's responses (PAM frees them). */
static void give_answers(struct pam_attempt *a, struct pam_response *r)
{
	for (size_t i = 0; i < a->n_items; i++) {
		int style = a->items[i].style;

		if (style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON) {
			r[i].resp = a->answers[i];
			a->answers[i] = NULL;
		}
	}
}

static int relay(struct pam_attempt *a, int n, const struct pam_message **msg,
		 struct pam_response *r)
{
	int go, rc;

	pthread_mutex_lock(&a->lock);
	go = !a->cancelled && n <= PAM_CHECK_ITEMS_MAX && ++a->rounds <= PAM_CHECK_ROUNDS_MAX;
	if (go) {
		take_items(a, n, msg);
		a->phase = ATTEMPT_ASKING;
	}
	pthread_mutex_unlock(&a->lock);
	if (!go)
		return PAM_CONV_ERR;
	pam_check_wake(a);
	pthread_mutex_lock(&a->lock);
	rc = wait_answers(a);
	if (rc == 0)
		give_answers(a, r);
	pam_check_forget_answers(a);
	pthread_mutex_unlock(&a->lock);
	return rc == 0 ? PAM_SUCCESS : PAM_CONV_ERR;
}

int pam_check_converse_fn(int n, const struct pam_message **msg, struct pam_response **resp,
			  void *appdata)
{
	struct pam_attempt *a = appdata;
	struct pam_response *r;
	int rc;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	rc = a->ask ? relay(a, n, msg, r) : answer_alone(a, n, msg, r);
	if (rc != PAM_SUCCESS) {
		free(r);
		return rc;
	}
	*resp = r;
	return PAM_SUCCESS;
}

void pam_check_forget_answers(struct pam_attempt *a)
{
	for (size_t i = 0; i < PAM_CHECK_ITEMS_MAX; i++) {
		if (a->answers[i] == NULL)
			continue;
		sodium_memzero(a->answers[i], strlen(a->answers[i]));
		free(a->answers[i]);
		a->answers[i] = NULL;
	}
}
