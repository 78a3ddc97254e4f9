/* escort enroll --broker ADDR:PORT --token T --pin P [--dir DIR]: this host
 * joins escortd's fleet (tls/enroll-client.c). DIR defaults to
 * /etc/escort/host. */
#include "commands.h"
#include "tls/enroll-client.h"

#include <getopt.h>
#include <stdio.h>

#define ENROLL_TIMEOUT_S 15

static int parse(int argc, char **argv, struct enroll_options *o)
{
	static const struct option options[] = {{"broker", required_argument, NULL, 'b'},
						{"token", required_argument, NULL, 't'},
						{"pin", required_argument, NULL, 'p'},
						{"dir", required_argument, NULL, 'd'},
						{NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'b')
			o->broker = optarg;
		else if (opt == 't')
			o->token = optarg;
		else if (opt == 'p')
			o->pin = optarg;
		else if (opt == 'd')
			o->dir = optarg;
		else
			return -1;
	}
	return optind == argc && o->broker && o->token && o->pin ? 0 : -1;
}

int cmd_enroll(int argc, char **argv)
{
	struct enroll_options o = {NULL, NULL, NULL, "/etc/escort/host", ENROLL_TIMEOUT_S};
	char host[HOST_NAME_MAX_LEN + 1];
	struct error err;

	if (parse(argc, argv, &o) < 0) {
		fputs("usage: escort enroll --broker ADDR:PORT --token TOKEN --pin sha256:HEX "
		      "[--dir DIR]\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (enroll_run(&o, host, &err) < 0) {
		fprintf(stderr, "escort enroll: %s\n", err.msg);
		return EXIT_FAILED;
	}
	printf("enrolled as %s: %s/host.crt\n", host, o.dir);
	return EXIT_OK;
}
