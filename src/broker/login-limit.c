#include "login-limit.h"

#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES 512

struct entry {
	char key[80]; /* "account NAME" or "address IP"; "" : free */
	unsigned failures;
	time_t first; /* of the failures counted */
};

struct login_limit {
	struct entry e[ENTRIES];
};

struct login_limit *login_limit_new(void)
{
	return xcalloc(1, sizeof(struct login_limit));
}

void login_limit_free(struct login_limit *l)
{
	free(l);
}

static struct entry *find(struct login_limit *l, const char *key)
{
	for (size_t i = 0; i < ENTRIES; i++)
		if (strcmp(l->e[i].key, key) == 0)
			return &l->e[i];
	return NULL;
}

/* The entry for key, or a free one (else the oldest) made its own. */
static struct entry *take(struct login_limit *l, const char *key)
{
	struct entry *e = find(l, key), *oldest = &l->e[0];

	if (e)
		return e;
	for (size_t i = 0; i < ENTRIES; i++) {
		if (l->e[i].key[0] == '\0') {
			oldest = &l->e[i];
			break;
		}
		if (l->e[i].first < oldest->first)
			oldest = &l->e[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	return oldest;
}

/* Seconds until key may try again, 0 when it may now. */
static long wait_for(struct login_limit *l, const char *key, unsigned max, time_t now)
{
	const struct entry *e = find(l, key);

	if (e == NULL || e->failures < max || now - e->first >= LOGIN_WINDOW_S)
		return 0;
	return (long)(e->first + LOGIN_WINDOW_S - now);
}

int login_limit_allows(struct login_limit *l, const char *account, const char *address, time_t now,
		       char *why, size_t size)
{
	char key[80];
	long wait;

	snprintf(key, sizeof(key), "account %s", account);
	if ((wait = wait_for(l, key, LOGIN_ACCOUNT_FAILURES, now)) > 0) {
		snprintf(why, size, "too many wrong passwords for %s: try again in %ld minutes",
			 account, (wait + 59) / 60);
		return 0;
	}
	snprintf(key, sizeof(key), "address %s", address);
	if ((wait = wait_for(l, key, LOGIN_ADDRESS_FAILURES, now)) > 0) {
		snprintf(why, size, "too many wrong passwords from %s: try again in %ld minutes",
			 address, (wait + 59) / 60);
		return 0;
	}
	return 1;
}

static void count(struct login_limit *l, const char *key, time_t now)
{
	struct entry *e = take(l, key);

	if (e->failures == 0 || now - e->first >= LOGIN_WINDOW_S) {
		e->failures = 0;
		e->first = now;
	}
	e->failures++;
}

void login_limit_failed(struct login_limit *l, const char *account, const char *address, time_t now)
{
	char key[80];

	snprintf(key, sizeof(key), "account %s", account);
	count(l, key, now);
	snprintf(key, sizeof(key), "address %s", address);
	count(l, key, now);
}

void login_limit_passed(struct login_limit *l, const char *account)
{
	char key[80];
	struct entry *e;

	snprintf(key, sizeof(key), "account %s", account);
	if ((e = find(l, key)) != NULL)
		memset(e, 0, sizeof(*e));
}
