/* The session log's framing (docs/LOG-FORMAT.md). Little-endian.
 *
 * Segment file header (88 bytes): magic, version, segment index, reason,
 * session id, and the chain to the previous segment (tree size, root, file
 * size), then a CRC32C.
 *
 * Record:
 *   u32 length   bytes after this field (header rest + payload + MAC + CRC)
 *   u16 type     enum record_type
 *   u16 flags    RECORD_ZSTD, RECORD_SEAL
 *   u64 seq      the record's index in the Merkle tree of the session
 *   u32 epoch    MAC key epoch
 *   u64 mono_ns  monotonic time since the session started
 *   u64 wall_ns  wall-clock time, nanoseconds since the Unix epoch
 *   ...          payload
 *   32  mac      BLAKE2b-256 keyed with the epoch key, over the leaf hash
 *   u32 crc32c   over everything before it
 *
 * The Merkle leaf is the record from its length field through its payload.
 */
#ifndef ESCORT_RECORD_H
#define ESCORT_RECORD_H

#include "mackey.h"
#include "sha256.h"
#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define LOG_MAGIC                                                                                  \
	"\x89"                                                                                     \
	"ESC\r\n\x1a\n"
#define LOG_MAGIC_LEN 8
#define LOG_VERSION 2
#define SEGMENT_HEADER_LEN 88
#define SESSION_ID_LEN 16

#define RECORD_HEADER_LEN 36
#define RECORD_TRAILER_LEN (MAC_LEN + 4)
#define RECORD_MAX_PAYLOAD (1u << 20)

enum record_type {
	REC_SESSION_START = 1,
	REC_SESSION_END = 2,
	REC_INPUT = 3,
	REC_OUTPUT = 4,
	REC_WINDOW = 5,
	REC_EXEC = 6,
	REC_DECISION = 7,
	REC_APPROVAL = 8,
	REC_LOCK = 9,
	REC_EPOCH_END = 10,
	REC_CHECKPOINT = 11,
	REC_RECOVERY = 12,
	REC_MAC_KEY = 13,
	REC_ERROR_OUTPUT = 14, /* the program's standard error, sessions without a terminal */
	REC_TRANSFER = 15,     /* a file a transfer program (scp, sftp, rsync, git) moved */
	REC_TYPE_MAX = 15,
};

enum record_flags {
	RECORD_ZSTD = 1, /* payload is one zstd frame */
	RECORD_SEAL = 2, /* checkpoint that closes its segment */
	RECORD_FLAGS_KNOWN = 3,
};

enum segment_reason {
	SEGMENT_FIRST = 0,
	SEGMENT_AFTER_SYNC_FAILURE = 1,
	SEGMENT_AFTER_RECOVERY = 2,
};

struct segment_header {
	uint32_t index;
	uint32_t reason;
	uint8_t session[SESSION_ID_LEN];
	uint64_t prev_tree_size;
	uint8_t prev_root[SHA256_LEN];
	uint64_t prev_file_size;
};

struct record {
	uint16_t type;
	uint16_t flags;
	uint64_t seq;
	uint32_t epoch;
	uint64_t mono_ns;
	uint64_t wall_ns;
	const uint8_t *payload; /* decoded: points into the buffer */
	size_t payload_len;
	const uint8_t *leaf; /* decoded: the bytes the Merkle leaf hashes */
	size_t leaf_len;
	const uint8_t *mac; /* decoded: the stored tag */
};

const char *record_type_name(uint16_t type);
const char *segment_reason_name(uint32_t reason);

void segment_header_encode(struct buf *out, const struct segment_header *h);
int segment_header_decode(const uint8_t *data, size_t len, struct segment_header *h,
			  struct error *err);

/* Appends r tagged with mac's key; stores the record's leaf hash. */
void record_encode(struct buf *out, const struct record *r, const struct mac_chain *mac,
		   uint8_t leaf_hash[SHA256_LEN]);

enum decode_result { DECODE_OK = 1, DECODE_SHORT = 0, DECODE_BAD = -1 };

/* Decodes the record at the start of data, checking length and CRC only.
 * DECODE_OK sets *r and *used; DECODE_SHORT means data ends inside the
 * record; DECODE_BAD fills err. */
enum decode_result record_decode(const uint8_t *data, size_t len, struct record *r, size_t *used,
				 struct error *err);

#endif
