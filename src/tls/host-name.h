/* Host names in certificates: what a host is, for policy, the log and the
 * consoles. 1 to 63 characters of letters, digits, '-', '.' and '_', not
 * starting with '-' or '.': safe in a file name, a log line and a CN. */
#ifndef ESCORT_TLS_HOST_NAME_H
#define ESCORT_TLS_HOST_NAME_H

#include "util/error.h"

#include <openssl/x509.h>
#include <stddef.h>

#define HOST_NAME_MAX_LEN 63

int host_name_valid(const char *name);
/* The CN of cert, which must be a valid name and equal its DNS SAN. */
int host_name_of(X509 *cert, char *out, size_t size, struct error *err);

#endif
