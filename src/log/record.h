/* The session log's record framing (docs/LOG-FORMAT.md). Little-endian:
 *
 *   u32 length   bytes after this field, CRC included
 *   u16 type     enum record_type
 *   u16 flags    0 in format version 1
 *   u64 seq      0, 1, 2, ... within a file
 *   u32 epoch    key epoch (0 until signing lands)
 *   u64 mono_ns  monotonic time since the session started
 *   u64 wall_ns  wall-clock time, nanoseconds since the Unix epoch
 *   ...          payload
 *   u32 crc32c   over everything before it, length field included
 */
#ifndef ESCORT_RECORD_H
#define ESCORT_RECORD_H

#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define LOG_MAGIC                                                                                  \
	"\x89"                                                                                     \
	"ESC\r\n\x1a\n"
#define LOG_MAGIC_LEN 8
#define LOG_VERSION 1
#define LOG_FILE_HEADER_LEN 16

#define RECORD_HEADER_LEN 36
#define RECORD_TRAILER_LEN 4
#define RECORD_MAX_PAYLOAD (1u << 20)

enum record_type {
	REC_SESSION_START = 1,
	REC_SESSION_END = 2,
	REC_INPUT = 3,
	REC_OUTPUT = 4,
	REC_WINDOW = 5,
	REC_TYPE_MAX = 5,
};

struct record {
	uint16_t type;
	uint16_t flags;
	uint64_t seq;
	uint32_t epoch;
	uint64_t mono_ns;
	uint64_t wall_ns;
	const uint8_t *payload; /* points into the decoded buffer */
	size_t payload_len;
};

const char *record_type_name(uint16_t type);

/* Appends the file header to out. */
void record_encode_file_header(struct buf *out);
/* Returns 0 when data holds a valid file header, -1 with err otherwise. */
int record_check_file_header(const uint8_t *data, size_t len, struct error *err);

/* Appends one encoded record. payload_len must be <= RECORD_MAX_PAYLOAD. */
void record_encode(struct buf *out, const struct record *r);

enum decode_result { DECODE_OK = 1, DECODE_SHORT = 0, DECODE_BAD = -1 };

/* Decodes the record at the start of data. DECODE_OK sets *r and *used;
 * DECODE_SHORT means data ends inside the record; DECODE_BAD fills err. */
enum decode_result record_decode(const uint8_t *data, size_t len, struct record *r, size_t *used,
				 struct error *err);

#endif
