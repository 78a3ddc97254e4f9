#include "login-prompts.h"

#include "util/xmalloc.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int login_read_line(FILE *in, char *out, size_t size)
{
	size_t n;

	if (fgets(out, (int)size, in) == NULL)
		return -1;
	n = strcspn(out, "\n");
	if (out[n] != '\n' && !feof(in))
		return -1;
	out[n] = '\0';
	return 0;
}

/* At the terminal: text shown, the answer read (without echo for a secret). */
static int read_at_tty(FILE *tty, const char *text, int secret, char *out, size_t size)
{
	struct termios old, quiet;
	int rc;

	fputs(text, tty);
	fflush(tty);
	if (!secret)
		return login_read_line(tty, out, size);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	rc = login_read_line(tty, out, size);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
	return rc;
}

/* One item: a message shown (answer ""), or a prompt answered. */
static int answer_item(FILE *tty, const Escort__LoginPromptItem *item, char *out, size_t size)
{
	char shown[LOGIN_PROMPT_TEXT_MAX + 1];
	int secret = item->style == ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_SECRET;

	login_text_shown(item->text ? item->text : "", shown, sizeof(shown));
	out[0] = '\0';
	if (!login_style_asks(item->style)) {
		fprintf(tty ? tty : stderr, "%s\n", shown);
		return 0;
	}
	if (tty)
		return read_at_tty(tty, shown, secret, out, size);
	return login_read_line(stdin, out, size);
}

int login_prompts_answer(const Escort__LoginPrompt *p, char *answers[LOGIN_PROMPT_ITEMS_MAX],
			 struct error *err)
{
	char why[200], line[LOGIN_ANSWER_MAX + 2];
	FILE *tty = isatty(STDIN_FILENO) ? fopen("/dev/tty", "r+e") : NULL;
	size_t i;
	int rc = 0;

	if (login_prompt_check(p, why, sizeof(why)) < 0) {
		if (tty)
			fclose(tty);
		return error_set(err, "%s", why);
	}
	for (i = 0; i < p->n_items && rc == 0; i++) {
		rc = answer_item(tty, p->items[i], line, sizeof(line));
		answers[i] = xstrdup(rc == 0 ? line : "");
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (tty)
		fclose(tty);
	if (rc < 0) {
		login_prompts_forget(answers, i);
		return error_set(err, "no answer was given to escortd's prompt %zu", i);
	}
	return 0;
}

void login_prompts_forget(char **answers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (answers[i] == NULL)
			continue;
		OPENSSL_cleanse(answers[i], strlen(answers[i]));
		free(answers[i]);
		answers[i] = NULL;
	}
}
