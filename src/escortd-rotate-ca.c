/* escortd rotate-ca [--state DIR] [--socket PATH]: a new CA for the fleet,
 * with escortd stopped. The old CA (key included) is moved aside to
 * STATE/ca-retired-TIME, a new CA and a new TLS certificate and key (so a
 * new pin) are made, every host certificate is revoked and every unused
 * join token voided. Nothing of the old CA is trusted from then on: each
 * host enrols again with a new token (docs/CONFIG.md, The fleet). For a CA
 * whose key may have leaked, or that nears its end (10 years). */
#include "escortd-admin.h"

#include "broker/store.h"
#include "tls/ca.h"
#include "tls/server-cert.h"
#include "util/exit-status.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct rotate_options {
	const char *state, *socket;
	int stage; /* 'b' --begin, 'f' --finish, 'd' --drop-previous; 0: at once */
};

static int parse(int argc, char **argv, struct rotate_options *o)
{
	static const struct option options[] = {
	    {"state", required_argument, NULL, 's'},   {"socket", required_argument, NULL, 'S'},
	    {"begin", no_argument, NULL, 'b'},	       {"finish", no_argument, NULL, 'f'},
	    {"drop-previous", no_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 's')
			o->state = optarg;
		else if (opt == 'S')
			o->socket = optarg;
		else if ((opt == 'b' || opt == 'f' || opt == 'd') && o->stage == 0)
			o->stage = opt;
		else
			return -1;
	}
	return optind == argc ? 0 : -1;
}

/* Whether an escortd answers on its socket: it holds the old CA in memory. */
static int escortd_running(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int up;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	up = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return up;
}

int rotate_retire(const char *state, const char *dir, char *retired, size_t size, struct error *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(retired, size, "%s/ca-retired-%s", state, stamp);
	if (rename(dir, retired) < 0)
		return error_errno(err, "cannot move %s to %s", dir, retired);
	return 0;
}

static int rotate(const struct rotate_options *o, struct error *err)
{
	char dir[4096], retired[4096], pin[PIN_LEN];
	struct store *st;
	struct ca ca;
	int revoked;

	snprintf(dir, sizeof(dir), "%s/ca", o->state);
	if (access(dir, F_OK) < 0)
		return error_set(err, "%s has no CA to rotate", o->state);
	if ((st = store_open(o->state, err)) == NULL)
		return -1;
	revoked = store_fleet_retire(st, err);
	store_close(st);
	if (revoked < 0 || rotate_retire(o->state, dir, retired, sizeof(retired), err) < 0)
		return -1;
	if (ca_open(&ca, dir, err) < 0 || server_cert_ensure(&ca, dir, pin, err) < 0)
		return -1;
	ca_close(&ca);
	printf("new CA in %s; the old one is in %s (delete it once no copy is needed)\n", dir,
	       retired);
	printf("%d host certificate(s) revoked, unused join tokens voided\n", revoked);
	printf("pin: %s\n", pin);
	printf("start escortd, then for each host: escortd token --host NAME, and on the host\n"
	       "escort enroll --broker ADDR:PORT --token T --pin %s\n",
	       pin);
	return 0;
}

int escortd_rotate_ca(int argc, char **argv)
{
	struct rotate_options o = {"/var/lib/escort", "/run/escort/escortd.sock", 0};
	struct error err;

	if (parse(argc, argv, &o) < 0) {
		fputs(
		    "usage: escortd rotate-ca [--begin | --finish | --drop-previous] [--state DIR] "
		    "[--socket PATH]\n"
		    "  (escortd stopped; without a stage: a new CA at once, every host enrols "
		    "again)\n",
		    stderr);
		return EXIT_USAGE;
	}
	if (escortd_running(o.socket)) {
		fprintf(stderr, "escortd rotate-ca: escortd is running on %s: stop it first\n",
			o.socket);
		return EXIT_FAILED;
	}
	if ((o.stage == 'b'   ? rotate_begin(o.state, &err)
	     : o.stage == 'f' ? rotate_finish(o.state, &err)
	     : o.stage == 'd' ? rotate_drop_previous(o.state, &err)
			      : rotate(&o, &err)) < 0) {
		fprintf(stderr, "escortd rotate-ca: %s\n", err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
