/* One direction of one file crossing an SFTP stream: the bytes seen and
 * the SHA-256 of the content in file order, as long as the data comes in
 * order from offset 0. Data out of order, with a hole, or that escort could
 * not follow "breaks" the track: the bytes are still counted, the hash is
 * not given, and the reason is. */
#ifndef ESCORT_SFTP_TRACK_H
#define ESCORT_SFTP_TRACK_H

#include "sftp-watch.h"

struct sftp_track {
	struct sha256_stream *hash; /* NULL before the first byte, or once broken */
	uint64_t bytes, next;	    /* next: where the latest data ended */
	const char *broken;	    /* a constant; NULL while the hash holds */
	int used;		    /* data or a request for it was seen */
	int eof; /* a read where the in-order data ends was answered "end of file" */
};

void sftp_track_add(struct sftp_track *t, uint64_t offset, const uint8_t *data, size_t len);
void sftp_track_break(struct sftp_track *t, const char *why);
/* Fills r's bytes and hash fields; the track is empty again. */
void sftp_track_finish(struct sftp_track *t, struct sftp_file_report *r);
void sftp_track_free(struct sftp_track *t);

#endif
