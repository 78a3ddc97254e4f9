/* escortd's commands on its state directory (the fleet): `escortd token`
 * makes a join token for a host, `escortd revoke-host` revokes a host and
 * tells the running escortd to cut it off, `escortd rotate-ca` replaces the
 * CA. */
#ifndef ESCORT_ESCORTD_ADMIN_H
#define ESCORT_ESCORTD_ADMIN_H

#include "util/error.h"

#include <stddef.h>

int escortd_token(int argc, char **argv);
int escortd_revoke_host(int argc, char **argv);
/* escortd rotate-ca: a new CA, every host to enrol again (escortd stopped). */
int escortd_rotate_ca(int argc, char **argv);
/* escortd-rotate-stages.c: a rotation with an overlap (docs/CONFIG.md). */
int rotate_begin(const char *state, struct error *err);
int rotate_finish(const char *state, struct error *err);
int rotate_drop_previous(const char *state, struct error *err);
/* dir to STATE/ca-retired-YYYYMMDDTHHMMSSZ (its path in retired). */
int rotate_retire(const char *state, const char *dir, char *retired, size_t size,
		  struct error *err);

#endif
