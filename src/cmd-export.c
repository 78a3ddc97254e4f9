/* escort export --format asciicast|text|json [--max-output BYTES] PATH */
#include "commands.h"

#include "log/export.h"
#include "log/reader.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Output decompressed in all, by default: a log of tiny zstd frames that each
 * expand to 1 MiB must not fill the auditor's disk. */
#define DEFAULT_MAX_OUTPUT (1ull << 30)

static void export_usage(FILE *out)
{
	fputs("usage: escort export --format asciicast|text|json [--max-output BYTES] PATH\n"
	      "Prints the session log at PATH on standard output:\n"
	      "  asciicast  asciicast v2, for 'asciinema play' and web players\n"
	      "  text       the output as a terminal showed it, without control sequences\n"
	      "  json       one JSON object per record\n"
	      "Stops with an error once compressed output decompresses to more than\n"
	      "--max-output bytes in all (default 1 GiB; 0: no bound).\n",
	      out);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-' ? 0 : -1;
}

static int parse_format(const char *name, enum export_format *f)
{
	if (strcmp(name, "asciicast") == 0)
		*f = EXPORT_ASCIICAST;
	else if (strcmp(name, "text") == 0)
		*f = EXPORT_TEXT;
	else if (strcmp(name, "json") == 0)
		*f = EXPORT_JSON;
	else
		return -1;
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"max-output", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	enum export_format format = EXPORT_ASCIICAST;
	uint64_t max_output = DEFAULT_MAX_OUTPUT;
	struct log_reader reader;
	struct error err;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
		if (opt == 'h') {
			export_usage(stdout);
			return EXIT_OK;
		}
		if (opt == 'm' && parse_size(optarg, &max_output) == 0)
			continue;
		if (opt != 'f' || parse_format(optarg, &format) < 0) {
			if (opt == 'f')
				fprintf(stderr, "escort export: unknown format '%s'\n", optarg);
			if (opt == 'm')
				fprintf(stderr, "escort export: '%s' is not a number of bytes\n",
					optarg);
			export_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		export_usage(stderr);
		return EXIT_USAGE;
	}
	if (log_reader_open(&reader, argv[optind], &err) < 0) {
		fprintf(stderr, "escort export: %s\n", err.msg);
		return EXIT_FAILED;
	}
	reader.inflate_limit = max_output;
	rc = export_log(&reader, format, stdout, &err);
	log_reader_close(&reader);
	if (fflush(stdout) != 0) {
		perror("escort export: standard output");
		return EXIT_FAILED;
	}
	if (rc < 0) {
		fprintf(stderr, "escort export: %s: %s\n", argv[optind], err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
