#include "login-talk.h"

#include <stdio.h>
#include <string.h>

int login_style_asks(Escort__LoginPromptStyle style)
{
	return style == ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_SECRET ||
	       style == ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_VISIBLE;
}

static int style_known(Escort__LoginPromptStyle style)
{
	return login_style_asks(style) || style == ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_ERROR ||
	       style == ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_INFO;
}

int login_prompt_check(const Escort__LoginPrompt *p, char *why, size_t size)
{
	if (p->n_items == 0 || p->n_items > LOGIN_PROMPT_ITEMS_MAX) {
		snprintf(why, size, "escortd sent %zu prompts at once (1 to %d are taken)",
			 p->n_items, LOGIN_PROMPT_ITEMS_MAX);
		return -1;
	}
	for (size_t i = 0; i < p->n_items; i++) {
		const Escort__LoginPromptItem *item = p->items[i];
		const char *text = item->text ? item->text : "";

		if (!style_known(item->style)) {
			snprintf(why, size, "escortd's prompt %zu is of an unknown style", i + 1);
			return -1;
		}
		if (strnlen(text, LOGIN_PROMPT_TEXT_MAX + 1) > LOGIN_PROMPT_TEXT_MAX) {
			snprintf(why, size, "escortd's prompt %zu is longer than %d bytes", i + 1,
				 LOGIN_PROMPT_TEXT_MAX);
			return -1;
		}
	}
	return 0;
}

int login_answer_check(const Escort__LoginAnswer *a, size_t asked, char *why, size_t size)
{
	if (a->n_answers != asked) {
		snprintf(why, size, "%zu answers where %zu were asked", a->n_answers, asked);
		return -1;
	}
	for (size_t i = 0; i < a->n_answers; i++) {
		const char *s = a->answers[i] ? a->answers[i] : "";

		if (strnlen(s, LOGIN_ANSWER_MAX + 1) > LOGIN_ANSWER_MAX) {
			snprintf(why, size, "answer %zu is longer than %d bytes", i + 1,
				 LOGIN_ANSWER_MAX);
			return -1;
		}
	}
	return 0;
}

void login_text_shown(const char *text, char *out, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return;
	for (const unsigned char *s = (const unsigned char *)text; *s && n + 1 < size; s++) {
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) { /* C1 controls: CSI */
			out[n++] = '?';
			s++;
		} else
			out[n++] = *s < 0x20 || *s == 0x7f ? '?' : (char)*s;
	}
	out[n] = '\0';
}
