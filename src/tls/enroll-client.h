/* `escort enroll` on a host: makes the host's key (it never leaves the
 * host), checks the broker against the pin printed with the token, sends a
 * certificate request with the token and keeps what comes back in dir:
 * host.key (0600), host.crt, ca.crt, broker.pin and broker (HOST:PORT: where
 * `escort run` finds escortd). */
#ifndef ESCORT_TLS_ENROLL_CLIENT_H
#define ESCORT_TLS_ENROLL_CLIENT_H

#include "host-name.h"
#include "util/error.h"

struct enroll_options {
	const char *broker; /* HOST:PORT */
	const char *token, *pin, *dir;
	int timeout_s;
};

/* 0 with the host's name (from its new certificate) in host, or -1 with err. */
int enroll_run(const struct enroll_options *o, char host[HOST_NAME_MAX_LEN + 1], struct error *err);

#endif
