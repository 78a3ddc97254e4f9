#include "dial.h"

#include "tls-error.h"

#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int split(const char *hostport, char *host, size_t size, const char **port,
		 struct error *err)
{
	const char *colon = strrchr(hostport, ':');
	size_t n = colon ? (size_t)(colon - hostport) : 0;

	if (colon == NULL || n == 0 || colon[1] == '\0' || n >= size)
		return error_set(err, "'%s' is not HOST:PORT", hostport);
	if (hostport[0] == '[' && hostport[n - 1] == ']')
		memcpy(host, hostport + 1, n -= 2);
	else
		memcpy(host, hostport, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int connect_tcp(const char *hostport, int timeout_s, struct error *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai, *a;
	struct timeval tv = {timeout_s, 0};
	char host[256];
	const char *port = NULL;
	int fd = -1, rc, one = 1;

	if (split(hostport, host, sizeof(host), &port, err) < 0)
		return -1;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		return error_set(err, "cannot resolve %s: %s", hostport, gai_strerror(rc));
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* Frames are small and each waits for an answer: no Nagle delay. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0)
		error_errno(err, "cannot connect to %s", hostport);
	return fd;
}

static int handshake(struct tls_link *link, const char *hostport, const char *pin,
		     struct error *err)
{
	X509 *peer;
	int ok;

	if (SSL_connect(link->ssl) != 1)
		return tls_error(err, "TLS with %s failed", hostport);
	peer = SSL_get1_peer_certificate(link->ssl);
	ok = pin == NULL || pin_matches(peer, pin);
	X509_free(peer);
	if (!ok)
		return error_set(err,
				 "%s is not the broker: its certificate does not have the pin %s",
				 hostport, pin);
	return 0;
}

int tls_dial(SSL_CTX *ctx, const char *hostport, const char *pin, int timeout_s,
	     struct tls_link *link, struct error *err)
{
	memset(link, 0, sizeof(*link));
	if ((link->fd = connect_tcp(hostport, timeout_s, err)) < 0)
		return -1;
	link->ssl = SSL_new(ctx);
	if (link->ssl == NULL || SSL_set_fd(link->ssl, link->fd) != 1) {
		tls_link_close(link);
		return tls_error(err, "cannot start TLS");
	}
	if (handshake(link, hostport, pin, err) < 0) {
		tls_link_close(link);
		return -1;
	}
	return 0;
}

void tls_link_close(struct tls_link *link)
{
	if (link->ssl) {
		SSL_shutdown(link->ssl);
		SSL_free(link->ssl);
	}
	if (link->fd >= 0)
		close(link->fd);
	buf_free(&link->in);
	link->ssl = NULL;
	link->fd = -1;
}

int tls_bytes_write(struct tls_link *link, const void *data, size_t len, struct error *err)
{
	unsigned char alert;

	if (len <= INT_MAX && SSL_write(link->ssl, data, (int)len) == (int)len)
		return 0;
	/* TLS 1.3: a refused certificate is said after the handshake, in an
	 * alert waiting to be read (why the write failed). */
	if (ERR_peek_error() == 0)
		SSL_read(link->ssl, &alert, 1);
	return tls_error(err, "cannot send to the broker");
}

int tls_frame_write(struct tls_link *link, const Frame *f, struct error *err)
{
	struct buf b = {0};
	int rc;

	frame_encode(f, &b);
	rc = tls_bytes_write(link, b.data, b.len, err);
	buf_free(&b);
	return rc;
}

int tls_frame_read(struct tls_link *link, Frame **out, struct error *err)
{
	unsigned char chunk[16384];
	size_t used;

	for (;;) {
		int rc = frame_parse(link->in.data, link->in.len, &used, out, err);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			buf_consume(&link->in, used);
			return 0;
		}
		int n = SSL_read(link->ssl, chunk, sizeof(chunk));
		if (n <= 0)
			return tls_error(err, "the broker closed the connection");
		buf_append(&link->in, chunk, (size_t)n);
	}
}

int tls_answer_read(struct tls_link *link, Frame **out, struct error *err)
{
	while (tls_frame_read(link, out, err) == 0) {
		if ((*out)->body_case != ESCORT__FRAME__BODY_HEARTBEAT)
			return 0;
		frame_free(*out);
		*out = NULL;
	}
	return -1;
}
