/* What `escort login` keeps per broker: ~/.config/escort/brokers/HOST:PORT
 * ($XDG_CONFIG_HOME when set), mode 0600 in a 0700 folder: the broker's
 * pin, the account and the credential with its expiry. A file of the
 * wrong owner or mode, or of the wrong shape, is refused. */
#ifndef ESCORT_LOGIN_FILE_H
#define ESCORT_LOGIN_FILE_H

#include "tls/pin.h"
#include "tls/token.h"
#include "util/error.h"

#include <stdint.h>

struct login_file {
	char broker[256];
	char pin[PIN_LEN];
	char account[64];
	char credential[TOKEN_LEN];
	int64_t expires;
};

/* 0 with what is kept for broker, -1 with err (ERR_FAILED: there is none). */
int login_file_load(const char *broker, struct login_file *out, struct error *err);
int login_file_save(const struct login_file *f, struct error *err);
/* Removes what is kept for broker (none is not an error). */
int login_file_remove(const char *broker, struct error *err);

#endif
