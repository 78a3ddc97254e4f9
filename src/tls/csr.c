#include "csr.h"

#include "tls-error.h"

#include <openssl/x509.h>

int csr_make(EVP_PKEY *key, struct buf *der, struct error *err)
{
	X509_REQ *req = X509_REQ_new();
	unsigned char *out = NULL;
	int len = -1;

	if (req != NULL && X509_REQ_set_version(req, 0) == 1 &&
	    X509_REQ_set_pubkey(req, key) == 1 && X509_REQ_sign(req, key, NULL) > 0)
		len = i2d_X509_REQ(req, &out);
	X509_REQ_free(req);
	if (len <= 0)
		return tls_error(err, "cannot make a certificate request");
	buf_append(der, out, (size_t)len);
	OPENSSL_free(out);
	return 0;
}

static EVP_PKEY *checked_key(X509_REQ *req, struct error *err)
{
	EVP_PKEY *key = X509_REQ_get_pubkey(req);

	if (key == NULL) {
		tls_error(err, "the certificate request has no key");
		return NULL;
	}
	if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		error_set(err, "the certificate request's key is not Ed25519");
	} else if (X509_REQ_verify(req, key) != 1) {
		tls_error(err, "the certificate request is not signed by its key");
	} else
		return key;
	EVP_PKEY_free(key);
	return NULL;
}

EVP_PKEY *csr_check(const uint8_t *der, size_t len, struct error *err)
{
	const unsigned char *p = der;
	X509_REQ *req;
	EVP_PKEY *key;

	if (len == 0 || len > CSR_MAX) {
		error_set(err, "a certificate request is 1 to %d bytes, not %zu", CSR_MAX, len);
		return NULL;
	}
	req = d2i_X509_REQ(NULL, &p, (long)len);
	if (req == NULL || p != der + len) {
		X509_REQ_free(req);
		tls_error(err, "the certificate request does not parse as one DER request");
		return NULL;
	}
	key = checked_key(req, err);
	X509_REQ_free(req);
	return key;
}
