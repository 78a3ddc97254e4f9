/* What a console's person may see and act on (docs/CONFIG.md, "Who may do
 * what"): auditors see everything; escorts every session and the items
 * their clearance covers; owners the sessions (and their items) on the
 * hosts they own. console.c filters its lists and refuses its verbs with
 * these, so the socket console and the web console show the same. */
#include "broker.h"

#include <stdio.h>
#include <string.h>

int scope_cleared(const struct person *p, int level)
{
	return p && (p->roles & ROLE_ESCORT) && (level < LEVEL_HIGH || p->clearance >= level);
}

int scope_sees_session(const struct broker *b, const char *account, const struct live_session *s)
{
	const struct person *p = config_person(&b->cfg, account);

	if (p && (p->roles & (ROLE_AUDITOR | ROLE_ESCORT)))
		return 1;
	return config_owns_host(&b->cfg, p, s->host);
}

int scope_sees_item(const struct broker *b, const char *account, const struct pending *item)
{
	const struct person *p = config_person(&b->cfg, account);

	if (p && (p->roles & ROLE_AUDITOR))
		return 1;
	return scope_cleared(p, (int)item->info->level) ||
	       config_owns_host(&b->cfg, p, item->s->host);
}

int scope_may_end(const struct broker *b, const char *account, const struct live_session *s)
{
	const struct person *p = config_person(&b->cfg, account);

	if (p && (p->roles & ROLE_ESCORT))
		return 1;
	return config_owns_host(&b->cfg, p, s->host);
}

/* An owner of some hosts locks an account working on one of them (the
 * lock ends its sessions everywhere), and unlocks what they locked. */
int scope_lock_check(struct broker *b, const char *account, const char *user, int on, char *why,
		     size_t size)
{
	const struct person *p = config_person(&b->cfg, account);
	struct store_lock lock;

	if (p == NULL || (p->roles & ROLE_ESCORT) || !p->some_hosts)
		return 0;
	if (!on) {
		if (!store_locked(b->store, user, &lock) || strcmp(lock.by, account) == 0)
			return 0;
		snprintf(why, size, "%s may unlock only what they locked (%s was locked by %s)",
			 account, user, lock.by);
		return -1;
	}
	for (const struct live_session *s = b->sessions; s; s = s->next)
		if (strcmp(s->op, user) == 0 && config_owns_host(&b->cfg, p, s->host))
			return 0;
	snprintf(why, size, "%s may lock only an account working on one of their hosts", account);
	return -1;
}
