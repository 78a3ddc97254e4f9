/* The fleet's building blocks with real OpenSSL: join tokens, host names,
 * escortd's CA and the certificates it issues, certificate requests from
 * the network, pins. */
#include "check.h"
#include "tls/ca.h"
#include "tls/csr.h"
#include "tls/host-name.h"
#include "tls/pin.h"
#include "tls/token.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

static void test_tokens(void)
{
	char token[TOKEN_LEN], other[TOKEN_LEN], h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	struct error err;

	CHECK(token_new(token, &err) == 0 && token_new(other, &err) == 0);
	CHECK(strlen(token) == 64 && strcmp(token, other) != 0);
	CHECK(token_hash(token, 64, h1, &err) == 0 && token_hash(token, 64, h2, &err) == 0);
	CHECK_STR(h1, h2);
	CHECK(strcmp(h1, token) != 0);
	CHECK(token_hash(token, 63, h1, &err) < 0);
	token[5] = 'G';
	CHECK(token_hash(token, 64, h1, &err) < 0);
	token[5] = 'A'; /* uppercase is not the printed form */
	CHECK(token_hash(token, 64, h1, &err) < 0);
}

static void test_host_names(void)
{
	CHECK(host_name_valid("db1") && host_name_valid("db-1.example_x"));
	CHECK(!host_name_valid("") && !host_name_valid("-db") && !host_name_valid(".db"));
	CHECK(!host_name_valid("db 1") && !host_name_valid("db/1") && !host_name_valid("db\n1"));
	CHECK(!host_name_valid("0123456789012345678901234567890123456789012345678901234567890123"));
}

static X509 *issue(struct ca *ca, const char *name, enum cert_use use, EVP_PKEY **key)
{
	char serial[SERIAL_HEX];
	struct error err;

	*key = key_new_ed25519(&err);
	return *key ? ca_issue(ca, *key, name, use, 1, serial, &err) : NULL;
}

static void test_ca(const char *dir)
{
	struct ca ca, again;
	struct error err;
	struct stat st;
	char path[4096], name[64], pin[PIN_LEN];
	EVP_PKEY *hk, *sk;

	CHECK(ca_open(&ca, dir, &err) == 0);
	snprintf(path, sizeof(path), "%s/ca.key", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(ca_open(&again, dir, &err) == 0 && X509_cmp(ca.cert, again.cert) == 0);
	ca_close(&again);
	CHECK(chmod(path, 0640) == 0 && ca_open(&again, dir, &err) < 0);
	CHECK(strstr(err.msg, "mode 0600") != NULL);
	ca_close(&again);
	CHECK(chmod(path, 0600) == 0 && ca_open(&again, dir, &err) == 0);
	X509 *host = issue(&ca, "db1", CERT_CLIENT, &hk),
	     *server = issue(&ca, "escortd", CERT_SERVER, &sk);
	CHECK(host && server);
	CHECK(X509_verify(host, X509_get0_pubkey(ca.cert)) == 1);
	CHECK(host_name_of(host, name, sizeof(name), &err) == 0);
	CHECK_STR(name, "db1");
	/* A host's certificate cannot pose as escortd, nor escortd's as a host. */
	CHECK(X509_check_purpose(host, X509_PURPOSE_SSL_CLIENT, 0) == 1);
	CHECK(X509_check_purpose(host, X509_PURPOSE_SSL_SERVER, 0) != 1);
	CHECK(X509_check_purpose(server, X509_PURPOSE_SSL_CLIENT, 0) != 1);
	CHECK(pin_of_cert(server, pin, &err) == 0 && strncmp(pin, "sha256:", 7) == 0);
	CHECK(strlen(pin) == PIN_LEN - 1 && pin_matches(server, pin) && !pin_matches(host, pin));
	X509_free(host);
	X509_free(server);
	EVP_PKEY_free(hk);
	EVP_PKEY_free(sk);
	ca_close(&again);
	ca_close(&ca);
}

static void test_requests(void)
{
	struct error err;
	struct buf der = {0}, p256 = {0};
	EVP_PKEY *key = key_new_ed25519(&err), *got,
		 *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	CHECK(key && ec && csr_make(key, &der, &err) == 0);
	CHECK((got = csr_check(der.data, der.len, &err)) != NULL && EVP_PKEY_eq(got, key) == 1);
	EVP_PKEY_free(got);
	CHECK(csr_check(der.data, der.len - 1, &err) == NULL);
	buf_putc(&der, 0); /* one byte after the request */
	CHECK(csr_check(der.data, der.len, &err) == NULL);
	der.len--;
	der.data[der.len - 1] ^= 1; /* the signature no longer holds */
	CHECK(csr_check(der.data, der.len, &err) == NULL);
	CHECK(csr_check(der.data, 0, &err) == NULL &&
	      csr_check(der.data, CSR_MAX + 1, &err) == NULL);
	CHECK(csr_make(ec, &p256, &err) == 0 && csr_check(p256.data, p256.len, &err) == NULL);
	CHECK(strstr(err.msg, "Ed25519") != NULL);
	buf_free(&der);
	buf_free(&p256);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ec);
}

int main(void)
{
	char dir[] = "/tmp/escort-test-tls-XXXXXX";
	char ca_dir[64];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(ca_dir, sizeof(ca_dir), "%s/ca", dir);
	test_tokens();
	test_host_names();
	test_ca(ca_dir);
	test_requests();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		check_failures++;
	CHECK_DONE();
}
