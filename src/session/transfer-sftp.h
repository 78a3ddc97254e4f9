/* The SFTP side of a transfer session (sftp-server): follows the stream the
 * relay passes both ways (sftp-watch.h) and writes a transfer record for
 * each file as it is closed, downloads and uploads alike, with the SHA-256
 * of what crossed the stream (docs/LOG-FORMAT.md). */
#ifndef ESCORT_TRANSFER_SFTP_H
#define ESCORT_TRANSFER_SFTP_H

#include "log/recorder.h"

#include <stddef.h>
#include <stdint.h>

struct transfer_sftp;

/* recorded(ctx, path): an upload of path was recorded with its hash.
 * start: sftp-server's -d (NULL: none); relative names are joined to the
 * folder the server starts in. */
struct transfer_sftp *transfer_sftp_new(struct recorder *rec, const char *program,
					const char *start,
					void (*recorded)(void *ctx, const char *path), void *ctx);
/* relay_config.watch (ctx: the transfer_sftp). */
void transfer_sftp_relayed(void *ctx, int from_program, const uint8_t *data, size_t len);
/* Records the files still open and how many were not followed; returns -1
 * when a record could not be written (now or earlier). */
int transfer_sftp_end(struct transfer_sftp *s, struct error *err);
void transfer_sftp_free(struct transfer_sftp *s);

#endif
