#include "pam-check.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <security/pam_appl.h>
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

struct attempt {
	char user[64];
	char service[64];
	char *password;
	int ok;
	int pipe_fd; /* the loop's end: the result is written there */
	pam_check_done done;
	void *arg;
};

static int converse(int n, const struct pam_message **msg, struct pam_response **resp, void *arg)
{
	struct attempt *a = arg;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup(a->password);
		else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(a->user);
	}
	*resp = r;
	return PAM_SUCCESS;
}

static int pam_says_yes(struct attempt *a)
{
	struct pam_conv conv = {converse, a};
	pam_handle_t *h = NULL;
	int rc = pam_start(a->service, a->user, &conv, &h);

	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (h)
		pam_end(h, rc);
	return rc == PAM_SUCCESS;
}

static void forget_password(struct attempt *a)
{
	sodium_memzero(a->password, strlen(a->password));
	free(a->password);
	a->password = NULL;
}

static void *check(void *arg)
{
	struct attempt *a = arg;

	a->ok = pam_says_yes(a);
	forget_password(a);
	/* One pointer: the write is atomic (less than PIPE_BUF). */
	while (write(a->pipe_fd, &a, sizeof(a)) < 0 && errno == EINTR)
		;
	return NULL;
}

static void on_result(evutil_socket_t fd, short what, void *arg)
{
	struct pam_check *pc = arg;
	struct attempt *a;

	(void)what;
	while (read(fd, &a, sizeof(a)) == (ssize_t)sizeof(a)) {
		pc->running--;
		a->done(a->user, a->ok, a->arg);
		free(a);
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

static int start_thread(struct attempt *a)
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

int pam_check_start(struct pam_check *pc, const char *user, const char *password,
		    pam_check_done done, void *arg)
{
	struct attempt *a;

	if (pc->running >= pc->max || strlen(user) >= sizeof(a->user))
		return -1;
	a = xcalloc(1, sizeof(*a));
	memcpy(a->user, user, strlen(user) + 1);
	memcpy(a->service, pc->service, sizeof(a->service));
	a->password = xstrdup(password);
	a->pipe_fd = pc->pipe[1];
	a->done = done;
	a->arg = arg;
	if (start_thread(a) != 0) {
		forget_password(a);
		free(a);
		return -1;
	}
	pc->running++;
	return 0;
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
