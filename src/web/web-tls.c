/* TLS for the web console, and nothing else: the server context (TLS 1.2
 * and later), the certificate (the administrator's, or a self-signed one
 * made on first start in STATE/web), and the bufferevent evhttp runs each
 * connection on. One file, so that the fleet's TLS (src/tls/) can replace it. */
#include "web.h"

#include <errno.h>
#include <event2/bufferevent_ssl.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int tls_fail(struct error *err, const char *what)
{
	char detail[256];

	ERR_error_string_n(ERR_get_error(), detail, sizeof(detail));
	ERR_clear_error();
	return error_set(err, "%s: %s", what, detail);
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	ok = ext && X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A P-256 certificate for a year, for localhost and the loopback addresses. */
static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
	unsigned char serial[16];

	if (x == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ASN1_INTEGER *sn = bn ? BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) : NULL;
	BN_free(bn);
	if (sn == NULL || !X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -60) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400) || !X509_set_pubkey(x, key) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"escortd web console", -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") < 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") < 0 || !X509_sign(x, key, EVP_sha256()))
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

static int write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *x)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	int ok;

	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ok = key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) : PEM_write_X509(f, x);
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

static int make_self_signed(const char *cert, const char *keyfile, struct error *err)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = key ? self_signed(key) : NULL;
	int rc = 0;

	if (x == NULL)
		rc = tls_fail(err, "cannot make the web console's certificate");
	else if (write_pem(keyfile, 0600, key, NULL) < 0 || write_pem(cert, 0644, NULL, x) < 0)
		rc = error_errno(err, "cannot write %s", cert);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

/* The configured pair, or STATE/web/cert.pem and key.pem (made when absent). */
static int cert_paths(const struct web_config *cfg, const char *dir, char *cert, char *key,
		      size_t size, struct error *err)
{
	struct stat st;

	if (cfg->cert[0]) {
		snprintf(cert, size, "%s", cfg->cert);
		snprintf(key, size, "%s", cfg->key);
		return 0;
	}
	snprintf(cert, size, "%s/cert.pem", dir);
	snprintf(key, size, "%s/key.pem", dir);
	if (stat(cert, &st) == 0 && stat(key, &st) == 0)
		return 0;
	unlink(cert);
	unlink(key);
	return make_self_signed(cert, key, err);
}

SSL_CTX *web_tls_context(const struct web_config *cfg, const char *dir, struct error *err)
{
	char cert[PATH_MAX], key[PATH_MAX];
	SSL_CTX *ctx;

	if (cert_paths(cfg, dir, cert, key, sizeof(cert), err) < 0)
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") ||
	    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_fail(err, cert);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
				     SSL_OP_CIPHER_SERVER_PREFERENCE);
	return ctx;
}

int web_request_tls(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev = c ? evhttp_connection_get_bufferevent(c) : NULL;

	return bev != NULL && bufferevent_openssl_get_ssl(bev) != NULL;
}

struct bufferevent *web_tls_bev(struct event_base *base, void *arg)
{
	SSL *ssl = SSL_new(arg);

	if (ssl == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
					      BEV_OPT_CLOSE_ON_FREE);
}
