/* One-time join tokens: 32 random bytes in hex, shown once; escortd keeps
 * only their SHA-256 (a copy of its database does not let anyone enrol). */
#ifndef ESCORT_TLS_TOKEN_H
#define ESCORT_TLS_TOKEN_H

#include "util/error.h"

#include <stddef.h>

#define TOKEN_LEN 65	  /* 64 hex, NUL */
#define TOKEN_HASH_LEN 65 /* 64 hex, NUL */

int token_new(char out[TOKEN_LEN], struct error *err);
/* The hash escortd stores and looks up; -1 for a token of the wrong shape. */
int token_hash(const char *token, size_t len, char out[TOKEN_HASH_LEN], struct error *err);

#endif
