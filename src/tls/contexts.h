/* TLS contexts, TLS 1.3 only. escortd's asks every peer for a certificate of
 * its CA (verified when one is given; a peer without one may only enrol).
 * A host's presents its certificate and accepts only escortd's: a server
 * certificate of its CA whose key has the pin kept at enrolment. */
#ifndef ESCORT_TLS_CONTEXTS_H
#define ESCORT_TLS_CONTEXTS_H

#include "util/error.h"

#include <openssl/ssl.h>

/* dir holds ca.crt, tls.key and tls.crt (server-cert.h). */
SSL_CTX *tls_server_ctx(const char *dir, struct error *err);

/* Host certificates of the CA in the PEM file path are accepted too (a CA
 * rotation's next or previous CA); nothing when path does not exist. */
int tls_server_trust(SSL_CTX *ctx, const char *path, struct error *err);

/* The files `escort enroll` wrote into dir (enroll-client.h). */
SSL_CTX *tls_host_ctx(const char *dir, struct error *err);

/* For enrolment: no certificate of ours, and the broker's is checked
 * against a pin by the caller, not against a CA. */
SSL_CTX *tls_enroll_ctx(struct error *err);

#endif
