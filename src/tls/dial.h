/* A blocking TLS connection to HOST:PORT for the command-line clients:
 * connect and handshake within a time limit; reads and writes then time
 * out the same way. */
#ifndef ESCORT_TLS_DIAL_H
#define ESCORT_TLS_DIAL_H

#include "pin.h"
#include "proto/frame.h"

#include <openssl/ssl.h>

struct tls_link {
	int fd;
	SSL *ssl;
	struct buf in; /* bytes read past the last frame */
};

/* hostport is "HOST:PORT" or "[V6]:PORT". pin, when not NULL, must be the
 * broker certificate's. 0 with link set up, -1 with err. */
int tls_dial(SSL_CTX *ctx, const char *hostport, const char *pin, int timeout_s,
	     struct tls_link *link, struct error *err);
void tls_link_close(struct tls_link *link);

int tls_bytes_write(struct tls_link *link, const void *data, size_t len, struct error *err);
int tls_frame_write(struct tls_link *link, const Frame *f, struct error *err);
/* One frame (free with frame_free), or -1 with err. */
int tls_frame_read(struct tls_link *link, Frame **out, struct error *err);
/* The next frame that is not a heartbeat: escortd beats every 10 seconds
 * to every known peer, so one may come before any answer. */
int tls_answer_read(struct tls_link *link, Frame **out, struct error *err);

#endif
