/* A program's one-line summary from its manual page (man-db's whatis). */
#ifndef ESCORT_WHATIS_H
#define ESCORT_WHATIS_H

#include <stddef.h>

/* Fills out with the summary of program name, or "" when there is none.
 * Results are cached for the life of the process. */
void whatis_lookup(const char *name, char *out, size_t size);

#endif
