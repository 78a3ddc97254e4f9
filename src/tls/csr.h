/* Certificate requests: the host makes one with its new key (the key never
 * leaves it); escortd checks one from the network before it issues. */
#ifndef ESCORT_TLS_CSR_H
#define ESCORT_TLS_CSR_H

#include "util/buf.h"
#include "util/error.h"

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define CSR_MAX 4096 /* an Ed25519 request is about 150 bytes */

/* DER PKCS#10 signed by key, appended to der. */
int csr_make(EVP_PKEY *key, struct buf *der, struct error *err);

/* Hostile bytes: at most CSR_MAX, one whole DER request, signed by its own
 * key, an Ed25519 key. Returns that key (free with EVP_PKEY_free) or NULL
 * with err. The subject is not looked at: escortd names the host. */
EVP_PKEY *csr_check(const uint8_t *der, size_t len, struct error *err);

#endif
