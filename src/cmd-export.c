/* escort export --format asciicast|text|json PATH */
#include "commands.h"

#include "log/export.h"
#include "log/reader.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void export_usage(FILE *out)
{
	fputs("usage: escort export --format asciicast|text|json PATH\n"
	      "Prints the session log at PATH on standard output:\n"
	      "  asciicast  asciicast v2, for 'asciinema play' and web players\n"
	      "  text       the output as it read, without terminal control sequences\n"
	      "  json       one JSON object per record\n",
	      out);
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
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	enum export_format format = EXPORT_ASCIICAST;
	struct log_reader reader;
	struct error err;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
		if (opt == 'h') {
			export_usage(stdout);
			return EXIT_OK;
		}
		if (opt != 'f' || parse_format(optarg, &format) < 0) {
			if (opt == 'f')
				fprintf(stderr, "escort export: unknown format '%s'\n", optarg);
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
