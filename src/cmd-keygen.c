/* escort keygen [--dir DIR] [--name NAME] */
#include "commands.h"

#include "log/keys.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>

static void keygen_usage(FILE *out)
{
	fputs("usage: escort keygen [--dir DIR] [--name NAME]\n"
	      "Writes a checkpoint signing key pair (signing.key, signing.pub) and an auditor\n"
	      "key pair (auditor.key, auditor.pub) into DIR (default: the current directory).\n"
	      "Secret keys get mode 0600; existing files are never overwritten.\n"
	      "Give signing.key to the writer, auditor.pub to the writer, signing.pub to\n"
	      "everyone who verifies, and auditor.key only to auditors.\n"
	      "The session host signs with signing.key, which the operators must not read:\n"
	      "install it in the key directory as root:escort-host 0640 and escort itself\n"
	      "set-group-id escort-host (chgrp escort-host escort; chmod 2755 escort), with\n"
	      "no operator in that group. Without it sessions are signed with a key made\n"
	      "for them alone and say so with a WARNING.\n",
	      out);
}

static int write_keys(const char *dir, const char *name, struct error *err)
{
	struct signing_key sk;
	struct auditor_key ak;
	char path[PATH_MAX], text[512];
	int rc = -1;

	if (keys_init(err) < 0 || signing_key_generate(&sk, name, err) < 0)
		return -1;
	auditor_key_generate(&ak);
	signing_key_skey(&sk, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	if (key_file_write(path, text, 0600, err) < 0)
		goto out;
	signing_key_vkey(&sk, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/signing.pub", dir);
	if (key_file_write(path, text, 0644, err) < 0)
		goto out;
	auditor_key_format(&ak, 1, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/auditor.key", dir);
	if (key_file_write(path, text, 0600, err) < 0)
		goto out;
	auditor_key_format(&ak, 0, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/auditor.pub", dir);
	if (key_file_write(path, text, 0644, err) < 0)
		goto out;
	signing_key_vkey(&sk, text, sizeof(text));
	printf("signing key %s\nwritten to %s/{signing.key,signing.pub,auditor.key,auditor.pub}\n",
	       text, dir);
	rc = 0;
out:
	sodium_memzero(&sk, sizeof(sk));
	sodium_memzero(&ak, sizeof(ak));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option options[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"name", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *dir = ".", *name = "escort";
	struct error err;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:n:h", options, NULL)) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'n')
			name = optarg;
		else if (opt == 'h') {
			keygen_usage(stdout);
			return EXIT_OK;
		} else {
			keygen_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		keygen_usage(stderr);
		return EXIT_USAGE;
	}
	if (write_keys(dir, name, &err) < 0) {
		fprintf(stderr, "escort keygen: %s\n", err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
