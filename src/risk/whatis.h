/* A program's one-line summary from its manual page (man-db's whatis). */
#ifndef ESCORT_WHATIS_H
#define ESCORT_WHATIS_H

#include <stddef.h>

/* Fills out with the summary of program name, or "" when there is none.
 * Results are cached for the life of the process. */
void whatis_lookup(const char *name, char *out, size_t size);

/* From whatis's output, the summary of name's own page in section 1 or 8
 * (git's, not Git's "Perl interface to Git" in 3pm), or "". */
void whatis_pick(const char *output, const char *name, char *out, size_t size);

#endif
