/* The journal against real files: group commit, epochs, checkpoints, a write
 * cut short, and recovery — each checked by the verifier. */
#include "check.h"
#include "log/journal.h"
#include "log/reader.h"
#include "log/verify.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/escort-test-journal-XXXXXX";
static struct signing_key signer;
static struct auditor_key auditor;

static struct journal *open_log(const char *name, unsigned epoch_ms, char *path, size_t size)
{
	struct journal_config cfg = {
	    .signer = &signer, .auditor = &auditor, .epoch_ms = epoch_ms, .checkpoint_ms = 20};
	struct error err;
	struct journal *j;

	snprintf(path, size, "%s/%s", dir, name);
	cfg.path = path;
	j = journal_open(&cfg, &err);
	if (j == NULL)
		fprintf(stderr, "journal_open: %s\n", err.msg);
	return j;
}

static int verify(const char *path, struct verify_report *rep)
{
	struct verify_options vo = {.key = &signer, .auditor = &auditor};
	struct error err;

	if (verify_log(path, &vo, rep, &err) < 0) {
		fprintf(stderr, "verify: %s\n", err.msg);
		return -1;
	}
	if (!rep->intact)
		fprintf(stderr, "verify %s: %s\n", path, rep->problem);
	return rep->intact ? 0 : -1;
}

/* A session's log ends with its session-end record, then the seal. */
static int end_and_close(struct journal *j, struct error *err)
{
	uint64_t t = journal_append(j, REC_SESSION_END, "reason\0exit\0", 12, 1, err);

	if (t == 0) {
		journal_close(j, err);
		return -1;
	}
	return journal_close(j, err);
}

static int count_type(const char *path, uint16_t type)
{
	struct log_reader r;
	struct record rec;
	struct error err;
	int n = 0;

	if (log_reader_open(&r, path, &err) < 0)
		return -1;
	while (log_reader_next(&r, &rec, &err) == READ_RECORD)
		n += rec.type == type;
	log_reader_close(&r);
	return n;
}

static void test_write_verify(void)
{
	char path[256], line[64];
	struct verify_report rep;
	struct error err;
	struct journal *j = open_log("a.eslog", 0, path, sizeof(path));
	uint64_t t = 0;

	CHECK(j != NULL);
	for (int i = 0; i < 2000; i++) {
		int n = snprintf(line, sizeof(line), "line %d of output, compressible text\n", i);
		t = journal_append(j, i % 10 ? REC_OUTPUT : REC_INPUT, line, (size_t)n, i == 1000,
				   &err);
		CHECK(t != 0);
	}
	CHECK(journal_wait(j, t, &err) == 0);
	CHECK(end_and_close(j, &err) == 0);
	CHECK(verify(path, &rep) == 0);
	CHECK(rep.macs_checked == 1 && rep.signer_trusted == 1);
	CHECK(rep.signed_up_to + 1 == rep.records);
	CHECK(count_type(path, REC_CHECKPOINT) >= 2); /* the urgent one and the seal */
}

static void test_epochs_end_even_when_idle(void)
{
	char path[256];
	struct verify_report rep;
	struct error err;
	struct journal *j = open_log("b.eslog", 30, path, sizeof(path));

	CHECK(j != NULL);
	CHECK(journal_append(j, REC_OUTPUT, "x", 1, 0, &err) != 0);
	usleep(200 * 1000);
	CHECK(end_and_close(j, &err) == 0);
	CHECK(count_type(path, REC_EPOCH_END) >= 4);
	CHECK(verify(path, &rep) == 0);
}

static void test_short_write_then_recover(void)
{
	char path[256], payload[4000];
	struct journal_config cfg = {.signer = &signer, .auditor = &auditor, .recover = 1};
	struct verify_report rep;
	struct rlimit old, lim;
	struct error err;
	struct journal *j = open_log("c.eslog", 0, path, sizeof(path));
	int failed = 0;

	memset(payload, 'q', sizeof(payload));
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 20000;
	setrlimit(RLIMIT_FSIZE, &lim);
	for (int i = 0; i < 100 && !failed; i++) {
		uint64_t t = journal_append(j, REC_INPUT, payload, sizeof(payload), 1, &err);
		failed = t == 0 || journal_wait(j, t, &err) < 0;
	}
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(failed);
	CHECK(strstr(err.msg, "c.eslog") != NULL);
	CHECK(journal_close(j, &err) < 0);
	/* The file ends on a record boundary, unsealed. */
	CHECK(verify(path, &rep) < 0 && strstr(rep.problem, "not sealed") != NULL);
	cfg.path = path;
	j = journal_open(&cfg, &err);
	CHECK(j != NULL);
	CHECK(journal_close(j, &err) == 0);
	CHECK(verify(path, &rep) == 0 && rep.recoveries == 1 && rep.torn_bytes == 0);
}

static void test_torn_tail_is_kept_aside(void)
{
	char path[256], torn[300];
	struct journal_config cfg = {.signer = &signer, .auditor = &auditor, .recover = 1};
	struct journal_recovery info;
	struct verify_report rep;
	struct error err;
	struct stat st;
	struct journal *j = open_log("d.eslog", 0, path, sizeof(path));
	int fd;

	CHECK(end_and_close(j, &err) == 0);
	/* Nothing to do for a sealed log. */
	cfg.path = path;
	j = journal_open(&cfg, &err);
	journal_recovery_info(j, &info);
	CHECK(!info.needed);
	CHECK(journal_close(j, &err) == 0);
	/* A crash in the middle of a write. */
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, "\x90\x00\x00\x00garbage", 11) == 11);
	close(fd);
	CHECK(verify(path, &rep) < 0 && rep.torn_bytes == 11);
	j = journal_open(&cfg, &err);
	CHECK(j != NULL);
	journal_recovery_info(j, &info);
	CHECK(info.needed && info.torn_bytes == 11);
	CHECK(journal_close(j, &err) == 0);
	snprintf(torn, sizeof(torn), "%s.torn", path);
	CHECK(stat(torn, &st) == 0 && st.st_size == 11);
	CHECK(verify(path, &rep) == 0 && rep.torn_bytes == 11 && rep.recoveries == 1);
	/* A second recovery finds the log sealed again. */
	j = journal_open(&cfg, &err);
	journal_recovery_info(j, &info);
	CHECK(!info.needed);
	journal_close(j, &err);
}

int main(void)
{
	struct error err;
	char cmd[300];

	if (mkdtemp(dir) == NULL || keys_init(&err) < 0 ||
	    signing_key_generate(&signer, "escort-test", &err) < 0)
		return 1;
	auditor_key_generate(&auditor);
	test_write_verify();
	test_epochs_end_even_when_idle();
	test_short_write_then_recover();
	test_torn_tail_is_kept_aside();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	CHECK_DONE();
}
