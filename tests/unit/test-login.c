/* escort login's checks before PAM is asked: the shape of a LoginRequest
 * (broker/login-check.c) and the count of wrong passwords
 * (broker/login-limit.c), with the clock given. */
#include "broker/login-check.h"
#include "broker/login-limit.h"
#include "check.h"

static int shaped(const char *account, const char *password)
{
	Escort__LoginRequest r = ESCORT__LOGIN_REQUEST__INIT;
	char why[200];

	r.account = (char *)account;
	r.password = (char *)password;
	return login_request_check(&r, why, sizeof(why)) == 0;
}

static void request_shape(void)
{
	char long_password[LOGIN_PASSWORD_MAX + 2];

	CHECK(shaped("carol", "x"));
	CHECK(shaped("carol.b_2-x", "pass word with spaces"));
	CHECK(!shaped("", "x"));
	CHECK(!shaped("-carol", "x"));
	CHECK(!shaped("carol smith", "x"));
	CHECK(!shaped("carol/../root", "x"));
	CHECK(!shaped("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x"));
	CHECK(!shaped("carol", ""));
	memset(long_password, 'p', sizeof(long_password) - 1);
	long_password[sizeof(long_password) - 1] = '\0';
	CHECK(!shaped("carol", long_password));
	long_password[LOGIN_PASSWORD_MAX] = '\0';
	CHECK(shaped("carol", long_password));
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
	guesses_per_account();
	guesses_per_address();
	a_right_password_starts_the_count_again();
	CHECK_DONE();
}
