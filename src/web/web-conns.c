/* How many connections the console holds at once: a quarter of escortd's
 * descriptor limit, at most WEB_MAX_CONNS. Connections that never say
 * anything (or say it slowly) cost a descriptor each, and escortd's
 * descriptors are also its operators' sessions and its hosts': at the
 * limit the listener stops accepting (the kernel's backlog holds the rest)
 * until one closes. A connection is counted from its bufferevent's making
 * to its SSL's freeing (evhttp frees both with the connection). */
#include "web.h"

#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

static int conn_index = -1; /* the SSL's ex_data slot: its struct web */

static size_t limit(void)
{
	struct rlimit r;
	size_t quarter;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return 64;
	quarter = (size_t)(r.rlim_cur / 4);
	return quarter < WEB_MAX_CONNS ? quarter : WEB_MAX_CONNS;
}

static void set_accepting(struct web *w)
{
	struct evconnlistener *l = evhttp_bound_socket_get_listener(w->bound);

	if (w->n_conns >= limit())
		evconnlistener_disable(l);
	else
		evconnlistener_enable(l);
}

static void conn_gone(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	struct web *w = ptr;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (w == NULL)
		return;
	w->n_conns--;
	if (w->bound)
		set_accepting(w);
}

int web_conns_init(struct error *err)
{
	if (conn_index < 0)
		conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_gone);
	return conn_index < 0 ? error_set(err, "cannot count the web console's connections") : 0;
}

/* evhttp's bevcb: each new connection's TLS, counted. */
struct bufferevent *web_conns_bev(struct event_base *base, void *arg)
{
	struct web *w = arg;
	struct bufferevent *bev = web_tls_bev(base, w->tls);
	SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;

	if (ssl == NULL || SSL_set_ex_data(ssl, conn_index, w) != 1)
		return bev;
	w->n_conns++;
	set_accepting(w);
	return bev;
}
