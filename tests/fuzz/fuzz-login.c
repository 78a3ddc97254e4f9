/* Feeds hostile bytes to what runs on both ends of a login: on escortd,
 * before PAM is asked or anything is looked up, the frame decoder, then the
 * checks on a LoginRequest (the account's shape), on a LoginAnswer (as many
 * answers as prompts, each bounded; the count asked is taken from the first
 * byte) and on a console's Hello the credential's shape (the hash that is
 * looked up); on `escort login`, the checks on escortd's LoginPrompt and
 * the text it would show at the terminal. */
#include "broker/login-check.h"
#include "proto/frame.h"
#include "proto/login-talk.h"
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

static void check_prompt(const Escort__LoginPrompt *p)
{
	char why[200], shown[LOGIN_PROMPT_TEXT_MAX + 1];

	if (login_prompt_check(p, why, sizeof(why)) < 0)
		return;
	for (size_t i = 0; i < p->n_items; i++)
		login_text_shown(p->items[i]->text ? p->items[i]->text : "", shown, sizeof(shown));
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
	else if (f->body_case == ESCORT__FRAME__BODY_LOGIN_ANSWER)
		login_answer_check(f->login_answer,
				   size ? data[0] % (LOGIN_PROMPT_ITEMS_MAX + 1) : 1, why,
				   sizeof(why));
	else if (f->body_case == ESCORT__FRAME__BODY_LOGIN_PROMPT)
		check_prompt(f->login_prompt);
	frame_free(f);
	return 0;
}
