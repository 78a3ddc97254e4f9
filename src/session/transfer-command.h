/* Recognising a session whose command is the server side of a file
 * transfer, as ssh runs it for scp, sftp, rsync and git: what program, which
 * way, and the paths a download names. */
#ifndef ESCORT_TRANSFER_COMMAND_H
#define ESCORT_TRANSFER_COMMAND_H

#include "command.h"

#include <stddef.h>

enum transfer_way {
	TRANSFER_NONE,
	TRANSFER_UPLOAD,   /* scp -t, rsync --server, git-receive-pack */
	TRANSFER_DOWNLOAD, /* scp -f, rsync --server --sender, git-upload-pack */
	TRANSFER_BOTH,	   /* sftp-server: what the client asks */
};

#define TRANSFER_MAX_PATHS 64

struct transfer_command {
	enum transfer_way way;
	char program[64]; /* scp, sftp-server, rsync, git-receive-pack, ... */
	int repository;	  /* git: paths[0] is a repository, not a file */
	size_t n_paths;	  /* downloads: what the command line names; sftp-server: its -d */
	char *paths[TRANSFER_MAX_PATHS];
};

/* Fills t from what the session runs (an ssh command string is split into
 * words; one with shell syntax beyond quoting is not a transfer). Returns
 * the way (TRANSFER_NONE: not a transfer). */
enum transfer_way transfer_command_parse(const struct command *cmd, struct transfer_command *t);
void transfer_command_free(struct transfer_command *t);

#endif
