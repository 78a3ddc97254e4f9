/* A console on escortd on another machine: TLS to its listener (its
 * certificate checked against the pin escort login kept), then a Hello with
 * the credential. console_dial_broker (console/client.h) points here. */
#ifndef ESCORT_CONSOLE_REMOTE_H
#define ESCORT_CONSOLE_REMOTE_H

#include "console/client.h"
#include "tls/dial.h"

#define REMOTE_TIMEOUT_S 15

int console_remote_dial(struct console *c, const char *broker, struct error *err);
/* TLS to broker without a certificate of ours, its certificate checked
 * against pin: for escort login, and under the console. */
int remote_link_open(const char *broker, const char *pin, struct tls_link *link, struct error *err);

#endif
