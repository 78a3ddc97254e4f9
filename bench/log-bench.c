/* Session log costs, each against an anchor measured in the same run:
 *   write  — journal_append per record (group commit, MAC, Merkle, zstd)
 *            against plain write() of the same bytes to a file;
 *   verify — verify_log on a large log against SHA-256 of the same bytes.
 *
 *   log-bench DIR [MEGABYTES]
 */
#include "log/journal.h"
#include "log/record.h"
#include "log/sha256.h"
#include "log/verify.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct signing_key signer;
static struct auditor_key auditor;

/* Seconds to journal count records of size bytes (urgent: wait for each). */
static double journal_cost(const char *path, size_t count, size_t size, int urgent)
{
	struct journal_config cfg = {.path = path, .signer = &signer, .auditor = &auditor};
	uint8_t *payload = malloc(size);
	struct error err;
	struct journal *j;
	uint64_t t = 0;
	double start;

	for (size_t i = 0; i < size; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	unlink(path);
	start = now();
	j = journal_open(&cfg, &err);
	if (j == NULL) {
		fprintf(stderr, "log-bench: %s\n", err.msg);
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		payload[0] = (uint8_t)i;
		/* Input records are never merged: this is the cost of one record. */
		t = journal_append(j, REC_INPUT, payload, size, urgent, &err);
		if (urgent)
			journal_wait(j, t, &err);
	}
	journal_wait(j, t, &err);
	journal_close(j, &err);
	free(payload);
	return now() - start;
}

static double plain_write_cost(const char *path, size_t count, size_t size)
{
	uint8_t *payload = calloc(1, size);
	int fd;
	double start = now();

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (size_t i = 0; i < count; i++)
		if (write(fd, payload, size) != (ssize_t)size)
			exit(1);
	fdatasync(fd);
	close(fd);
	free(payload);
	return now() - start;
}

/* A log of about megabytes of incompressible output in 16 KiB reads. */
static void make_big_log(const char *path, size_t megabytes)
{
	struct journal_config cfg = {.path = path, .signer = &signer, .auditor = &auditor};
	size_t chunk = 16384, count = megabytes * 1024 * 1024 / chunk;
	uint8_t *payload = malloc(chunk);
	struct error err;
	struct journal *j;

	unlink(path);
	j = journal_open(&cfg, &err);
	for (size_t i = 0; i < count; i++) {
		randombytes_buf(payload, chunk);
		journal_append(j, REC_OUTPUT, payload, chunk, 0, &err);
	}
	journal_close(j, &err);
	free(payload);
}

static void bench_verify(const char *path, size_t megabytes)
{
	struct verify_options vo = {.key = &signer, .auditor = &auditor};
	struct verify_report rep;
	struct error err;
	struct stat st;
	uint8_t *data, digest[SHA256_LEN];
	double t_verify = 1e9, t_sha = 1e9;
	int fd;

	make_big_log(path, megabytes);
	stat(path, &st);
	data = malloc((size_t)st.st_size);
	fd = open(path, O_RDONLY);
	if (read(fd, data, (size_t)st.st_size) != st.st_size)
		exit(1);
	close(fd);
	for (int round = 0; round < 3; round++) {
		double a = now();
		sha256(data, (size_t)st.st_size, digest);
		double b = now();
		verify_log(path, &vo, &rep, &err);
		double c = now();
		if (!rep.intact) {
			fprintf(stderr, "log-bench: the benchmark log does not verify: %s\n",
				rep.problem);
			exit(1);
		}
		t_sha = b - a < t_sha ? b - a : t_sha;
		t_verify = c - b < t_verify ? c - b : t_verify;
	}
	printf("verify bytes=%lld records=%llu verify_s=%.4f sha256_s=%.4f\n",
	       (long long)st.st_size, (unsigned long long)rep.records, t_verify, t_sha);
	free(data);
}

int main(int argc, char **argv)
{
	char path[4096];
	size_t megabytes = argc > 2 ? (size_t)atol(argv[2]) : 256;
	struct error err;
	const size_t sizes[] = {64, 4096};

	if (argc < 2 || keys_init(&err) < 0 || signing_key_generate(&signer, "bench", &err) < 0) {
		fprintf(stderr, "usage: log-bench DIR [MEGABYTES]\n");
		return 2;
	}
	auditor_key_generate(&auditor);
	snprintf(path, sizeof(path), "%s/bench.eslog", argv[1]);
	for (size_t i = 0; i < 2; i++) {
		size_t count = sizes[i] == 64 ? 200000 : 20000;
		double j = journal_cost(path, count, sizes[i], 0);
		double w = plain_write_cost(path, count, sizes[i]);
		printf("write size=%zu count=%zu journal_s=%.4f plain_s=%.4f\n", sizes[i], count, j,
		       w);
	}
	printf("durable count=2000 journal_s=%.4f\n", journal_cost(path, 2000, 64, 1));
	bench_verify(path, megabytes);
	unlink(path);
	return 0;
}
