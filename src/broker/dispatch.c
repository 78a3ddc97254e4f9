/* Which message each connection state accepts, and who handles it: the one
 * table a reviewer reads to know what a peer can make escortd do (as
 * OpenSSH's monitor.c). Anything not in the table closes the connection
 * before any handler sees it. */
#include "broker.h"

#include "proto/names.h"

#include <stdio.h>
#include <string.h>

/* An account name as a host claims it: 1 to 63 of the characters of
 * POSIX user names (letters, digits, '.', '_', '-'), not starting with '-'. */
static int account_claim_valid(const char *a)
{
	size_t n = strlen(a);

	if (n == 0 || n >= 64 || a[0] == '-')
		return 0;
	return strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static void on_hello(struct conn *c, Frame *f)
{
	if (f->hello->kind == ESCORT__PEER_KIND__PEER_CONSOLE)
		console_hello(c);
	else
		session_hello(c, f->hello);
}

/* A host escortd enrolled says hello for a session: who types is the
 * host's claim; which host it is came from its certificate. */
static void on_host_hello(struct conn *c, Frame *f)
{
	if (!account_claim_valid(f->hello->account)) {
		conn_drop(c, "its hello names no valid account");
		return;
	}
	snprintf(c->account, sizeof(c->account), "%s", f->hello->account);
	c->uid = (uid_t)f->hello->uid;
	session_hello(c, f->hello);
}

static void on_record(struct conn *c, Frame *f)
{
	session_record(c, f->record);
}

static void on_exec_request(struct conn *c, Frame *f)
{
	decide_exec(c, f->exec_request);
}

static void on_end(struct conn *c, Frame *f)
{
	session_end(c, f->end);
}

static void on_withdraw(struct conn *c, Frame *f)
{
	pending_withdraw(c, f->withdraw);
}

static void on_console_request(struct conn *c, Frame *f)
{
	console_request(c, f->request);
}

static void on_enroll_request(struct conn *c, Frame *f)
{
	enroll_request(c, f->enroll_request);
}

static void on_renewal(struct conn *c, Frame *f)
{
	enroll_renewal(c, f->enroll_request);
}

static void on_login_request(struct conn *c, Frame *f)
{
	login_request(c, f->login_request);
}

static void on_login_answer(struct conn *c, Frame *f)
{
	login_answer(c, f->login_answer);
}

/* A console over TLS: who it is comes from its credential alone. */
static void on_credential_hello(struct conn *c, Frame *f)
{
	login_console_hello(c, f->hello);
}

static void on_heartbeat(struct conn *c, Frame *f)
{
	(void)c; /* the reader noted the time */
	(void)f;
}

/* A Hello of a kind escortd does not know is not in the table. */
static int hello_known(const struct conn *c, const Frame *f)
{
	if (c->state == CONN_HOST) /* a host's certificate opens sessions only */
		return f->hello->kind == ESCORT__PEER_KIND__PEER_SESSION;
	if (c->state == CONN_ENROLL) /* no certificate: a console with a credential */
		return f->hello->kind == ESCORT__PEER_KIND__PEER_CONSOLE;
	return f->hello->kind == ESCORT__PEER_KIND__PEER_CONSOLE ||
	       f->hello->kind == ESCORT__PEER_KIND__PEER_SESSION;
}

static const struct frame_route {
	enum conn_state state;
	Escort__Frame__BodyCase body;
	void (*handler)(struct conn *c, Frame *f);
} frame_routes[] = {
    {CONN_NEW, ESCORT__FRAME__BODY_HELLO, on_hello},
    {CONN_OPENING, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
    {CONN_SESSION, ESCORT__FRAME__BODY_RECORD, on_record},
    {CONN_SESSION, ESCORT__FRAME__BODY_EXEC_REQUEST, on_exec_request},
    {CONN_SESSION, ESCORT__FRAME__BODY_END, on_end},
    {CONN_SESSION, ESCORT__FRAME__BODY_WITHDRAW, on_withdraw},
    {CONN_SESSION, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
    {CONN_CONSOLE, ESCORT__FRAME__BODY_REQUEST, on_console_request},
    {CONN_CONSOLE, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
    {CONN_ENDED, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
    {CONN_ENROLL, ESCORT__FRAME__BODY_ENROLL_REQUEST, on_enroll_request},
    {CONN_ENROLL, ESCORT__FRAME__BODY_LOGIN_REQUEST, on_login_request},
    {CONN_ENROLL, ESCORT__FRAME__BODY_HELLO, on_credential_hello},
    {CONN_LOGIN, ESCORT__FRAME__BODY_LOGIN_ANSWER, on_login_answer},
    {CONN_LOGIN, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
    {CONN_HOST, ESCORT__FRAME__BODY_HELLO, on_host_hello},
    {CONN_HOST, ESCORT__FRAME__BODY_ENROLL_REQUEST, on_renewal},
    {CONN_HOST, ESCORT__FRAME__BODY_HEARTBEAT, on_heartbeat},
};

int dispatch_frame(struct conn *c, Frame *f)
{
	for (size_t i = 0; i < sizeof(frame_routes) / sizeof(frame_routes[0]); i++) {
		const struct frame_route *r = &frame_routes[i];
		if (r->state != c->state || r->body != f->body_case)
			continue;
		if (f->body_case == ESCORT__FRAME__BODY_HELLO && !hello_known(c, f))
			return -1;
		r->handler(c, f);
		return 0;
	}
	return -1;
}
