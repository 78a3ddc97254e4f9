/* One supervised session: a program on its own pty, relayed and recorded. */
#ifndef ESCORT_SESSION_H
#define ESCORT_SESSION_H

#include "command.h"
#include "keyring.h"
#include "log/recorder.h"
#include "util/exit-status.h"

/* Runs cmd recorded into log_path (NULL: the default place) and returns the
 * exit status escort should end with. socket: escortd's (NULL: the default,
 * see broker_client_socket); with a broker the session does not start unless
 * escortd accepts it. keys: what the log is signed with (and the key files,
 * kept out of the session's reach with the other files of own-files.h). */
int session_run(const struct command *cmd, const char *log_path, const struct keyring *keys,
		const char *socket);

#endif
