/* Strict UTF-8 decoding (no overlongs, no surrogates, nothing above U+10FFFF). */
#ifndef ESCORT_UTF8_H
#define ESCORT_UTF8_H

#include <stddef.h>
#include <stdint.h>

enum { UTF8_INVALID = -1, UTF8_INCOMPLETE = -2 };

/* Decodes one character at s[0..len). Returns its length in bytes and stores
 * the code point, UTF8_INCOMPLETE when s is a valid but cut-off prefix, or
 * UTF8_INVALID when s[0] cannot start a valid character here. */
int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

#endif
