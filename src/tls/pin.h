/* The pin of a certificate: "sha256:" and the hex SHA-256 of its public key
 * (DER SubjectPublicKeyInfo). `escortd token` prints escortd's; `escort
 * enroll` refuses a broker whose certificate does not have it. */
#ifndef ESCORT_TLS_PIN_H
#define ESCORT_TLS_PIN_H

#include "util/error.h"

#include <openssl/x509.h>

#define PIN_LEN 72 /* "sha256:" + 64 hex + NUL */

int pin_of_cert(X509 *cert, char out[PIN_LEN], struct error *err);
/* 1 when cert has the pin (compared without regard to case), 0 when not. */
int pin_matches(X509 *cert, const char *pin);

#endif
