/* Signing in: the account's password through PAM, then a TOTP code (the
 * first time, after showing the secret as a QR code). Who may do what once
 * signed in is escortd's configuration, read by console.c on every request;
 * here only that the account has some role there at all. */
#include "web.h"

#include "form.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_names[] = {
    [STAGE_ANON] = "anon", [STAGE_BUSY] = "busy", [STAGE_ENROL] = "enrol",
    [STAGE_TOTP] = "totp", [STAGE_IN] = "in",
};

/* ,"hosts":[...]: an owner's hosts, for the page to say (escortd filters). */
static void owned_hosts_json(const struct broker_config *c, const struct person *p, struct buf *out)
{
	const char *sep = "";

	buf_append_str(out, ",\"hosts\":[");
	for (size_t i = 0; i < c->n_owner_hosts; i++)
		if (strcmp(c->owner_hosts[i].owner, p->name) == 0) {
			buf_append_str(out, sep);
			json_append_cstr(out, c->owner_hosts[i].host);
			sep = ",";
		}
	buf_putc(out, ']');
}

static void roles_json(struct web *w, const char *user, struct buf *out)
{
	const struct person *p = config_person(&w->b->cfg, user);
	unsigned r = p ? p->roles : 0;

	buf_printf(out, ",\"roles\":[%s%s%s]", r & ROLE_ESCORT ? "\"escort\"," : "",
		   r & ROLE_OWNER ? "\"owner\"," : "", r & ROLE_AUDITOR ? "\"auditor\"," : "");
	if (out->data[out->len - 2] == ',') { /* the last comma */
		out->data[out->len - 2] = ']';
		out->len--;
	}
	if (p && (r & ROLE_ESCORT))
		buf_printf(out, ",\"clearance\":\"%s\"", level_name(p->clearance));
	if (p && (r & ROLE_OWNER) && p->some_hosts)
		owned_hosts_json(&w->b->cfg, p, out);
}

static void reply_stage(struct web *w, struct evhttp_request *req, struct web_session *s, int code)
{
	struct buf b = {0};

	buf_printf(&b, "{\"stage\":\"%s\",\"csrf\":\"%s\",\"idle\":%u", stage_names[s->stage],
		   s->csrf, w->b->cfg.web.idle_s);
	if (s->stage != STAGE_ANON) {
		buf_append_str(&b, ",\"user\":");
		json_append_cstr(&b, s->user);
		roles_json(w, s->user, &b);
	}
	if (s->stage == STAGE_ENROL) {
		struct buf uri = {0};
		web_totp_uri(s->user, s->secret, &uri);
		buf_append_str(&b, ",\"otpauth\":");
		json_append_cstr(&b, buf_cstr(&uri));
		buf_free(&uri);
	}
	buf_append_str(&b, "}");
	web_json(req, code, &b);
	buf_free(&b);
}

void web_me(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	if (s == NULL && (s = web_session_new(w, req)) == NULL)
		return web_error(req, 503, "too many people are signing in: try again later");
	reply_stage(w, req, s, 200);
}

struct signin_wait {
	struct web *w;
	char sid[WEB_TOKEN];
	struct evhttp_request *req;
};

static struct web_session *find(struct web *w, const char *sid)
{
	for (struct web_session *s = w->sessions; s; s = s->next)
		if (strcmp(s->id, sid) == 0)
			return s;
	return NULL;
}

static void password_checked(struct web *w, const char *user, int ok, void *arg)
{
	struct signin_wait *sw = arg;
	struct web_session *s = find(w, sw->sid);
	const struct person *p = config_person(&w->b->cfg, user);
	struct evhttp_request *req = sw->req;

	free(sw);
	if (s == NULL)
		return web_error(req, 401, "the session ended: reload the page");
	s->stage = STAGE_ANON;
	if (!ok) {
		web_throttle_failed(w, req, user);
		broker_log("web console: wrong account name or password for %s", user);
		return web_error(req, 403, "wrong account name or password");
	}
	if (p == NULL || !(p->roles & (ROLE_ESCORT | ROLE_OWNER | ROLE_AUDITOR))) {
		broker_log("web console: %s has no console role", user);
		return web_error(req, 403, "this account is not an escort, owner or auditor");
	}
	snprintf(s->user, sizeof(s->user), "%s", user);
	s->stage = web_totp_enrolled(w, user, s->secret) ? STAGE_TOTP : STAGE_ENROL;
	if (s->stage == STAGE_ENROL)
		web_totp_new_secret(s->secret);
	else
		sodium_memzero(s->secret, sizeof(s->secret));
	web_session_renew(w, s, req);
	reply_stage(w, req, s, 200);
}

void web_signin(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	struct form f;
	struct signin_wait *sw;

	if (s->stage != STAGE_ANON)
		return web_error(req, 409, "sign out first");
	if (web_form(req, &f) < 0)
		return;
	const char *user = form_get(&f, "user"), *password = form_get(&f, "password");
	if (user[0] == '\0' || strlen(user) >= sizeof(s->user) || strlen(password) > 512) {
		form_free(&f);
		return web_error(req, 400, "give an account name and its password");
	}
	if (!web_throttle_allows(w, req, user))
		return form_free(&f);
	sw = xcalloc(1, sizeof(*sw));
	sw->w = w;
	sw->req = req;
	memcpy(sw->sid, s->id, sizeof(sw->sid));
	if (web_pam_check(w, user, password, password_checked, sw) < 0) {
		free(sw);
		form_free(&f);
		return web_error(req, 503, "too many sign-ins at once: try again");
	}
	s->stage = STAGE_BUSY;
	form_free(&f);
}

static void signed_in(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	struct error err;

	if (s->stage == STAGE_ENROL && web_totp_save(w, s->user, s->secret, &err) < 0) {
		broker_log("web console: %s", err.msg);
		return web_error(req, 500, "the second factor could not be saved");
	}
	sodium_memzero(s->secret, sizeof(s->secret));
	s->stage = STAGE_IN;
	s->last = web_now();
	web_throttle_passed(w, s->user);
	web_session_renew(w, s, req);
	broker_log("web console: %s signed in", s->user);
	reply_stage(w, req, s, 200);
}

void web_code(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	struct form f;
	uint8_t secret[20];
	int ok;

	if (s->stage != STAGE_ENROL && s->stage != STAGE_TOTP)
		return web_error(req, 409, "sign in with a password first");
	if (!web_throttle_allows(w, req, s->user))
		return web_session_end(w, s, NULL);
	if (web_form(req, &f) < 0)
		return;
	if (s->stage == STAGE_ENROL)
		memcpy(secret, s->secret, sizeof(secret));
	ok = (s->stage == STAGE_ENROL || web_totp_enrolled(w, s->user, secret)) &&
	     web_totp_check(s->user, secret, form_get(&f, "code"));
	sodium_memzero(secret, sizeof(secret));
	form_free(&f);
	if (ok)
		return signed_in(w, req, s);
	broker_log("web console: a wrong code for %s", s->user);
	web_throttle_failed(w, req, s->user);
	if (++s->tries >= WEB_MAX_TRIES) {
		web_session_end(w, s, req);
		return web_error(req, 403, "too many wrong codes: sign in again");
	}
	web_error(req, 403, "wrong code");
}

void web_signout(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	if (s->stage == STAGE_BUSY)
		return web_error(req, 409, "the password is still being checked");
	if (s->stage == STAGE_IN)
		broker_log("web console: %s signed out", s->user);
	web_session_end(w, s, req);
	web_json(req, 200, &(struct buf){(uint8_t *)"{\"stage\":\"anon\"}", 16, 0});
}

/* The page's person typed or clicked: run_route took it as activity. */
void web_awake(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	(void)w;
	(void)s;
	web_json(req, 200, &(struct buf){(uint8_t *)"{\"ok\":true}", 11, 0});
}

void web_qr(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	struct buf uri = {0}, svg = {0};

	(void)w;
	if (s->stage != STAGE_ENROL)
		return web_error(req, 404, "nothing to enrol");
	web_totp_uri(s->user, s->secret, &uri);
	if (web_qr_svg(buf_cstr(&uri), &svg) < 0)
		web_error(req, 500, "the QR code could not be made");
	else
		web_send(req, 200, "image/svg+xml", &svg);
	buf_free(&uri);
	buf_free(&svg);
}
