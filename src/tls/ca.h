/* escortd's certificate authority: an Ed25519 key (STATE/ca/ca.key, mode
 * 0600, escortd's alone) and its self-signed certificate. It issues the
 * hosts' certificates (client use only) and escortd's own TLS certificate
 * (server use only), so a host's certificate can never pose as escortd. */
#ifndef ESCORT_TLS_CA_H
#define ESCORT_TLS_CA_H

#include "util/error.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#define CA_DAYS 3650
#define HOST_CERT_DAYS 90
#define SERIAL_HEX 33 /* 16 random bytes in hex, NUL */

struct ca {
	EVP_PKEY *key;
	X509 *cert;
};

enum cert_use { CERT_CLIENT, CERT_SERVER };

/* Loads dir/ca.key and dir/ca.crt, making them (and dir, 0700) the first time.
 * A ca.key of another account, or that others may read, is refused. */
int ca_open(struct ca *ca, const char *dir, struct error *err);
void ca_close(struct ca *ca);

/* A certificate for name (CN and DNS SAN) holding pub, for one use. The
 * serial, in hex, goes to serial. NULL with err on failure. */
X509 *ca_issue(const struct ca *ca, EVP_PKEY *pub, const char *name, enum cert_use use, int days,
	       char serial[SERIAL_HEX], struct error *err);

/* A new Ed25519 key. */
EVP_PKEY *key_new_ed25519(struct error *err);

#endif
