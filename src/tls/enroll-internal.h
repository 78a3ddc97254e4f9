/* What `escort enroll` and its renewal share (enroll-client.c). */
#ifndef ESCORT_TLS_ENROLL_INTERNAL_H
#define ESCORT_TLS_ENROLL_INTERNAL_H

#include "dial.h"
#include "host-name.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* What the broker sent back, as certificates. */
struct enrolled {
	X509 *cert, *ca, *broker;
	X509 *next_ca; /* during a CA rotation: the CA escortd will use next, or NULL */
	char host[HOST_NAME_MAX_LEN + 1];
};

/* Sends an EnrollRequest (token, a request signed by key) on link and
 * checks the reply: the new certificate holds key, and the CA in the reply
 * signed it and the broker's certificate. */
int enroll_exchange(struct tls_link *link, const char *token, EVP_PKEY *key, struct enrolled *e,
		    struct error *err);
void enrolled_free(struct enrolled *e);
/* dir/ca.crt: the reply's CA, and the next one during a rotation. */
int enroll_write_ca(const char *dir, const struct enrolled *e, struct error *err);
/* dir/name holding line and a line end. */
int enroll_write_line(const char *dir, const char *name, const char *line, struct error *err);

#endif
