/* escortd's TCP listener: TLS 1.3 with certificates of escortd's CA, the
 * same frames as on the Unix socket. A peer is who its certificate says
 * (tls_peer_identify), never what it sends; a peer without a certificate
 * may only enrol, or log in and open a console with a credential (login.c). */
#include "broker.h"

#include "tls/contexts.h"
#include "tls/host-name.h"
#include "tls/pem-files.h"
#include "tls/server-cert.h"

#include <arpa/inet.h>
#include <event2/bufferevent_ssl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The peer's IP address as text. */
static void address_of(const struct sockaddr_storage *sa, char *out, size_t size)
{
	const void *in = sa->ss_family == AF_INET6
			     ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
			     : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (inet_ntop(sa->ss_family, in, out, (socklen_t)size) == NULL)
		snprintf(out, size, "?");
}

static void on_tls_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct broker *b = arg;
	struct sockaddr_storage sa = {0};
	socklen_t len = sizeof(sa);
	int fd = accept4(lfd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct bufferevent *bev;
	char address[64];
	int one = 1;
	SSL *ssl;

	(void)what;
	if (fd < 0)
		return;
	address_of(&sa, address, sizeof(address));
	if (!conn_room_for_tls(b, address)) {
		broker_log("refused a TLS connection from %s: too many not yet known by a "
			   "certificate",
			   address);
		close(fd);
		return;
	}
	/* Frames are small and each waits for an answer: no Nagle delay. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((ssl = SSL_new(b->tls_ctx)) == NULL) {
		close(fd);
		return;
	}
	SSL_set_app_data(ssl, b);
	bev = bufferevent_openssl_socket_new(b->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		close(fd);
		return;
	}
	conn_new_tls(b, bev, address);
}

/* The serial of cert in lowercase hex, as ca.c writes it. */
static void serial_hex(X509 *cert, char *out, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(out, size, "%s", hex ? hex : "");
	for (char *p = out; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* A verified certificate of a host escortd enrolled and has not revoked. */
static int known_host(struct conn *c, X509 *cert, struct error *err)
{
	if (host_name_of(cert, c->host, sizeof(c->host), err) < 0)
		return -1;
	serial_hex(cert, c->cert_serial, sizeof(c->cert_serial));
	if (!store_cert_valid(c->b->store, c->cert_serial, c->host))
		return error_set(err, "host %s: certificate %s is revoked or unknown", c->host,
				 c->cert_serial);
	return 0;
}

/* During the handshake: a certificate of escortd's CA that escortd revoked
 * (or never issued) fails it with the alert "certificate revoked". */
static int verify_known(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct broker *b = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(x);
	char host[64], serial[40];
	struct error err;

	if (!ok || b == NULL || X509_STORE_CTX_get_error_depth(x) != 0)
		return ok;
	serial_hex(cert, serial, sizeof(serial));
	if (host_name_of(cert, host, sizeof(host), &err) == 0 &&
	    store_cert_valid(b->store, serial, host))
		return 1;
	X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REVOKED);
	broker_log("refused a host certificate %s: revoked, unknown or without a host name",
		   serial);
	return 0;
}

void tls_peer_identify(struct conn *c)
{
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
	X509 *cert = SSL_get1_peer_certificate(ssl);
	struct error err;

	if (cert == NULL) {
		c->state = CONN_ENROLL;
		broker_debug("a peer without a certificate: it may enrol or log in");
		return;
	}
	if (SSL_get_verify_result(ssl) != X509_V_OK)
		error_set(&err, "its certificate is not escortd's CA's");
	if (SSL_get_verify_result(ssl) != X509_V_OK || known_host(c, cert, &err) < 0) {
		X509_free(cert);
		conn_drop(c, err.msg);
		return;
	}
	X509_free(cert);
	c->state = CONN_HOST;
	snprintf(c->account, sizeof(c->account), "host:%.58s", c->host);
	broker_log("host %s connected (certificate %s)", c->host, c->cert_serial);
}

static int bind_tcp(const char *hostport, struct error *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd, one = 1, rc;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host))
		return error_set(err, "listen: '%s' is not ADDR:PORT", hostport);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport), hostport);
	if ((rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai)) != 0)
		return error_set(err, "listen: %s: %s", hostport, gai_strerror(rc));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 512) < 0) {
		error_errno(err, "cannot listen on %s", hostport);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* During a CA rotation (escortd rotate-ca) host certificates of the next
 * and of the previous CA are accepted too, and the next CA is handed to
 * hosts as they enrol or renew. */
static int rotation_trust(struct broker *b, const char *dir, struct error *err)
{
	char next[PATH_MAX + 32], previous[PATH_MAX + 32];

	snprintf(next, sizeof(next), "%s/next/ca.crt", dir);
	snprintf(previous, sizeof(previous), "%s/previous/ca.crt", dir);
	if (tls_server_trust(b->tls_ctx, next, err) < 0 ||
	    tls_server_trust(b->tls_ctx, previous, err) < 0)
		return -1;
	if (pem_exists(next) && (b->next_ca = pem_read_cert(next, err)) == NULL)
		return -1;
	if (b->next_ca || pem_exists(previous))
		broker_log(
		    "CA rotation: %s%s", b->next_ca ? "the next CA is handed to hosts; " : "",
		    pem_exists(previous) ? "the previous CA's host certificates are accepted" : "");
	return 0;
}

int broker_listen_tls(struct broker *b, const char *hostport, struct error *err)
{
	char dir[PATH_MAX], pin[PIN_LEN];

	snprintf(dir, sizeof(dir), "%s/ca", b->state_dir);
	if (ca_open(&b->ca, dir, err) < 0 || server_cert_ensure(&b->ca, dir, pin, err) < 0)
		return -1;
	if ((b->tls_ctx = tls_server_ctx(dir, err)) == NULL || rotation_trust(b, dir, err) < 0)
		return -1;
	SSL_CTX_set_verify(b->tls_ctx, SSL_CTX_get_verify_mode(b->tls_ctx), verify_known);
	if (login_start(b, err) < 0 || (b->tls_fd = bind_tcp(hostport, err)) < 0)
		return -1;
	b->tls_accept = event_new(b->base, b->tls_fd, EV_READ | EV_PERSIST, on_tls_accept, b);
	if (b->tls_accept == NULL || event_add(b->tls_accept, NULL) < 0)
		return error_set(err, "cannot watch %s", hostport);
	broker_log("listening on %s (TLS; escortd's pin %s)", hostport, pin);
	return 0;
}
