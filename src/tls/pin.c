#include "pin.h"

#include "tls-error.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <strings.h>

int pin_of_cert(X509 *cert, char out[PIN_LEN], struct error *err)
{
	unsigned char *der = NULL, md[32];
	unsigned int md_len = 0;
	int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
	int ok = len > 0 && EVP_Digest(der, (size_t)len, md, &md_len, EVP_sha256(), NULL) == 1;

	OPENSSL_free(der);
	if (!ok || md_len != sizeof(md))
		return tls_error(err, "cannot hash the certificate's key");
	snprintf(out, PIN_LEN, "sha256:");
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int pin_matches(X509 *cert, const char *pin)
{
	char have[PIN_LEN];
	struct error err;

	if (cert == NULL || pin_of_cert(cert, have, &err) < 0)
		return 0;
	return strcasecmp(have, pin) == 0;
}
