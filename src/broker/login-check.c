#include "login-check.h"

#include <stdio.h>
#include <string.h>

int login_account_valid(const char *a)
{
	size_t n = a ? strnlen(a, LOGIN_ACCOUNT_MAX + 1) : 0;

	if (n == 0 || n > LOGIN_ACCOUNT_MAX || a[0] == '-')
		return 0;
	return strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int login_request_check(const Escort__LoginRequest *r, char *why, size_t size)
{
	if (!login_account_valid(r->account)) {
		snprintf(why, size,
			 "the account name is not 1 to %d letters, digits, '.', '_' or "
			 "'-'",
			 LOGIN_ACCOUNT_MAX);
		return -1;
	}
	return 0;
}
