/* Showing operator-controlled text so that nothing in it can hide: control
 * characters and escape sequences as \xHH, bidirectional overrides and
 * invisible characters as <U+XXXX>, invalid UTF-8 as \xHH. */
#ifndef ESCORT_VISIBLE_H
#define ESCORT_VISIBLE_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Appends the visible form of s[0..len); returns how many hiding characters had
 * to be made visible (tabs and line breaks are written as \t and \n but do not count). */
size_t visible_append(struct buf *out, const char *s, size_t len);

/* Whether cp changes how text is displayed without being seen (C1 controls,
 * bidirectional embeddings, overrides and isolates, zero-width characters). */
int visible_hidden_code_point(uint32_t cp);

#endif
