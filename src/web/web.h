/* The escort's web console, served by escortd on its own event loop
 * (docs/ARCHITECTURE.md, "The web console"). Everything a signed-in person
 * asks is sent to escortd as a console request on an in-process console
 * connection (web-link.c): the verb table, clearance, the two-person rule
 * and typed confirmation are escortd's, never the page's. */
#ifndef ESCORT_WEB_H
#define ESCORT_WEB_H

#include "broker/broker.h"
#include "util/buf.h"
#include "util/error.h"

#include <event2/bufferevent.h>
#include <event2/http.h>
#include <openssl/ssl.h>
#include <time.h>

#define WEB_MAX_SESSIONS 4096
#define WEB_MAX_SIGNINS 4	/* PAM conversations running at once */
#define WEB_MAX_STREAMS 256	/* Server-Sent Events streams */
#define WEB_MAX_CONNS 1024	/* connections at once (or a quarter of RLIMIT_NOFILE) */
#define WEB_MAX_STREAMS_EACH 16 /* of them, one account's (its tabs, its screens) */
#define WEB_MAX_TRIES 5		/* wrong codes before a half signed-in session is dropped */
#define WEB_HALF_S 300		/* a password without its code lasts this long */
#define WEB_TOKEN 44		/* a random 32 bytes, base64url, with its NUL */

enum web_stage {
	STAGE_ANON,  /* nobody yet: only the sign-in form (and its CSRF token) */
	STAGE_BUSY,  /* the password is being checked by PAM */
	STAGE_ENROL, /* password right, no second factor yet: show the QR code */
	STAGE_TOTP,  /* password right: the code is next */
	STAGE_IN,    /* signed in */
};

struct web_session {
	char id[WEB_TOKEN], csrf[WEB_TOKEN];
	char user[64];
	enum web_stage stage;
	time_t last;	    /* monotonic seconds of the last request */
	time_t since;	    /* monotonic seconds it reached its stage */
	int tries;	    /* wrong codes */
	uint8_t secret[20]; /* STAGE_ENROL: the TOTP secret being enrolled */
	struct web_session *next;
};

struct web_file {
	char name[64]; /* "index.html", "app.js", ... */
	const char *type;
	struct buf body;
};

struct web_stream;  /* web-queue.c: one Server-Sent Events stream */
struct web_watch;   /* web-watch.c: one live screen followed */
struct web_audit;   /* web-audit.c: the auditor's jobs */
struct login_limit; /* broker/login-limit.c: wrong passwords and codes */

struct web {
	struct broker *b;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	size_t n_conns; /* web-conns.c */
	SSL_CTX *tls;
	char dir[PATH_MAX / 2 + 8]; /* STATE/web: certificate, enrolled second factors */
	struct web_file *files;
	size_t n_files;
	struct web_session *sessions;
	struct web_stream *streams;
	struct web_watch *watches;
	struct event *tick;
	uint64_t queue_mark;   /* what the queue looked like at the last tick */
	struct pam_check *pam; /* web-pam.c, on broker/pam-check.c */
	/* What browsers may call the console (Host, Origin): the configured
	 * names (or localhost), and the address it listens on. */
	const char *names[WEB_MAX_NAMES + 1];
	size_t n_names;
	char listen_host[64];
	struct web_audit *audit;
	struct login_limit *limit; /* web-throttle.c */
};

/* http-server.c */
int web_start(struct broker *b, struct web **out, struct error *err);
void web_stop(struct web *w);
time_t web_now(void);
/* Every answer carries the security headers; JSON bodies are built in b. */
void web_headers(struct evhttp_request *req, const char *type);
void web_send(struct evhttp_request *req, int code, const char *type, const struct buf *body);
void web_json(struct evhttp_request *req, int code, const struct buf *body);
/* With another Content-Security-Policy (web_csp_audit: the auditor's page). */
void web_send_csp(struct evhttp_request *req, int code, const char *type, const struct buf *body,
		  const char *csp);
extern const char web_csp_audit[];
/* The escort's page: its own <style> elements (xterm.js's) allowed by a
 * nonce made for this one response, nothing else inline. */
#define WEB_CSP_MAX 512
void web_csp_nonced(char *out, size_t size, const char *nonce);
void web_error(struct evhttp_request *req, int code, const char *msg);
/* The request's body, NUL-terminated in out (the size limit is evhttp's). */
void web_body(struct evhttp_request *req, struct buf *out);
/* The body as a form (form_free it); -1 when it is not one, answered 400. */
struct form;
int web_form(struct evhttp_request *req, struct form *f);

/* web-tls.c: the one file that knows about certificates (to be swapped for
 * src/tls/ when the fleet's TLS lands). */
SSL_CTX *web_tls_context(const struct web_config *cfg, const char *dir, struct error *err);
struct bufferevent *web_tls_bev(struct event_base *base, void *ctx);
/* Whether req came over TLS: when a connection's TLS cannot be set up (no
 * memory), libevent falls back to plain HTTP; such requests are refused. */
int web_request_tls(struct evhttp_request *req);

/* web-conns.c: connections counted, the listener paused at the limit. */
int web_conns_init(struct error *err);
struct bufferevent *web_conns_bev(struct event_base *base, void *w);

/* web-static.c: the front end, read once at start from ESCORT_WEB or the
 * installed directory. */
int web_static_load(struct web *w, struct error *err);
void web_static_free(struct web *w);
/* Serves name (index.html for "/", one approval's link, ...), 404 else. */
void web_static_serve(struct web *w, struct evhttp_request *req, const char *name);

/* web-session.c */
struct web_session *web_session_of(struct web *w, struct evhttp_request *req);
struct web_session *web_session_new(struct web *w, struct evhttp_request *req);
/* A new id (and CSRF token) for s, sent as its cookie: after every step of
 * signing in, so that an id seen before it is worth nothing after. */
void web_session_renew(struct web *w, struct web_session *s, struct evhttp_request *req);
void web_session_end(struct web *w, struct web_session *s, struct evhttp_request *req);
int web_csrf_ok(const struct web_session *s, const char *token);
void web_sessions_tick(struct web *w);
void web_sessions_free(struct web *w);

/* web-pam.c: the password, checked by PAM on a thread of its own. */
typedef void (*web_pam_done)(struct web *w, const char *user, int ok, void *arg);
int web_pam_start(struct web *w, struct error *err);
int web_pam_check(struct web *w, const char *user, const char *password, web_pam_done done,
		  void *arg);
void web_pam_stop(struct web *w);

/* web-totp.c */
int web_totp_init(struct error *err);
int web_totp_enrolled(const struct web *w, const char *user, uint8_t secret[20]);
int web_totp_save(const struct web *w, const char *user, const uint8_t secret[20],
		  struct error *err);
void web_totp_new_secret(uint8_t secret[20]);
/* A right code for this step (±1), never one of a step already used. */
int web_totp_check(const char *user, const uint8_t secret[20], const char *code);
void web_totp_uri(const char *user, const uint8_t secret[20], struct buf *out);

/* web-throttle.c: wrong passwords and codes, per account and address. */
/* 1 when account may try from req's address now, else 0 with a 429 sent. */
int web_throttle_allows(struct web *w, struct evhttp_request *req, const char *account);
void web_throttle_failed(struct web *w, struct evhttp_request *req, const char *account);
/* A whole sign-in (password and code): the account's count starts again. */
void web_throttle_passed(struct web *w, const char *account);
void web_throttle_stop(struct web *w);

/* web-qr.c */
int web_qr_svg(const char *text, struct buf *out);

/* web-link.c: one console request to escortd as user, the reply to fn on
 * the loop (reply NULL and error set when escortd closed the link). */
typedef void (*web_reply_fn)(void *arg, const Escort__ConsoleReply *reply, const char *error);
int web_ask(struct web *w, const char *user, Escort__ConsoleRequest *q, web_reply_fn fn, void *arg);
/* The same connection kept open (web-watch.c): frames come to on_data. */
struct bufferevent *web_link_open(struct web *w, const char *user, Escort__ConsoleRequest *q,
				  bufferevent_data_cb on_data, bufferevent_event_cb on_ev,
				  void *arg);
/* 1 with *out (frame_free it), 0: more bytes needed, -1: not a frame. */
int web_link_frame(struct evbuffer *in, Frame **out);
/* A reply_fn for an evhttp request: escortd's message (200), or its
 * refusal (403), as JSON. */
void web_replied(void *arg, const Escort__ConsoleReply *r, const char *error);
/* A request (verb) whose reply is a list, answered {"omitted":N,"key":...}
 * with the list written by list, or escortd's refusal. */
typedef void (*web_list_fn)(struct buf *out, const Escort__ConsoleReply *r);
void web_ask_list(struct web *w, struct evhttp_request *req, const char *user, Escort__Verb verb,
		  const char *key, web_list_fn list);

/* web-auth.c, web-queue.c: the handlers (http-server.c's route table). */
void web_me(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_signin(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_code(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_signout(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_awake(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_qr(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_pending(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_answer(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_events(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_sessions(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_terminate(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_lock(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_watch(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_watches_tick(struct web *w);
void web_watches_free(struct web *w);
void web_unlock(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_queue_tick(struct web *w);
/* web-audit.c: past sessions, for auditors only. */
void web_audit_sessions(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_audit_session(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_audit_cast(struct web *w, struct evhttp_request *req, struct web_session *s);
void web_audit_stop(struct web *w);
/* Indexes, off the loop, the sessions that ended since the last tick (and
 * at the first, those not indexed yet). */
void web_audit_tick(struct web *w);
void web_streams_free(struct web *w);

/* web-pending-json.c: the queue as JSON, every operator string in its
 * visible form (util/visible.c) with the count of what had to be shown. */
void web_pending_json(struct buf *out, const Escort__ConsoleReply *r);
/* [one(list, 0),one(list, 1),...]: a JSON array of n elements. */
typedef void (*web_element_fn)(struct buf *out, const void *list, size_t i);
void web_json_array(struct buf *out, const void *list, size_t n, web_element_fn one);
/* "key":{"shown":...,"hidden":N} (no key: the object alone). */
void web_shown_json(struct buf *out, const char *key, const char *s);
/* ,"key":{...} for each {key, string} of fields. */
void web_shown_fields(struct buf *out, const char *const fields[][2], size_t n);
/* ,"key":[{"shown":...},...] */
void web_shown_list(struct buf *out, const char *key, char **v, size_t n);

#endif
