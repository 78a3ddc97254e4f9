/* OpenSSL's reason for a failure, appended to escort's error. */
#ifndef ESCORT_TLS_ERROR_H
#define ESCORT_TLS_ERROR_H

#include "util/error.h"

/* Like error_set, then ": " and the oldest OpenSSL error queued (the queue is
 * emptied). Returns -1. */
int tls_error(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
