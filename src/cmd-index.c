/* escort index [--output PATH] [DIR...] */
#include "commands.h"

#include "gate/identity.h"
#include "gate/program-index.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void index_usage(FILE *out)
{
	fputs("usage: escort index [--output PATH] [DIR...]\n"
	      "Hashes every program directly in DIR (default: /usr/bin, /usr/sbin,\n"
	      "/usr/local/bin, /usr/local/sbin, /usr/libexec, /usr/lib/git-core) and writes\n"
	      "the index the exec gate recognises renamed and copied programs by\n"
	      "(default: ESCORT_INDEX or /var/lib/escort/programs.index). Run it as root after\n"
	      "installing or upgrading packages; sessions only use an index root wrote.\n",
	      out);
}

/* /var/lib/escort may not exist yet on a fresh install. */
static void make_parent(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0755);
}

int cmd_index(int argc, char **argv)
{
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *output = NULL;
	struct identity_index *idx;
	struct error err;
	int c;

	while ((c = getopt_long(argc, argv, "+o:h", options, NULL)) != -1) {
		if (c == 'o') {
			output = optarg;
		} else if (c == 'h') {
			index_usage(stdout);
			return EXIT_OK;
		} else {
			index_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (output == NULL)
		output = program_index_default_path();
	make_parent(output);
	idx = identity_index_build(optind < argc ? (const char *const *)argv + optind
						 : identity_system_dirs);
	if (identity_index_save(idx, output, &err) < 0) {
		fprintf(stderr, "escort index: %s\n", err.msg);
		identity_index_free(idx);
		return EXIT_FAILED;
	}
	printf("%zu programs indexed in %s\n", identity_index_size(idx), output);
	identity_index_free(idx);
	return EXIT_OK;
}
