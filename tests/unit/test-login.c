/* escort login's checks before PAM is asked: the shape of a LoginRequest
 * (broker/login-check.c), of the conversation's prompts and answers
 * (proto/login-talk.c), and the count of wrong passwords
 * (broker/login-limit.c), with the clock given. */
#include "broker/login-check.h"
#include "broker/login-limit.h"
#include "check.h"
#include "proto/login-talk.h"

static int shaped(const char *account)
{
	Escort__LoginRequest r = ESCORT__LOGIN_REQUEST__INIT;
	char why[200];

	r.account = (char *)account;
	return login_request_check(&r, why, sizeof(why)) == 0;
}

static void request_shape(void)
{
	CHECK(shaped("carol"));
	CHECK(shaped("carol.b_2-x"));
	CHECK(!shaped(""));
	CHECK(!shaped("-carol"));
	CHECK(!shaped("carol smith"));
	CHECK(!shaped("carol/../root"));
	CHECK(!shaped("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static int answers_taken(char **answers, size_t n, size_t asked)
{
	Escort__LoginAnswer a = ESCORT__LOGIN_ANSWER__INIT;
	char why[200];

	a.answers = answers;
	a.n_answers = n;
	return login_answer_check(&a, asked, why, sizeof(why)) == 0;
}

static void answer_shape(void)
{
	char long_answer[LOGIN_ANSWER_MAX + 2];
	char *two[] = {"password", "123456"}, *one[] = {long_answer};

	CHECK(answers_taken(two, 2, 2));
	CHECK(!answers_taken(two, 2, 1)); /* more answers than prompts */
	CHECK(!answers_taken(two, 1, 2));
	CHECK(!answers_taken(two, 0, 1));
	memset(long_answer, 'p', sizeof(long_answer) - 1);
	long_answer[sizeof(long_answer) - 1] = '\0';
	CHECK(!answers_taken(one, 1, 1));
	long_answer[LOGIN_ANSWER_MAX] = '\0';
	CHECK(answers_taken(one, 1, 1));
}

static int prompt_taken(Escort__LoginPromptStyle style, const char *text, size_t n)
{
	Escort__LoginPromptItem item = ESCORT__LOGIN_PROMPT_ITEM__INIT,
				*items[LOGIN_PROMPT_ITEMS_MAX + 1];
	Escort__LoginPrompt p = ESCORT__LOGIN_PROMPT__INIT;
	char why[200];

	item.style = style;
	item.text = (char *)text;
	for (size_t i = 0; i < n; i++)
		items[i] = &item;
	p.items = items;
	p.n_items = n;
	return login_prompt_check(&p, why, sizeof(why)) == 0;
}

static void prompt_shape(void)
{
	char long_text[LOGIN_PROMPT_TEXT_MAX + 2], shown[64];

	CHECK(prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_SECRET, "Password: ", 1));
	CHECK(prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_INFO, "hello",
			   LOGIN_PROMPT_ITEMS_MAX));
	CHECK(!prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_INFO, "hello",
			    LOGIN_PROMPT_ITEMS_MAX + 1));
	CHECK(!prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_SECRET, "x", 0));
	CHECK(!prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_UNSPECIFIED, "x", 1));
	CHECK(!prompt_taken((Escort__LoginPromptStyle)9, "x", 1));
	memset(long_text, 't', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	CHECK(!prompt_taken(ESCORT__LOGIN_PROMPT_STYLE__LOGIN_PROMPT_INFO, long_text, 1));
	login_text_shown("a\x1b]0;x\x07"
			 "b\xc2\x9b"
			 "2J\xc3\xa9",
			 shown, sizeof(shown));
	CHECK(strcmp(shown, "a?]0;x?b?2J\xc3\xa9") == 0);
}

static void guesses_per_account(void)
{
	struct login_limit *l = login_limit_new();
	char why[200] = "";
	time_t t = 1000000;

	for (int i = 0; i < LOGIN_ACCOUNT_FAILURES; i++) {
		CHECK(login_limit_allows(l, "carol", "10.0.0.1", t, why, sizeof(why)));
		login_limit_failed(l, "carol", "10.0.0.1", t);
	}
	CHECK(!login_limit_allows(l, "carol", "10.0.0.9", t + 60, why, sizeof(why)));
	CHECK(strstr(why, "too many wrong passwords for carol") != NULL);
	CHECK(login_limit_allows(l, "dave", "10.0.0.1", t + 60, why, sizeof(why)));
	CHECK(login_limit_allows(l, "carol", "10.0.0.1", t + LOGIN_WINDOW_S, why, sizeof(why)));
	login_limit_free(l);
}

static void guesses_per_address(void)
{
	struct login_limit *l = login_limit_new();
	char why[200] = "", account[16];
	time_t t = 1000000;

	for (int i = 0; i < LOGIN_ADDRESS_FAILURES; i++) {
		snprintf(account, sizeof(account), "user%d", i);
		login_limit_failed(l, account, "10.0.0.7", t);
	}
	CHECK(!login_limit_allows(l, "someone", "10.0.0.7", t, why, sizeof(why)));
	CHECK(strstr(why, "from 10.0.0.7") != NULL);
	CHECK(login_limit_allows(l, "someone", "10.0.0.8", t, why, sizeof(why)));
	login_limit_free(l);
}

static void a_right_password_starts_the_count_again(void)
{
	struct login_limit *l = login_limit_new();
	char why[200];

	for (int i = 0; i < LOGIN_ACCOUNT_FAILURES - 1; i++)
		login_limit_failed(l, "carol", "10.0.0.1", 100);
	login_limit_passed(l, "carol");
	login_limit_failed(l, "carol", "10.0.0.1", 100);
	CHECK(login_limit_allows(l, "carol", "10.0.0.2", 100, why, sizeof(why)));
	login_limit_free(l);
}

int main(void)
{
	request_shape();
	answer_shape();
	prompt_shape();
	guesses_per_account();
	guesses_per_address();
	a_right_password_starts_the_count_again();
	CHECK_DONE();
}
