/* protobuf strings must be valid UTF-8 (protobuf-c refuses the whole frame
 * otherwise), but arguments, paths and output from the operator are any
 * bytes. Invalid bytes are written as the text \xHH, which the escort's
 * display then shows as it is. */
#ifndef ESCORT_PROTO_TEXT_H
#define ESCORT_PROTO_TEXT_H

#include <stddef.h>

struct text_arena {
	char **items;
	size_t n;
};

/* s itself when it is valid UTF-8, else a copy kept in a until text_arena_free. */
char *text_utf8(struct text_arena *a, const char *s);
/* The same for each of n strings, into a new array kept in a. */
char **text_utf8_all(struct text_arena *a, char *const *v, size_t n);
/* Keeps s (allocated by the caller) in a until text_arena_free; returns s. */
char *text_keep(struct text_arena *a, char *s);
void text_arena_free(struct text_arena *a);

#endif
