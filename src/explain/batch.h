/* `escort explain --batch`: one command line per input line, one JSON object
 * per output line, so that a whole corpus is rated by one process. */
#ifndef ESCORT_EXPLAIN_BATCH_H
#define ESCORT_EXPLAIN_BATCH_H

#include "risk/risk.h"

#include <stdio.h>

/* The longest line rated; a longer one gets an error object. */
#define BATCH_LINE_MAX (64 * 1024)

/* Rates every line of fd and writes one object per line to out:
 *   {"input":N,"line":...,"level":...,"rules":[...],"explain":...,"ask":...,
 *    "summary":...,"findings":[...]}
 * or, for a line that cannot be rated, {"input":N,"error":...,"length":...}
 * (and "at" for a bad byte). N counts input lines from 1. Returns 0, or -1
 * when the input could not be read (errno). */
int explain_batch(struct risk_engine *e, int fd, FILE *out, const struct risk_input *in);

#endif
