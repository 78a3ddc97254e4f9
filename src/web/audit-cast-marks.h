/* The recording as the auditor's browser replays it: asciinema-player's
 * terminal draws text with the browser, which would apply a bidirectional
 * override or hide a zero-width character in the operator's output as the
 * operator's terminal did not. Each such character becomes U+FFFD, seen
 * (one cell wide, where it was none); the timeline and the search name it
 * as <U+XXXX>. No escortd state: fuzzed (tests/fuzz/fuzz-audit-lines.c). */
#ifndef ESCORT_WEB_AUDIT_CAST_MARKS_H
#define ESCORT_WEB_AUDIT_CAST_MARKS_H

#include "util/buf.h"

/* in[0..len) with every hiding character replaced, appended to out;
 * returns how many were replaced. */
size_t audit_cast_marks(struct buf *out, const char *in, size_t len);

#endif
