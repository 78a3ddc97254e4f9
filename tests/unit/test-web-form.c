/* What a browser sends, decoded: form bodies and cookies, good and hostile. */
#include "check.h"
#include "web/form.h"
#include "web/origin.h"

static void good_forms(void)
{
	struct form f;
	const char *why = NULL;
	const char body[] = "id=12&verb=approve&note=a+b%20c%3C%2Fscript%3E&empty=&bare";

	CHECK(form_parse(&f, body, sizeof(body) - 1, &why) == 0);
	CHECK_STR(form_get(&f, "id"), "12");
	CHECK_STR(form_get(&f, "verb"), "approve");
	CHECK_STR(form_get(&f, "note"), "a b c</script>");
	CHECK_STR(form_get(&f, "empty"), "");
	CHECK_STR(form_get(&f, "bare"), "");
	CHECK_STR(form_get(&f, "absent"), "");
	CHECK(f.n == 5);
	form_free(&f);
	CHECK(form_parse(&f, "", 0, &why) == 0 && f.n == 0);
	form_free(&f);
}

static int refused(const char *body, size_t len, const char *want)
{
	struct form f;
	const char *why = NULL;

	if (form_parse(&f, body, len, &why) == 0) {
		form_free(&f);
		fprintf(stderr, "accepted: %.*s\n", (int)len, body);
		return 0;
	}
	return strstr(why, want) != NULL;
}

static void hostile_forms(void)
{
	static char big[FORM_MAX_BYTES + 2];

	CHECK(refused("a=%", 3, "not form-encoded"));
	CHECK(refused("a=%4", 4, "not form-encoded"));
	CHECK(refused("a=%zz", 5, "not form-encoded"));
	CHECK(refused("a=%00", 5, "not form-encoded"));
	CHECK(refused("a\0b=1", 5, "not form-encoded"));
	CHECK(refused("%=1", 3, "not form-encoded"));
	CHECK(refused("id=1&id=2", 9, "given twice"));
	CHECK(refused("a=&b=&c=&d=&e=&f=&g=&h=&i=&j=&k=&l=&m=&n=&o=&p=&q=", 50, "too many"));
	memset(big, 'a', sizeof(big) - 1);
	CHECK(refused(big, sizeof(big) - 1, "too long"));
}

static void cookies(void)
{
	char v[64];

	CHECK(cookie_get("a=1; __Host-escort=abc; b=2", "__Host-escort", v, sizeof(v)) == 0);
	CHECK_STR(v, "abc");
	CHECK(cookie_get("__Host-escort=x", "__Host-escort", v, sizeof(v)) == 0);
	CHECK_STR(v, "x");
	CHECK(cookie_get("x__Host-escort=1", "__Host-escort", v, sizeof(v)) < 0);
	CHECK(cookie_get("__Host-escortX=1", "__Host-escort", v, sizeof(v)) < 0);
	CHECK(cookie_get("__Host-escort=1; __Host-escort=2", "__Host-escort", v, sizeof(v)) < 0);
	CHECK(cookie_get("__Host-escort=0123456789", "__Host-escort", v, 5) < 0);
	CHECK(cookie_get("", "__Host-escort", v, sizeof(v)) < 0);
	CHECK(cookie_get(";;; ;", "__Host-escort", v, sizeof(v)) < 0);
}

/* Host, Origin and Referer against the console's names. */
static void origins(void)
{
	const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
	const char *const good_hosts[] = {"localhost", "LOCALHOST:8443", "127.0.0.1:1", "[::1]",
					  "[::1]:8443"};
	const char *const bad_hosts[] = {"",
					 "localhost.",
					 "localhost:",
					 "localhost:x",
					 "localhost:123456",
					 "evil.localhost",
					 "[::1",
					 "127.0.0.1.evil.org",
					 "localhost:1:2",
					 "::1",
					 "localhost@evil"};
	const char *const good_urls[][2] = {{"https://localhost", "localhost"},
					    {"https://LocalHost:8443", "localhost:8443"},
					    {"https://127.0.0.1:9/approval/3", "127.0.0.1:9"},
					    {"https://[::1]:8443?x", "[::1]:8443"}};
	const char *const bad_urls[] = {"null",
					"http://localhost",
					"https://evil.org",
					"https://localhost@evil.org",
					"https://evil.org@localhost",
					"https://localhost.evil.org/",
					"https://localhost\\@evil.org",
					"https:/localhost",
					"https://"};

	for (size_t i = 0; i < sizeof(good_hosts) / sizeof(good_hosts[0]); i++)
		CHECK(origin_host_allowed(good_hosts[i], names, 3));
	for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(bad_hosts[0]); i++)
		CHECK(!origin_host_allowed(bad_hosts[i], names, 3));
	CHECK(!origin_host_allowed(NULL, names, 3));
	for (size_t i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++)
		CHECK(origin_url_same(good_urls[i][0], good_urls[i][1]));
	for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++)
		CHECK(!origin_url_same(bad_urls[i], "localhost"));
	CHECK(!origin_url_same("https://localhost:9999", "localhost:8443")); /* another page */
	CHECK(!origin_url_same("https://localhost:8443", "localhost"));
	CHECK(!origin_url_same("https://localhost", ""));
	CHECK(!origin_url_same("https://localhost", NULL));
}

int main(void)
{
	origins();
	good_forms();
	hostile_forms();
	cookies();
	CHECK_DONE();
}
