/* Guessing, limited per account and per address: every wrong password and
 * every wrong second-factor code counts, whichever browser session sent it
 * (a new session costs nothing), on the same counter `escort login` uses
 * (broker/login-limit.c: LOGIN_ACCOUNT_FAILURES for one account, or
 * LOGIN_ADDRESS_FAILURES from one address, within LOGIN_WINDOW_S). Only a
 * whole sign-in, password and code, starts the account's count again: a
 * right password alone does not, or it would buy more codes. */
#include "web.h"

#include "broker/login-limit.h"

#include <event2/http.h>
#include <stdio.h>
#include <string.h>

static void peer_of(struct evhttp_request *req, char *out, size_t size)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	char *address = NULL;
	ev_uint16_t port = 0;

	if (conn)
		evhttp_connection_get_peer(conn, &address, &port);
	snprintf(out, size, "%s", address ? address : "?");
}

/* 1 when account may try from req's address now, else 0 with the 429 sent. */
int web_throttle_allows(struct web *w, struct evhttp_request *req, const char *account)
{
	char address[64], why[200];

	peer_of(req, address, sizeof(address));
	if (login_limit_allows(w->limit, account, address, time(NULL), why, sizeof(why)))
		return 1;
	broker_log("web console: a sign-in of %s from %s refused: %s", account, address, why);
	web_error(req, 429, why);
	return 0;
}

void web_throttle_failed(struct web *w, struct evhttp_request *req, const char *account)
{
	char address[64];

	peer_of(req, address, sizeof(address));
	login_limit_failed(w->limit, account, address, time(NULL));
}

void web_throttle_passed(struct web *w, const char *account)
{
	login_limit_passed(w->limit, account);
}

void web_throttle_stop(struct web *w)
{
	login_limit_free(w->limit);
	w->limit = NULL;
}
