#include "broker-tls.h"

#include "tls/contexts.h"
#include "tls/key-memory.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <unistd.h>

#define DIAL_TIMEOUT_S 5

/* The first line of path, without its line end; "" when there is none. */
static void first_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)size, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	fclose(f);
}

/* Opened with the effective ids: escort may be set-group-id to the key's group. */
static int readable(const char *dir, const char *name, struct error *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
		return close(fd), 0;
	if (errno == EACCES)
		return error_errno(
		    err,
		    "cannot read the host's key and enrolment (%s): install escort "
		    "set-group-id to the group of %s (docs/CONFIG.md, \"The fleet\")",
		    path, dir);
	return error_errno(err, "cannot read %s", path);
}

static int load(struct broker_tls *t, struct error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/broker.pin", t->dir);
	if (readable(t->dir, "broker.pin", err) < 0)
		return -1;
	first_line(path, t->pin, sizeof(t->pin));
	if (strncmp(t->pin, "sha256:", 7) != 0 || strlen(t->pin) != PIN_LEN - 1)
		return error_set(err, "%s holds no pin: enrol this host again", path);
	if (readable(t->dir, "host.key", err) < 0 || key_memory_init(err) < 0)
		return -1;
	t->ctx = tls_host_ctx(t->dir, err);
	return t->ctx ? 0 : -1;
}

/* While set-id, only the fixed directory and the address in it: whoever
 * started escort names nothing it reads with the group's rights. */
int broker_tls_set_id(void)
{
	return getauxval(AT_SECURE) != 0;
}

const char *broker_tls_dir(void)
{
	const char *dir = getenv("ESCORT_HOST_DIR");

	return dir && dir[0] && !broker_tls_set_id() ? dir : BROKER_TLS_DIR;
}

static struct broker_tls *find(struct error *err)
{
	const char *where = broker_tls_set_id() ? NULL : getenv("ESCORT_BROKER");
	struct broker_tls *t = xcalloc(1, sizeof(*t));
	char path[PATH_MAX];

	err->code = 0;
	snprintf(t->dir, sizeof(t->dir), "%s", broker_tls_dir());
	snprintf(path, sizeof(path), "%s/broker", t->dir);
	if (where && where[0])
		snprintf(t->where, sizeof(t->where), "%s", where);
	else if (readable(t->dir, "broker", err) < 0 && err->errnum != ENOENT &&
		 err->errnum != ENOTDIR)
		goto fail; /* enrolled, but not for us to read: not a session without escortd */
	else
		first_line(path, t->where, sizeof(t->where));
	err->code = 0;
	if (t->where[0] != '\0' && load(t, err) == 0)
		return t;
fail:
	broker_tls_free(t);
	return NULL;
}

static struct {
	int done;
	struct broker_tls *t;
	struct error err;
} preloaded;

void broker_tls_preload(void)
{
	preloaded.t = find(&preloaded.err);
	preloaded.done = 1;
}

struct broker_tls *broker_tls_find(struct error *err)
{
	struct broker_tls *t = preloaded.t;

	if (!preloaded.done)
		return find(err);
	*err = preloaded.err;
	preloaded.t = NULL; /* the caller's now */
	return t;
}

void broker_tls_free(struct broker_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

int broker_tls_dial(const struct broker_tls *t, struct tls_link *link, struct error *err)
{
	return tls_dial(t->ctx, t->where, t->pin, DIAL_TIMEOUT_S, link, err);
}

struct bufferevent *broker_tls_wrap(struct event_base *base, struct tls_link *link)
{
	struct bufferevent *bev;
	struct timeval none = {0, 0};

	/* The dial's time limits were for blocking calls: none on the loop. */
	setsockopt(link->fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	setsockopt(link->fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
	fcntl(link->fd, F_SETFL, fcntl(link->fd, F_GETFL) | O_NONBLOCK);
	bev = bufferevent_openssl_socket_new(base, link->fd, link->ssl, BUFFEREVENT_SSL_OPEN,
					     BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		tls_link_close(link);
	else
		link->ssl = NULL, link->fd = -1; /* the bufferevent's now */
	buf_free(&link->in);
	return bev;
}

static struct addrinfo *resolve(const char *where, struct error *err)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	const char *colon = strrchr(where, ':');
	char host[256];

	if (colon == NULL || (size_t)(colon - where) >= sizeof(host)) {
		error_set(err, "'%s' is not HOST:PORT", where);
		return NULL;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - where), where);
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
		error_set(err, "cannot resolve %s", where);
		return NULL;
	}
	return ai;
}

struct bufferevent *broker_tls_connect(struct event_base *base, const struct broker_tls *t,
				       struct error *err)
{
	struct addrinfo *ai = resolve(t->where, err);
	SSL *ssl = ai ? SSL_new(t->ctx) : NULL;
	struct bufferevent *bev = NULL;

	if (ssl != NULL)
		bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
						     BEV_OPT_CLOSE_ON_FREE);
	if (ssl != NULL && bev == NULL)
		SSL_free(ssl);
	if (bev != NULL && bufferevent_socket_connect(bev, ai->ai_addr, (int)ai->ai_addrlen) < 0) {
		bufferevent_free(bev);
		bev = NULL;
	}
	if (ai != NULL && bev == NULL)
		error_set(err, "cannot connect to %s", t->where);
	if (ai)
		freeaddrinfo(ai);
	return bev;
}

int broker_tls_pinned(struct bufferevent *bev, const struct broker_tls *t)
{
	int one = 1;

	/* Frames are small and each waits for an answer: no Nagle delay. */
	setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	X509 *peer = SSL_get1_peer_certificate(bufferevent_openssl_get_ssl(bev));
	int ok = pin_matches(peer, t->pin);

	X509_free(peer);
	return ok;
}
