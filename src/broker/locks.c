/* Locking an account: its live sessions end at once on every session host
 * connected to this broker, new ones are refused, and the lock with its
 * reason goes into each of those sessions' logs and the state database. */
#include "broker.h"

#include "log/fields.h"
#include "log/record.h"

#include <stdio.h>
#include <string.h>

static void note_lock(struct live_session *s, const char *action, const char *user,
		      const char *reason, const char *by)
{
	struct buf payload = {0};

	fields_add(&payload, "action", action);
	fields_add(&payload, "user", user);
	fields_add(&payload, "by", by);
	fields_add(&payload, "reason", reason);
	session_note(s, REC_LOCK, &payload);
	buf_free(&payload);
}

/* The person's consoles on other machines (escort login) end now: their
 * credentials were just revoked. Local consoles are the kernel's word. */
static void drop_remote_consoles(struct broker *b, const char *user)
{
	for (struct conn *c = b->conns; c; c = c->next)
		if (c->tls && c->state == CONN_CONSOLE && strcmp(c->account, user) == 0)
			conn_drop(c, "its person was locked");
}

int lock_user(struct broker *b, const char *user, const char *reason, const char *by,
	      struct error *err)
{
	char message[700];
	unsigned ended = 0;

	if (store_lock(b->store, user, reason, by, err) < 0 ||
	    store_credentials_revoke(b->store, user, err) < 0) /* escort login's, too */
		return -1;
	snprintf(message, sizeof(message), "%s was locked by %s%s%.500s", user, by,
		 reason[0] ? ": " : "", reason);
	for (struct live_session *s = b->sessions; s; s = s->next) {
		if (strcmp(s->op, user) != 0)
			continue;
		note_lock(s, "lock", user, reason, by);
		pending_drop_session(b, s, message);
		session_terminate(s, message);
		ended++;
	}
	broker_log("%s; %u live session(s) ended", message, ended);
	drop_remote_consoles(b, user);
	return 0;
}

int unlock_user(struct broker *b, const char *user, const char *by, struct error *err)
{
	struct store_lock lock;

	if (!store_locked(b->store, user, &lock))
		return error_set(err, "%s is not locked", user);
	if (store_unlock(b->store, user, err) < 0)
		return -1;
	broker_log("%s was unlocked by %s", user, by);
	return 0;
}
