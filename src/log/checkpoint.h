/* Checkpoints in the C2SP tlog-checkpoint format, signed as a C2SP signed
 * note with Ed25519:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n<extension lines>\n— <key name> <base64(...)>\n
 *
 * escort's two extension lines make the signature cover what the tree head
 * cannot: the checkpoint record's own fields (its seal flag above all) and
 * the headers of the segments written so far:
 *
 *   escort-record <flags> <epoch> <mono_ns> <wall_ns>
 *   escort-segments <count> <base64 SHA-256 of the first count segment headers>
 */
#ifndef ESCORT_CHECKPOINT_H
#define ESCORT_CHECKPOINT_H

#include "keys.h"
#include "sha256.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdint.h>

struct checkpoint {
	char origin[256];
	uint64_t size;
	uint8_t root[SHA256_LEN];
	int has_record, has_segments; /* the extension lines were present */
	uint16_t flags;
	uint32_t epoch;
	uint64_t mono_ns, wall_ns;
	uint64_t segments;
	uint8_t headers[SHA256_LEN];
};

/* Appends the signed note for cp to out. */
void checkpoint_sign(const struct checkpoint *cp, const struct signing_key *key, struct buf *out);

/* Parses a signed note and verifies its signature by key. Returns 0, or -1
 * with err saying whether the note is malformed, unsigned by key, or forged. */
int checkpoint_verify(const uint8_t *note, size_t len, const struct signing_key *key,
		      struct checkpoint *cp, struct error *err);

/* Parses a signed note without checking its signatures (there must be at
 * least one well-formed signature line). */
int checkpoint_parse(const uint8_t *note, size_t len, struct checkpoint *cp, struct error *err);

#endif
