/* escort verify [--key PUBKEY] [--auditor-key SECRETKEY] [--session ID]
 *               [--checkpoints FILE] PATH... */
#include "commands.h"

#include "log/checkpoint-file.h"
#include "log/verify.h"

#include <getopt.h>
#include <stdio.h>

static void verify_usage(FILE *out)
{
	fputs("usage: escort verify [--key PUBKEY] [--auditor-key SECRETKEY] [--session ID]\n"
	      "                    [--checkpoints FILE] PATH...\n"
	      "Checks that each session log is whole and unaltered: every record's checksum,\n"
	      "the order of records and segments, every signed checkpoint against the records\n"
	      "and the segment headers, the MAC key epochs and, with the auditor's secret key,\n"
	      "every record's MAC (which must then be sealed to it). Names the session the log\n"
	      "is of; with --session, a log of another session is an error.\n"
	      "With --checkpoints (the checkpoints escortd kept apart from the log,\n"
	      "STATE/checkpoints/SESSION.notes), every kept checkpoint of the log must be\n"
	      "signed by its key and equal its tree at that size: a log cut short, rolled\n"
	      "back to an earlier copy or made again fails.\n"
	      "Result: complete (the session's end recorded and sealed), crashed, recovered,\n"
	      "or NOT INTACT (truncated after record N, or the first thing wrong).\n"
	      "Exit status: 0 complete or recovered, 1 not intact or unreadable, 2 usage error.\n",
	      out);
}

static int load_keys(const char *key_path, const char *auditor_path, struct signing_key *key,
		     struct auditor_key *auditor, struct error *err)
{
	if (keys_init(err) < 0)
		return -1;
	if (key_path != NULL && signing_key_load(key, key_path, err) < 0)
		return -1;
	if (auditor_path != NULL) {
		if (auditor_key_load(auditor, auditor_path, err) < 0)
			return -1;
		if (!auditor->has_secret)
			return error_set(err,
					 "%s is a public key: checking MACs needs the auditor's "
					 "secret key",
					 auditor_path);
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"auditor-key", required_argument, NULL, 'a'},
	    {"session", required_argument, NULL, 'S'},
	    {"checkpoints", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *key_path = NULL, *auditor_path = NULL, *kept_path = NULL;
	struct kept_notes kept = {0};
	struct signing_key key;
	struct auditor_key auditor;
	struct verify_options vo = {0};
	struct error err;
	int opt, status = EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "k:a:h", options, NULL)) != -1) {
		if (opt == 'S')
			vo.session = optarg;
		else if (opt == 'c')
			kept_path = optarg;
		else if (opt == 'k')
			key_path = optarg;
		else if (opt == 'a')
			auditor_path = optarg;
		else if (opt == 'h') {
			verify_usage(stdout);
			return EXIT_OK;
		} else {
			verify_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		verify_usage(stderr);
		return EXIT_USAGE;
	}
	if (load_keys(key_path, auditor_path, &key, &auditor, &err) < 0) {
		fprintf(stderr, "escort verify: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if (kept_path != NULL && kept_notes_load(&kept, kept_path, &err) < 0) {
		fprintf(stderr, "escort verify: %s\n", err.msg);
		return EXIT_FAILED;
	}
	vo.kept = kept_path ? &kept : NULL;
	vo.key = key_path ? &key : NULL;
	vo.auditor = auditor_path ? &auditor : NULL;
	for (int i = optind; i < argc; i++) {
		struct verify_report rep;
		if (i > optind)
			putchar('\n');
		if (verify_log(argv[i], &vo, &rep, &err) < 0) {
			printf("log:        %s\nresult:     NOT INTACT: %s\n", argv[i], err.msg);
			status = EXIT_FAILED;
			continue;
		}
		verify_print(stdout, argv[i], &rep);
		if (!rep.intact)
			status = EXIT_FAILED;
	}
	sodium_memzero(&auditor, sizeof(auditor));
	kept_notes_free(&kept);
	return status;
}
