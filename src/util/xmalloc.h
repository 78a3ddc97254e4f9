/* Allocation that never returns NULL, as OpenSSH's and tmux's xmalloc.c: on
 * failure (or when the size arithmetic would overflow) it prints what it
 * tried to allocate and aborts. escort cannot record or judge a session
 * without memory, and stopping is the fail-closed outcome. */
#ifndef ESCORT_XMALLOC_H
#define ESCORT_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
/* Zeroed, nmemb * size checked for overflow. */
void *xcalloc(size_t nmemb, size_t size);
/* realloc(p, nmemb * size), checked for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
