/* Live sessions, and ending them: escortd's `sessions`, `terminate`,
 * `lock` and `unlock`, asked as the signed-in person (web-link.c), so that
 * who may end or lock is console.c's verb table. */
#include "web.h"

#include "form.h"
#include "util/json.h"

#include <string.h>

static void session(struct buf *out, const Escort__SessionInfo *s)
{
	buf_append_str(out, "{\"id\":");
	json_append_cstr(out, s->id);
	buf_printf(out, ",\"started\":%llu,\"live\":%s,\"pending\":%llu,",
		   (unsigned long long)s->started, s->live ? "true" : "false",
		   (unsigned long long)s->pending);
	web_shown_json(out, "operator", s->operator_);
	buf_putc(out, ',');
	web_shown_json(out, "host", s->host);
	web_shown_list(out, "argv", s->argv, s->n_argv);
	buf_putc(out, '}');
}

void web_sessions_json(struct buf *out, Escort__SessionInfo **s, size_t n)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		session(out, s[i]);
	}
	buf_putc(out, ']');
}

static void sessions_replied(void *arg, const Escort__ConsoleReply *r, const char *error)
{
	struct evhttp_request *req = arg;
	struct buf b = {0};

	if (r == NULL || !r->ok)
		return web_error(req, r ? 403 : 503, r ? r->error : error);
	buf_printf(&b, "{\"omitted\":%u,\"sessions\":", (unsigned)r->omitted);
	web_sessions_json(&b, r->sessions, r->n_sessions);
	buf_append_str(&b, "}");
	web_json(req, 200, &b);
	buf_free(&b);
}

void web_sessions(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.verb = ESCORT__VERB__VERB_SESSIONS;
	if (web_ask(w, s->user, &q, sessions_replied, req) < 0)
		web_error(req, 503, "escortd cannot take another console");
}

/* target and note from the form, then the request as s->user. */
static void ask_with_target(struct web *w, struct evhttp_request *req, struct web_session *s,
			    Escort__ConsoleRequest *q)
{
	struct buf body = {0};
	const char *why = NULL;
	struct form f;

	web_body(req, &body);
	int rc = form_parse(&f, buf_cstr(&body), body.len, &why);
	buf_free(&body);
	if (rc < 0)
		return web_error(req, 400, why);
	q->target = (char *)form_get(&f, "target");
	q->note = (char *)form_get(&f, "note");
	if (q->target[0] == '\0' || strlen(q->target) > 255 || strlen(q->note) > 500) {
		form_free(&f);
		return web_error(req, 400, "name the session or account (and a note of 500 bytes)");
	}
	broker_log("web console: %s asks to %s %s", s->user,
		   q->verb == ESCORT__VERB__VERB_TERMINATE ? "end session"
		   : q->verb == ESCORT__VERB__VERB_LOCK	   ? "lock"
							   : "unlock",
		   q->target);
	if (web_ask(w, s->user, q, web_replied, req) < 0)
		web_error(req, 503, "escortd cannot take another console");
	form_free(&f); /* web_ask has encoded it */
}

void web_terminate(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.verb = ESCORT__VERB__VERB_TERMINATE;
	ask_with_target(w, req, s, &q);
}

void web_lock(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.verb = ESCORT__VERB__VERB_LOCK;
	ask_with_target(w, req, s, &q);
}

void web_unlock(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.verb = ESCORT__VERB__VERB_UNLOCK;
	ask_with_target(w, req, s, &q);
}
