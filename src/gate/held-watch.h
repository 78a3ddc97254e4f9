/* While an exec is held, its process can give up waiting (Ctrl-C, a kill):
 * the kernel then drops the notification and nobody tells the gate. This
 * timer calls the gate every HELD_WATCH_MS while something is held, so it
 * can notice and withdraw the ask; it does not run otherwise. */
#ifndef ESCORT_HELD_WATCH_H
#define ESCORT_HELD_WATCH_H

#include <event2/event.h>

#define HELD_WATCH_MS 250

struct held_watch;

/* NULL when the timer cannot be made. */
struct held_watch *held_watch_new(struct event_base *base, void (*check)(void *arg), void *arg);
void held_watch_free(struct held_watch *w);
/* Starts calling check (nothing when it already runs). */
void held_watch_arm(struct held_watch *w);
/* Stops calling check. */
void held_watch_disarm(struct held_watch *w);

#endif
