/* Passing one descriptor over a Unix socket (the gate's listener, from the
 * child that installed the filter to the session host). */
#ifndef ESCORT_FDPASS_H
#define ESCORT_FDPASS_H

#include "util/error.h"

int fdpass_send(int sock, int fd, struct error *err);
/* Returns the descriptor (close-on-exec), or -1 with err. */
int fdpass_recv(int sock, struct error *err);

#endif
