/* What a session host said of its own log (escort.proto HostLog), in the
 * words escortd's log and every console show. */
#ifndef ESCORT_PROTO_HOST_LOG_H
#define ESCORT_PROTO_HOST_LOG_H

#include "proto/frame.h"

#include <stddef.h>

/* The warning, or NULL when the host signs with its signing key and seals
 * its MAC keys. h NULL, or a signing not known here, is no signing key. */
const char *host_log_warning_text(const Escort__HostLog *h, char *buf, size_t size);
/* "key", "ephemeral": the name in JSON (anything but SIGNING_KEY is ephemeral). */
const char *host_log_signing_name(const Escort__HostLog *h);

#endif
