/* Follows the SFTP v3 conversation between an sftp client (the operator's
 * input) and sftp-server (the program's output) as the relay passes it, and
 * reports every file closed: path, direction, bytes and the SHA-256 of the
 * content in file order. Nothing here changes, holds or delays the bytes:
 * it only reads copies. Every byte is hostile: memory is bounded (at most
 * SFTP_WATCH_FILES files open and SFTP_WATCH_PENDING requests in flight
 * are followed; beyond that a file is reported as not followed or not
 * hashed, never with a wrong hash). */
#ifndef ESCORT_SFTP_WATCH_H
#define ESCORT_SFTP_WATCH_H

#include "log/sha256.h"

#include <stddef.h>
#include <stdint.h>

#define SFTP_WATCH_FILES 64
#define SFTP_WATCH_PENDING 256

struct sftp_file_report {
	const char *path; /* as the client named it; relative ones joined to the session's folder */
	int path_cut;	  /* the name was longer than escort keeps: path is its beginning */
	int upload;	  /* 1: the client wrote (upload), 0: it read (download) */
	uint64_t bytes;	  /* file data that crossed the stream */
	/* sha256 is of the whole content transferred, in file order from offset
	 * 0; 0: not_hashed says why (out of order, a hole, a request escort did
	 * not follow). */
	int hashed;
	uint8_t sha256[SHA256_LEN];
	const char *not_hashed;
	/* Downloads: the client read to the end: a read where the latest data
	 * ended was answered "end of file" (with hashed: the whole file). */
	int end_of_file;
	int closed; /* 0: still open when the session ended */
};

typedef void (*sftp_report_fn)(void *ctx, const struct sftp_file_report *r);

struct sftp_watch;

/* dir: the folder the server starts in (relative paths are joined to it). */
struct sftp_watch *sftp_watch_new(const char *dir, sftp_report_fn report, void *ctx);
void sftp_watch_from_client(struct sftp_watch *w, const uint8_t *data, size_t len);
void sftp_watch_from_server(struct sftp_watch *w, const uint8_t *data, size_t len);
/* Reports the files still open; returns how many files were opened that
 * escort could not follow (more open at once than it follows, or the
 * stream stopped being SFTP). */
size_t sftp_watch_end(struct sftp_watch *w);
void sftp_watch_free(struct sftp_watch *w);

#endif
