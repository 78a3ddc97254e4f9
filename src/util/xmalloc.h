/* Allocation that never returns NULL (as OpenSSH's and tmux's xmalloc.c). */
#ifndef ESCORT_XMALLOC_H
#define ESCORT_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
