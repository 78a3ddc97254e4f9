#include "args.h"

#include "util/exit-status.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int console_args_parse(int argc, char **argv, const char *usage, const char *allowed, int operands,
		       struct console_args *out)
{
	static const struct option options[] = {
	    {"socket", required_argument, NULL, 'S'},  {"broker", required_argument, NULL, 'B'},
	    {"json", no_argument, NULL, 'j'},	       {"note", required_argument, NULL, 'n'},
	    {"reason", required_argument, NULL, 'r'},  {"scope", required_argument, NULL, 's'},
	    {"confirm", required_argument, NULL, 'c'}, {"path", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},	       {0}};
	int opt;

	memset(out, 0, sizeof(*out));
	out->note = out->confirm = out->path = "";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'S')
			out->where.socket = optarg;
		else if (opt == 'B')
			out->where.broker = optarg;
		else if (opt != '?' && opt != 'h' && strchr(allowed, opt) != NULL) {
			if (opt == 'j')
				out->json = 1;
			else if (opt == 'n' || opt == 'r')
				out->note = optarg;
			else if (opt == 's')
				out->scope = optarg;
			else if (opt == 'p')
				out->path = optarg;
			else
				out->confirm = optarg;
		} else {
			fprintf(opt == 'h' ? stdout : stderr, "usage: %s\n", usage);
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	out->operands = argv + optind;
	out->n_operands = argc - optind;
	if (out->n_operands != operands) {
		fprintf(stderr, "usage: %s\n", usage);
		return EXIT_USAGE;
	}
	return -1;
}
