/* The last line the operator entered (keystrokes up to Enter, editing keys
 * included), shown to the escort beside an exec as "last line typed". */
#ifndef ESCORT_TYPED_LINE_H
#define ESCORT_TYPED_LINE_H

#include <stddef.h>
#include <stdint.h>

#define TYPED_LINE_MAX 1024

void typed_line_feed(const uint8_t *data, size_t len);
/* NUL-terminated; "" before the first Enter. Bytes are raw: show them visibly. */
const char *typed_line_last(void);

#endif
