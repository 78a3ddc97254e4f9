/* Keys and certificates in PEM files: written whole or not at all (a
 * temporary file renamed into place, with its mode from the start), read
 * with a bound on their size. */
#ifndef ESCORT_TLS_PEM_FILES_H
#define ESCORT_TLS_PEM_FILES_H

#include "util/error.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#define PEM_FILE_MAX (64u << 10)

int pem_write_key(const char *path, EVP_PKEY *key, int mode, struct error *err);
int pem_write_cert(const char *path, X509 *cert, int mode, struct error *err);
/* Several certificates in one file (a CA bundle). */
int pem_write_certs(const char *path, X509 *const *certs, size_t n, int mode, struct error *err);
EVP_PKEY *pem_read_key(const char *path, struct error *err);
X509 *pem_read_cert(const char *path, struct error *err);
/* 1 when path exists, 0 when not. */
int pem_exists(const char *path);

#endif
