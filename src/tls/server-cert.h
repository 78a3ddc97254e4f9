/* escortd's own TLS certificate (dir/tls.key, dir/tls.crt), issued by its
 * CA for server use only, made once beside the CA. Its pin is what `escortd
 * token` prints. */
#ifndef ESCORT_TLS_SERVER_CERT_H
#define ESCORT_TLS_SERVER_CERT_H

#include "ca.h"
#include "pin.h"

/* Makes dir/tls.key and dir/tls.crt when missing; pin gets its pin. */
int server_cert_ensure(const struct ca *ca, const char *dir, char pin[PIN_LEN], struct error *err);
/* A new dir/tls.crt from ca for the key dir/tls.key already has: the pin
 * stays the same (a CA rotation). */
int server_cert_reissue(const struct ca *ca, const char *dir, char pin[PIN_LEN], struct error *err);

#endif
