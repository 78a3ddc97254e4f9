/* Errors are values: functions return -1 and fill a struct error whose message
 * names the thing that failed. Callers that act on the kind of failure test
 * code (and errnum), never the message: the message is for people. */
#ifndef ESCORT_ERROR_H
#define ESCORT_ERROR_H

#include <stddef.h>

enum error_code {
	ERR_FAILED = 1, /* nothing more specific: the message says what */
	ERR_SYSTEM,	/* a system call failed: errnum is its errno */
	ERR_TRUNCATED,	/* something is longer than the limit that holds it */
	ERR_TIMEOUT,	/* the other side did not answer in time */
	ERR_SEALED,	/* a log that has ended cannot be continued */
};

struct error {
	char msg[512];
	enum error_code code;
	int errnum; /* errno of the failure, 0 when not a system error */
};

/* Formats the message with code ERR_FAILED; returns -1 so callers can
 * `return error_set(...)`. */
int error_set(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like error_set with another code. */
int error_set_code(struct error *err, enum error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like error_set, then appends ": strerror(errno)"; code ERR_SYSTEM, errno
 * kept in errnum. */
int error_errno(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
