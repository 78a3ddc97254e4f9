/* Approvals waiting for an escort: queued, answered by an escort who may
 * answer them (two-person rule, clearance, typed confirmation), or denied
 * when nobody answers in time. */
#include "broker.h"

#include "log/fields.h"
#include "log/record.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *argv_json(const Escort__PendingInfo *pi)
{
	struct buf j = {0};
	char *out;

	buf_putc(&j, '[');
	for (size_t i = 0; i < pi->n_argv; i++) {
		if (i)
			buf_putc(&j, ',');
		json_append_cstr(&j, pi->argv[i]);
	}
	buf_putc(&j, ']');
	out = xstrdup(buf_cstr(&j));
	buf_free(&j);
	return out;
}

struct pending *pending_add(struct broker *b, struct live_session *s, Escort__PendingInfo *info,
			    uint64_t ask_id)
{
	struct pending *p = xcalloc(1, sizeof(*p));
	char *argv = argv_json(info);
	struct store_approval a = {s->id,	  s->op,     s->host,
				   argv,	  info->cwd, info->identity,
				   info->summary, ask_id,    (int)info->level};
	struct error err;

	p->id = store_approval_add(b->store, &a, &err);
	free(argv);
	if (p->id < 0) {
		broker_log("%s", err.msg);
		free(p);
		return NULL;
	}
	p->s = s;
	p->ask_id = ask_id;
	p->info = info;
	p->info->id = (uint64_t)p->id;
	p->info->created = (uint64_t)time(NULL);
	p->expires = time(NULL) + b->cfg.approval_timeout_s;
	p->info->expires = (uint64_t)p->expires;
	p->next = b->pending;
	b->pending = p;
	s->pending++;
	broker_log("approval %lld: session %s of %s asks to run %s (%s)", (long long)p->id, s->id,
		   s->op, info->program, level_name((int)info->level));
	return p;
}

struct pending *pending_find(struct broker *b, int64_t id)
{
	for (struct pending *p = b->pending; p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

static void unlink_pending(struct broker *b, struct pending *p)
{
	for (struct pending **q = &b->pending; *q; q = &(*q)->next)
		if (*q == p) {
			*q = p->next;
			break;
		}
	p->s->pending--;
	escort__pending_info__free_unpacked(p->info, NULL);
	free(p);
}

static void record_answer(struct pending *p, enum policy_action action, const char *scope,
			  const char *by, const char *reason, const char *state)
{
	struct buf payload = {0};

	fields_add_uint(&payload, "approval", (unsigned long long)p->id);
	fields_add_uint(&payload, "exec", p->ask_id);
	fields_add(&payload, "action", policy_action_name(action));
	fields_add(&payload, "state", state);
	fields_add(&payload, "scope", scope);
	fields_add(&payload, "by", by);
	fields_add(&payload, "reason", reason);
	fields_add(&payload, "level", level_name((int)p->info->level));
	fields_add(&payload, "program", p->info->program);
	session_note(p->s, REC_APPROVAL, &payload);
	buf_free(&payload);
}

static const char *scope_name(Escort__Scope s)
{
	if (s == ESCORT__SCOPE__SCOPE_TREE)
		return "tree";
	if (s == ESCORT__SCOPE__SCOPE_PATH)
		return "path";
	return s == ESCORT__SCOPE__SCOPE_SESSION ? "session" : "once";
}

void pending_close(struct broker *b, struct pending *p, enum policy_action action,
		   Escort__Scope scope, const char *path, const char *by, const char *reason,
		   const char *state)
{
	Escort__Decision d = ESCORT__DECISION__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct error err;

	d.ask_id = p->ask_id;
	d.action =
	    action == ACTION_ALLOW ? ESCORT__ACTION__ACTION_ALLOW : ESCORT__ACTION__ACTION_DENY;
	d.scope = scope;
	d.by = (char *)by;
	d.reason = (char *)reason;
	d.approval = (uint64_t)p->id;
	d.path = (char *)(path ? path : "");
	f.body_case = ESCORT__FRAME__BODY_DECISION;
	f.decision = &d;
	if (p->s->conn)
		conn_send(p->s->conn, &f);
	record_answer(p, action, scope_name(scope), by, reason, state);
	if (store_approval_close(b->store, p->id, state, by, scope_name(scope), reason, &err) < 0)
		broker_log("%s", err.msg);
	broker_log("approval %lld %s by %s: %s", (long long)p->id, state, by, reason);
	unlink_pending(b, p);
}

/* The session host no longer waits for the answer (the process gave up, or
 * the session is ending): the escorts no longer see it, approving it does
 * nothing, and the session's log says it was withdrawn. */
void pending_withdraw(struct conn *c, const Escort__Withdraw *w)
{
	struct broker *b = c->b;
	const char *why = w->reason[0] ? w->reason : "withdrawn by the session host";
	struct error err;

	for (struct pending *p = b->pending; p; p = p->next) {
		if (p->s != c->session || p->ask_id != w->ask_id)
			continue;
		record_answer(p, ACTION_DENY, "once", "operator", why, "withdrawn");
		if (store_approval_close(b->store, p->id, "withdrawn", "operator", "once", why,
					 &err) < 0)
			broker_log("%s", err.msg);
		broker_log("approval %lld withdrawn: %s", (long long)p->id, why);
		unlink_pending(b, p);
		return;
	}
}

void pending_drop_session(struct broker *b, struct live_session *s, const char *why)
{
	struct error err;

	for (struct pending *p = b->pending, *next; p; p = next) {
		next = p->next;
		if (p->s != s)
			continue;
		record_answer(p, ACTION_DENY, "once", "escortd", why, "withdrawn");
		if (store_approval_close(b->store, p->id, "withdrawn", "escortd", "once", why,
					 &err) < 0)
			broker_log("%s", err.msg);
		broker_log("approval %lld withdrawn: %s", (long long)p->id, why);
		unlink_pending(b, p);
	}
}

void pending_tick(struct broker *b)
{
	time_t now = time(NULL);
	char reason[160];

	snprintf(reason, sizeof(reason), "no escort answered within %u seconds",
		 b->cfg.approval_timeout_s);
	for (struct pending *p = b->pending, *next; p; p = next) {
		next = p->next;
		if (now >= p->expires)
			pending_close(b, p, ACTION_DENY, ESCORT__SCOPE__SCOPE_ONCE, NULL, "escortd",
				      reason, "expired");
	}
}

int approve_check(struct broker *b, const struct conn *c, const struct pending *p,
		  const char *confirm, char *why, size_t size)
{
	const struct person *who = config_person(&b->cfg, c->account);
	int level = (int)p->info->level;

	if (who == NULL || !(who->roles & ROLE_ESCORT)) {
		snprintf(why, size, "%s is not an escort", c->account);
		return -1;
	}
	/* A remote session's uid is a number on its host, not on this machine:
	 * across machines only the account's name says who it is. */
	if (strcmp(c->account, p->s->op) == 0 || (!p->s->remote && c->uid == p->s->uid)) {
		snprintf(why, size, "nobody approves their own command (%s runs session %s)",
			 p->s->op, p->s->id);
		return -1;
	}
	if (!scope_cleared(who, level)) {
		snprintf(why, size, "%s's clearance (%s) does not cover a %s risk command",
			 c->account, level_name(who->clearance), level_name(level));
		return -1;
	}
	if (level == LEVEL_CRITICAL &&
	    (confirm == NULL || strcmp(confirm, p->info->program) != 0)) {
		snprintf(why, size,
			 "a critical command needs a typed confirmation: type the program's name "
			 "(%s)",
			 p->info->program);
		return -1;
	}
	return 0;
}
