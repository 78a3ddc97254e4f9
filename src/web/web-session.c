/* Who is on the other end of a browser: sessions named by a random id in a
 * cookie (Secure, HttpOnly, SameSite=Strict, __Host- prefixed), each with
 * its own CSRF token; a new id at every step of signing in; signed out
 * when idle, and half signed-in sessions dropped after WEB_HALF_S. */
#include "web.h"

#include "form.h"
#include "util/xmalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COOKIE "__Host-escort"

static void random_token(char out[WEB_TOKEN])
{
	uint8_t raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, WEB_TOKEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int same_token(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == WEB_TOKEN - 1 && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

struct web_session *web_session_of(struct web *w, struct evhttp_request *req)
{
	const char *header = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
	char id[WEB_TOKEN + 1];

	if (header == NULL || strlen(header) > 4096 ||
	    cookie_get(header, COOKIE, id, sizeof(id)) < 0)
		return NULL;
	for (struct web_session *s = w->sessions; s; s = s->next)
		if (same_token(s->id, id))
			return s;
	return NULL;
}

static void set_cookie(struct evhttp_request *req, const char *id, int max_age)
{
	char value[200];

	snprintf(value, sizeof(value), COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict%s",
		 id, max_age ? "" : "; Max-Age=0");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", value);
}

static size_t count(const struct web *w)
{
	size_t n = 0;

	for (const struct web_session *s = w->sessions; s; s = s->next)
		n++;
	return n;
}

static void unlink_session(struct web *w, struct web_session *s)
{
	for (struct web_session **p = &w->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	sodium_memzero(s, sizeof(*s));
	free(s);
}

/* The oldest session nobody has given a password to (the list is newest
 * first): anyone can make those, so they make room for each other rather
 * than keep the people who can sign in from starting. */
static struct web_session *oldest_anonymous(struct web *w)
{
	struct web_session *oldest = NULL;

	for (struct web_session *s = w->sessions; s; s = s->next)
		if (s->stage == STAGE_ANON)
			oldest = s;
	return oldest;
}

struct web_session *web_session_new(struct web *w, struct evhttp_request *req)
{
	struct web_session *s;

	if (count(w) >= WEB_MAX_SESSIONS) {
		if ((s = oldest_anonymous(w)) == NULL)
			return NULL;
		unlink_session(w, s);
	}
	s = xcalloc(1, sizeof(*s));
	s->stage = STAGE_ANON;
	s->last = s->since = web_now();
	s->next = w->sessions;
	w->sessions = s;
	web_session_renew(w, s, req);
	return s;
}

void web_session_renew(struct web *w, struct web_session *s, struct evhttp_request *req)
{
	(void)w;
	random_token(s->id);
	random_token(s->csrf);
	s->since = web_now();
	set_cookie(req, s->id, 1);
}

void web_session_end(struct web *w, struct web_session *s, struct evhttp_request *req)
{
	if (req)
		set_cookie(req, "", 0);
	unlink_session(w, s);
}

int web_csrf_ok(const struct web_session *s, const char *token)
{
	return same_token(s->csrf, token);
}

/* A PAM conversation in flight keeps its session (its answer needs it). */
static int expired(const struct web *w, const struct web_session *s, time_t now)
{
	if (s->stage == STAGE_BUSY)
		return 0;
	if (s->stage == STAGE_IN)
		return now - s->last > (time_t)w->b->cfg.web.idle_s;
	return now - s->since > WEB_HALF_S;
}

void web_sessions_tick(struct web *w)
{
	time_t now = web_now();

	for (struct web_session *s = w->sessions, *next; s; s = next) {
		next = s->next;
		if (expired(w, s, now)) {
			if (s->stage == STAGE_IN)
				broker_log("web console: %s signed out (idle)", s->user);
			unlink_session(w, s);
		}
	}
}

void web_sessions_free(struct web *w)
{
	while (w->sessions)
		unlink_session(w, w->sessions);
}
