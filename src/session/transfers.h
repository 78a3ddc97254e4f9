/* The files a transfer session moved, for the auditor (issue 14): when the
 * session's command is the server side of scp, sftp, rsync or git
 * (transfer-command.h), every file it wrote (known from the file gate's
 * allowed changes, gate_config.changed) and every file a download's
 * command line names gets a transfer record at the session's end: path,
 * size, SHA-256 and direction (docs/LOG-FORMAT.md). Content is hashed as it
 * stands when the transfer has ended. An SFTP session is followed as it
 * runs instead (transfer-sftp.h); what the stream did not cover with a hash
 * is still recorded from the file gate at the end. */
#ifndef ESCORT_TRANSFERS_H
#define ESCORT_TRANSFERS_H

#include "command.h"
#include "gate/change.h"
#include "log/recorder.h"

#include <sys/types.h>

struct transfers;

/* NULL when the session is not a transfer. */
struct transfers *transfers_new(const struct command *cmd);
/* For sftp-server, the context of transfer_sftp_relayed (relay_config.watch):
 * each file is recorded as it is closed, with the hash of what crossed the
 * stream, and an upload recorded so is not recorded again at the end. NULL
 * for every other transfer. */
void *transfers_stream(struct transfers *t, struct recorder *rec);
/* gate_config.changed (ctx: the transfers). */
void transfers_changed(void *ctx, pid_t pid, enum change_kind kind, const char *path,
		       const char *path2);
/* Writes the records; returns -1 when the log cannot be written. */
int transfers_record(struct transfers *t, struct recorder *rec, struct error *err);
void transfers_free(struct transfers *t);

#endif
