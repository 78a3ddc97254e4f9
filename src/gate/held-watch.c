#include "held-watch.h"

#include "util/xmalloc.h"

#include <stdlib.h>

struct held_watch {
	struct event *timer;
	void (*check)(void *arg);
	void *arg;
};

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct held_watch *w = arg;

	(void)fd;
	(void)what;
	w->check(w->arg);
}

struct held_watch *held_watch_new(struct event_base *base, void (*check)(void *arg), void *arg)
{
	struct held_watch *w = xcalloc(1, sizeof(*w));

	w->check = check;
	w->arg = arg;
	w->timer = event_new(base, -1, EV_PERSIST, on_tick, w);
	if (w->timer == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

void held_watch_free(struct held_watch *w)
{
	if (w == NULL)
		return;
	event_free(w->timer);
	free(w);
}

void held_watch_arm(struct held_watch *w)
{
	struct timeval tv = {0, HELD_WATCH_MS * 1000};

	if (!evtimer_pending(w->timer, NULL))
		evtimer_add(w->timer, &tv);
}

void held_watch_disarm(struct held_watch *w)
{
	evtimer_del(w->timer);
}
