/* Writing JSON text. Strings from the operator's side are hostile bytes:
 * invalid UTF-8 becomes U+FFFD and every control character is escaped. */
#ifndef ESCORT_JSON_H
#define ESCORT_JSON_H

#include "buf.h"

#include <stddef.h>

/* Appends a quoted JSON string for data[0..len). */
void json_append_string(struct buf *out, const void *data, size_t len);
void json_append_cstr(struct buf *out, const char *s);

/* Appends the unquoted escaped text of data; returns how many bytes at the
 * end were left unconsumed because they start a cut-off UTF-8 character
 * (only when keep_partial is set; otherwise they become U+FFFD). */
size_t json_append_escaped(struct buf *out, const void *data, size_t len, int keep_partial);

#endif
