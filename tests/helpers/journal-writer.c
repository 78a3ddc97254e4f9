/* Test helper for the crash tests: writes records into a journal as fast as
 * it can and prints "durable N" after journal_wait confirms record N, so a
 * test can kill -9 it anywhere and check that every confirmed record survived.
 *
 *   journal-writer LOG SIGNING_KEY AUDITOR_PUB [WAIT_EVERY]
 */
#include "log/journal.h"
#include "log/record.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct signing_key signer;
	struct auditor_key auditor;
	struct journal_config cfg = {.checkpoint_ms = 5, .epoch_ms = 20};
	struct error err;
	struct journal *j;
	int every = argc > 4 ? atoi(argv[4]) : 7;
	char payload[600];

	if (argc < 4 || keys_init(&err) < 0 || signing_key_load(&signer, argv[2], &err) < 0 ||
	    auditor_key_load(&auditor, argv[3], &err) < 0) {
		fprintf(stderr, "journal-writer: %s\n", argc < 4 ? "usage" : err.msg);
		return 2;
	}
	cfg.path = argv[1];
	cfg.signer = &signer;
	cfg.auditor = &auditor;
	j = journal_open(&cfg, &err);
	if (j == NULL) {
		fprintf(stderr, "journal-writer: %s\n", err.msg);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned long n = 0;; n++) {
		int len = snprintf(payload, sizeof(payload), "record-%lu ", n);
		uint64_t t;
		while (len < (int)(n % 500) + 20)
			payload[len++] = (char)('a' + n % 26);
		t = journal_append(j, n % 3 ? REC_OUTPUT : REC_INPUT, payload, (size_t)len,
				   n % 50 == 0, &err);
		if (t == 0) {
			fprintf(stderr, "journal-writer: %s\n", err.msg);
			return 1;
		}
		if (n % (unsigned long)every == 0) {
			if (journal_wait(j, t, &err) < 0) {
				fprintf(stderr, "journal-writer: %s\n", err.msg);
				return 1;
			}
			printf("durable %lu\n", n);
		}
	}
}
