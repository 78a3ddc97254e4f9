/* escort enroll --broker ADDR:PORT --token T --pin P [--dir DIR]: this host
 * joins escortd's fleet (tls/enroll-client.c). DIR defaults to
 * /etc/escort/host. */
#include "commands.h"
#include "tls/enroll-client.h"
#include "tls/enroll-renew.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define ENROLL_TIMEOUT_S 15
#define RENEW_WITHIN_DAYS 30 /* of a host certificate's 90 */

struct renew_options {
	int renew;
	long within_days;
};

static int parse(int argc, char **argv, struct enroll_options *o, struct renew_options *r)
{
	static const struct option options[] = {{"broker", required_argument, NULL, 'b'},
						{"token", required_argument, NULL, 't'},
						{"pin", required_argument, NULL, 'p'},
						{"dir", required_argument, NULL, 'd'},
						{"renew", no_argument, NULL, 'r'},
						{"within", required_argument, NULL, 'w'},
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
		else if (opt == 'r')
			r->renew = 1;
		else if (opt == 'w')
			r->within_days = strtol(optarg, NULL, 10);
		else
			return -1;
	}
	if (optind != argc || r->within_days < 1 || r->within_days > 3650)
		return -1;
	return r->renew || (o->broker && o->token && o->pin) ? 0 : -1;
}

static int renew(const struct enroll_options *o, const struct renew_options *r)
{
	char host[HOST_NAME_MAX_LEN + 1];
	struct error err;
	int rc = enroll_renew(o->dir, r->within_days * 86400, o->timeout_s, host, &err);

	if (rc < 0) {
		fprintf(stderr, "escort enroll --renew: %s\n", err.msg);
		return EXIT_FAILED;
	}
	if (rc == 0)
		printf("%s/host.crt is valid for more than %ld days: not renewed\n", o->dir,
		       r->within_days);
	else
		printf("renewed %s: %s/host.crt\n", host, o->dir);
	return EXIT_OK;
}

int cmd_enroll(int argc, char **argv)
{
	struct enroll_options o = {NULL, NULL, NULL, "/etc/escort/host", ENROLL_TIMEOUT_S};
	struct renew_options r = {0, RENEW_WITHIN_DAYS};
	char host[HOST_NAME_MAX_LEN + 1];
	struct error err;

	if (parse(argc, argv, &o, &r) < 0) {
		fputs("usage: escort enroll --broker ADDR:PORT --token TOKEN --pin sha256:HEX "
		      "[--dir DIR]\n"
		      "       escort enroll --renew [--within DAYS] [--dir DIR]\n"
		      "  --renew renews the host's certificate when it expires within DAYS "
		      "(default 30)\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (r.renew)
		return renew(&o, &r);
	if (enroll_run(&o, host, &err) < 0) {
		fprintf(stderr, "escort enroll: %s\n", err.msg);
		return EXIT_FAILED;
	}
	printf("enrolled as %s: %s/host.crt\n", host, o.dir);
	return EXIT_OK;
}
