/* escort login on escortd: an escort's name and whatever escortd's PAM
 * stack (service login_pam_service, "escort" by default) asks (a password, a one-time code: every
 * prompt and message is relayed to the person, LoginPrompt and LoginAnswer), run off the loop, buy
 * a credential: 32 random bytes that name the person, of which escortd keeps only the hash
 * (store-logins.c), for login_ttl. A console's Hello over TLS carries it; the person, their roles
 * and clearance then come from it and escortd's configuration alone. Wrong guesses are counted
 * (login-limit.c). Every byte is the peer's. */
#include "broker.h"

#include "login-check.h"
#include "login-limit.h"
#include "pam-check.h"
#include "proto/login-talk.h"
#include "proto/text.h"
#include "tls/token.h"
#include "util/xmalloc.h"

#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGINS_AT_ONCE 8     /* PAM's threads: a person may take a while to answer */
#define LOGINS_PER_ADDRESS 2 /* ... so one address cannot take them all */

/* A check PAM is running: the connection is found again by its serial. */
struct login_wait {
	struct broker *b;
	uint64_t conn;
	char address[64];
};

int login_start(struct broker *b, struct error *err)
{
	b->login_pam = pam_check_new(b->base, b->cfg.login_pam_service, LOGINS_AT_ONCE, err);
	if (b->login_pam == NULL)
		return -1;
	b->login_limit = login_limit_new();
	return 0;
}

void login_stop(struct broker *b)
{
	pam_check_free(b->login_pam);
	login_limit_free(b->login_limit);
	b->login_pam = NULL;
	b->login_limit = NULL;
}

static void reply(struct conn *c, Escort__LoginReply *r)
{
	Frame f = ESCORT__FRAME__INIT;

	f.body_case = ESCORT__FRAME__BODY_LOGIN_REPLY;
	f.login_reply = r;
	conn_send(c, &f);
	conn_finish(c, NULL);
}

static void refuse(struct conn *c, Escort__LoginResult result, const char *account, const char *why)
{
	Escort__LoginReply r = ESCORT__LOGIN_REPLY__INIT;

	broker_log("login of %s from %s refused: %s", account, c->address, why);
	r.result = result;
	r.reason = (char *)why;
	reply(c, &r);
}

/* A credential for account, recorded: 0 with it in r, or -1 with err. */
static int issue(struct broker *b, const char *account, const char *address, char token[TOKEN_LEN],
		 Escort__LoginReply *r, struct error *err)
{
	char hash[TOKEN_HASH_LEN];
	int64_t expires = (int64_t)time(NULL) + b->cfg.login_ttl_s;

	if (token_new(token, err) < 0 || token_hash(token, TOKEN_LEN - 1, hash, err) < 0 ||
	    store_credential_add(b->store, hash, account, address, expires, err) < 0)
		return -1;
	r->result = ESCORT__LOGIN_RESULT__LOGIN_OK;
	r->credential = token;
	r->expires = (uint64_t)expires;
	r->account = (char *)account;
	return 0;
}

/* PAM has answered (on the loop). A person escortd's configuration does
 * not name gets the same answer as a wrong password. */
static void login_checked(const char *account, int ok, void *arg)
{
	struct login_wait *w = arg;
	struct conn *c = conn_find(w->b, w->conn);
	Escort__LoginReply r = ESCORT__LOGIN_REPLY__INIT;
	char token[TOKEN_LEN];
	struct error err;

	if (ok && config_person(&w->b->cfg, account) == NULL)
		ok = 0;
	if (!ok)
		login_limit_failed(w->b->login_limit, account, w->address, time(NULL));
	else
		login_limit_passed(w->b->login_limit, account);
	if (c != NULL)
		c->login = NULL;
	if (c == NULL || c->state != CONN_LOGIN || c->finishing) {
		free(w);
		return; /* gone while PAM ran: a credential is made for nobody */
	}
	if (!ok)
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_REFUSED, account,
		       "wrong name, password or code, or not a person in escortd's "
		       "configuration");
	else if (issue(w->b, account, w->address, token, &r, &err) < 0)
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_FAILED, account, err.msg);
	else {
		broker_log("%s logged in from %s (escort login; credential until %llu)", account,
			   w->address, (unsigned long long)r.expires);
		reply(c, &r);
	}
	free(w);
}

static size_t logins_from(const struct broker *b, const char *address)
{
	size_t n = 0;

	for (const struct conn *c = b->conns; c; c = c->next)
		n += c->state == CONN_LOGIN && strcmp(c->address, address) == 0;
	return n;
}

/* What is refused before PAM is asked: 1 when r was (and c answered). */
static int refused_at_once(struct conn *c, const Escort__LoginRequest *r)
{
	char why[200];

	if (login_request_check(r, why, sizeof(why)) < 0)
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_BAD_REQUEST, "?", why);
	else if (c->b->login_pam == NULL) /* no TLS listener: no peer can be here */
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_FAILED, r->account,
		       "escortd takes no logins");
	else if (!login_limit_allows(c->b->login_limit, r->account, c->address, time(NULL), why,
				     sizeof(why)))
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_TOO_MANY, r->account, why);
	else if (logins_from(c->b, c->address) >= LOGINS_PER_ADDRESS)
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_FAILED, r->account,
		       "escortd is checking too many logins from this address at once: try "
		       "again");
	else
		return 0;
	return 1;
}

static Escort__LoginPromptStyle style_of(int pam_style)
{
	switch (pam_style) {
	case PAM_PROMPT_ECHO_OFF:
		return ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_SECRET;
	case PAM_PROMPT_ECHO_ON:
		return ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_VISIBLE;
	case PAM_ERROR_MSG:
		return ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_ERROR;
	default:
		return ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_INFO;
	}
}

_Static_assert(PAM_CHECK_ITEMS_MAX == LOGIN_PROMPT_ITEMS_MAX, "one prompt is one PAM call");
_Static_assert(PAM_CHECK_ROUNDS_MAX == LOGIN_ROUNDS_MAX, "one login is one PAM check");

/* PAM's text (any bytes) as UTF-8 of at most LOGIN_PROMPT_TEXT_MAX bytes:
 * invalid bytes become \xHH, and the end is cut at a character's start. */
static void fit_text(const char *text, char out[LOGIN_PROMPT_TEXT_MAX + 1])
{
	struct text_arena arena = {0};
	const char *valid = text_utf8(&arena, text);
	size_t n = strlen(valid);

	if (n > LOGIN_PROMPT_TEXT_MAX)
		for (n = LOGIN_PROMPT_TEXT_MAX; n > 0 && (valid[n] & 0xC0) == 0x80; n--)
			;
	memcpy(out, valid, n);
	out[n] = '\0';
	text_arena_free(&arena);
}

static void send_prompt(struct conn *c, const struct pam_item *items, size_t n)
{
	Escort__LoginPromptItem it[PAM_CHECK_ITEMS_MAX], *itp[PAM_CHECK_ITEMS_MAX];
	char texts[PAM_CHECK_ITEMS_MAX][LOGIN_PROMPT_TEXT_MAX + 1];
	Escort__LoginPrompt p = ESCORT__LOGIN_PROMPT__INIT;
	Frame f = ESCORT__FRAME__INIT;

	for (size_t i = 0; i < n; i++) {
		escort__login_prompt_item__init(&it[i]);
		it[i].style = style_of(items[i].style);
		fit_text(items[i].text, texts[i]);
		it[i].text = texts[i];
		itp[i] = &it[i];
	}
	p.n_items = n;
	p.items = itp;
	f.body_case = ESCORT__FRAME__BODY_LOGIN_PROMPT;
	f.login_prompt = &p;
	conn_send(c, &f);
}

/* PAM has messages for the person (on the loop): relayed, unless the
 * connection went meanwhile. */
static void login_ask(struct pam_attempt *a, const struct pam_item *items, size_t n, void *arg)
{
	struct login_wait *w = arg;
	struct conn *c = conn_find(w->b, w->conn);

	if (c == NULL || c->state != CONN_LOGIN || c->finishing || c->login != a) {
		pam_check_cancel(a);
		return;
	}
	c->login_asked = n;
	send_prompt(c, items, n);
}

void login_request(struct conn *c, const Escort__LoginRequest *r)
{
	struct login_wait *w;

	if (refused_at_once(c, r))
		return;
	w = xcalloc(1, sizeof(*w));
	w->b = c->b;
	w->conn = c->serial;
	snprintf(w->address, sizeof(w->address), "%s", c->address);
	if (pam_check_converse(c->b->login_pam, r->account, login_ask, login_checked, w,
			       &c->login) < 0) {
		free(w);
		c->login = NULL;
		refuse(c, ESCORT__LOGIN_RESULT__LOGIN_FAILED, r->account,
		       "escortd is checking too many logins at once: try again");
		return;
	}
	c->state = CONN_LOGIN;
}

/* The person's answers: to PAM, when they answer the prompt sent. A wrong
 * one ends the login (PAM's conversation fails: a wrong guess). */
void login_answer(struct conn *c, const Escort__LoginAnswer *r)
{
	char why[200];

	if (c->login == NULL || c->finishing)
		return;
	if (c->login_asked == 0)
		snprintf(why, sizeof(why), "an answer to no prompt");
	else if (login_answer_check(r, c->login_asked, why, sizeof(why)) == 0) {
		c->login_asked = 0;
		pam_check_answer(c->login, r->answers, r->n_answers);
		return;
	}
	pam_check_cancel(c->login);
	refuse(c, ESCORT__LOGIN_RESULT__LOGIN_BAD_REQUEST, "?", why);
}

void login_gone(struct conn *c)
{
	pam_check_cancel(c->login);
	c->login = NULL;
}

static void refuse_console(struct conn *c, const char *why)
{
	Escort__Welcome w = ESCORT__WELCOME__INIT;
	Frame f = ESCORT__FRAME__INIT;

	broker_log("console from %s refused: %s", c->address, why);
	w.accepted = 0;
	w.reason = (char *)why;
	f.body_case = ESCORT__FRAME__BODY_WELCOME;
	f.welcome = &w;
	conn_send(c, &f);
	conn_finish(c, NULL);
}

void login_console_hello(struct conn *c, const Escort__Hello *h)
{
	const char *credential = h->credential ? h->credential : "";
	char hash[TOKEN_HASH_LEN], account[64], why[200];
	int64_t expires = 0;
	struct error err;

	if (credential[0] == '\0') {
		refuse_console(c, "a console over TLS needs a credential: escort login --broker "
				  "HOST:PORT first");
		return;
	}
	if (token_hash(credential, strnlen(credential, TOKEN_LEN), hash, &err) < 0 ||
	    store_credential_find(c->b->store, hash, account, sizeof(account), &expires, &err) <
		0) {
		refuse_console(c, err.msg);
		return;
	}
	if (config_person(&c->b->cfg, account) == NULL) {
		snprintf(why, sizeof(why), "%s is not a person in escortd's configuration",
			 account);
		refuse_console(c, why);
		return;
	}
	snprintf(c->account, sizeof(c->account), "%s", account);
	snprintf(c->credential, sizeof(c->credential), "%s", hash);
	c->uid = (uid_t)-1; /* an account on escortd's machine: its name says who it is */
	console_hello(c);
}
