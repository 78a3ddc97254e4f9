/* What the session shows the operator (standard output or error), written
 * only when the descriptor can take it: escort never waits on the
 * operator's terminal or pipe. The relay stops reading the program while
 * too much is pending (outq_full). */
#ifndef ESCORT_OUTQ_H
#define ESCORT_OUTQ_H

#include "util/buf.h"

#include <event2/event.h>
#include <stddef.h>

/* Above this many pending bytes the program is not read. */
#define OUTQ_HIGH_WATER (256u * 1024u)

struct outq {
	int fd;	    /* a private non-blocking descriptor for the same file, when one exists */
	int owned;  /* fd was opened here: outq_close closes it */
	int socket; /* sent with MSG_DONTWAIT: the descriptor's flags stay as they are */
	int toggle; /* O_NONBLOCK set only around each write (no private descriptor) */
	int error;  /* the errno of the write that failed; nothing is written after it */
	struct buf pending;
	struct event *writable;
};

/* Prepares writing to fd; on_writable runs (with arg) when pending bytes can
 * move. Returns -1 when the event cannot be made. */
int outq_open(struct outq *q, struct event_base *base, int fd, event_callback_fn on_writable,
	      void *arg);
/* Queues data and writes what the descriptor takes now. Returns -1 once a
 * write has failed (q->error). */
int outq_push(struct outq *q, const void *data, size_t len);
/* Writes what the descriptor takes now; waits for the writable event for the
 * rest. Returns -1 once a write has failed. */
int outq_flush(struct outq *q);
size_t outq_pending(const struct outq *q);
/* Forgets what is pending (the session is being cut off). */
void outq_drop(struct outq *q);
void outq_close(struct outq *q);
/* fd and other refer to the same open file (stderr on the same terminal). */
int outq_same_file(int fd, int other);

#endif
