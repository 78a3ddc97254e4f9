/* The risk engine opens no file an argv names (escortd runs as root and
 * shows what it rates to the escorts), rates a script from the text its
 * caller supplies, and starts no whatis child when told not to.
 *   test-risk-input RULES_DIR */
#include "check.h"
#include "risk/risk.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET "escortsecret4711"

static int report_mentions(const struct risk_report *r, const char *s)
{
	if (strstr(r->summary, s) || strstr(r->line, s))
		return 1;
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		if (strstr(f->explain, s) || strstr(f->why, s) || strstr(f->ask, s))
			return 1;
	}
	return 0;
}

static int found(const struct risk_report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].rule, id) == 0)
			return 1;
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(fchmod(fd, mode) == 0);
	close(fd);
}

/* As escortd rates (broker/decide.c): the session host sent no script text
 * for `sh FILE`, so FILE stays unread, root-only or not. */
static void secret_stays_unread(struct risk_engine *e, const char *dir)
{
	char path[600];
	char *argv[] = {"sh", path, NULL};
	const struct risk_input none = {0};
	const struct risk_input sent = {.script = "shred -u /etc/passwd\n", .script_len = 21};
	struct risk_report r;

	snprintf(path, sizeof(path), "%s/secret", dir);
	write_file(path, SECRET " --token\n", 0600);
	if (geteuid() == 0)
		CHECK(chown(path, 0, 0) == 0);
	else
		printf("not root: the secret file is the caller's own, still never to be read\n");
	CHECK(risk_rate_exec(e, argv, &none, &r) == 0);
	CHECK(!report_mentions(&r, SECRET));
	printf("sh FILE unread: %s\n", r.summary);
	risk_report_free(&r);
	CHECK(risk_rate_exec(e, argv, NULL, &r) == 0);
	CHECK(!report_mentions(&r, SECRET));
	risk_report_free(&r);
	/* The text the caller supplies is what is rated. */
	CHECK(risk_rate_exec(e, argv, &sent, &r) == 0);
	CHECK(found(&r, "destruction.shred"));
	CHECK(!report_mentions(&r, SECRET));
	risk_report_free(&r);
	unlink(path);
}

/* A whatis first on PATH that leaves a mark when it runs. */
static void fake_whatis(const char *dir, char *mark, size_t size)
{
	char path[600], script[1400];

	snprintf(mark, size, "%s/whatis-ran", dir);
	snprintf(path, sizeof(path), "%s/whatis", dir);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\ntouch '%s'\necho 'escortunknown (1) - frobs the widgets'\n", mark);
	write_file(path, script, 0755);
	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", dir);
	setenv("PATH", path, 1);
	unsetenv("ESCORT_NO_WHATIS");
}

static void unknown_program(struct risk_engine *e, const char *mark, int whatis_expected)
{
	char *argv[] = {"escortunknown", NULL};
	struct risk_report r;

	CHECK(risk_rate_exec(e, argv, NULL, &r) == 0);
	CHECK(found(&r, "unknown-program"));
	CHECK(r.level == LEVEL_MEDIUM); /* the manual's summary does not change the level */
	CHECK((access(mark, F_OK) == 0) == whatis_expected);
	CHECK((strstr(r.findings[0].explain, "frobs the widgets") != NULL) == whatis_expected);
	risk_report_free(&r);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/escort-test-risk-input-XXXXXX", mark[700];
	struct risk_engine *quiet, *plain;
	struct error err;

	if (argc != 2 || mkdtemp(dir) == NULL)
		return 2;
	quiet = risk_engine_new(argv[1], RISK_NO_WHATIS, &err);
	plain = risk_engine_new(argv[1], 0, &err);
	if (quiet == NULL || plain == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	secret_stays_unread(quiet, dir);
	secret_stays_unread(plain, dir);
	fake_whatis(dir, mark, sizeof(mark));
	unknown_program(quiet, mark, 0);
	unknown_program(plain, mark, 1); /* the fake whatis is run: the check above can fail */
	unlink(mark);
	snprintf(mark, sizeof(mark), "%s/whatis", dir);
	unlink(mark);
	rmdir(dir);
	risk_engine_free(quiet);
	risk_engine_free(plain);
	CHECK_DONE();
}
