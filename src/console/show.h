/* What the escort reads: sessions and pending approvals as text that cannot
 * be misread (every operator-controlled string shown visibly, argv as a
 * numbered list) or as JSON for scripts. */
#ifndef ESCORT_CONSOLE_SHOW_H
#define ESCORT_CONSOLE_SHOW_H

#include "proto/frame.h"
#include "util/buf.h"

void show_sessions_text(struct buf *out, Escort__SessionInfo **s, size_t n);
void show_sessions_json(struct buf *out, Escort__SessionInfo **s, size_t n);
/* line_end: "\n", or "\r\n" for a raw terminal. */
void show_pending_text(struct buf *out, const Escort__PendingInfo *p, const char *line_end);
void show_pending_json(struct buf *out, Escort__PendingInfo **p, size_t n);
/* Appends s in its visible form, flagging hidden characters. */
void show_visible(struct buf *out, const char *s);

#endif
