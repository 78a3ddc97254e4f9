/* The checks on a LoginRequest from the network (hostile bytes, fuzzed by
 * tests/fuzz/fuzz-login.c), before anything is looked up or PAM is asked. */
#ifndef ESCORT_BROKER_LOGIN_CHECK_H
#define ESCORT_BROKER_LOGIN_CHECK_H

#include "proto/frame.h"

#include <stddef.h>

#define LOGIN_ACCOUNT_MAX 63

/* An account name: 1 to 63 of the characters of POSIX user names
 * (letters, digits, '.', '_', '-'), not starting with '-'. */
int login_account_valid(const char *account);
/* 0, or -1 with why. What PAM asks next (LoginAnswer) is checked by
 * proto/login-talk.c. */
int login_request_check(const Escort__LoginRequest *r, char *why, size_t size);

#endif
