/* The web console's HTTPS server on escortd's event loop (libevent's evhttp
 * on OpenSSL bufferevents): limits on everything a browser sends, the
 * security headers on everything it gets back, and the one route table
 * that says which page needs which step of signing in. Every POST carries
 * its session's CSRF token, checked here before any handler runs. */
#include "web.h"

#include "broker/login-limit.h"
#include "form.h"
#include "origin.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_HEADERS (8u << 10)
#define MAX_BODY FORM_MAX_BYTES
#define IO_TIMEOUT_S 30

time_t web_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

#define CSP_TAIL                                                                                   \
	"img-src 'self'; connect-src 'self'; media-src 'self'; "                                   \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
#define CSP_REST "style-src 'self'; " CSP_TAIL
#define CSP "default-src 'none'; script-src 'self'; " CSP_REST
/* The auditor's page: asciinema-player's terminal is WebAssembly, compiled
 * from its own script ('wasm-unsafe-eval' allows WebAssembly, never eval). */
const char web_csp_audit[] = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; " CSP_REST;

void web_csp_nonced(char *out, size_t size, const char *nonce)
{
	snprintf(out, size,
		 "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-%s'; " CSP_TAIL,
		 nonce);
}

static void security_headers(struct evkeyvalq *h, const char *csp)
{
	evhttp_add_header(h, "Content-Security-Policy", csp ? csp : CSP);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
	evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
	evhttp_add_header(h, "Cache-Control", "no-store");
}

void web_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	security_headers(h, NULL);
	evhttp_add_header(h, "Content-Type", type);
}

void web_send(struct evhttp_request *req, int code, const char *type, const struct buf *body)
{
	web_send_csp(req, code, type, body, NULL);
}

void web_send_csp(struct evhttp_request *req, int code, const char *type, const struct buf *body,
		  const char *csp)
{
	struct evbuffer *out = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	security_headers(h, csp);
	evhttp_add_header(h, "Content-Type", type);
	if (out && body)
		evbuffer_add(out, body->data, body->len);
	evhttp_send_reply(req, code, code < 400 ? "OK" : "Refused", out);
	if (out)
		evbuffer_free(out);
}

void web_json(struct evhttp_request *req, int code, const struct buf *body)
{
	web_send(req, code, "application/json", body);
}

void web_error(struct evhttp_request *req, int code, const char *msg)
{
	struct buf b = {0};

	buf_append_str(&b, "{\"error\":");
	json_append_cstr(&b, msg);
	buf_append_str(&b, "}");
	web_json(req, code, &b);
	buf_free(&b);
}

void web_body(struct evhttp_request *req, struct buf *out)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);

	buf_reserve(out, n + 1);
	evbuffer_copyout(in, out->data + out->len, n);
	out->len += n;
	buf_cstr(out);
}

int web_form(struct evhttp_request *req, struct form *f)
{
	struct buf body = {0};
	const char *why = NULL;
	int rc;

	web_body(req, &body);
	rc = form_parse(f, buf_cstr(&body), body.len, &why);
	explicit_bzero(body.data, body.len); /* a password, a code */
	buf_free(&body);
	if (rc < 0)
		web_error(req, 400, why);
	return rc;
}

enum need { NEED_NOTHING, NEED_ANY_SESSION, NEED_SIGNED_IN };

static const struct route {
	enum evhttp_cmd_type method;
	const char *path;
	enum need need;
	void (*fn)(struct web *w, struct evhttp_request *req, struct web_session *s);
} routes[] = {
    {EVHTTP_REQ_GET, "/api/me", NEED_NOTHING, web_me},
    {EVHTTP_REQ_POST, "/api/signin", NEED_ANY_SESSION, web_signin},
    {EVHTTP_REQ_POST, "/api/code", NEED_ANY_SESSION, web_code},
    {EVHTTP_REQ_POST, "/api/signout", NEED_ANY_SESSION, web_signout},
    {EVHTTP_REQ_POST, "/api/awake", NEED_SIGNED_IN, web_awake},
    {EVHTTP_REQ_GET, "/api/enrol.svg", NEED_ANY_SESSION, web_qr},
    {EVHTTP_REQ_GET, "/api/pending", NEED_SIGNED_IN, web_pending},
    {EVHTTP_REQ_POST, "/api/answer", NEED_SIGNED_IN, web_answer},
    {EVHTTP_REQ_GET, "/api/events", NEED_SIGNED_IN, web_events},
    {EVHTTP_REQ_GET, "/api/sessions", NEED_SIGNED_IN, web_sessions},
    {EVHTTP_REQ_GET, "/api/screen", NEED_SIGNED_IN, web_watch},
    {EVHTTP_REQ_POST, "/api/terminate", NEED_SIGNED_IN, web_terminate},
    {EVHTTP_REQ_POST, "/api/lock", NEED_SIGNED_IN, web_lock},
    {EVHTTP_REQ_POST, "/api/unlock", NEED_SIGNED_IN, web_unlock},
    {EVHTTP_REQ_GET, "/api/audit/sessions", NEED_SIGNED_IN, web_audit_sessions},
    {EVHTTP_REQ_GET, "/api/audit/session", NEED_SIGNED_IN, web_audit_session},
    {EVHTTP_REQ_GET, "/api/audit/cast", NEED_SIGNED_IN, web_audit_cast},
};

/* A POST from another site has no token (it cannot read ours). */
static int csrf_passes(struct evhttp_request *req, const struct web_session *s)
{
	const char *token =
	    evhttp_find_header(evhttp_request_get_input_headers(req), "X-CSRF-Token");

	return s && token && web_csrf_ok(s, token);
}

/* A change must come from the console's own page: an Origin (or, without
 * one, a Referer) that is not https:// and the Host it was sent to (already
 * one of the console's names) is refused, besides the token. Another port
 * on the same name is another page (SameSite does not tell them apart). */
static int origin_passes(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *origin = evhttp_find_header(h, "Origin");
	const char *referer = evhttp_find_header(h, "Referer");
	const char *host = evhttp_find_header(h, "Host");

	if (origin)
		return origin_url_same(origin, host);
	return referer == NULL || origin_url_same(referer, host);
}

static void run_route(struct web *w, struct evhttp_request *req, const struct route *r)
{
	struct web_session *s = web_session_of(w, req);

	if (r->need == NEED_ANY_SESSION && s == NULL)
		return web_error(req, 401, "no session: reload the page");
	if (r->need == NEED_SIGNED_IN && (s == NULL || s->stage != STAGE_IN))
		return web_error(req, 401, "not signed in");
	if (r->method == EVHTTP_REQ_POST && !origin_passes(req))
		return web_error(req, 403, "the request comes from another site's page");
	if (r->method == EVHTTP_REQ_POST && !csrf_passes(req, s))
		return web_error(req, 403, "the request has no valid CSRF token");
	/* Only a change (or the page saying its person is there) is activity:
	 * what the page asks by itself when the queue changes is not, or an
	 * unattended browser on a busy escortd would never be signed out. */
	if (s && s->stage == STAGE_IN && r->method == EVHTTP_REQ_POST)
		s->last = web_now();
	r->fn(w, req, s);
}

/* "/", "/approval/123", "/app.js": what the front end's files answer. */
static const char *static_name(const char *path)
{
	if (strcmp(path, "/") == 0)
		return "index.html";
	if (strcmp(path, "/audit") == 0)
		return "audit.html";
	if (strncmp(path, "/approval/", 10) == 0 && path[10] &&
	    strspn(path + 10, "0123456789") == strlen(path + 10) && strlen(path) < 40)
		return "index.html";
	if (strncmp(path, "/session/", 9) == 0 && path[9] &&
	    strspn(path + 9, "0123456789abcdef") == strlen(path + 9) && strlen(path) < 80)
		return "index.html";
	return path + 1;
}

/* The one Host header, NULL when there is none or more than one (evhttp
 * would read the first, a proxy in front perhaps the last). */
static const char *only_host(struct evhttp_request *req)
{
	const char *host = NULL;
	struct evkeyval *h;

	for (h = evhttp_request_get_input_headers(req)->tqh_first; h; h = h->next.tqe_next)
		if (evutil_ascii_strcasecmp(h->key, "Host") == 0) {
			if (host)
				return NULL;
			host = h->value;
		}
	return host;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct web *w = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type method = evhttp_request_get_command(req);

	if (!web_request_tls(req))
		return web_error(req, 403, "this console is served over HTTPS only");
	if (!origin_host_allowed(only_host(req), w->names, w->n_names))
		return web_error(req, 421, "this console is not served under that name (Host)");
	/* "GET https://other.example/ HTTP/1.1": its name is not the Host's. */
	if (uri && evhttp_uri_get_host(uri))
		return web_error(req, 400, "a request target must be a path");
	if (path == NULL || path[0] != '/')
		return web_error(req, 400, "a bad path");
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, path) == 0) {
			if (routes[i].method != method)
				return web_error(req, 405, "method not allowed");
			return run_route(w, req, &routes[i]);
		}
	if (method != EVHTTP_REQ_GET)
		return web_error(req, 405, "method not allowed");
	web_static_serve(w, req, static_name(path));
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	web_sessions_tick(arg);
	web_queue_tick(arg);
	web_watches_tick(arg);
	web_audit_tick(arg);
}

/* "127.0.0.1:8443" or "[::1]:8443" into address and port. */
static int split_listen(const char *listen, char *addr, size_t size, ev_uint16_t *port)
{
	const char *colon = strrchr(listen, ':');
	size_t n = (size_t)(colon - listen);

	if (listen[0] == '[' && n >= 2 && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n >= size)
		return -1;
	memcpy(addr, listen, n);
	addr[n] = '\0';
	*port = (ev_uint16_t)atoi(colon + 1);
	return 0;
}

/* The configured names, else localhost (the self-signed certificate's),
 * and the address it listens on ("[::1]" bracketed, as in a Host header). */
static void allow_names(struct web *w, const char *addr)
{
	const struct web_config *cfg = &w->b->cfg.web;

	for (size_t i = 0; i < cfg->n_names; i++)
		w->names[w->n_names++] = cfg->names[i];
	if (cfg->n_names == 0)
		w->names[w->n_names++] = "localhost";
	snprintf(w->listen_host, sizeof(w->listen_host), strchr(addr, ':') ? "[%s]" : "%s", addr);
	w->names[w->n_names++] = w->listen_host;
}

static int start_http(struct web *w, struct error *err)
{
	char addr[64];
	ev_uint16_t port;

	w->http = evhttp_new(w->b->base);
	if (w->http == NULL)
		return error_set(err, "cannot start the web console");
	evhttp_set_bevcb(w->http, web_conns_bev, w);
	evhttp_set_max_headers_size(w->http, MAX_HEADERS);
	evhttp_set_max_body_size(w->http, MAX_BODY);
	evhttp_set_timeout(w->http, IO_TIMEOUT_S);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(w->http, on_request, w);
	if (split_listen(w->b->cfg.web.listen, addr, sizeof(addr), &port) < 0 ||
	    (w->bound = evhttp_bind_socket_with_handle(w->http, addr, port)) == NULL)
		return error_errno(err, "the web console cannot listen on %s",
				   w->b->cfg.web.listen);
	/* Replies are written in parts (headers, body): without this, each
	 * waits for the browser's delayed acknowledgement (about 40 ms). The
	 * accepted connections inherit it. */
	setsockopt(evhttp_bound_socket_get_fd(w->bound), IPPROTO_TCP, TCP_NODELAY, &(int){1},
		   sizeof(int));
	allow_names(w, addr);
	return 0;
}

static int start_tick(struct web *w, struct error *err)
{
	struct timeval every = {0, 250000};

	w->tick = event_new(w->b->base, -1, EV_PERSIST, on_tick, w);
	if (w->tick == NULL || event_add(w->tick, &every) < 0)
		return error_set(err, "cannot start the web console's timer");
	return 0;
}

int web_start(struct broker *b, struct web **out, struct error *err)
{
	struct web *w = xcalloc(1, sizeof(*w));

	w->b = b;
	snprintf(w->dir, sizeof(w->dir), "%s/web", b->state_dir);
	if (mkdir(w->dir, 0700) < 0 && errno != EEXIST) {
		free(w);
		return error_errno(err, "cannot create %s/web", b->state_dir);
	}
	w->limit = login_limit_new();
	if (web_conns_init(err) < 0 || web_totp_init(err) < 0 || web_static_load(w, err) < 0 ||
	    (w->tls = web_tls_context(&b->cfg.web, w->dir, err)) == NULL ||
	    web_pam_start(w, err) < 0 || start_http(w, err) < 0 || start_tick(w, err) < 0) {
		web_stop(w);
		return -1;
	}
	*out = w;
	return 0;
}

void web_stop(struct web *w)
{
	if (w == NULL)
		return;
	if (w->tick)
		event_free(w->tick);
	web_streams_free(w);
	web_watches_free(w);
	web_audit_stop(w);
	w->bound = NULL; /* evhttp_free frees it before the connections */
	if (w->http)
		evhttp_free(w->http);
	web_pam_stop(w);
	web_sessions_free(w);
	web_throttle_stop(w);
	web_static_free(w);
	SSL_CTX_free(w->tls);
	free(w);
}
