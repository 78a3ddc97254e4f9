/* Feeds hostile bytes to what escortd runs on a login connection before PAM
 * is asked or anything is looked up: the frame decoder, then the checks on
 * a LoginRequest (the account's and the password's shape), and on a
 * console's Hello the credential's shape (the hash that is looked up). */
#include "broker/login-check.h"
#include "proto/frame.h"
#include "tls/token.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void check_hello(const Escort__Hello *h)
{
	char hash[TOKEN_HASH_LEN];
	struct error err;
	const char *c = h->credential ? h->credential : "";

	token_hash(c, strnlen(c, TOKEN_LEN), hash, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];
	struct error err;
	size_t used = 0;
	Frame *f;

	if (frame_parse(data, size, &used, &f, &err) != 1)
		return 0;
	if (f->body_case == ESCORT__FRAME__BODY_LOGIN_REQUEST)
		login_request_check(f->login_request, why, sizeof(why));
	else if (f->body_case == ESCORT__FRAME__BODY_HELLO)
		check_hello(f->hello);
	frame_free(f);
	return 0;
}
