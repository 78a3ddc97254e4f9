/* Recorded output played on a real terminal must not make it answer: device
 * status, device attributes, DECRQSS, XTGETTCAP, colour and clipboard
 * queries, window reports and the like are answered by the terminal as if
 * typed, into whatever reads it next (the auditor's shell). term_queries
 * removes them from a byte stream, sequences split across chunks included;
 * everything else passes unchanged and in order. */
#ifndef ESCORT_TERM_QUERIES_H
#define ESCORT_TERM_QUERIES_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

#define TERM_QUERIES_HOLD 4096 /* a string control longer than this is not kept whole */

struct term_queries {
	int state;
	int mode; /* of a string control: keep it, drop it, or not known yet */
	size_t held_len;
	uint8_t held[TERM_QUERIES_HOLD];
};

/* Appends to out what of data may be shown; a sequence not yet complete is
 * held until the next call. */
void term_queries_filter(struct term_queries *q, const uint8_t *data, size_t len, struct buf *out);
/* The end of the stream: what is held and harmless is appended. */
void term_queries_finish(struct term_queries *q, struct buf *out);

#endif
