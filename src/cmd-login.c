/* escort login --broker HOST:PORT [--pin PIN] [--user NAME]: the escort's
 * name and the answers to whatever escortd's PAM stack asks (a password, a
 * one-time code: login-prompts.c), checked by escortd, buy a credential
 * kept in ~/.config/escort/brokers/HOST:PORT (login-file.c); the console
 * commands with --broker HOST:PORT then act as that person. The pin
 * (escortd prints it) is needed the first time; it is kept with the
 * credential. */
#include "commands.h"
#include "console-remote.h"
#include "login-file.h"
#include "login-prompts.h"

#include <getopt.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct login_options {
	const char *broker, *pin, *user;
};

static int parse(int argc, char **argv, struct login_options *o)
{
	static const struct option options[] = {{"broker", required_argument, NULL, 'b'},
						{"pin", required_argument, NULL, 'p'},
						{"user", required_argument, NULL, 'u'},
						{NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'b')
			o->broker = optarg;
		else if (opt == 'p')
			o->pin = optarg;
		else if (opt == 'u')
			o->user = optarg;
		else
			return -1;
	}
	return optind == argc && o->broker ? 0 : -1;
}

/* --user, else at a terminal asked (the local account's name by default),
 * else the local account's name. */
static int read_user(const char *given, char *out, size_t size)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *local = pw ? pw->pw_name : "";

	if (given) {
		snprintf(out, size, "%s", given);
		return 0;
	}
	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "name [%s]: ", local);
		if (login_read_line(stdin, out, size) < 0)
			return -1;
		if (out[0])
			return 0;
	}
	snprintf(out, size, "%s", local);
	return out[0] ? 0 : -1;
}

/* "sha256:" and 64 hex digits, as escortd prints it. */
static int pin_shaped(const char *pin)
{
	return strlen(pin) == PIN_LEN - 1 && strncmp(pin, "sha256:", 7) == 0 &&
	       strspn(pin + 7, "0123456789abcdefABCDEF") == PIN_LEN - 8;
}

/* What escortd says the account is goes into a file, line by line. */
static int login_account_shape(const char *a)
{
	size_t n = strlen(a);

	return n > 0 && n < 64 && strcspn(a, "\n\r ") == n;
}

static const char *result_text(Escort__LoginResult r)
{
	switch (r) {
	case ESCORT__LOGIN_RESULT__LOGIN_REFUSED:
		return "refused";
	case ESCORT__LOGIN_RESULT__LOGIN_TOO_MANY:
		return "refused for now";
	case ESCORT__LOGIN_RESULT__LOGIN_BAD_REQUEST:
		return "not a valid request";
	default:
		return "failed";
	}
}

/* escortd's answer: the credential into f, or -1 with why not. */
static int take_reply(const Frame *in, struct login_file *f, struct error *err)
{
	const Escort__LoginReply *r = in->login_reply;

	if (in->body_case != ESCORT__FRAME__BODY_LOGIN_REPLY)
		return error_set(err, "escortd answered something else than a login reply");
	if (r->result != ESCORT__LOGIN_RESULT__LOGIN_OK)
		return error_set(err, "%s: %s", result_text(r->result), r->reason);
	if (strlen(r->credential) != TOKEN_LEN - 1 ||
	    strspn(r->credential, "0123456789abcdef") != TOKEN_LEN - 1 ||
	    !login_account_shape(r->account))
		return error_set(err, "escortd's credential is not of the expected shape");
	snprintf(f->account, sizeof(f->account), "%s", r->account);
	snprintf(f->credential, sizeof(f->credential), "%s", r->credential);
	f->expires = (int64_t)r->expires;
	return 0;
}

/* One prompt of escortd's answered: 0, or -1 with err. */
static int answer(struct tls_link *link, const Escort__LoginPrompt *p, struct error *err)
{
	Escort__LoginAnswer a = ESCORT__LOGIN_ANSWER__INIT;
	Frame out = ESCORT__FRAME__INIT;
	char *answers[LOGIN_PROMPT_ITEMS_MAX] = {0};
	int rc;

	if (login_prompts_answer(p, answers, err) < 0)
		return -1;
	a.answers = answers;
	a.n_answers = p->n_items;
	out.body_case = ESCORT__FRAME__BODY_LOGIN_ANSWER;
	out.login_answer = &a;
	rc = tls_frame_write(link, &out, err);
	login_prompts_forget(answers, p->n_items);
	return rc;
}

/* escortd's prompts answered until its reply: 0 with the credential in f. */
static int converse(struct tls_link *link, struct login_file *f, struct error *err)
{
	Frame *in = NULL;
	int rc = -1;

	for (int round = 0; round <= LOGIN_ROUNDS_MAX; round++) {
		if (tls_frame_read(link, &in, err) < 0)
			return -1;
		if (in->body_case != ESCORT__FRAME__BODY_LOGIN_PROMPT)
			break;
		rc = round < LOGIN_ROUNDS_MAX
			 ? answer(link, in->login_prompt, err)
			 : error_set(err, "escortd asks more than %d times", LOGIN_ROUNDS_MAX);
		frame_free(in);
		in = NULL;
		if (rc < 0)
			return -1;
	}
	rc = take_reply(in, f, err);
	frame_free(in);
	return rc;
}

/* Asks escortd; on success f gets the credential. */
static int ask(const char *user, struct login_file *f, struct error *err)
{
	Escort__LoginRequest q = ESCORT__LOGIN_REQUEST__INIT;
	Frame out = ESCORT__FRAME__INIT;
	struct tls_link link;
	int rc = -1;

	if (remote_link_open(f->broker, f->pin, &link, err) < 0)
		return -1;
	q.account = (char *)user;
	out.body_case = ESCORT__FRAME__BODY_LOGIN_REQUEST;
	out.login_request = &q;
	if (tls_frame_write(&link, &out, err) == 0)
		rc = converse(&link, f, err);
	tls_link_close(&link);
	return rc;
}

static int login(const struct login_options *o, struct login_file *f)
{
	char user[64];
	struct error err;

	if (read_user(o->user, user, sizeof(user)) < 0) {
		fprintf(stderr, "escort login: no name was given\n");
		return EXIT_USAGE;
	}
	if (ask(user, f, &err) < 0 || login_file_save(f, &err) < 0) {
		fprintf(stderr, "escort login: %s: %s\n", f->broker, err.msg);
		return err.code == ERR_SYSTEM ? EXIT_UNREACHABLE : EXIT_FAILED;
	}
	printf("logged in to %s as %s until %s", f->broker, f->account,
	       ctime(&(time_t){(time_t)f->expires}));
	return EXIT_OK;
}

static void login_usage(FILE *out)
{
	fputs("usage: escort login --broker HOST:PORT [--pin PIN] [--user NAME]\n", out);
}

int cmd_login(int argc, char **argv)
{
	struct login_options o = {0};
	struct login_file f;
	struct error err;
	int rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		login_usage(stdout);
		return EXIT_OK;
	}
	if (parse(argc, argv, &o) < 0) {
		login_usage(stderr);
		return EXIT_USAGE;
	}
	if (login_file_load(o.broker, &f, &err) < 0)
		memset(&f, 0, sizeof(f));
	snprintf(f.broker, sizeof(f.broker), "%s", o.broker);
	if (o.pin && !pin_shaped(o.pin)) {
		fprintf(stderr, "escort login: --pin is sha256: and 64 hex digits\n");
		return EXIT_USAGE;
	}
	if (o.pin)
		snprintf(f.pin, sizeof(f.pin), "%s", o.pin);
	if (f.pin[0] == '\0') {
		fprintf(stderr,
			"escort login: the first login to %s needs --pin (escortd prints "
			"its pin: escortd token, or its log)\n",
			o.broker);
		return EXIT_USAGE;
	}
	rc = login(&o, &f);
	OPENSSL_cleanse(f.credential, sizeof(f.credential));
	return rc;
}
