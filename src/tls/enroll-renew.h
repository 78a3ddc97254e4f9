/* Renewing an enrolled host's certificate before it expires (`escort enroll
 * --renew`, from a daily timer): over TLS with the certificate the host has,
 * a new key made on the host, the same pin checked. */
#ifndef ESCORT_TLS_ENROLL_RENEW_H
#define ESCORT_TLS_ENROLL_RENEW_H

#include "host-name.h"
#include "util/error.h"

/* When dir/host.crt expires within within_s seconds: renews it and returns 1
 * with the host's name; 0 when it is not due yet; -1 with err. */
int enroll_renew(const char *dir, long within_s, int timeout_s, char host[HOST_NAME_MAX_LEN + 1],
		 struct error *err);

#endif
