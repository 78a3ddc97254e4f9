/* Passwords, checked by PAM (service "escort-web") on a thread of their own:
 * PAM may take seconds (pam_unix waits after a failure, pam_sss asks a
 * server), and escortd's event loop never waits. Each check is a detached
 * thread that hands its result back through a pipe, as tmux's job.c. */
#include "web.h"

#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <security/pam_appl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SERVICE "escort-web"

struct attempt {
	char user[64];
	char *password;
	int ok;
	int pipe_fd; /* the loop's end: the result is written there */
	web_pam_done done;
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
	int rc = pam_start(SERVICE, a->user, &conv, &h);

	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (h)
		pam_end(h, rc);
	return rc == PAM_SUCCESS;
}

static void *check(void *arg)
{
	struct attempt *a = arg;

	a->ok = pam_says_yes(a);
	sodium_memzero(a->password, strlen(a->password));
	free(a->password);
	a->password = NULL;
	/* One pointer: the write is atomic (less than PIPE_BUF). */
	while (write(a->pipe_fd, &a, sizeof(a)) < 0 && errno == EINTR)
		;
	return NULL;
}

static void on_result(evutil_socket_t fd, short what, void *arg)
{
	struct web *w = arg;
	struct attempt *a;

	(void)what;
	while (read(fd, &a, sizeof(a)) == (ssize_t)sizeof(a)) {
		w->signins--;
		a->done(w, a->user, a->ok, a->arg);
		free(a);
	}
}

int web_pam_start(struct web *w, struct error *err)
{
	if (pipe2(w->pam_pipe, O_CLOEXEC) < 0 || fcntl(w->pam_pipe[0], F_SETFL, O_NONBLOCK) < 0)
		return error_errno(err, "cannot make the sign-in pipe");
	w->pam_event = event_new(w->b->base, w->pam_pipe[0], EV_READ | EV_PERSIST, on_result, w);
	if (w->pam_event == NULL || event_add(w->pam_event, NULL) < 0)
		return error_set(err, "cannot watch the sign-in pipe");
	return 0;
}

int web_pam_check(struct web *w, const char *user, const char *password, web_pam_done done,
		  void *arg)
{
	struct attempt *a;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	if (w->signins >= WEB_MAX_SIGNINS || strlen(user) >= sizeof(a->user))
		return -1;
	a = xcalloc(1, sizeof(*a));
	memcpy(a->user, user, strlen(user) + 1);
	a->password = xstrdup(password);
	a->pipe_fd = w->pam_pipe[1];
	a->done = done;
	a->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, check, a);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		sodium_memzero(a->password, strlen(a->password));
		free(a->password);
		free(a);
		return -1;
	}
	w->signins++;
	return 0;
}

/* Checks still running hold the pipe's write end: it stays open (escortd
 * is stopping; they end with it). */
void web_pam_stop(struct web *w)
{
	if (w->pam_event)
		event_free(w->pam_event);
	w->pam_event = NULL;
	if (w->pam_pipe[0] >= 0 && w->signins == 0) {
		close(w->pam_pipe[0]);
		close(w->pam_pipe[1]);
	}
}
