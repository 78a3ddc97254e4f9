#include "ca.h"

#include "pem-files.h"
#include "tls-error.h"

#include <errno.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

EVP_PKEY *key_new_ed25519(struct error *err)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (key == NULL)
		tls_error(err, "cannot make an Ed25519 key");
	return key;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

static int set_serial(X509 *cert, char serial[SERIAL_HEX])
{
	unsigned char raw[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	raw[0] &= 0x7f; /* positive */
	raw[0] |= 0x40; /* always 16 bytes: the hex has one length */
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(serial + 2 * i, 3, "%02x", raw[i]);
	BN_free(bn);
	return ok ? 0 : -1;
}

/* Subject, lifetime and key of a new certificate. */
static X509 *cert_frame(EVP_PKEY *pub, const char *name, int days, char serial[SERIAL_HEX])
{
	X509 *cert = X509_new();
	X509_NAME *subject = X509_NAME_new();
	int ok = cert != NULL && subject != NULL && X509_set_version(cert, 2) == 1 &&
		 set_serial(cert, serial) == 0 &&
		 X509_gmtime_adj(X509_getm_notBefore(cert), -300) != NULL &&
		 X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400) != NULL &&
		 X509_set_pubkey(cert, pub) == 1 &&
		 X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
					    (const unsigned char *)name, -1, -1, 0) == 1 &&
		 X509_set_subject_name(cert, subject) == 1;

	X509_NAME_free(subject);
	if (!ok) {
		X509_free(cert);
		return NULL;
	}
	return cert;
}

static int leaf_extensions(X509 *cert, X509 *issuer, const char *name, enum cert_use use)
{
	char san[300];

	snprintf(san, sizeof(san), "DNS:%s", name);
	if (add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature") < 0 ||
	    add_ext(cert, issuer, NID_ext_key_usage,
		    use == CERT_SERVER ? "serverAuth" : "clientAuth") < 0 ||
	    add_ext(cert, issuer, NID_subject_key_identifier, "hash") < 0 ||
	    add_ext(cert, issuer, NID_authority_key_identifier, "keyid") < 0)
		return -1;
	return add_ext(cert, issuer, NID_subject_alt_name, san);
}

X509 *ca_issue(const struct ca *ca, EVP_PKEY *pub, const char *name, enum cert_use use, int days,
	       char serial[SERIAL_HEX], struct error *err)
{
	X509 *cert = cert_frame(pub, name, days, serial);

	if (cert == NULL || X509_set_issuer_name(cert, X509_get_subject_name(ca->cert)) != 1 ||
	    leaf_extensions(cert, ca->cert, name, use) < 0 || X509_sign(cert, ca->key, NULL) <= 0) {
		X509_free(cert);
		tls_error(err, "cannot issue a certificate for %s", name);
		return NULL;
	}
	return cert;
}

static X509 *self_signed(EVP_PKEY *key, struct error *err)
{
	char serial[SERIAL_HEX];
	X509 *cert = cert_frame(key, "escortd CA", CA_DAYS, serial);

	if (cert == NULL || X509_set_issuer_name(cert, X509_get_subject_name(cert)) != 1 ||
	    add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") < 0 ||
	    add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
	    add_ext(cert, cert, NID_subject_key_identifier, "hash") < 0 ||
	    X509_sign(cert, key, NULL) <= 0) {
		X509_free(cert);
		tls_error(err, "cannot make the CA certificate");
		return NULL;
	}
	return cert;
}

static int ca_create(struct ca *ca, const char *key_path, const char *cert_path, struct error *err)
{
	if ((ca->key = key_new_ed25519(err)) == NULL ||
	    (ca->cert = self_signed(ca->key, err)) == NULL)
		return -1;
	if (pem_write_key(key_path, ca->key, 0600, err) < 0)
		return -1;
	return pem_write_cert(cert_path, ca->cert, 0644, err);
}

/* The CA key is escortd's alone: its account's, mode 0600 (as ssh treats
 * a private key others can read). */
static int key_private(const char *path, struct error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return error_errno(err, "cannot read %s", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return error_set(err,
				 "%s must be a file of this account (uid %u) that nobody else may "
				 "read or write (mode 0600)",
				 path, (unsigned)geteuid());
	return 0;
}

int ca_open(struct ca *ca, const char *dir, struct error *err)
{
	char key_path[4096], cert_path[4096];

	memset(ca, 0, sizeof(*ca));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", dir);
	snprintf(key_path, sizeof(key_path), "%s/ca.key", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/ca.crt", dir);
	if (!pem_exists(key_path))
		return ca_create(ca, key_path, cert_path, err);
	if (key_private(key_path, err) < 0 || (ca->key = pem_read_key(key_path, err)) == NULL ||
	    (ca->cert = pem_read_cert(cert_path, err)) == NULL)
		return -1;
	if (X509_check_private_key(ca->cert, ca->key) != 1)
		return error_set(err, "%s does not belong to %s", key_path, cert_path);
	return 0;
}

void ca_close(struct ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	memset(ca, 0, sizeof(*ca));
}
