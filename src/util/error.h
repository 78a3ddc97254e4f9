/* Errors are values: functions return -1 and fill a struct error whose message
 * names the thing that failed. */
#ifndef ESCORT_ERROR_H
#define ESCORT_ERROR_H

#include <stddef.h>

struct error {
	char msg[512];
	int code; /* errno of the failure, 0 when not a system error */
};

/* Formats the message; returns -1 so callers can `return error_set(...)`. */
int error_set(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like error_set, then appends ": strerror(errno)" and keeps errno in code. */
int error_errno(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
