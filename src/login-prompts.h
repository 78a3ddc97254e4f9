/* escort login's side of escortd's PAM conversation: each LoginPrompt is
 * shown at the person's terminal (secrets read without echo) and answered;
 * without a terminal each prompt takes a line of standard input, in order
 * (a password, then a code), and messages go to standard error. */
#ifndef ESCORT_LOGIN_PROMPTS_H
#define ESCORT_LOGIN_PROMPTS_H

#include "proto/frame.h"
#include "proto/login-talk.h"
#include "util/error.h"

#include <stdio.h>

/* The answers to p (checked first: escortd's bytes), one per item, into
 * answers (p->n_items of them, "" for messages): 0, or -1 with err. */
int login_prompts_answer(const Escort__LoginPrompt *p, char *answers[LOGIN_PROMPT_ITEMS_MAX],
			 struct error *err);
/* One line from in, without its newline; -1 at its end or when too long. */
int login_read_line(FILE *in, char *out, size_t size);
/* Wipes and frees the n answers. */
void login_prompts_forget(char **answers, size_t n);

#endif
