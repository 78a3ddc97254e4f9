/* The writer against a real file, including a write that fails half-way. */
#include "check.h"
#include "log/reader.h"
#include "log/writer.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/escort-test-writer-XXXXXX";

static int count_records(const char *path, enum reader_result *last)
{
	struct log_reader r;
	struct record rec;
	struct error err;
	int n = 0;

	if (log_reader_open(&r, path, &err) < 0)
		return -1;
	while ((*last = log_reader_next(&r, &rec, &err)) == READ_RECORD)
		n++;
	log_reader_close(&r);
	return n;
}

static void test_write_and_read(void)
{
	char path[256];
	struct error err;
	struct log_writer *w;
	enum reader_result last;
	struct stat st;

	snprintf(path, sizeof(path), "%s/a.eslog", dir);
	w = log_writer_create(path, &err);
	CHECK(w != NULL);
	log_writer_append(w, REC_OUTPUT, "abc", 3);
	log_writer_append(w, REC_INPUT, "d", 1);
	CHECK(log_writer_sync(w, &err) == 0);
	log_writer_close(w);
	CHECK(count_records(path, &last) == 2 && last == READ_END);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	/* Never overwrite an existing log. */
	CHECK(log_writer_create(path, &err) == NULL);
	CHECK(strstr(err.msg, path) != NULL);
}

/* A write cut short (here by the file size limit, as a full disk would)
 * leaves only whole records and refuses everything after. */
static void test_short_write_keeps_whole_records(void)
{
	struct rlimit old, lim;
	char path[256], payload[1000];
	struct error err;
	struct log_writer *w;
	enum reader_result last;
	int n;

	memset(payload, 'x', sizeof(payload));
	snprintf(path, sizeof(path), "%s/b.eslog", dir);
	w = log_writer_create(path, &err);
	log_writer_append(w, REC_OUTPUT, payload, sizeof(payload));
	CHECK(log_writer_flush(w, &err) == 0);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 2500;
	setrlimit(RLIMIT_FSIZE, &lim);
	for (int i = 0; i < 5; i++)
		log_writer_append(w, REC_OUTPUT, payload, sizeof(payload));
	CHECK(log_writer_flush(w, &err) < 0);
	CHECK(strstr(err.msg, "b.eslog") != NULL);
	CHECK(log_writer_flush(w, &err) < 0);
	setrlimit(RLIMIT_FSIZE, &old);
	log_writer_close(w);
	n = count_records(path, &last);
	CHECK(n == 2 && last == READ_END);
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_write_and_read();
	test_short_write_keeps_whole_records();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	CHECK_DONE();
}
