#include "enroll-client.h"

#include "enroll-internal.h"

#include "ca.h"
#include "contexts.h"
#include "csr.h"
#include "dial.h"
#include "pem-files.h"
#include "tls-error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static X509 *der_cert(const ProtobufCBinaryData *d)
{
	const unsigned char *p = d->data;
	X509 *c = d->len ? d2i_X509(NULL, &p, (long)d->len) : NULL;

	if (c != NULL && p != d->data + d->len) {
		X509_free(c);
		return NULL;
	}
	return c;
}

static int ask(struct tls_link *link, const char *token, EVP_PKEY *key, struct error *err)
{
	Escort__EnrollRequest r = ESCORT__ENROLL_REQUEST__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct buf csr = {0};
	int rc;

	if (csr_make(key, &csr, err) < 0)
		return -1;
	r.token = (char *)token;
	r.csr.data = csr.data;
	r.csr.len = csr.len;
	f.body_case = ESCORT__FRAME__BODY_ENROLL_REQUEST;
	f.enroll_request = &r;
	rc = tls_frame_write(link, &f, err);
	buf_free(&csr);
	return rc;
}

/* The certificates in the reply, each checked: ours holds our key and is
 * signed by the CA that also signed the (pinned) broker certificate. */
static int take_reply(const Escort__EnrollReply *r, EVP_PKEY *key, struct enrolled *e,
		      struct error *err)
{
	struct error why;

	if (r->result != ESCORT__ENROLL_RESULT__ENROLL_OK)
		return error_set(err, "the broker refused: %s",
				 r->reason ? r->reason : "no reason");
	e->cert = der_cert(&r->cert);
	e->ca = der_cert(&r->ca_cert);
	if (e->cert == NULL || e->ca == NULL)
		return error_set(err, "the broker's reply holds no certificates");
	if (EVP_PKEY_eq(X509_get0_pubkey(e->cert), key) != 1 ||
	    X509_verify(e->cert, X509_get0_pubkey(e->ca)) != 1 ||
	    X509_verify(e->broker, X509_get0_pubkey(e->ca)) != 1)
		return error_set(err, "the broker's certificates do not fit together");
	if (host_name_of(e->cert, e->host, sizeof(e->host), &why) < 0)
		return error_set(err, "the new certificate: %s", why.msg);
	if (r->next_ca_cert.len > 0 && (e->next_ca = der_cert(&r->next_ca_cert)) == NULL)
		return error_set(err, "the broker's next CA is not a certificate");
	if (e->next_ca && X509_verify(e->next_ca, X509_get0_pubkey(e->next_ca)) != 1)
		return error_set(err, "the broker's next CA is not self-signed");
	return 0;
}

int enroll_write_ca(const char *dir, const struct enrolled *e, struct error *err)
{
	X509 *const bundle[2] = {e->ca, e->next_ca};
	char path[4096];

	snprintf(path, sizeof(path), "%s/ca.crt", dir);
	return pem_write_certs(path, bundle, e->next_ca ? 2 : 1, 0644, err);
}

int enroll_exchange(struct tls_link *link, const char *token, EVP_PKEY *key, struct enrolled *e,
		    struct error *err)
{
	Frame *f = NULL;
	int rc = -1;

	e->broker = SSL_get1_peer_certificate(link->ssl);
	if (ask(link, token, key, err) < 0 || tls_answer_read(link, &f, err) < 0)
		return -1;
	if (f->body_case != ESCORT__FRAME__BODY_ENROLL_REPLY)
		error_set(err, "the broker answered with something else than an EnrollReply");
	else
		rc = take_reply(f->enroll_reply, key, e, err);
	frame_free(f);
	return rc;
}

/* dir/name holding line: what `escort run` reads (broker-tls.c). */
int enroll_write_line(const char *dir, const char *name, const char *line, struct error *err)
{
	char path[4096];
	FILE *out;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((out = fopen(path, "we")) == NULL)
		return error_errno(err, "cannot create %s", path);
	fprintf(out, "%s\n", line);
	return fclose(out) == 0 ? 0 : error_errno(err, "cannot write %s", path);
}

static int keep(const char *dir, const char *broker, EVP_PKEY *key, const struct enrolled *e,
		const char *pin, struct error *err)
{
	char path[4096];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", dir);
	snprintf(path, sizeof(path), "%s/host.key", dir);
	if (pem_write_key(path, key, 0600, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/host.crt", dir);
	if (pem_write_cert(path, e->cert, 0644, err) < 0)
		return -1;
	if (enroll_write_ca(dir, e, err) < 0)
		return -1;
	if (enroll_write_line(dir, "broker.pin", pin, err) < 0)
		return -1;
	return enroll_write_line(dir, "broker", broker, err);
}

void enrolled_free(struct enrolled *e)
{
	X509_free(e->cert);
	X509_free(e->ca);
	X509_free(e->next_ca);
	X509_free(e->broker);
}

int enroll_run(const struct enroll_options *o, char host[HOST_NAME_MAX_LEN + 1], struct error *err)
{
	struct enrolled e = {0};
	struct tls_link link = {.fd = -1};
	SSL_CTX *ctx = tls_enroll_ctx(err);
	EVP_PKEY *key = ctx ? key_new_ed25519(err) : NULL;
	int rc = -1;

	if (key != NULL && tls_dial(ctx, o->broker, o->pin, o->timeout_s, &link, err) == 0 &&
	    enroll_exchange(&link, o->token, key, &e, err) == 0 &&
	    keep(o->dir, o->broker, key, &e, o->pin, err) == 0) {
		snprintf(host, HOST_NAME_MAX_LEN + 1, "%s", e.host);
		rc = 0;
	}
	tls_link_close(&link);
	enrolled_free(&e);
	EVP_PKEY_free(key);
	SSL_CTX_free(ctx);
	return rc;
}
