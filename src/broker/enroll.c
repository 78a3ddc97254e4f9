/* Enrolment on escortd: a host without a certificate sends a join token and
 * a certificate request; the token (single use, not expired) names the
 * host, escortd's CA issues, and the connection ends. Every byte is the
 * peer's: the request is checked before anything is looked up. An enrolled
 * host renews the same way, with its certificate instead of a token. */
#include "broker.h"

#include "tls/csr.h"
#include "tls/enroll-request.h"

#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

static void reply(struct conn *c, Escort__EnrollReply *r, const char *why)
{
	Frame f = ESCORT__FRAME__INIT;

	if (why)
		broker_log("enrolment refused: %s", why);
	f.body_case = ESCORT__FRAME__BODY_ENROLL_REPLY;
	f.enroll_reply = r;
	conn_send(c, &f);
	conn_finish(c, NULL);
}

static void refuse(struct conn *c, Escort__EnrollResult result, const char *why)
{
	Escort__EnrollReply r = ESCORT__ENROLL_REPLY__INIT;

	r.result = result;
	r.reason = (char *)why;
	reply(c, &r, why);
}

static int der(X509 *cert, ProtobufCBinaryData *out)
{
	unsigned char *p = NULL;
	int len = i2d_X509(cert, &p);

	out->data = p;
	out->len = len > 0 ? (size_t)len : 0;
	return len > 0 ? 0 : -1;
}

static void send_cert(struct conn *c, X509 *cert, const char *host)
{
	Escort__EnrollReply r = ESCORT__ENROLL_REPLY__INIT;

	r.result = ESCORT__ENROLL_RESULT__ENROLL_OK;
	r.host = (char *)host;
	if (der(cert, &r.cert) < 0 || der(c->b->ca.cert, &r.ca_cert) < 0 ||
	    (c->b->next_ca && der(c->b->next_ca, &r.next_ca_cert) < 0))
		refuse(c, ESCORT__ENROLL_RESULT__ENROLL_FAILED, "cannot encode the certificates");
	else
		reply(c, &r, NULL);
	OPENSSL_free(r.cert.data);
	OPENSSL_free(r.ca_cert.data);
	OPENSSL_free(r.next_ca_cert.data);
}

static void issue(struct conn *c, EVP_PKEY *pub, const char *host, const char *done)
{
	char serial[SERIAL_HEX];
	struct error err;
	X509 *cert = ca_issue(&c->b->ca, pub, host, CERT_CLIENT, HOST_CERT_DAYS, serial, &err);

	if (cert == NULL || store_cert_add(c->b->store, serial, host, &err) < 0) {
		X509_free(cert);
		return refuse(c, ESCORT__ENROLL_RESULT__ENROLL_FAILED, err.msg);
	}
	broker_log("host %s %s (certificate %s)", host, done, serial);
	send_cert(c, cert, host);
	X509_free(cert);
}

void enroll_request(struct conn *c, const Escort__EnrollRequest *r)
{
	char hash[TOKEN_HASH_LEN], host[64];
	struct error err;
	EVP_PKEY *pub;

	if (enroll_request_check(r, hash, &pub, &err) < 0)
		return refuse(c, ESCORT__ENROLL_RESULT__ENROLL_BAD_REQUEST, err.msg);
	if (store_token_take(c->b->store, hash, host, sizeof(host), &err) < 0)
		refuse(c,
		       err.code == ERR_SYSTEM ? ESCORT__ENROLL_RESULT__ENROLL_FAILED
					      : ESCORT__ENROLL_RESULT__ENROLL_BAD_TOKEN,
		       err.msg);
	else
		issue(c, pub, host, "enrolled");
	EVP_PKEY_free(pub);
}

void enroll_renewal(struct conn *c, const Escort__EnrollRequest *r)
{
	struct error err;
	EVP_PKEY *pub;

	if (r->token && r->token[0])
		return refuse(c, ESCORT__ENROLL_RESULT__ENROLL_BAD_REQUEST,
			      "a renewal carries no token: the host's certificate says who it is");
	if ((pub = csr_check(r->csr.data, r->csr.len, &err)) == NULL)
		return refuse(c, ESCORT__ENROLL_RESULT__ENROLL_BAD_REQUEST, err.msg);
	issue(c, pub, c->host, "renewed its certificate");
	EVP_PKEY_free(pub);
}
