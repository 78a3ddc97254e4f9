/* escort enroll --broker ADDR:PORT --token T --pin P [--dir DIR] [--group G]:
 * this host joins escortd's fleet (tls/enroll-client.c). DIR defaults to
 * /etc/escort/host. With --group, DIR (0750) and the key (0640) belong to
 * root and G: the group escort is installed set-group-id to (setid.h). */
#include "commands.h"
#include "tls/enroll-client.h"
#include "tls/enroll-renew.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENROLL_TIMEOUT_S 15
#define RENEW_WITHIN_DAYS 30 /* of a host certificate's 90 */

struct renew_options {
	int renew;
	long within_days;
	const char *group; /* --group: who may read the key besides root */
};

static int parse(int argc, char **argv, struct enroll_options *o, struct renew_options *r)
{
	static const struct option options[] = {
	    {"broker", required_argument, NULL, 'b'}, {"token", required_argument, NULL, 't'},
	    {"pin", required_argument, NULL, 'p'},    {"dir", required_argument, NULL, 'd'},
	    {"renew", no_argument, NULL, 'r'},	      {"within", required_argument, NULL, 'w'},
	    {"group", required_argument, NULL, 'g'},  {NULL, 0, NULL, 0}};
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
		else if (opt == 'g')
			r->group = optarg;
		else
			return -1;
	}
	if (optind != argc || r->within_days < 1 || r->within_days > 3650)
		return -1;
	return r->renew || (o->broker && o->token && o->pin) ? 0 : -1;
}

/* DIR 0750 and DIR/host.key 0640, both root's and the group's. */
static int give_to_group(const char *dir, const char *group)
{
	struct group *g = getgrnam(group);
	char key[4096];

	if (g == NULL) {
		fprintf(stderr, "escort enroll: there is no group '%s'\n", group);
		return -1;
	}
	snprintf(key, sizeof(key), "%s/host.key", dir);
	if (chown(key, 0, g->gr_gid) < 0 || chmod(key, 0640) < 0 || chown(dir, 0, g->gr_gid) < 0 ||
	    chmod(dir, 0750) < 0) {
		fprintf(stderr, "escort enroll: cannot give %s to the group %s: %s\n", dir, group,
			strerror(errno));
		return -1;
	}
	return 0;
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
	return r->group && give_to_group(o->dir, r->group) < 0 ? EXIT_FAILED : EXIT_OK;
}

static void enroll_usage(FILE *out)
{
	fputs("usage: escort enroll --broker ADDR:PORT --token TOKEN --pin sha256:HEX "
	      "[--dir DIR] [--group GROUP]\n"
	      "       escort enroll --renew [--within DAYS] [--dir DIR] [--group GROUP]\n"
	      "  --renew renews the host's certificate when it expires within DAYS "
	      "(default 30)\n"
	      "  --group makes DIR (0750) and its key (0640) root's and GROUP's: the group\n"
	      "          escort is installed set-group-id to (docs/CONFIG.md, fleet)\n",
	      out);
}

int cmd_enroll(int argc, char **argv)
{
	struct enroll_options o = {NULL, NULL, NULL, "/etc/escort/host", ENROLL_TIMEOUT_S};
	struct renew_options r = {0, RENEW_WITHIN_DAYS, NULL};
	char host[HOST_NAME_MAX_LEN + 1];
	struct error err;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		enroll_usage(stdout);
		return EXIT_OK;
	}
	if (parse(argc, argv, &o, &r) < 0) {
		enroll_usage(stderr);
		return EXIT_USAGE;
	}
	if (r.renew)
		return renew(&o, &r);
	if (enroll_run(&o, host, &err) < 0) {
		fprintf(stderr, "escort enroll: %s\n", err.msg);
		return EXIT_FAILED;
	}
	if (r.group && give_to_group(o.dir, r.group) < 0)
		return EXIT_FAILED;
	printf("enrolled as %s: %s/host.crt\n", host, o.dir);
	return EXIT_OK;
}
