/* The escort's queue: the list of what waits (escortd's `pending`), an
 * answer (escortd's `approve`/`deny`, with scope, note and typed
 * confirmation), both asked as the signed-in person through web-link.c;
 * and a Server-Sent Events stream that tells the page when the queue
 * changed (it carries no content: the page asks for the list again). */
#include "web.h"

#include "form.h"
#include "risk/rules.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEAT_S 15 /* a comment on every stream, so proxies keep it */

struct web_stream {
	struct web *w;
	struct evhttp_request *req;
	char sid[WEB_TOKEN];
	char user[64];
	time_t last_beat;
	struct web_stream *next;
};

void web_pending(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	web_ask_list(w, req, s->user, ESCORT__VERB__VERB_PENDING, "pending", web_pending_json);
}

static int parse_scope(const char *s, Escort__Scope *out)
{
	static const struct {
		const char *name;
		Escort__Scope scope;
	} scopes[] = {{"once", ESCORT__SCOPE__SCOPE_ONCE},
		      {"tree", ESCORT__SCOPE__SCOPE_TREE},
		      {"session", ESCORT__SCOPE__SCOPE_SESSION},
		      {"path", ESCORT__SCOPE__SCOPE_PATH}};

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (strcmp(s, scopes[i].name) == 0) {
			*out = scopes[i].scope;
			return 0;
		}
	return -1;
}

/* What the form asks, as escortd's console request; -1 with why. */
static int request_of(const struct form *f, Escort__ConsoleRequest *q, const char **why)
{
	const char *id = form_get(f, "id"), *verb = form_get(f, "verb");
	const char *scope = form_get(f, "scope");

	if (id[0] == '\0' || strlen(id) > 19 || strspn(id, "0123456789") != strlen(id))
		return *why = "id must be an approval's number", -1;
	q->id = strtoull(id, NULL, 10);
	if (strcmp(verb, "approve") == 0)
		q->verb = ESCORT__VERB__VERB_APPROVE;
	else if (strcmp(verb, "deny") == 0)
		q->verb = ESCORT__VERB__VERB_DENY;
	else
		return *why = "verb must be approve or deny", -1;
	if (parse_scope(scope[0] ? scope : "once", &q->scope) < 0)
		return *why = "scope must be once, tree, session or path", -1;
	q->path = (char *)form_get(f, "path");
	q->note = (char *)form_get(f, "note");
	q->confirm = (char *)form_get(f, "confirm");
	if (strlen(q->note) > 500 || strlen(q->path) >= PATH_MAX || strlen(q->confirm) > 256)
		return *why = "the note, path or confirmation is too long", -1;
	return 0;
}

void web_answer(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	const char *why = NULL;
	struct form f;

	if (web_form(req, &f) < 0)
		return;
	if (request_of(&f, &q, &why) < 0) {
		form_free(&f);
		return web_error(req, 400, why);
	}
	broker_log("web console: %s asks to %s approval %llu", s->user,
		   q.verb == ESCORT__VERB__VERB_APPROVE ? "approve" : "deny",
		   (unsigned long long)q.id);
	if (web_ask(w, s->user, &q, web_replied, req) < 0)
		web_error(req, 503, "escortd cannot take another console");
	form_free(&f); /* web_ask has encoded it */
}

static uint64_t mix(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* What the queue and the sessions look like, in one number (FNV-1a): it
 * changes when an item or a session comes or goes, or a session ends. */
static uint64_t queue_mark(const struct broker *b)
{
	uint64_t h = 1469598103934665603ull;

	for (const struct pending *p = b->pending; p; p = p->next)
		h = mix(h, &p->id, sizeof(p->id));
	for (const struct live_session *s = b->sessions; s; s = s->next) {
		int live = s->conn != NULL;
		h = mix(h, s->id, strlen(s->id) + 1);
		h = mix(h, &s->ending_since, sizeof(s->ending_since));
		h = mix(h, &live, sizeof(live));
	}
	return h;
}

static void stream_send(struct web_stream *st, const char *text)
{
	struct evbuffer *out = evbuffer_new();

	if (out == NULL)
		return;
	evbuffer_add(out, text, strlen(text));
	evhttp_send_reply_chunk(st->req, out);
	evbuffer_free(out);
}

static void unlink_stream(struct web *w, struct web_stream *st)
{
	for (struct web_stream **p = &w->streams; *p; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			break;
		}
	free(st);
}

static void on_close(struct evhttp_connection *conn, void *arg)
{
	struct web_stream *st = arg;

	(void)conn;
	evhttp_send_reply_end(st->req); /* frees it: its connection is gone */
	unlink_stream(st->w, st);
}

static void stream_end(struct web_stream *st)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(st->req);

	if (conn)
		evhttp_connection_set_closecb(conn, NULL, NULL);
	evhttp_send_reply_end(st->req);
	unlink_stream(st->w, st);
}

/* Too many streams, or too many of one account's: a signed-in person
 * cannot take them all from the others. */
static int streams_full(const struct web *w, const char *user)
{
	size_t n = 0, theirs = 0;

	for (const struct web_stream *st = w->streams; st; st = st->next) {
		n++;
		theirs += strcmp(st->user, user) == 0;
	}
	return n >= WEB_MAX_STREAMS || theirs >= WEB_MAX_STREAMS_EACH;
}

void web_events(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	struct web_stream *st;

	if (streams_full(w, s->user) || conn == NULL)
		return web_error(req, 503, "too many live pages");
	st = xcalloc(1, sizeof(*st));
	st->w = w;
	st->req = req;
	st->last_beat = web_now();
	memcpy(st->sid, s->id, sizeof(st->sid));
	snprintf(st->user, sizeof(st->user), "%s", s->user);
	st->next = w->streams;
	w->streams = st;
	web_headers(req, "text/event-stream");
	evhttp_send_reply_start(req, 200, "OK");
	evhttp_connection_set_closecb(conn, on_close, st);
	stream_send(st, "retry: 2000\nevent: queue\ndata: changed\n\n");
}

static int still_signed_in(struct web *w, const struct web_stream *st)
{
	for (const struct web_session *s = w->sessions; s; s = s->next)
		if (strcmp(s->id, st->sid) == 0)
			return s->stage == STAGE_IN;
	return 0;
}

void web_queue_tick(struct web *w)
{
	uint64_t mark = queue_mark(w->b);
	int changed = mark != w->queue_mark;
	time_t now = web_now();

	w->queue_mark = mark;
	for (struct web_stream *st = w->streams, *next; st; st = next) {
		next = st->next;
		if (!still_signed_in(w, st)) {
			stream_send(st, "event: signed-out\ndata: idle\n\n");
			stream_end(st);
		} else if (changed) {
			stream_send(st, "event: queue\ndata: changed\n\n");
		} else if (now - st->last_beat >= BEAT_S) {
			st->last_beat = now;
			stream_send(st, ": still here\n\n");
		}
	}
}

void web_streams_free(struct web *w)
{
	while (w->streams)
		stream_end(w->streams);
}
