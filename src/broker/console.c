/* Requests from `escort sessions|pending|approve|deny|terminate|lock|unlock|
 * watch`: who may ask what (the verb table, checked before any handler
 * runs), and the answers, each carrying its request's id. */
#include "broker.h"

#include "log/fields.h"
#include "log/record.h"
#include "proto/names.h"
#include "util/xmalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void reply(struct conn *c, Escort__ConsoleReply *r)
{
	Frame f = ESCORT__FRAME__INIT;

	r->request_id = c->request_id;
	f.body_case = ESCORT__FRAME__BODY_REPLY;
	f.reply = r;
	conn_send(c, &f);
}

static void reply_error(struct conn *c, const char *msg)
{
	Escort__ConsoleReply r = ESCORT__CONSOLE_REPLY__INIT;

	r.ok = 0;
	r.error = (char *)msg;
	reply(c, &r);
}

static void reply_ok(struct conn *c, const char *msg)
{
	Escort__ConsoleReply r = ESCORT__CONSOLE_REPLY__INIT;

	r.ok = 1;
	r.message = (char *)msg;
	reply(c, &r);
}

static int has_role(const struct conn *c, unsigned roles)
{
	const struct person *p = config_person(&c->b->cfg, c->account);

	return p && (p->roles & roles);
}

/* escortd's own account (the one whose state it is: `escortd revoke-host`)
 * may revoke a host. */
static int own_account_may(const struct conn *c, Escort__Verb verb)
{
	return verb == ESCORT__VERB__VERB_REVOKE_HOST && !c->tls && c->uid == geteuid();
}

void console_hello(struct conn *c)
{
	Escort__Welcome w = ESCORT__WELCOME__INIT;
	Frame reply = ESCORT__FRAME__INIT;

	c->state = CONN_CONSOLE;
	w.accepted = 1;
	w.account = c->account;
	reply.body_case = ESCORT__FRAME__BODY_WELCOME;
	reply.welcome = &w;
	conn_send(c, &reply);
	broker_debug("console of %s (uid %u, pid %d)", c->account, (unsigned)c->uid, (int)c->pid);
}

/* A reply must fit in one frame (FRAME_MAX), however many sessions and items
 * there are: how many of the first n fit in half of it; the rest are
 * counted in *omitted for the console to say so. */
static size_t fit_in_reply(size_t n, const ProtobufCMessage *const *items, uint32_t *omitted)
{
	size_t used = 0, k = 0;

	for (; k < n; k++) {
		used += protobuf_c_message_get_packed_size(items[k]) + 16;
		if (used > FRAME_MAX / 2)
			break;
	}
	*omitted = (uint32_t)(n - k);
	return k;
}

/* How many of s's waiting items this console's person sees. */
static uint64_t items_seen(const struct conn *c, const struct live_session *s)
{
	uint64_t n = 0;

	for (const struct pending *p = c->b->pending; p; p = p->next)
		n += p->s == s && scope_sees_item(c->b, c->account, p);
	return n;
}

static void list_sessions(struct conn *c, const Escort__ConsoleRequest *q)
{
	Escort__ConsoleReply r = ESCORT__CONSOLE_REPLY__INIT;
	size_t n = 0;

	for (struct live_session *s = c->b->sessions; s; s = s->next)
		n++;
	Escort__SessionInfo *infos = xcalloc(n + 1, sizeof(*infos));
	Escort__SessionInfo **ptrs = xcalloc(n + 1, sizeof(*ptrs));
	Escort__HostLog *hosts = xcalloc(n + 1, sizeof(*hosts));

	(void)q;
	n = 0;
	for (struct live_session *s = c->b->sessions; s; s = s->next) {
		if (!scope_sees_session(c->b, c->account, s))
			continue;
		escort__session_info__init(&infos[n]);
		infos[n].id = s->id;
		infos[n].operator_ = s->op;
		infos[n].host = s->host;
		infos[n].n_argv = s->argc;
		infos[n].argv = s->argv;
		infos[n].started = (uint64_t)s->started;
		infos[n].live = s->conn != NULL;
		infos[n].pending = items_seen(c, s);
		infos[n].log = s->log;
		host_log_info(&s->host_log, &hosts[n]);
		infos[n].host_log = &hosts[n];
		ptrs[n] = &infos[n];
		n++;
	}
	r.ok = 1;
	r.n_sessions = fit_in_reply(n, (const ProtobufCMessage *const *)ptrs, &r.omitted);
	r.sessions = ptrs;
	reply(c, &r);
	free(infos);
	free(hosts);
	free(ptrs);
}

static void list_pending(struct conn *c, const Escort__ConsoleRequest *q)
{
	Escort__ConsoleReply r = ESCORT__CONSOLE_REPLY__INIT;
	size_t n = 0;

	for (struct pending *p = c->b->pending; p; p = p->next)
		n++;
	Escort__PendingInfo **ptrs = xcalloc(n + 1, sizeof(*ptrs));

	(void)q;
	n = 0;
	/* Oldest first: the list is kept newest first. */
	for (struct pending *p = c->b->pending; p; p = p->next)
		if (scope_sees_item(c->b, c->account, p))
			ptrs[n++] = p->info;
	for (size_t i = 0; i < n / 2; i++) {
		Escort__PendingInfo *t = ptrs[i];
		ptrs[i] = ptrs[n - 1 - i];
		ptrs[n - 1 - i] = t;
	}
	r.ok = 1;
	r.n_pending = fit_in_reply(n, (const ProtobufCMessage *const *)ptrs, &r.omitted);
	r.pending = ptrs;
	reply(c, &r);
	free(ptrs);
}

/* Why approval id cannot be answered: what became of it, when it existed. */
static const char *not_pending(struct broker *b, uint64_t id, char *why, size_t size)
{
	char state[32], note[300];

	if (store_approval_state(b->store, (int64_t)id, state, sizeof(state), note, sizeof(note)) <
	    0)
		snprintf(why, size, "there is no pending approval %llu", (unsigned long long)id);
	else
		snprintf(why, size, "approval %llu is no longer pending: %s (%s)",
			 (unsigned long long)id, state, note);
	return why;
}

/* Absolute, without "." or ".." components or repeated slashes, not "/". */
static int plain_folder(const char *f)
{
	size_t n = strlen(f);

	if (f[0] != '/' || n < 2 || n >= PATH_MAX || f[n - 1] == '/' || strstr(f, "//"))
		return 0;
	return strstr(f, "/./") == NULL && strstr(f, "/../") == NULL &&
	       strcmp(f + n - 2, "/.") != 0 && (n < 3 || strcmp(f + n - 3, "/..") != 0);
}

/* The folder a path approval reaches: the one given, or for a change to
 * files the folder that holds it. The item's own paths must be inside. */
static int approval_folder(const struct pending *p, const char *given, char *out, size_t size,
			   char *why, size_t why_size)
{
	const Escort__Change *ch = p->info->change;
	const char *path = ch ? (ch->path[0] ? ch->path : ch->path2) : NULL;

	if (given[0])
		snprintf(out, size, "%s", given);
	else if (path && strrchr(path, '/'))
		snprintf(out, size, "%.*s", (int)(strrchr(path, '/') - path), path);
	if (!plain_folder(out)) {
		snprintf(why, why_size,
			 "a path approval needs a folder (--path DIR): an absolute "
			 "path without '.', '..' or '//', and not / itself");
		return -1;
	}
	if (path && strncmp(path, out, strlen(out)) != 0) {
		snprintf(why, why_size, "%.200s is not inside %.200s", path, out);
		return -1;
	}
	return 0;
}

/* Whether this escort may approve p, the program's name taken as typed:
 * nothing is answered. */
static void check_only(struct conn *c, const struct pending *p, int approve)
{
	char why[600];

	if (!approve)
		return reply_error(c, "only an approval can be checked without being given");
	if (approve_check(c->b, c, p, p->info->program, why, sizeof(why)) < 0)
		return reply_error(c, why);
	snprintf(why, sizeof(why), "%s may approve %llu", c->account, (unsigned long long)p->id);
	reply_ok(c, why);
}

static void answer(struct conn *c, const Escort__ConsoleRequest *q)
{
	int allow = q->verb == ESCORT__VERB__VERB_APPROVE;
	struct pending *p = pending_find(c->b, (int64_t)q->id);
	char why[600], by[128], reason[1100], folder[PATH_MAX] = "";

	if (p == NULL)
		return reply_error(c, not_pending(c->b, q->id, why, sizeof(why)));
	if (q->check_only)
		return check_only(c, p, allow);
	if (allow && approve_check(c->b, c, p, q->confirm, why, sizeof(why)) < 0)
		return reply_error(c, why);
	if (q->scope != ESCORT__SCOPE__SCOPE_ONCE && q->scope != ESCORT__SCOPE__SCOPE_TREE &&
	    q->scope != ESCORT__SCOPE__SCOPE_SESSION && q->scope != ESCORT__SCOPE__SCOPE_PATH)
		return reply_error(c, "the scope must be once, tree, session or path");
	if (allow && q->scope == ESCORT__SCOPE__SCOPE_PATH &&
	    approval_folder(p, q->path, folder, sizeof(folder), why, sizeof(why)) < 0)
		return reply_error(c, why);
	snprintf(by, sizeof(by), "escort %s", c->account);
	snprintf(reason, sizeof(reason), "%s by %s%s%.500s", allow ? "approved" : "denied",
		 c->account, q->note[0] ? ": " : "", q->note);
	snprintf(why, sizeof(why), "%s %llu (%s, session %s)", allow ? "approved" : "denied",
		 (unsigned long long)q->id, p->info->program, p->s->id);
	if (folder[0]) /* what the approval reaches is in the record */
		snprintf(reason + strlen(reason), sizeof(reason) - strlen(reason),
			 " (changes under %.300s)", folder);
	pending_close(c->b, p, allow ? ACTION_ALLOW : ACTION_DENY, q->scope, folder, by, reason,
		      allow ? "approved" : "denied");
	reply_ok(c, why);
}

static void terminate(struct conn *c, const Escort__ConsoleRequest *q)
{
	struct live_session *s = session_find(c->b, q->target);
	char reason[700], msg[200];

	if (s == NULL || !scope_sees_session(c->b, c->account, s))
		return reply_error(c, "there is no such session");
	if (!scope_may_end(c->b, c->account, s))
		return reply_error(c, "that session runs on a host you do not own");
	if (s->conn == NULL)
		return reply_error(c, "that session's host is not connected");
	snprintf(reason, sizeof(reason), "ended by %s%s%.500s", c->account, q->note[0] ? ": " : "",
		 q->note);
	struct buf payload = {0};
	fields_add(&payload, "action", "terminate");
	fields_add(&payload, "user", s->op);
	fields_add(&payload, "by", c->account);
	fields_add(&payload, "reason", q->note);
	session_note(s, REC_LOCK, &payload);
	buf_free(&payload);
	session_terminate(s, reason);
	snprintf(msg, sizeof(msg), "session %s of %s is being ended", s->id, s->op);
	reply_ok(c, msg);
}

static void lock(struct conn *c, const Escort__ConsoleRequest *q)
{
	int on = q->verb == ESCORT__VERB__VERB_LOCK;
	struct error err;
	char msg[300];

	if (q->target[0] == '\0' || strlen(q->target) >= 64)
		return reply_error(c, "name the account to lock");
	if (scope_lock_check(c->b, c->account, q->target, on, msg, sizeof(msg)) < 0)
		return reply_error(c, msg);
	if ((on ? lock_user(c->b, q->target, q->note, c->account, &err)
		: unlock_user(c->b, q->target, c->account, &err)) < 0)
		return reply_error(c, err.msg);
	snprintf(msg, sizeof(msg), "%s is %s", q->target, on ? "locked" : "unlocked");
	reply_ok(c, msg);
}

static void follow(struct conn *c, const Escort__ConsoleRequest *q)
{
	struct live_session *s = session_find(c->b, q->target);
	Escort__Screen sc = ESCORT__SCREEN__INIT;
	Frame f = ESCORT__FRAME__INIT;

	if (s == NULL || !scope_sees_session(c->b, c->account, s))
		return reply_error(c, "there is no such session");
	snprintf(c->follow, sizeof(c->follow), "%s", s->id);
	reply_ok(c, "following");
	sc.session = s->id;
	sc.output.data = s->screen.data;
	sc.output.len = s->screen.len;
	sc.cols = s->cols;
	sc.rows = s->rows;
	f.body_case = ESCORT__FRAME__BODY_SCREEN;
	f.screen = &sc;
	conn_send(c, &f);
}

static void revoke_host(struct conn *c, const Escort__ConsoleRequest *q)
{
	char msg[200];
	unsigned n;

	if (q->target[0] == '\0' || strlen(q->target) >= 64)
		return reply_error(c, "name the host to revoke");
	n = broker_cut_host(c->b, q->target);
	broker_log("host %s revoked by %s: %u connections cut", q->target, c->account, n);
	snprintf(msg, sizeof(msg), "host %s is cut off (%u connections)", q->target, n);
	reply_ok(c, msg);
}

/* escort logout: the credential this console came with is worth nothing
 * from now on; the connection ends. */
static void logout(struct conn *c, const Escort__ConsoleRequest *q)
{
	struct error err;

	(void)q;
	if (!c->tls || c->credential[0] == '\0')
		return reply_error(c, "only a console of escort login logs out");
	if (store_credential_revoke(c->b->store, c->credential, &err) < 0)
		return reply_error(c, err.msg);
	broker_log("%s logged out (from %s)", c->account, c->address);
	reply_ok(c, "logged out: the credential is revoked");
	conn_finish(c, NULL);
}

#define ANY_CONSOLE (ROLE_ESCORT | ROLE_OWNER | ROLE_AUDITOR)

/* Who may ask what. Checked here, before any handler runs. */
static const struct verb_route {
	Escort__Verb verb;
	unsigned roles;
	const char *who; /* for the refusal */
	void (*handler)(struct conn *c, const Escort__ConsoleRequest *q);
} verb_routes[] = {
    {ESCORT__VERB__VERB_SESSIONS, ANY_CONSOLE, "escorts, owners and auditors", list_sessions},
    {ESCORT__VERB__VERB_PENDING, ANY_CONSOLE, "escorts, owners and auditors", list_pending},
    {ESCORT__VERB__VERB_FOLLOW, ANY_CONSOLE, "escorts, owners and auditors", follow},
    {ESCORT__VERB__VERB_APPROVE, ROLE_ESCORT, "escorts", answer},
    {ESCORT__VERB__VERB_DENY, ROLE_ESCORT, "escorts", answer},
    {ESCORT__VERB__VERB_TERMINATE, ROLE_ESCORT | ROLE_OWNER, "escorts and owners", terminate},
    {ESCORT__VERB__VERB_LOCK, ROLE_ESCORT | ROLE_OWNER, "escorts and owners", lock},
    {ESCORT__VERB__VERB_UNLOCK, ROLE_ESCORT | ROLE_OWNER, "escorts and owners", lock},
    {ESCORT__VERB__VERB_REVOKE_HOST, ROLE_OWNER, "owners and escortd's own account", revoke_host},
    {ESCORT__VERB__VERB_LOGOUT, ANY_CONSOLE | ROLE_OPERATOR, "a console of escort login", logout},
};

void console_request(struct conn *c, const Escort__ConsoleRequest *q)
{
	const struct verb_route *route = NULL;
	char why[200];

	c->request_id = q->request_id;
	for (size_t i = 0; i < sizeof(verb_routes) / sizeof(verb_routes[0]); i++)
		if (verb_routes[i].verb == q->verb)
			route = &verb_routes[i];
	if (route == NULL)
		return reply_error(c, "unknown request");
	if (!has_role(c, route->roles) && !own_account_may(c, q->verb)) {
		snprintf(why, sizeof(why), "%s may not %s: only %s may", c->account,
			 verb_name(q->verb), route->who);
		return reply_error(c, why);
	}
	broker_debug("%s asks %s %llu %s", c->account, verb_name(q->verb),
		     (unsigned long long)q->id, q->target);
	route->handler(c, q);
}

#define SCREEN_CHUNK (64u << 10) /* output per Screen frame, well inside FRAME_MAX */

static void screen_chunk(struct broker *b, struct live_session *s, const uint8_t *data, size_t len,
			 int ended);

void console_screen(struct broker *b, struct live_session *s, const uint8_t *data, size_t len,
		    int ended)
{
	while (len > SCREEN_CHUNK) {
		screen_chunk(b, s, data, SCREEN_CHUNK, 0);
		data += SCREEN_CHUNK;
		len -= SCREEN_CHUNK;
	}
	screen_chunk(b, s, data, len, ended);
}

static void screen_chunk(struct broker *b, struct live_session *s, const uint8_t *data, size_t len,
			 int ended)
{
	Escort__Screen sc = ESCORT__SCREEN__INIT;
	Frame f = ESCORT__FRAME__INIT;

	sc.session = s->id;
	sc.output.data = (uint8_t *)data;
	sc.output.len = len;
	sc.cols = s->cols;
	sc.rows = s->rows;
	sc.ended = ended;
	f.body_case = ESCORT__FRAME__BODY_SCREEN;
	f.screen = &sc;
	for (struct conn *c = b->conns; c; c = c->next)
		if (c->state == CONN_CONSOLE && strcmp(c->follow, s->id) == 0)
			conn_send(c, &f);
}
