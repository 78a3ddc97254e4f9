#include "contexts.h"

#include "pem-files.h"
#include "tls-error.h"

#include <stdio.h>

static SSL_CTX *new_ctx(const SSL_METHOD *method, struct error *err)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
		SSL_CTX_free(ctx);
		tls_error(err, "cannot make a TLS context");
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
	return ctx;
}

/* dir/cert_name and dir/key_name as ours, dir/ca_name as the only CA. */
static int load_files(SSL_CTX *ctx, const char *dir, const char *cert_name, const char *key_name,
		      const char *ca_name, struct error *err)
{
	char cert[4096], key[4096], ca[4096];

	snprintf(cert, sizeof(cert), "%s/%s", dir, cert_name);
	snprintf(key, sizeof(key), "%s/%s", dir, key_name);
	snprintf(ca, sizeof(ca), "%s/%s", dir, ca_name);
	if (SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1)
		return tls_error(err, "cannot use %s", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		return tls_error(err, "cannot use %s", key);
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		return tls_error(err, "cannot use %s", ca);
	return 0;
}

SSL_CTX *tls_server_ctx(const char *dir, struct error *err)
{
	SSL_CTX *ctx = new_ctx(TLS_server_method(), err);

	if (ctx == NULL)
		return NULL;
	if (load_files(ctx, dir, "tls.crt", "tls.key", "ca.crt", err) < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* Asked of every peer; one without a certificate is held to enrolment. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, NULL);
	SSL_CTX_set_verify_depth(ctx, 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

int tls_server_trust(SSL_CTX *ctx, const char *path, struct error *err)
{
	X509 *cert;
	int ok;

	if (!pem_exists(path))
		return 0;
	if ((cert = pem_read_cert(path, err)) == NULL)
		return -1;
	ok = X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cert) == 1;
	X509_free(cert);
	return ok ? 0 : tls_error(err, "cannot trust %s", path);
}

SSL_CTX *tls_host_ctx(const char *dir, struct error *err)
{
	SSL_CTX *ctx = new_ctx(TLS_client_method(), err);

	if (ctx == NULL)
		return NULL;
	if (load_files(ctx, dir, "host.crt", "host.key", "ca.crt", err) < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* The chain, and serverAuth (which no host certificate has). The pin
	 * is checked after the handshake (tls_dial). */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_verify_depth(ctx, 1);
	return ctx;
}

SSL_CTX *tls_enroll_ctx(struct error *err)
{
	SSL_CTX *ctx = new_ctx(TLS_client_method(), err);

	if (ctx != NULL)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}
