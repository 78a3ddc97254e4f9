/* Passwords, checked by PAM (service "escort-web") off the event loop:
 * broker/pam-check.c, shared with `escort login`. */
#include "web.h"

#include "broker/pam-check.h"
#include "util/xmalloc.h"

#include <stdlib.h>

#define SERVICE "escort-web"

struct web_attempt {
	struct web *w;
	web_pam_done done;
	void *arg;
};

static void checked(const char *user, int ok, void *arg)
{
	struct web_attempt *a = arg;

	a->done(a->w, user, ok, a->arg);
	free(a);
}

int web_pam_start(struct web *w, struct error *err)
{
	w->pam = pam_check_new(w->b->base, SERVICE, WEB_MAX_SIGNINS, err);
	return w->pam ? 0 : -1;
}

int web_pam_check(struct web *w, const char *user, const char *password, web_pam_done done,
		  void *arg)
{
	struct web_attempt *a = xcalloc(1, sizeof(*a));

	a->w = w;
	a->done = done;
	a->arg = arg;
	if (pam_check_start(w->pam, user, password, checked, a) < 0) {
		free(a);
		return -1;
	}
	return 0;
}

void web_pam_stop(struct web *w)
{
	pam_check_free(w->pam);
	w->pam = NULL;
}
