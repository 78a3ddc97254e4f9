/* How the web console asks escortd anything: as a console. Each request is
 * a console connection of its own on an in-process socket pair, made with
 * the signed-in person's uid (conn_new, exactly as the Unix socket's peer
 * credentials would give it): a Hello, one ConsoleRequest, its reply. So
 * the verb table, clearance, the two-person rule and typed confirmation
 * are console.c's and approvals.c's, and the page can do nothing that
 * `escort approve` run by the same person could not. */
#include "web.h"

#include "util/json.h"
#include "util/xmalloc.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQUEST_ID 1

struct link {
	struct bufferevent *bev;
	web_reply_fn fn;
	void *arg;
};

static void finish(struct link *l, const Escort__ConsoleReply *r, const char *error)
{
	l->fn(l->arg, r, error);
	bufferevent_free(l->bev);
	free(l);
}

int web_link_frame(struct evbuffer *in, Frame **out)
{
	size_t have = evbuffer_get_length(in), used;
	struct error err;
	int rc;

	if (have < FRAME_HEADER)
		return 0;
	rc = frame_parse(evbuffer_pullup(in, -1), have, &used, out, &err);
	if (rc <= 0)
		return rc;
	evbuffer_drain(in, used);
	return 1;
}

/* 1: a frame was taken (and maybe answered), 0: more bytes needed, -1: bad. */
static int next_frame(struct link *l, struct evbuffer *in)
{
	Frame *f = NULL;
	int rc = web_link_frame(in, &f);

	if (rc <= 0)
		return rc;
	if (f->body_case == ESCORT__FRAME__BODY_REPLY && f->reply->request_id == REQUEST_ID) {
		finish(l, f->reply, NULL);
		frame_free(f);
		return -2; /* answered: l is gone */
	}
	frame_free(f); /* the Welcome, heartbeats */
	return 1;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct link *l = arg;
	int rc;

	while ((rc = next_frame(l, bufferevent_get_input(bev))) == 1)
		;
	if (rc == -1)
		finish(l, NULL, "escortd's answer could not be read");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		finish(arg, NULL, "escortd closed the console connection");
}

static void send_frames(struct bufferevent *bev, Escort__ConsoleRequest *q)
{
	Escort__Hello h = ESCORT__HELLO__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct buf out = {0};

	h.kind = ESCORT__PEER_KIND__PEER_CONSOLE;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	frame_encode(&f, &out);
	q->request_id = REQUEST_ID;
	f.body_case = ESCORT__FRAME__BODY_REQUEST;
	f.request = q;
	frame_encode(&f, &out);
	bufferevent_write(bev, out.data, out.len);
	buf_free(&out);
}

struct bufferevent *web_link_open(struct web *w, const char *user, Escort__ConsoleRequest *q,
				  bufferevent_data_cb on_data, bufferevent_event_cb on_ev,
				  void *arg)
{
	struct passwd *pw = getpwnam(user);
	struct bufferevent *bev;
	int fds[2];

	if (pw == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
		return NULL;
	if (conn_new(w->b, fds[0], pw->pw_uid, getpid()) == NULL) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	bev = bufferevent_socket_new(w->b->base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fds[1]); /* escortd sees the end of its side */
		return NULL;
	}
	bufferevent_setcb(bev, on_data, NULL, on_ev, arg);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	send_frames(bev, q);
	return bev;
}

int web_ask(struct web *w, const char *user, Escort__ConsoleRequest *q, web_reply_fn fn, void *arg)
{
	struct link *l = xcalloc(1, sizeof(*l));

	l->fn = fn;
	l->arg = arg;
	l->bev = web_link_open(w, user, q, on_read, on_event, l);
	if (l->bev == NULL) {
		free(l);
		return -1;
	}
	return 0;
}

/* escortd's refusal (403), or its link lost (503): answered, 1. */
static int refused(struct evhttp_request *req, const Escort__ConsoleReply *r, const char *error)
{
	if (r != NULL && r->ok)
		return 0;
	web_error(req, r ? 403 : 503, r ? r->error : error);
	return 1;
}

void web_replied(void *arg, const Escort__ConsoleReply *r, const char *error)
{
	struct evhttp_request *req = arg;
	struct buf b = {0};

	if (refused(req, r, error))
		return;
	buf_append_str(&b, "{\"ok\":true,\"message\":");
	json_append_cstr(&b, r->message);
	buf_append_str(&b, "}");
	web_json(req, 200, &b);
	buf_free(&b);
}

/* What a list's reply becomes: the request, its key and its writer. */
struct list_ask {
	struct evhttp_request *req;
	const char *key;
	web_list_fn list;
};

static void list_replied(void *arg, const Escort__ConsoleReply *r, const char *error)
{
	struct list_ask *la = arg;
	struct buf b = {0};

	if (!refused(la->req, r, error)) {
		buf_printf(&b, "{\"omitted\":%u,\"%s\":", (unsigned)r->omitted, la->key);
		la->list(&b, r);
		buf_append_str(&b, "}");
		web_json(la->req, 200, &b);
		buf_free(&b);
	}
	free(la);
}

void web_ask_list(struct web *w, struct evhttp_request *req, const char *user, Escort__Verb verb,
		  const char *key, web_list_fn list)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct list_ask *la = xcalloc(1, sizeof(*la));

	*la = (struct list_ask){req, key, list};
	q.verb = verb;
	if (web_ask(w, user, &q, list_replied, la) < 0) {
		free(la);
		web_error(req, 503, "escortd cannot take another console");
	}
}
