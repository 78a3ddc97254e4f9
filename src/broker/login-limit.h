/* Wrong passwords for `escort login`, counted per account and per address:
 * after LOGIN_ACCOUNT_FAILURES for one account (or LOGIN_ADDRESS_FAILURES
 * from one address) within LOGIN_WINDOW_S, escortd asks PAM nothing more
 * for it until the window has passed. Kept in memory, in a table of fixed
 * size (the oldest entry gives way). */
#ifndef ESCORT_BROKER_LOGIN_LIMIT_H
#define ESCORT_BROKER_LOGIN_LIMIT_H

#include <stddef.h>
#include <time.h>

#define LOGIN_ACCOUNT_FAILURES 5
#define LOGIN_ADDRESS_FAILURES 20
#define LOGIN_WINDOW_S 900

struct login_limit;

struct login_limit *login_limit_new(void);
void login_limit_free(struct login_limit *l);
/* 1 when a login of account from address may be checked now; else 0 with
 * why (which one, and for how long). */
int login_limit_allows(struct login_limit *l, const char *account, const char *address, time_t now,
		       char *why, size_t size);
void login_limit_failed(struct login_limit *l, const char *account, const char *address,
			time_t now);
/* A right password: the account's count starts again (the address's not). */
void login_limit_passed(struct login_limit *l, const char *account);

#endif
