/* The bounds and checks of escort login's conversation (LoginPrompt,
 * LoginAnswer in escort.proto): escortd relays each message of its PAM stack
 * to the person's console and takes the answers back. Both ends check what
 * the other sent (hostile bytes, fuzzed by tests/fuzz/fuzz-login.c). */
#ifndef ESCORT_PROTO_LOGIN_TALK_H
#define ESCORT_PROTO_LOGIN_TALK_H

#include "proto/frame.h"

#include <stddef.h>

#define LOGIN_PROMPT_ITEMS_MAX 8  /* items in one LoginPrompt (one PAM call) */
#define LOGIN_ROUNDS_MAX 8	  /* LoginPrompts in one login */
#define LOGIN_PROMPT_TEXT_MAX 512 /* bytes of an item's text (PAM_MAX_MSG_SIZE) */
#define LOGIN_ANSWER_MAX 1024	  /* bytes of one answer (a password, a code) */

/* Whether style asks the person for an answer (SECRET, VISIBLE). */
int login_style_asks(Escort__LoginPromptStyle style);
/* A LoginPrompt as a console takes it: 1 to LOGIN_PROMPT_ITEMS_MAX items of
 * a known style and a text of at most LOGIN_PROMPT_TEXT_MAX bytes. 0, or -1
 * with why. */
int login_prompt_check(const Escort__LoginPrompt *p, char *why, size_t size);
/* A LoginAnswer as escortd takes it: exactly asked answers (the items of the
 * prompt it answers), none longer than LOGIN_ANSWER_MAX bytes. 0, or -1 with
 * why (names the answer, never repeats it). */
int login_answer_check(const Escort__LoginAnswer *a, size_t asked, char *why, size_t size);
/* text for a terminal: control characters (escape sequences) become '?'. */
void login_text_shown(const char *text, char *out, size_t size);

#endif
