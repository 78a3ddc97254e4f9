/* escortd token --host NAME [--ttl 1h] [--state DIR]: a one-time join token
 * for NAME and the pin of escortd's TLS certificate, printed once; only the
 * token's hash is kept (STATE/escortd.db). Makes the CA the first time. */
#include "escortd-admin.h"

#include "broker/store.h"
#include "tls/host-name.h"
#include "tls/server-cert.h"
#include "tls/token.h"
#include "util/exit-status.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define TTL_MAX_S (7 * 86400)

struct token_options {
	const char *host, *state;
	long ttl_s;
};

/* "90s", "30m", "1h", "2d": seconds, or -1. */
static long parse_ttl(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10), unit = 1;

	if (end == s || n <= 0 || strlen(end) > 1)
		return -1;
	if (*end == 'm')
		unit = 60;
	else if (*end == 'h')
		unit = 3600;
	else if (*end == 'd')
		unit = 86400;
	else if (*end != 's' && *end != '\0')
		return -1;
	return n > TTL_MAX_S / unit ? -1 : n * unit;
}

static int parse(int argc, char **argv, struct token_options *o)
{
	static const struct option options[] = {{"host", required_argument, NULL, 'H'},
						{"ttl", required_argument, NULL, 't'},
						{"state", required_argument, NULL, 's'},
						{NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'H')
			o->host = optarg;
		else if (opt == 't')
			o->ttl_s = parse_ttl(optarg);
		else if (opt == 's')
			o->state = optarg;
		else
			return -1;
	}
	return optind == argc && o->host && o->ttl_s > 0 ? 0 : -1;
}

static int make_token(const struct token_options *o, struct error *err)
{
	char dir[4096], pin[PIN_LEN], token[TOKEN_LEN], hash[TOKEN_HASH_LEN];
	struct ca ca;
	struct store *st = NULL;
	int rc = -1;

	snprintf(dir, sizeof(dir), "%s/ca", o->state);
	if (mkdir(o->state, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", o->state);
	if (ca_open(&ca, dir, err) == 0 && server_cert_ensure(&ca, dir, pin, err) == 0 &&
	    (st = store_open(o->state, err)) != NULL && token_new(token, err) == 0 &&
	    token_hash(token, strlen(token), hash, err) == 0 &&
	    store_token_add(st, hash, o->host, (int64_t)time(NULL) + o->ttl_s, err) == 0) {
		printf("token: %s\npin: %s\nhost: %s (valid for %ld seconds, once)\n", token, pin,
		       o->host, o->ttl_s);
		printf("on %s: escort enroll --broker ADDR:PORT --token %s --pin %s\n", o->host,
		       token, pin);
		rc = 0;
	}
	store_close(st);
	ca_close(&ca);
	return rc;
}

int escortd_token(int argc, char **argv)
{
	struct token_options o = {NULL, "/var/lib/escort", 3600};
	struct error err;

	if (parse(argc, argv, &o) < 0) {
		fputs("usage: escortd token --host NAME [--ttl N[s|m|h|d]] [--state DIR]\n"
		      "  the lifetime is at most 7 days (default 1h)\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!host_name_valid(o.host)) {
		fprintf(stderr,
			"escortd token: '%s' is not a host name (1 to %d of a-z A-Z 0-9 . - _)\n",
			o.host, HOST_NAME_MAX_LEN);
		return EXIT_USAGE;
	}
	if (make_token(&o, &err) < 0) {
		fprintf(stderr, "escortd token: %s\n", err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
