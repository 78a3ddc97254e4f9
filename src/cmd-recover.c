/* escort recover [--sign-key KEY] [--auditor-key PUB] PATH */
#include "commands.h"

#include "log/journal.h"
#include "session/keyring.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

static void recover_usage(FILE *out)
{
	fputs("usage: escort recover [--sign-key KEY] [--auditor-key PUB] PATH\n"
	      "Closes a session log whose writer died: keeps every record that reads back\n"
	      "intact, moves a torn or damaged tail aside (PATH.torn), and adds a segment that\n"
	      "states what was lost, with a new MAC key and a sealing checkpoint.\n",
	      out);
}

int cmd_recover(int argc, char **argv)
{
	static const struct option options[] = {
	    {"sign-key", required_argument, NULL, 's'},
	    {"auditor-key", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *sign_key = NULL, *auditor_key = NULL;
	struct journal_config cfg = {.recover = 1};
	struct journal_recovery info;
	struct keyring keys;
	struct journal *j;
	struct error err;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:a:h", options, NULL)) != -1) {
		if (opt == 's')
			sign_key = optarg;
		else if (opt == 'a')
			auditor_key = optarg;
		else if (opt == 'h') {
			recover_usage(stdout);
			return EXIT_OK;
		} else {
			recover_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		recover_usage(stderr);
		return EXIT_USAGE;
	}
	if (keyring_load(&keys, sign_key, auditor_key, &err) < 0) {
		fprintf(stderr, "escort recover: %s\n", err.msg);
		return EXIT_FAILED;
	}
	cfg.path = argv[optind];
	cfg.signer = &keys.signer;
	cfg.signer_ephemeral = keys.ephemeral;
	cfg.auditor = keys.has_auditor ? &keys.auditor : NULL;
	j = journal_open(&cfg, &err);
	if (j == NULL) {
		fprintf(stderr, "escort recover: %s\n", err.msg);
		keyring_wipe(&keys);
		return EXIT_FAILED;
	}
	journal_recovery_info(j, &info);
	if (journal_close(j, &err) < 0) {
		fprintf(stderr, "escort recover: %s\n", err.msg);
		keyring_wipe(&keys);
		return EXIT_FAILED;
	}
	keyring_wipe(&keys);
	if (!info.needed) {
		printf("%s is sealed and whole: nothing to recover\n", cfg.path);
		return EXIT_OK;
	}
	printf("recovered %s: %" PRIu64 " records kept, signed up to %" PRIu64 ", %" PRIu64
	       " torn bytes%s%s\n",
	       cfg.path, info.records_kept, info.signed_up_to, info.torn_bytes,
	       info.torn_path[0] ? " kept in " : "", info.torn_path);
	return EXIT_OK;
}
