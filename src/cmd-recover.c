/* escort recover [--sign-key KEY] [--auditor-key PUB|SECRET] PATH */
#include "commands.h"

#include "log/journal.h"
#include "session/keyring.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

static void recover_usage(FILE *out)
{
	fputs("usage: escort recover [--sign-key KEY] [--auditor-key PUB|SECRET] PATH\n"
	      "Closes a session log whose writer died, and signs only what verifies: the\n"
	      "records up to the last checkpoint signed by KEY and, when --auditor-key is the\n"
	      "auditor's secret key, the records after it whose MACs check under a MAC key\n"
	      "named in the signed part. Everything else is set aside beside the log, byte\n"
	      "for byte (SEGMENT.torn, SEGMENT.unverified). Adds a segment that states what\n"
	      "was set aside, with a new MAC key and a sealing checkpoint. Refuses a log\n"
	      "whose writer is still running.\n",
	      out);
}

static void print_recovery(const char *path, const struct journal_recovery *info)
{
	printf("recovered %s: %" PRIu64 " records kept, signed up to %" PRIu64 ", %" PRIu64
	       " torn bytes%s%s\n",
	       path, info->records_kept, info->signed_up_to, info->torn_bytes,
	       info->torn_path[0] ? " kept in " : "", info->torn_path);
	if (info->set_aside_from > 0)
		printf("set aside unverified: the records from %" PRIu64 " on (%s)\n",
		       info->set_aside_from, info->why_set_aside);
	if (info->set_aside_segments > 0)
		printf("set aside unverified: %" PRIu64 " later segment(s), renamed "
		       "SEGMENT.unverified\n",
		       info->set_aside_segments);
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
	struct auditor_key checker = {0};
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
	keyring_warn(&keys, "escort recover");
	cfg.auditor = keys.has_auditor ? &keys.auditor : NULL;
	if (auditor_key != NULL && auditor_key_load(&checker, auditor_key, &err) < 0) {
		fprintf(stderr, "escort recover: %s\n", err.msg);
		keyring_wipe(&keys);
		return EXIT_FAILED;
	}
	/* The auditor's secret key, when given, checks the unsigned records' MACs. */
	cfg.mac_checker = checker.has_secret ? &checker : NULL;
	j = journal_open(&cfg, &err);
	sodium_memzero(&checker, sizeof(checker));
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
	print_recovery(cfg.path, &info);
	return EXIT_OK;
}
