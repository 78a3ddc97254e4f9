/* Text for a terminal of a given width: long lines are wrapped, not cut. */
#ifndef ESCORT_CONSOLE_WRAP_H
#define ESCORT_CONSOLE_WRAP_H

#include "util/buf.h"

#define WRAP_INDENT "      " /* what a continued line starts with */

/* Appends text (lines ending in \n) to out with every line at most width
 * characters (UTF-8 sequences counted as one): a line is broken at its last
 * space that fits, else at width, and continues on the next line after
 * WRAP_INDENT. Returns the number of lines appended. */
size_t wrap_text(const char *text, unsigned width, struct buf *out);

#endif
