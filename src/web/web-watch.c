/* A live session's screen in the browser, read-only: escortd's `follow`
 * (the same Screen frames `escort watch` gets, asked as the signed-in
 * person) through libvterm (console/screen.c) on a thread of the watch's
 * own (web-screen-worker.c, never on the loop), and the screen repainted
 * by escortd (cursor positions, SGR it makes from each cell's look, the
 * printable characters of the cells) sent to the page's xterm.js, as
 * Server-Sent Events, at most four times a second. No byte the operator
 * wrote reaches the browser as it was: no escape sequence of theirs acts
 * there. */
#include "web.h"

#include "util/json.h"
#include "util/xmalloc.h"
#include "web-screen-worker.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

#define HEARTBEAT_S 10 /* to escortd, which drops consoles silent for 30 s */

struct web_watch {
	struct web *w;
	struct evhttp_request *req;
	struct bufferevent *link;
	struct screen_worker *worker;
	char sid[WEB_TOKEN];
	char user[64];
	int paused, ending; /* not reading escortd's stream; it said the session ended */
	time_t last_beat;
	struct web_watch *next;
};

static void send_event(struct web_watch *v, const char *event, const struct buf *data)
{
	struct evbuffer *out = evbuffer_new();

	if (out == NULL)
		return;
	evbuffer_add_printf(out, "event: %s\ndata: ", event);
	evbuffer_add(out, data->data, data->len);
	evbuffer_add(out, "\n\n", 2);
	evhttp_send_reply_chunk(v->req, out);
	evbuffer_free(out);
}

/* {"cols":C,"rows":R,"paint":"..."}: the worker's latest repaint, if new. */
static void send_screen(struct web_watch *v)
{
	struct buf b = {0};

	if (screen_worker_take_paint(v->worker, &b))
		send_event(v, "screen", &b);
	buf_free(&b);
}

static void unlink_watch(struct web_watch *v)
{
	for (struct web_watch **p = &v->w->watches; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			break;
		}
	if (v->link)
		bufferevent_free(v->link);
	screen_worker_stop(v->worker);
	free(v);
}

/* The page's stream ends (with why, for the page), escortd's console too. */
static void watch_end(struct web_watch *v, const char *event, const char *why)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(v->req);
	struct buf b = {0};

	json_append_cstr(&b, why);
	send_event(v, event, &b);
	buf_free(&b);
	if (conn)
		evhttp_connection_set_closecb(conn, NULL, NULL);
	evhttp_send_reply_end(v->req);
	unlink_watch(v);
}

/* 0 to go on, -1 when v has ended. */
static int take_frame(struct web_watch *v, Frame *f)
{
	if (f->body_case == ESCORT__FRAME__BODY_REPLY && !f->reply->ok) {
		watch_end(v, "refused", f->reply->error);
		return -1;
	}
	if (f->body_case != ESCORT__FRAME__BODY_SCREEN)
		return 0;
	screen_worker_feed(v->worker, f->screen->cols, f->screen->rows, f->screen->output.data,
			   f->screen->output.len);
	if (f->screen->ended)
		v->ending = 1; /* the end is sent once the worker has painted all */
	if (v->ending || screen_worker_backlog(v->worker) > SCREEN_WORKER_BACKLOG) {
		v->paused = 1;
		bufferevent_disable(v->link, EV_READ);
	}
	return 0;
}

static void on_data(struct bufferevent *bev, void *arg)
{
	struct web_watch *v = arg;
	Frame *f = NULL;
	int rc = 0, gone = 0;

	while (!gone && !v->paused && (rc = web_link_frame(bufferevent_get_input(bev), &f)) == 1) {
		gone = take_frame(v, f) < 0;
		frame_free(f);
	}
	if (!gone && rc < 0)
		watch_end(v, "ended", "escortd's answer could not be read");
}

static void on_link_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		watch_end(arg, "ended", "escortd closed the console connection");
}

static void on_page_gone(struct evhttp_connection *conn, void *arg)
{
	struct web_watch *v = arg;

	(void)conn;
	evhttp_send_reply_end(v->req); /* frees it: its connection is gone */
	unlink_watch(v);
}

/* ?session=ID: an id as escortd makes them (hex), else "". */
static void session_param(struct evhttp_request *req, char *out, size_t size)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq params;
	const char *id;

	out[0] = '\0';
	if (query == NULL || strlen(query) > 200 || evhttp_parse_query_str(query, &params) < 0)
		return;
	id = evhttp_find_header(&params, "session");
	if (id && id[0] && strlen(id) < size && strspn(id, "0123456789abcdef") == strlen(id))
		memcpy(out, id, strlen(id) + 1);
	evhttp_clear_headers(&params);
}

/* Too many screens, or too many of one account's (as web-queue.c). */
static int watches_full(const struct web *w, const char *user)
{
	size_t n = 0, theirs = 0;

	for (const struct web_watch *v = w->watches; v; v = v->next) {
		n++;
		theirs += strcmp(v->user, user) == 0;
	}
	return n >= WEB_MAX_STREAMS || theirs >= WEB_MAX_STREAMS_EACH;
}

void web_watch(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char id[40];
	struct web_watch *v;

	session_param(req, id, sizeof(id));
	if (id[0] == '\0')
		return web_error(req, 400, "name a session: ?session=ID");
	if (watches_full(w, s->user) || conn == NULL)
		return web_error(req, 503, "too many live screens");
	v = xcalloc(1, sizeof(*v));
	v->w = w;
	v->req = req;
	v->worker = screen_worker_start();
	if (v->worker == NULL) {
		free(v);
		return web_error(req, 503, "too many live screens");
	}
	v->last_beat = web_now();
	memcpy(v->sid, s->id, sizeof(v->sid));
	snprintf(v->user, sizeof(v->user), "%s", s->user);
	q.verb = ESCORT__VERB__VERB_FOLLOW;
	q.target = id;
	v->link = web_link_open(w, s->user, &q, on_data, on_link_event, v);
	if (v->link == NULL) {
		screen_worker_stop(v->worker);
		free(v);
		return web_error(req, 503, "escortd cannot take another console");
	}
	v->next = w->watches;
	w->watches = v;
	web_headers(req, "text/event-stream");
	evhttp_send_reply_start(req, 200, "OK");
	evhttp_connection_set_closecb(conn, on_page_gone, v);
}

static void heartbeat(struct web_watch *v)
{
	Escort__Heartbeat h = ESCORT__HEARTBEAT__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct buf out = {0};

	f.body_case = ESCORT__FRAME__BODY_HEARTBEAT;
	f.heartbeat = &h;
	frame_encode(&f, &out);
	bufferevent_write(v->link, out.data, out.len);
	buf_free(&out);
}

static int signed_in(const struct web *w, const char *sid)
{
	for (const struct web_session *s = w->sessions; s; s = s->next)
		if (strcmp(s->id, sid) == 0)
			return s->stage == STAGE_IN;
	return 0;
}

/* Reading escortd's stream again once the worker has taken most of it. */
static void resume(struct web_watch *v)
{
	if (!v->paused || v->ending || screen_worker_backlog(v->worker) > SCREEN_WORKER_BACKLOG / 4)
		return;
	v->paused = 0;
	bufferevent_enable(v->link, EV_READ);
	on_data(v->link, v);
}

void web_watches_tick(struct web *w)
{
	time_t now = web_now();

	for (struct web_watch *v = w->watches, *next; v; v = next) {
		next = v->next;
		if (!signed_in(w, v->sid)) {
			watch_end(v, "signed-out", "signed out");
			continue;
		}
		send_screen(v);
		if (v->ending && screen_worker_caught_up(v->worker)) {
			send_screen(v);
			watch_end(v, "ended", "the session ended");
			continue;
		}
		resume(v);
		if (now - v->last_beat >= HEARTBEAT_S) {
			v->last_beat = now;
			heartbeat(v);
		}
	}
}

void web_watches_free(struct web *w)
{
	while (w->watches)
		watch_end(w->watches, "ended", "escortd is stopping");
}
