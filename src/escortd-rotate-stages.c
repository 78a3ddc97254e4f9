/* escortd rotate-ca with an overlap, in three stages, escortd stopped for
 * each (it reads its CA at start):
 *   --begin          a next CA in STATE/ca/next: escortd accepts host
 *                    certificates of it and hands it to every host that
 *                    enrols or renews, which trusts it beside the current one;
 *   --finish         the next CA becomes the CA (the old one kept in
 *                    STATE/ca/previous, its host certificates still
 *                    accepted), escortd's TLS certificate is issued again by
 *                    it for the same key: the pin does not change;
 *   --drop-previous  the previous CA is retired: host certificates it
 *                    issued are refused from then on. */
#include "escortd-admin.h"

#include "tls/ca.h"
#include "tls/server-cert.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_SIZE 4200

static void path_in(char *out, const char *state, const char *rest)
{
	snprintf(out, PATH_SIZE, "%s/ca%s", state, rest);
}

int rotate_begin(const char *state, struct error *err)
{
	char next[PATH_SIZE];
	struct ca ca;

	path_in(next, state, "/next");
	if (access(next, F_OK) == 0)
		return error_set(err, "%s exists: a rotation has begun (--finish it)", next);
	if (ca_open(&ca, next, err) < 0)
		return -1;
	ca_close(&ca);
	printf("the next CA is in %s\n", next);
	printf("start escortd: it hands the next CA to every host that enrols or renews\n"
	       "(escort enroll --renew --within 3650 renews at once); then stop it and run\n"
	       "escortd rotate-ca --finish\n");
	return 0;
}

/* from/NAME to to/NAME for the CA's key and certificate. */
static int move_ca(const char *from, const char *to, struct error *err)
{
	static const char *const names[] = {"ca.key", "ca.crt"};
	char a[PATH_SIZE + 16], b[PATH_SIZE + 16];

	for (size_t i = 0; i < 2; i++) {
		snprintf(a, sizeof(a), "%s/%s", from, names[i]);
		snprintf(b, sizeof(b), "%s/%s", to, names[i]);
		if (rename(a, b) < 0)
			return error_errno(err, "cannot move %s to %s", a, b);
	}
	return 0;
}

int rotate_finish(const char *state, struct error *err)
{
	char dir[PATH_SIZE], next[PATH_SIZE], previous[PATH_SIZE], pin[PIN_LEN];
	struct ca ca;

	path_in(dir, state, "");
	path_in(next, state, "/next");
	path_in(previous, state, "/previous");
	if (access(next, F_OK) < 0)
		return error_set(err, "%s does not exist: begin a rotation first (--begin)", next);
	if (access(previous, F_OK) == 0)
		return error_set(err, "%s exists: --drop-previous first", previous);
	if (mkdir(previous, 0700) < 0)
		return error_errno(err, "cannot create %s", previous);
	if (move_ca(dir, previous, err) < 0 || move_ca(next, dir, err) < 0)
		return -1;
	if (rmdir(next) < 0)
		return error_errno(err, "cannot remove %s", next);
	if (ca_open(&ca, dir, err) < 0)
		return -1;
	if (server_cert_reissue(&ca, dir, pin, err) < 0) {
		ca_close(&ca);
		return -1;
	}
	ca_close(&ca);
	printf("the next CA is now the CA; the previous one is in %s\n", previous);
	printf("escortd's TLS certificate is issued by the new CA; the pin is unchanged: %s\n",
	       pin);
	printf("start escortd; once every host has renewed (its certificate is then the new\n"
	       "CA's), run escortd rotate-ca --drop-previous with escortd stopped\n");
	return 0;
}

int rotate_drop_previous(const char *state, struct error *err)
{
	char previous[PATH_SIZE], retired[PATH_SIZE];

	path_in(previous, state, "/previous");
	if (access(previous, F_OK) < 0)
		return error_set(err, "%s does not exist: nothing to drop", previous);
	if (rotate_retire(state, previous, retired, sizeof(retired), err) < 0)
		return -1;
	printf("the previous CA is retired to %s: host certificates it issued are refused\n",
	       retired);
	return 0;
}
