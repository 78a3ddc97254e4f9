/* A live screen's terminal emulation off escortd's event loop: one thread
 * per watched screen feeds the operator's output to console/screen.c
 * (libvterm) and paints it; the loop only hands it bytes and takes the
 * latest repaint. However costly the output (a full-screen fill repeated on
 * a 1000x1000 screen takes libvterm seconds per 16 KiB), the loop never
 * waits on it: it waits on no lock the thread holds for longer than a copy. */
#ifndef ESCORT_WEB_SCREEN_WORKER_H
#define ESCORT_WEB_SCREEN_WORKER_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Output waiting beyond this: the loop stops reading escortd's stream
 * until the thread has taken it (back under a quarter of it). */
#define SCREEN_WORKER_BACKLOG (1u << 20)

struct screen_worker;

/* NULL when no thread can be started (or too many run: stopped ones count
 * until they have finished the slice they were on). */
struct screen_worker *screen_worker_start(void);
/* Output for the screen, after a resize to cols x rows if both are not 0. */
void screen_worker_feed(struct screen_worker *k, unsigned cols, unsigned rows, const uint8_t *data,
			size_t len);
/* Bytes handed over and not yet taken by the thread. */
size_t screen_worker_backlog(struct screen_worker *k);
/* 1 and the latest {"cols":C,"rows":R,"paint":"..."} in out when one newer
 * than the last taken is there, else 0. */
int screen_worker_take_paint(struct screen_worker *k, struct buf *out);
/* 1 when everything handed over has been painted. */
int screen_worker_caught_up(struct screen_worker *k);
/* The thread ends at its next slice and frees everything; k is gone. */
void screen_worker_stop(struct screen_worker *k);

#endif
