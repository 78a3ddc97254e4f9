#include "server-cert.h"

#include "pem-files.h"

#include <stdio.h>

static int make(const struct ca *ca, const char *key_path, const char *cert_path, struct error *err)
{
	char serial[SERIAL_HEX];
	EVP_PKEY *key = key_new_ed25519(err);
	X509 *cert = key ? ca_issue(ca, key, "escortd", CERT_SERVER, CA_DAYS, serial, err) : NULL;
	int rc = cert != NULL && pem_write_key(key_path, key, 0600, err) == 0 &&
			 pem_write_cert(cert_path, cert, 0644, err) == 0
		     ? 0
		     : -1;

	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

int server_cert_ensure(const struct ca *ca, const char *dir, char pin[PIN_LEN], struct error *err)
{
	char key_path[4096], cert_path[4096];
	X509 *cert;
	int rc;

	snprintf(key_path, sizeof(key_path), "%s/tls.key", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/tls.crt", dir);
	if (!pem_exists(cert_path) && make(ca, key_path, cert_path, err) < 0)
		return -1;
	if ((cert = pem_read_cert(cert_path, err)) == NULL)
		return -1;
	rc = pin_of_cert(cert, pin, err);
	X509_free(cert);
	return rc;
}

int server_cert_reissue(const struct ca *ca, const char *dir, char pin[PIN_LEN], struct error *err)
{
	char key_path[4096], cert_path[4096], serial[SERIAL_HEX];
	EVP_PKEY *key;
	X509 *cert = NULL;
	int rc = -1;

	snprintf(key_path, sizeof(key_path), "%s/tls.key", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/tls.crt", dir);
	if ((key = pem_read_key(key_path, err)) != NULL &&
	    (cert = ca_issue(ca, key, "escortd", CERT_SERVER, CA_DAYS, serial, err)) != NULL &&
	    pem_write_cert(cert_path, cert, 0644, err) == 0)
		rc = pin_of_cert(cert, pin, err);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}
