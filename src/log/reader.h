/* Reads a session log — its segments PATH, PATH.1, PATH.2, ... — record by
 * record, checking framing, checksums, sequence numbers and how each segment
 * chains to the one before. Everything in the files is treated as hostile.
 * (Signatures, the Merkle tree and MACs are checked by verify.c.) */
#ifndef ESCORT_READER_H
#define ESCORT_READER_H

#include "record.h"
#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define LOG_MAX_SEGMENTS 4096

struct log_segment {
	char *path;
	const uint8_t *data;
	size_t len;
	size_t limit; /* where the next segment says this one ends (its chain point) */
	struct segment_header header;
	int owns_data;
	size_t mapped_len;
};

struct log_reader {
	struct log_segment *segs;
	size_t nsegs;
	size_t seg;		 /* segment of the next record */
	size_t off;		 /* its offset */
	size_t rec_seg, rec_off; /* where the last record returned was */
	uint64_t next_seq;
	int started;
	struct buf scratch;	/* decompressed payload */
	uint64_t inflated;	/* bytes decompressed so far */
	uint64_t inflate_limit; /* log_reader_payload fails past this many; 0: no bound */
};

/* Loads PATH and every PATH.N that follows it. */
int log_reader_open(struct log_reader *r, const char *path, struct error *err);
/* One segment from memory the caller keeps alive. */
void log_reader_init(struct log_reader *r, const uint8_t *data, size_t len);

/* Path of segment i of the log at path (the caller frees it). */
char *log_segment_path(const char *path, size_t index);

enum reader_result { READ_RECORD = 1, READ_END = 0, READ_TORN = -2, READ_DAMAGED = -1 };

/* READ_RECORD: *rec is the next record (pointing into the reader).
 * READ_END: the log ends cleanly after the last record.
 * READ_TORN: the last segment ends inside a record (crash or full disk).
 * READ_DAMAGED: err names segment, offset, sequence number and the damage. */
enum reader_result log_reader_next(struct log_reader *r, struct record *rec, struct error *err);

/* The payload of rec, decompressed if it was compressed (each record to at
 * most 1 MiB; all of them together to at most r->inflate_limit). */
int log_reader_payload(struct log_reader *r, const struct record *rec, const uint8_t **data,
		       size_t *len, struct error *err);

void log_reader_close(struct log_reader *r);

#endif
