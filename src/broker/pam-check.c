/* The checks' threads and the pipe that wakes the loop (pam-check.h);
 * PAM's conversation is pam-converse.c. */
#include "pam-check-internal.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pam_check {
	char service[64];
	unsigned max, running;
	int pipe[2];
	struct event *event;
};

/* What goes through the pipe: a question of a, or its end (always last). */
struct wake {
	struct pam_attempt *a;
	int done;
};

static void wake(struct pam_attempt *a, int done)
{
	struct wake w = {a, done};

	/* Less than PIPE_BUF: the write is atomic. */
	while (write(a->pipe_fd, &w, sizeof(w)) < 0 && errno == EINTR)
		;
}

void pam_check_wake(struct pam_attempt *a)
{
	wake(a, 0);
}

/* PAM may say another account than the one asked for (a module may change
 * PAM_USER): that is a no. */
static int same_user(pam_handle_t *h, const struct pam_attempt *a)
{
	const void *user = NULL;

	return pam_get_item(h, PAM_USER, &user) == PAM_SUCCESS && user != NULL &&
	       strcmp(user, a->user) == 0;
}

static int pam_says_yes(struct pam_attempt *a)
{
	struct pam_conv conv = {pam_check_converse_fn, a};
	pam_handle_t *h = NULL;
	int rc = pam_start(a->service, a->user, &conv, &h);

	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS && !same_user(h, a))
		rc = PAM_AUTH_ERR;
	if (h)
		pam_end(h, rc);
	return rc == PAM_SUCCESS;
}

static void forget_password(struct pam_attempt *a)
{
	if (a->password == NULL)
		return;
	sodium_memzero(a->password, strlen(a->password));
	free(a->password);
	a->password = NULL;
}

static void *check(void *arg)
{
	struct pam_attempt *a = arg;
	int ok = pam_says_yes(a);

	forget_password(a);
	pthread_mutex_lock(&a->lock);
	a->ok = ok;
	a->phase = ATTEMPT_DONE;
	pthread_mutex_unlock(&a->lock);
	wake(a, 1);
	return NULL;
}

static void attempt_free(struct pam_attempt *a)
{
	pam_check_forget_answers(a);
	pthread_cond_destroy(&a->answered);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* A question: handed to ask unless the person went meanwhile. */
static void asked(struct pam_attempt *a)
{
	int live;

	pthread_mutex_lock(&a->lock);
	live = a->phase == ATTEMPT_ASKING && !a->cancelled;
	pthread_mutex_unlock(&a->lock);
	if (live) /* the thread waits: the items stay as they are */
		a->ask(a, a->items, a->n_items, a->arg);
}

static void on_result(evutil_socket_t fd, short what, void *arg)
{
	struct pam_check *pc = arg;
	struct wake w;

	(void)what;
	while (read(fd, &w, sizeof(w)) == (ssize_t)sizeof(w)) {
		if (!w.done) {
			asked(w.a);
			continue;
		}
		pc->running--;
		w.a->done(w.a->user, w.a->ok, w.a->arg);
		attempt_free(w.a);
	}
}

struct pam_check *pam_check_new(struct event_base *base, const char *service, unsigned max,
				struct error *err)
{
	struct pam_check *pc = xcalloc(1, sizeof(*pc));

	snprintf(pc->service, sizeof(pc->service), "%s", service);
	pc->max = max;
	if (pipe2(pc->pipe, O_CLOEXEC) < 0 || fcntl(pc->pipe[0], F_SETFL, O_NONBLOCK) < 0) {
		error_errno(err, "cannot make the pipe of PAM service %s", service);
		free(pc);
		return NULL;
	}
	pc->event = event_new(base, pc->pipe[0], EV_READ | EV_PERSIST, on_result, pc);
	if (pc->event == NULL || event_add(pc->event, NULL) < 0) {
		error_set(err, "cannot watch the pipe of PAM service %s", service);
		pam_check_free(pc);
		return NULL;
	}
	return pc;
}

static int start_thread(struct pam_attempt *a)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, check, a);
	pthread_attr_destroy(&attr);
	return rc;
}

static struct pam_attempt *attempt_new(struct pam_check *pc, const char *user, pam_check_done done,
				       void *arg)
{
	struct pam_attempt *a;
	pthread_condattr_t ca;

	if (pc->running >= pc->max || strlen(user) >= sizeof(a->user))
		return NULL;
	a = xcalloc(1, sizeof(*a));
	memcpy(a->user, user, strlen(user) + 1);
	memcpy(a->service, pc->service, sizeof(a->service));
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->answered, &ca);
	pthread_condattr_destroy(&ca);
	a->pipe_fd = pc->pipe[1];
	a->done = done;
	a->arg = arg;
	return a;
}

static int attempt_run(struct pam_check *pc, struct pam_attempt *a)
{
	if (start_thread(a) != 0) {
		forget_password(a);
		attempt_free(a);
		return -1;
	}
	pc->running++;
	return 0;
}

int pam_check_start(struct pam_check *pc, const char *user, const char *password,
		    pam_check_done done, void *arg)
{
	struct pam_attempt *a = attempt_new(pc, user, done, arg);

	if (a == NULL)
		return -1;
	a->password = xstrdup(password);
	return attempt_run(pc, a);
}

int pam_check_converse(struct pam_check *pc, const char *user, pam_check_ask ask,
		       pam_check_done done, void *arg, struct pam_attempt **out)
{
	struct pam_attempt *a = attempt_new(pc, user, done, arg);

	if (a == NULL)
		return -1;
	a->ask = ask;
	*out = a;
	return attempt_run(pc, a);
}

void pam_check_answer(struct pam_attempt *a, char *const *answers, size_t n)
{
	pthread_mutex_lock(&a->lock);
	if (a->phase == ATTEMPT_ASKING) {
		for (size_t i = 0; i < n && i < a->n_items; i++)
			a->answers[i] = xstrdup(answers[i] ? answers[i] : "");
		a->phase = ATTEMPT_ANSWERED;
		pthread_cond_signal(&a->answered);
	}
	pthread_mutex_unlock(&a->lock);
}

void pam_check_cancel(struct pam_attempt *a)
{
	pthread_mutex_lock(&a->lock);
	a->cancelled = 1;
	if (a->phase == ATTEMPT_ASKING)
		a->phase = ATTEMPT_ANSWERED;
	pthread_cond_signal(&a->answered);
	pthread_mutex_unlock(&a->lock);
}

unsigned pam_check_running(const struct pam_check *pc)
{
	return pc->running;
}

void pam_check_free(struct pam_check *pc)
{
	if (pc == NULL)
		return;
	if (pc->event)
		event_free(pc->event);
	if (pc->running == 0) {
		close(pc->pipe[0]);
		close(pc->pipe[1]);
		free(pc);
	} /* else the threads still write to pc->pipe[1]: left open, and pc with it */
}
