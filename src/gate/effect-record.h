/* The record of a refused call other than exec: a decision record
 * (docs/LOG-FORMAT.md) whose fields name the call, what it would have done
 * and whom it would have reached. Urgent: signed at once. */
#ifndef ESCORT_EFFECT_RECORD_H
#define ESCORT_EFFECT_RECORD_H

#include "effect.h"
#include "log/recorder.h"
#include "util/buf.h"

#include <stdint.h>

/* The decoded destination's fields: family, destination, and for IP the
 * address and port. */
void effect_record_address(struct buf *b, const struct sockaddr_info *a);
int effect_record_refusal(struct recorder *rec, uint64_t id, pid_t pid, const struct effect *e);

#endif
