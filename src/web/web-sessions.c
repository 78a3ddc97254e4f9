/* Live sessions, and ending them: escortd's `sessions`, `terminate`,
 * `lock` and `unlock`, asked as the signed-in person (web-link.c), so that
 * who may end or lock is console.c's verb table. */
#include "web.h"

#include "form.h"
#include "util/json.h"

#include <string.h>

static void session(struct buf *out, const Escort__SessionInfo *s)
{
	const char *const texts[][2] = {{"operator", s->operator_}, {"host", s->host}};

	buf_append_str(out, "{\"id\":");
	json_append_cstr(out, s->id);
	buf_printf(out, ",\"started\":%llu,\"live\":%s,\"pending\":%llu",
		   (unsigned long long)s->started, s->live ? "true" : "false",
		   (unsigned long long)s->pending);
	web_shown_fields(out, texts, sizeof(texts) / sizeof(texts[0]));
	web_shown_list(out, "argv", s->argv, s->n_argv);
	buf_putc(out, '}');
}

static void session_at(struct buf *out, const void *list, size_t i)
{
	Escort__SessionInfo *const *s = list;

	session(out, s[i]);
}

static void sessions_json(struct buf *out, const Escort__ConsoleReply *r)
{
	web_json_array(out, r->sessions, r->n_sessions, session_at);
}

void web_sessions(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	web_ask_list(w, req, s->user, ESCORT__VERB__VERB_SESSIONS, "sessions", sessions_json);
}

/* target and note from the form, then the request as s->user. */
static void ask_with_target(struct web *w, struct evhttp_request *req, struct web_session *s,
			    Escort__ConsoleRequest *q)
{
	struct form f;

	if (web_form(req, &f) < 0)
		return;
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
